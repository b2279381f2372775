#!/bin/sh
# The incremental rebuild of `klar serve` (generator/build/session.c): a
# session is opened on a copy of the bundled site, and after each of a
# series of edits (body text, a summary other pages show, a title, a new
# page, the page removed, a layout, a partial, a Lua helper, an asset, front
# matter broken and then fixed, layout and body together) its output
# folder must be byte-identical to a fresh `klar build --no-booklets` of
# the same sources (diff -r). Also checks that a body edit rebuilt only a
# few pages, and that a failed update left the output exactly as it was.
# Needs build/tools/session_drive (make build/tools/session_drive).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin session abs
BUILD=${BUILD:-build}
drive=$top/$BUILD/tools/session_drive
klar=$top/klar
[ -x "$drive" ] || { echo "missing $drive (make $BUILD/tools/session_drive)"; echo "session: 0 passed, 1 failed"; exit 1; }

mkdir -p "$t/site"
cp -r content layouts assets "$t/site/"
cd "$t" || exit 2

# same LABEL: the session's folder against a fresh build of the sources.
cat > same.sh <<'EOS'
rm -rf fresh
if ! "$KLAR" build --no-booklets -q -r site -o fresh 2> fresh.err; then
  echo "DIFF $1 (the fresh build failed)"; cat fresh.err; exit 0
fi
if diff -r out fresh > diff.out 2>&1; then echo "SAME $1"; else echo "DIFF $1"; head -20 diff.out; fi
EOS
# keep: a copy of the output as it is; unchanged LABEL: compare with it.
cat > keep.sh <<'EOS'
rm -rf kept && cp -a out kept
EOS
cat > unchanged.sh <<'EOS'
if diff -r out kept > diff.out 2>&1; then echo "SAME $1"; else echo "DIFF $1"; head -20 diff.out; fi
EOS
export KLAR=$klar
# Files the edits copy in (echo in the script below would mangle their \n).
printf -- '---\ntitle: En ny side\nsummary: Kort om den nye side.\n---\nTekst på [siden](tilgaengelighed.md).\n' > new-page.md
printf '\nfunction session_test_helper() return 1 end\n' > helper.lua
printf '\n.session-test { color: red; }\n' > rule.css
mkdir -p imgs && /usr/bin/python3 "$top/tests/pictures/make-images.py" imgs

# First paragraph of a body (the line after the closing '---') prefixed.
prefix_body() {
  echo "\$ awk -v t='$2' 'n==2 && !done && NF { \$0 = t \" \" \$0; done=1 } /^---\$/ { n++ } { print }' site/content/$1 > x.tmp && mv x.tmp site/content/$1"
}

{
  echo '$ sh same.sh open'
  prefix_body temaer/robusthed.md "Første redigering."
  echo 'update content/temaer/robusthed.md'
  echo '$ sh same.sh body'
  # A page without a summary in its front matter: its first paragraph is
  # the summary its core group's page shows.
  prefix_body forslag/baeredygtig-transport.md "Ny indledning om cykler."
  echo 'update content/forslag/baeredygtig-transport.md'
  echo '$ sh same.sh summary-read-by-another-page'
  echo "\$ sed -i 's/^title: Robusthed\$/title: Robusthed og mod/' site/content/temaer/robusthed.md"
  echo 'update content/temaer/robusthed.md'
  echo '$ sh same.sh title'
  echo '$ cp new-page.md site/content/om/ny-side.md'
  echo 'update content/om/ny-side.md'
  echo '$ sh same.sh new-page'
  echo '$ rm site/content/om/ny-side.md'
  echo 'update content/om/ny-side.md'
  echo '$ sh same.sh removed-page'
  echo "\$ sed -i 's|<div class=\"site-footer__org\">|<div class=\"site-footer__org\"><p>Layout rettet.</p>|' site/layouts/base.xml"
  echo 'update layouts/base.xml'
  echo '$ sh same.sh layout'
  echo "\$ sed -i 's|<h3>|<h3 class=\"rettet\">|' site/layouts/partials/offer-item.xml"
  echo 'update layouts/partials/offer-item.xml'
  echo '$ sh same.sh partial'
  echo '$ cat helper.lua >> site/layouts/lua/helpers.lua'
  echo 'update layouts/lua/helpers.lua'
  echo '$ sh same.sh lua-helper'
  echo '$ cat rule.css >> site/assets/css/site.css'
  echo 'update assets/css/site.css'
  echo '$ sh same.sh asset'
  echo '$ sh keep.sh'
  echo "\$ cp site/content/om/tilgaengelighed.md good.md && sed -i 's/^title: .*/title: [ikke lukket/' site/content/om/tilgaengelighed.md"
  echo 'update content/om/tilgaengelighed.md'
  echo '$ sh unchanged.sh broken-front-matter-keeps-output'
  echo '$ cp good.md site/content/om/tilgaengelighed.md'
  echo 'update content/om/tilgaengelighed.md'
  echo '$ sh same.sh fixed-front-matter'
  # Kept again: the fix saved the file, which moved its lastmod in sitemap.xml.
  echo '$ sh keep.sh'
  prefix_body om/tilgaengelighed.md "[brudt](findes-ikke.md)"
  echo 'update content/om/tilgaengelighed.md'
  echo '$ sh unchanged.sh broken-body-keeps-output'
  echo '$ cp good.md site/content/om/tilgaengelighed.md'
  echo 'update content/om/tilgaengelighed.md'
  echo '$ sh same.sh fixed-body'
  echo "\$ sed -i 's|<p>Layout rettet.</p>|<p>Layout rettet igen.</p>|' site/layouts/base.xml"
  prefix_body temaer/robusthed.md "Anden redigering."
  echo 'update layouts/base.xml content/temaer/robusthed.md'
  echo '$ sh same.sh layout-and-body'
  echo 'update'
  echo '$ sh same.sh everything'
  # Front matter that changes no structure: the page and the readers of
  # its fields render again, the model is not rendered whole.
  echo "\$ sed -i 's/^duration: 45\$/duration: 60/' site/content/tilbud/den-foerste-tid-i-dagplejen.md"
  echo 'update content/tilbud/den-foerste-tid-i-dagplejen.md'
  echo '$ sh same.sh front-matter-field'
  echo "\$ sed -i 's/^summary: At kunne/summary: Om at kunne/' site/content/temaer/robusthed.md"
  echo 'update content/temaer/robusthed.md'
  echo '$ sh same.sh front-matter-summary'
  echo '$ sh keep.sh'
  echo "\$ cp site/content/tilbud/den-foerste-tid-i-dagplejen.md good-offer.md && sed -i '/^duration: 60\$/a varighed: 5' site/content/tilbud/den-foerste-tid-i-dagplejen.md"
  echo 'update content/tilbud/den-foerste-tid-i-dagplejen.md'
  echo '$ sh unchanged.sh schema-error-keeps-output'
  echo '$ cp good-offer.md site/content/tilbud/den-foerste-tid-i-dagplejen.md'
  echo 'update content/tilbud/den-foerste-tid-i-dagplejen.md'
  echo '$ sh same.sh schema-error-fixed'
  # An editor's hidden swap file is no part of the site.
  echo '$ echo x > site/content/temaer/.robusthed.md.swp'
  echo 'update content/temaer/.robusthed.md.swp'
  echo '$ rm site/content/temaer/.robusthed.md.swp'
  # A photo added beside a page (a new file: the full way), then written
  # into the page's body (the body way): its sizes are made either way.
  echo '$ cp imgs/udsigt.jpg site/content/om/udsigt.jpg'
  echo 'update content/om/udsigt.jpg'
  echo '$ sh same.sh picture-file'
  prefix_body om/tilgaengelighed.md "![Udsigt over marker](udsigt.jpg)"
  echo 'update content/om/tilgaengelighed.md'
  echo '$ sh same.sh picture-body'
} > script

"$drive" site out < script > drive.out 2> drive.err
cat drive.out

for label in open body summary-read-by-another-page title new-page removed-page layout partial lua-helper asset \
             broken-front-matter-keeps-output fixed-front-matter broken-body-keeps-output fixed-body \
             layout-and-body everything front-matter-field front-matter-summary schema-error-keeps-output \
             schema-error-fixed picture-file picture-body; do
  if grep -qx "SAME $label" drive.out; then ok "$label"; else no "$label"; fi
done

# The updates themselves: which way each took.
n=0
while read -r what status rest; do
  [ "$what" = "update:" ] || continue
  n=$((n + 1))
  eval "u$n='$status $rest'"
done < drive.out
check() { # N WANT-STATUS WANT-FULL LABEL [MAX-REBUILT]
  eval "line=\$u$1"
  st=${line%% *}
  full=$(echo "$line" | sed -n 's/.*full=\([01]\).*/\1/p')
  reb=$(echo "$line" | sed -n 's/.*rebuilt=\([0-9]*\).*/\1/p')
  if [ "$st" = "$2" ] && [ "$full" = "$3" ] && { [ -z "${5:-}" ] || [ "$reb" -le "$5" ]; }; then ok "$4"
  else no "$4 (update $1: $line)"; fi
}
check 1 ok 0 "a body edit renders only its page and its readers" 3
check 2 ok 0 "a summary edit renders its readers too" 6
check 3 ok 1 "a title edit rebuilds the model"
check 6 ok 0 "a layout edit does not rebuild the model"
check 7 ok 0 "a partial edit renders only its users" 40
check 4 ok 1 "a new page rebuilds the model"
check 9 ok 1 "an asset edit with a new fingerprint rebuilds"
if [ -f out/om/ny-side/index.html ]; then no "the removed page's output is gone"; else ok "the removed page's output is gone"; fi
if ls out/css/site.*.css | grep -q .; then ok "the asset is there"; else no "the asset is there"; fi
[ "$(ls out/css/site.*.css | wc -l)" -eq 1 ] && ok "the old asset is gone" || no "the old asset is gone"
check 10 failed 0 "broken front matter fails"
check 12 failed 0 "a broken body fails"
check 14 ok 0 "layout and body together"
check 16 ok 0 "a front matter field renders its page and its readers" 60
check 17 ok 0 "a front matter summary renders its page and its readers" 60
check 18 failed 0 "a schema error fails"
check 20 ok 0 "a hidden file changes nothing" 0
if grep -q "tilgaengelighed.md:[0-9]*:[0-9]*: error" drive.err; then ok "errors name file:line:col"; else no "errors name file:line:col"; fi
if ls -a . | grep -q 'out.session-'; then no "no private folder left behind"; else ok "no private folder left behind"; fi
echo "session: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
