#!/bin/sh
# The web's conventions (issue 9, point 4): pages held back until their
# publish day, and (on the demo site) what every page's <head> carries.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin conventions
KLAR=${KLAR:-./klar}

# ---- 1. A news item dated later than "today" is held back.
# The fixture site with a news item dated 2030-01-15 and a news type whose
# date is its publication day; SOURCE_DATE_EPOCH says which day today is.
site=$t/site
cp -r tests/fixture "$site"
rm -rf "$site/public"
cp tests/conventions/future-news.md "$site/content/nyheder/2030-fremtid.md"
sed -i 's/^  news:$/  news:\n    publish_on_date: true/' "$site/content/site.yaml"
held() { # $1 output folder: prints where the future item shows
  [ -e "$1/nyheder/2030-fremtid/index.html" ] && echo page
  grep -q '2030-fremtid' "$1/nyheder/index.html" 2>/dev/null && echo list
  grep -q '2030-fremtid' "$1/feed.xml" 2>/dev/null && echo feed
  grep -q '2030-fremtid' "$1/sitemap.xml" 2>/dev/null && echo sitemap
  grep -rlq '2030-fremtid' "$1/emner" 2>/dev/null && echo terms
  for f in "$1"/search/* "$1"/_search/*; do [ -f "$f" ] && grep -q 'fremtiden' "$f" && echo search; done
}
before=1893456000 # 2030-01-01
after=1895000000  # 2030-01-18
SOURCE_DATE_EPOCH=$before "$KLAR" build -q -B -j 2 --root "$site" --out "$t/held" 2>"$t/held.err"
w=$(held "$t/held" | tr '\n' ' ')
if [ -z "$w" ] && [ -f "$t/held/nyheder/2017-jul/index.html" ]; then ok "a news item dated after SOURCE_DATE_EPOCH is left out everywhere"
else no "the future news item shows in: $w$(cat "$t/held.err")"; fi
SOURCE_DATE_EPOCH=$before "$KLAR" build -q -B -j 2 --future --root "$site" --out "$t/future" 2>"$t/future.err"
w=$(held "$t/future" | tr '\n' ' ')
if [ "$w" = "page list feed sitemap terms " ]; then ok "--future puts it on its page, list, feed, sitemap and terms"
else no "--future: the item shows in '$w'"; fi
SOURCE_DATE_EPOCH=$after "$KLAR" build -q -B -j 2 --root "$site" --out "$t/later" 2>"$t/later.err"
if [ -e "$t/later/nyheder/2030-fremtid/index.html" ]; then ok "on its day it is published by itself"
else no "after its date the news item is still held back"; fi

# klar check names it as a note, not an error.
SOURCE_DATE_EPOCH=$before "$KLAR" check -B --root "$site" >"$t/check.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '2030-fremtid.md:3:7: note: this page is held back until 2030-01-15' "$t/check.out" &&
   grep -q ' 0 errors' "$t/check.out"; then ok "klar check notes the held-back page at its date"
else cat "$t/check.out"; no "klar check on a held-back page (exit $rc)"; fi

# A link to it from a published page is an error with its position.
printf '\nSe [den kommende nyhed](../nyheder/2030-fremtid.md).\n' >> "$site/content/om/kontakt.md"
SOURCE_DATE_EPOCH=$before "$KLAR" check -B --root "$site" >"$t/link.out" 2>&1
rc=$?
line=$(grep -n 'kommende nyhed' "$site/content/om/kontakt.md" | cut -d: -f1)
if [ $rc -eq 1 ] && grep -q "content/om/kontakt.md:$line:4: error: broken link to '../nyheder/2030-fremtid.md': that page is held back until 2030-01-15" "$t/link.out"; then
  ok "a link to a held-back page is an error at its position"
else cat "$t/link.out"; no "a link to a held-back page (exit $rc)"; fi
SOURCE_DATE_EPOCH=$before "$KLAR" check -B --future --root "$site" >"$t/link2.out" 2>&1 &&
  ok "with --future the link is fine" || { cat "$t/link2.out"; no "with --future the link still fails"; }
sed -i '/kommende nyhed/d' "$site/content/om/kontakt.md"
# A publish: day holds back a page of any type, a conference-like date does not.
cat > "$site/content/om/senere.md" <<'MD'
---
title: Kommer senere
publish: 2030-01-10
---
Tekst.
MD
sed -i 's/^date: .*/date: 2031-05-01/' "$site/content/temaer/robusthed.md" 2>/dev/null
SOURCE_DATE_EPOCH=$before "$KLAR" build -q -B -j 2 --root "$site" --out "$t/pub" 2>"$t/pub.err"
if [ ! -e "$t/pub/om/senere/index.html" ] && [ -e "$t/pub/temaer/robusthed/index.html" ]; then
  ok "publish: holds a plain page back; the date of a type without publish_on_date does not"
else no "publish: / dates of other types"; cat "$t/pub.err"; fi

# ---- 2. The demo site: every page's <head>, the icons, the share cards.
SOURCE_DATE_EPOCH=1785000000 "$KLAR" build -q -B -j 2 --out "$t/demo" 2>"$t/demo.err" || { cat "$t/demo.err"; no "the demo site builds"; }
if python3 tests/conventions/head.py "$t/demo" > "$t/head.out"; then
  ok "every page has title, description, canonical, Open Graph with its card, the feed and the icons"
else grep FAIL "$t/head.out"; no "the <head> of the demo pages"; fi
# One card per type, named by what it is drawn from; a second build links
# them from the first instead of drawing them again, and they are the same.
cards=$(ls "$t/demo/og/" 2>/dev/null | wc -l)
types=$(sed -n '/^types:/,/^[a-z]/p' content/site.yaml | grep -c '^  [a-z_]*:$')
if [ "$cards" -eq $((types + 1)) ]; then ok "a share card per type and one for the rest ($cards)"
else no "share cards: $cards for $types types"; fi
cp -r "$t/demo" "$t/demo1"
SOURCE_DATE_EPOCH=1785000000 "$KLAR" build -q -B -j 1 --out "$t/demo" 2>>"$t/demo.err"
same=0
for f in "$t/demo1/og/"*.png "$t/demo1/favicon.ico" "$t/demo1/apple-touch-icon.png"; do
  cmp -s "$f" "$t/demo/${f#$t/demo1/}" && same=$((same + 1))
done
if [ "$same" -eq $((cards + 2)) ]; then ok "icons and cards are the same bytes in the next build"
else no "icons and cards differ between builds ($same of $((cards + 2)) the same)"; fi
i2=$(stat -c %i "$t/demo/og/pixi."*.png)
SOURCE_DATE_EPOCH=1785000000 "$KLAR" build -q -B -j 1 --out "$t/demo" 2>>"$t/demo.err"
i3=$(stat -c %i "$t/demo/og/pixi."*.png)
if [ "$i2" = "$i3" ]; then ok "a rebuild links the cards of the previous output"
else no "a rebuild drew the cards again"; fi

# The video's poster: width, height, a srcset of JPEGs and one of WebPs
# made at build time, every file there; linked, not made, again.
fig=$(grep -o '<figure class="video".*</figure>' "$t/demo/strategi/forebyggelsesstrategi-2018/index.html")
files=$(echo "$fig" | grep -o '/video/[^ ",]*' | sort -u)
missing=0 webps=0
for f in $files; do
  [ -s "$t/demo$f" ] || missing=$((missing + 1))
  case $f in *.webp) head -c 12 "$t/demo$f" | tail -c 4 | grep -q WEBP && webps=$((webps + 1)) ;; esac
done
if echo "$fig" | grep -q '<picture><source type="image/webp" srcset="[^"]* 480w, [^"]* 960w, [^"]* 1280w"' &&
   echo "$fig" | grep -q '<img srcset="[^"]*-480\.[0-9a-f]*\.jpg 480w, [^"]*" sizes="[^"]*" src="[^"]*" alt="" width="1280" height="720" loading="lazy"></picture>' &&
   [ "$missing" -eq 0 ] && [ "$webps" -eq 3 ]; then ok "the video poster has width, height, srcset and WebP sources, all made"
else no "the video poster's picture ($missing files missing, $webps WebP): $fig"; fi
w1=$(stat -c %i "$t/demo/video/"*-480.*.webp)
SOURCE_DATE_EPOCH=1785000000 "$KLAR" build -q -B -j 1 --out "$t/demo" 2>>"$t/demo.err"
w2=$(stat -c %i "$t/demo/video/"*-480.*.webp)
[ "$w1" = "$w2" ] && ok "a rebuild links the poster's sizes of the previous output" || no "a rebuild made the poster's sizes again"

# ---- 3. sitemap.xml's lastmod: when the source last changed, never later
# than today, never the page's date.
g=$t/git
cp -r tests/fixture "$g"
rm -rf "$g/public"
lastmod() { grep -o "<loc>[^<]*/$1/</loc><lastmod>[^<]*" "$g/out/sitemap.xml" | sed 's/.*<lastmod>//'; }
(cd "$g" && git init -q && git add -A &&
  GIT_COMMITTER_DATE=2020-01-02T03:04:05Z GIT_AUTHOR_DATE=2020-01-02T03:04:05Z \
  git -c user.email=test@example.dk -c user.name=Test commit -qm fixture) || no "a git repository for the fixture"
now=1785000000 # 2026-07-25T17:20:00Z
SOURCE_DATE_EPOCH=$now "$KLAR" build -q -B -j 2 --root "$g" --out "$g/out" 2>"$t/git.err"
a=$(lastmod 2017-jul) b=$(lastmod robusthed)
if [ "$a" = 2020-01-02T03:04:05Z ] && [ "$b" = 2020-01-02T03:04:05Z ]; then ok "lastmod is the last commit of the file, not its date"
else no "lastmod from git: '$a' '$b'"; fi
# An edit not yet committed: the file's time; one from the future: today.
printf '\nEn rettelse.\n' >> "$g/content/temaer/robusthed.md"
touch -d '2021-05-06 07:08:09 UTC' "$g/content/temaer/robusthed.md"
printf '\nEn anden.\n' >> "$g/content/om/kontakt.md"
touch -d '2035-01-01 00:00:00 UTC' "$g/content/om/kontakt.md"
SOURCE_DATE_EPOCH=$now "$KLAR" build -q -B -j 2 --root "$g" --out "$g/out" 2>>"$t/git.err"
a=$(lastmod robusthed) b=$(lastmod kontakt-os) c=$(lastmod fordybelse-og-nysgerrighed)
if [ "$a" = 2021-05-06T07:08:09Z ] && [ "$b" = 2026-07-25T17:20:00Z ] && [ "$c" = 2020-01-02T03:04:05Z ]; then
  ok "an edited file's lastmod follows it, clamped to SOURCE_DATE_EPOCH"
else no "lastmod after edits: '$a' '$b' '$c'"; cat "$t/git.err"; fi
# Without git: the files' times.
rm -rf "$g/.git"
touch -d '2019-09-09 09:09:09 UTC' "$g/content/nyheder/2017-jul/index.md"
SOURCE_DATE_EPOCH=$now "$KLAR" build -q -B -j 2 --root "$g" --out "$g/out" 2>>"$t/git.err"
a=$(lastmod 2017-jul)
if [ "$a" = 2019-09-09T09:09:09Z ] && ! grep -q '<lastmod>20[3-9]' "$g/out/sitemap.xml"; then ok "without git the file's time, none in the future"
else no "lastmod without git: '$a'"; fi

echo "conventions: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
