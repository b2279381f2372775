#!/bin/sh
# The pictures of Markdown pages (image/picture.c), on a copy of the fixture
# site with a page of images drawn by make-images.py (PIL, no binary file in
# the repository): sizes, srcset widths, WebP for photos only, every file
# decoded by PIL (check.py); the second build links the unchanged files
# from the first (same inode), a changed image gets new names; an image
# reached through a link that leads out of the site is an error.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin pictures
klar="$top/klar"
py=/usr/bin/python3 # Debian's, with python3-pil
site=$t/site
cp -r tests/fixture "$site"
mkdir -p "$site/content/billeder" "$site/assets/illustrationer"
$py tests/pictures/make-images.py "$site/content/billeder" || no "make-images.py"
cp "$site/content/billeder/lille.jpg" "$site/assets/illustrationer/mark.jpg"
cat > "$site/content/billeder/index.md" <<'MD'
---
title: Billeder
---
Et foto fra udsigten:

![Udsigt over marker og skov](udsigt.jpg "Udsigten fra bakken")

Et lille foto ![Lille udsigt](lille.jpg) midt i teksten.

![Et foto taget med telefonen på højkant](telefon.jpg)

![Et foto gemt som PNG](foto.png)

![Logoet: en blå flade med en rød cirkel](tegning.png)

![Søjlediagram med fem søjler](diagram.png)

![Et kort med mange farvede prikker](kort.png)

![pynt](../nyheder/2017-jul/spor.svg)
MD
cat > "$site/content/om/mark.md" <<'MD'
---
title: Marken
---
![En mark fra assets](/assets/illustrationer/mark.jpg)
MD

build() { (cd "$site" && "$klar" build -j 2 > "$top/$t/build.out" 2>&1); }

if build; then ok "build"; else no "build"; cat "$t/build.out"; fi
page=$site/public/billeder/index.html
if $py tests/pictures/check.py "$site/public" "$page" "$site/content/billeder" > "$t/check.out" 2>&1; then
  ok "check.py: $(grep -c '^ok' "$t/check.out") checks of sizes, srcsets and files"
else
  no "check.py"
  grep -v '^ok' "$t/check.out"
fi
grep -q '<img src="/klar/nyheder/2017-jul/spor.svg" width="40" height="10" alt="" loading="lazy" decoding="async">' "$page" &&
  ok "SVG: size from its root, decorative ![pynt] has alt=\"\"" || no "SVG: size from its root, decorative alt"
grep -q '<source type="image/webp" srcset="/klar/illustrationer/mark-300\.[0-9a-f]*\.webp 300w"' "$site/public/om/mark/index.html" &&
  ls "$site"/public/illustrationer/mark-300.*.jpg > /dev/null 2>&1 &&
  ok "an /assets/ image gets its files beside the asset" || no "an /assets/ image gets its files beside the asset"

# The second build: the files come from the first (hard links: same inode).
inodes() { (cd "$site/public/billeder" && ls -i ./*-[0-9]*.* | sort -k2); }
inodes > "$t/inodes1"
sed -i 's/midt i teksten/inde i teksten/' "$site/content/billeder/index.md"
build || no "second build"
inodes > "$t/inodes2"
n=$(wc -l < "$t/inodes1")
if [ "$n" -ge 15 ] && cmp -s "$t/inodes1" "$t/inodes2"; then
  ok "second build reuses all $n unchanged files"
else
  no "second build reuses the unchanged files"
  diff "$t/inodes1" "$t/inodes2" | head
fi
# A changed photo: new names, the old files gone, the others still linked.
$py -c "from PIL import Image; Image.open('$site/content/billeder/udsigt.jpg').save('$site/content/billeder/udsigt.jpg', quality=60)"
old=$(cd "$site/public/billeder" && ls udsigt-480.*.jpg)
build || no "build after a changed photo"
new=$(cd "$site/public/billeder" && ls udsigt-480.*.jpg)
[ -n "$new" ] && [ "$new" != "$old" ] && [ ! -e "$site/public/billeder/$old" ] &&
  grep -q "$new" "$page" && ok "a changed photo gets new names ($old → $new)" || no "a changed photo gets new names"
grep -v udsigt "$t/inodes1" > "$t/kept1"
inodes | grep -v udsigt > "$t/kept3"
cmp -s "$t/kept1" "$t/kept3" && ok "the other pictures' files are still the first build's" ||
  no "the other pictures' files are still the first build's"

# An image reached through a link that leads out of the site.
cp -r "$site" "$t/out-site"
rm -rf "$t/out-site/public"
$py tests/pictures/make-images.py "$t" 2> /dev/null
ln -s "$top/$t/udsigt.jpg" "$t/out-site/content/billeder/ude.jpg"
printf '\n![Et billede udenfor](ude.jpg)\n' >> "$t/out-site/content/billeder/index.md"
(cd "$t/out-site" && "$klar" build -j 2 > /dev/null 2> "$top/$t/out.err")
rc=$?
[ "$rc" -eq 1 ] && grep -q 'content/billeder/ude.jpg.*outside\|content/billeder/ude.jpg.*leads' "$t/out.err" &&
  [ ! -e "$t/out-site/public" ] && ok "an image linked from outside the site is an error" ||
  { no "an image linked from outside the site is an error (exit $rc)"; cat "$t/out.err"; }

# A drawing over 1 MB is offered as it is, with a warning that says so.
cp -r "$site" "$t/big-site"
rm -rf "$t/big-site/public"
$py -c "
import random; from PIL import Image
Image.frombytes('RGBA', (800, 600), random.Random(1).randbytes(800 * 600 * 4)).save('$t/big-site/content/om/stoej.png')"
printf '\n![Støj](stoej.png)\n' >> "$t/big-site/content/om/mark.md"
(cd "$t/big-site" && "$klar" build -j 2 > /dev/null 2> "$top/$t/big.err")
rc=$?
grep -q "^content/om/mark.md:6:1: warning: the PNG image 'stoej.png' is 18[0-9][0-9] kB" "$t/big.err" && [ "$rc" -eq 0 ] &&
  ok "a drawing over 1 MB: a warning at its position" || { no "a drawing over 1 MB: a warning (exit $rc)"; cat "$t/big.err"; }

echo "pictures: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
