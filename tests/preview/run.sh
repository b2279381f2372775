#!/bin/sh
# The booklet preview (klar booklets --preview DIR, the /_klar/booklets/ of
# klar serve) on a copy of the bundled site in tests/out/preview:
#   pages     a pixi's 24 pages as PNG files that decode (Cairo's libpng,
#             tests/tools/pngcmp) at 756 x 756, twice CSS pixel size
#   html      the pages as reader spreads (1, 2-3, ..., 24), alt "Side N",
#             image URLs versioned by their pixels; the list of booklets
#   engine    each page matches the reader PDF's page rendered at the same
#             size (pdftocairo: all but equal; pdftoppm, another
#             rasteriser: a small difference), and a different page does
#             not, so the comparison can fail
#   problems  a page that runs over, an empty page, pages past the 24 and
#             a cover whose texts run off it: marked on their pages and
#             warned about with the file and line
#   reload    after an edit only the changed pages get new files and URLs;
#             a file names the booklets that use it
#   browser   the pages in Chromium: images load, axe-core finds no WCAG 2.1
#             AA violation, a phone needs no sideways scrolling, the marks
#             show (tests/preview/browser.mjs)
# Ends with "preview: N passed, N failed".
top=$(cd "$(dirname "$0")/../.." && pwd)
klar=${KLAR:-$top/klar}
. "$top/tests/lib.sh"
suite_begin preview abs
pngcmp=$top/${BUILD:-build}/tools/pngcmp
[ -x "$pngcmp" ] || { no "pngcmp is built (make ${BUILD:-build}/tools/pngcmp)"; echo "preview: $pass passed, $fail failed"; exit 1; }

site=$t/site out=$t/out
mkdir -p "$site"
cp -r content layouts assets "$site/"
cp tests/preview/tom.xml tests/preview/tom-fri.xml "$site/layouts/print/"
cp tests/preview/tom-test.md "$site/content/strategi/"
cat tests/preview/booklets.yaml >> "$site/content/site.yaml"
pixi=$out/_klar/booklets/pixi-3-6-aar
md=$site/content/pixi/pixi-3-6-aar.md
cp "$md" "$t/pixi.orig"

# preview [NAME...]: klar booklets --preview OUT in the site; log in $t/log.
preview() { (cd "$site" && "$klar" booklets -q --preview "$out" "$@") > "$t/log" 2>&1; }
# The attribute-free text of page N's <figure> in a booklet's HTML.
figure() { grep -o "<figure [^>]*id=\"side-$2\".*</figure>" "$1/index.html" | sed 's|</figure>.*||'; }
version() { grep -o "p$(printf %02d "$2")\.png?v=[0-9a-f]*" "$1/index.html" | sed 's/.*v=//'; }

# ------------------------------------------------------------------ pages
preview pixi-3-6-aar
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$t/log" ]; then ok "a pixi's preview: exit 0, no message"
else no "a pixi's preview: exit $rc"; cat "$t/log"; fi
n=$(ls "$pixi"/p*.png 2>/dev/null | wc -l)
[ "$n" -eq 24 ] && ok "24 page images" || no "24 page images (found $n)"
sizes=$("$pngcmp" size "$pixi"/p*.png 2>&1 | sort | uniq -c | awk '{print $1, $2, $3}')
[ "$sizes" = "24 756 756" ] && ok "every image decodes at 756 x 756" || no "every image decodes at 756 x 756: $sizes"
# The PNG signature and an IHDR of 756 x 756, 8-bit RGB, read from the bytes.
head=$(od -An -tx1 -N 26 "$pixi/p01.png" | tr -d ' \n')
[ "$head" = "89504e470d0a1a0a0000000d49484452000002f4000002f40802" ] && ok "p01.png: PNG signature and IHDR" \
  || no "p01.png: PNG signature and IHDR ($head)"

# ------------------------------------------------------------------- html
html=$pixi/index.html
alts=$(grep -o 'alt="Side [0-9]*"' "$html" | wc -l)
[ "$alts" -eq 24 ] && ok "24 images with alt \"Side N\"" || no "24 images with alt \"Side N\" ($alts)"
spreads=$(grep -o 'class="spread" role="group" aria-label="[^"]*"' "$html" | sed 's/.*label="//; s/"$//' | tr '\n' ',')
want="Side 1,"
i=2
while [ $i -lt 24 ]; do want="${want}Side $i–$((i + 1)),"; i=$((i + 2)); done
want="${want}Side 24,"
[ "$spreads" = "$want" ] && ok "reader spreads 1, 2–3, …, 22–23, 24" || no "reader spreads: $spreads"
grep -q 'src="p05.png?v=[0-9a-f]\{12\}"' "$html" && ok "image URLs carry a version" || no "image URLs carry a version"
grep -q 'class="page[^"]*problem' "$html" && no "the bundled pixi has a page marked" || ok "the bundled pixi has no page marked"
grep -q '<html lang="da">' "$html" && grep -q 'Ingen problemer' "$html" && ok "Danish page, no problems" \
  || no "Danish page, no problems"
idx=$out/_klar/booklets/index.html
grep -q '<a href="pixi-3-6-aar/">KLAR til Læring – 3–6 år</a>' "$idx" && ok "the list links the booklet" \
  || no "the list links the booklet"
grep -q '<code class="name">pixi-3-6-aar</code></td><td class="n">24</td><td>ingen</td>' "$idx" && ok "the list gives pages and problems" \
  || no "the list gives pages and problems"
grep -q 'ikke tegnet endnu' "$idx" && ok "booklets not drawn yet are listed as such" || no "booklets not drawn yet are listed as such"

# ----------------------------------------------------------------- engine
(cd "$site" && "$klar" booklets -q --out "$t/pdf" pixi-3-6-aar) > "$t/pdf.log" 2>&1 || { no "the reader PDF is made"; cat "$t/pdf.log"; }
pdf=$t/pdf/booklets/pixi-3-6-aar.pdf
for p in 1 2 4 5 19 23 24; do
  pp=$(printf %02d $p)
  pdftocairo -r 192 -f $p -l $p -png "$pdf" "$t/c" && pdftoppm -r 192 -f $p -l $p -png "$pdf" "$t/s"
  set -- $("$pngcmp" diff "$pixi/p$pp.png" "$t/c-$pp.png") $("$pngcmp" diff "$pixi/p$pp.png" "$t/s-$pp.png")
  if awk -v m="$1" -v f="$2" -v sm="$3" -v sf="$4" 'BEGIN { exit !(m < 0.1 && f < 0.001 && sm < 6 && sf < 0.03) }'; then
    ok "page $p is the PDF's page (pdftocairo: mean $1, far $2; pdftoppm: mean $3, far $4)"
  else
    no "page $p is the PDF's page (pdftocairo: mean $1, far $2; pdftoppm: mean $3, far $4)"
  fi
done
pdftocairo -r 192 -f 5 -l 5 -png "$pdf" "$t/c"
set -- $("$pngcmp" diff "$pixi/p04.png" "$t/c-05.png")
awk -v m="$1" -v f="$2" 'BEGIN { exit !(m >= 0.1 || f >= 0.001) }' && ok "page 4 is not the PDF's page 5 (mean $1, far $2)" \
  || no "page 4 is not the PDF's page 5 (mean $1, far $2)"

# ------------------------------------------------- overflow, blank, reload
v1=$(version "$pixi" 1) v5=$(version "$pixi" 5)
t1=$(stat -c %Y.%y "$pixi/p01.png")
# Three paragraphs more under Robusthed's "Det kan I gøre" (page 5): lines
# 29, 31 and 33; the next theme's heading moves to line 35.
awk 'NR == 28 { print; print "Læg mærke til, hvad barnet selv foreslår, når noget går galt, og giv det tid til at prøve sin egen idé, før I hjælper."; print ""; print "Fortæl barnet, at det er helt almindeligt at blive skuffet, og at skuffelsen går over igen, når man har prøvet en gang til."; print ""; print "Ros barnet for at blive ved, ikke for at vinde: det er viljen til at prøve igen, der gør barnet robust i det lange løb, også i skolen."; print ""; next } { print }' \
  "$t/pixi.orig" > "$md"
sleep 1
preview content/pixi/pixi-3-6-aar.md
rc=$?
grep -Eq "^content/pixi/pixi-3-6-aar.md:(29|31|33):[0-9]+: warning: page 5 of booklet 'pixi-3-6-aar' runs over: the text from here on does not fit on it and goes on to page 6" "$t/log" \
  && [ "$rc" -eq 0 ] && ok "overflow warned with the file and line (exit 0)" || { no "overflow warned with the file and line (exit $rc)"; cat "$t/log"; }
grep -Eq "^content/pixi/pixi-3-6-aar.md:35:1: warning: page 7 of booklet 'pixi-3-6-aar' is empty: this text starts on page 8" "$t/log" \
  && ok "the empty page it leaves warned with the next theme's line" || { no "the empty page it leaves warned"; cat "$t/log"; }
figure "$pixi" 5 | grep -q 'class="page right problem".*<span class="label">Løber over</span>' && ok "page 5 marked Løber over" \
  || no "page 5 marked Løber over: $(figure "$pixi" 5)"
figure "$pixi" 7 | grep -q 'class="page right problem".*<span class="label">Tom side</span>' && ok "page 7 marked Tom side" \
  || no "page 7 marked Tom side: $(figure "$pixi" 7)"
figure "$pixi" 4 | grep -q 'problem' && no "page 4 is not marked" || ok "page 4 is not marked"
grep -q '<code class="name">pixi-3-6-aar</code></td><td class="n">24</td><td><strong>2</strong></td>' "$idx" && ok "the list counts 2 problems" \
  || no "the list counts 2 problems"
(cd "$site" && "$klar" booklets --preview "$out" content/pixi/pixi-3-6-aar.md 2>/dev/null | grep -q "drew the preview of 1 booklet") \
  && ok "a file names the one booklet that uses it" || no "a file names the one booklet that uses it"
[ "$(version "$pixi" 1)" = "$v1" ] && [ "$(stat -c %Y.%y "$pixi/p01.png")" = "$t1" ] && ok "page 1 unchanged: same URL, file not rewritten" \
  || no "page 1 unchanged: same URL, file not rewritten"
[ "$(version "$pixi" 5)" != "$v5" ] && ok "page 5 changed: a new URL" || no "page 5 changed: a new URL"
# The preview draws it with warnings; the PDF refuses it: text that runs
# over a planned page and the empty page it leaves are errors there.
(cd "$site" && "$klar" booklets -q --out "$t/pdf" pixi-3-6-aar) > "$t/pdf.log" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "error: page 5 of booklet 'pixi-3-6-aar' runs over" "$t/pdf.log" &&
  grep -q "error: page 7 of booklet 'pixi-3-6-aar' is empty" "$t/pdf.log" && ok "the PDF refuses it with the same words as errors (exit 1)" \
  || { no "the PDF refuses it with the same words as errors (exit $rc)"; cat "$t/pdf.log"; }

# In Chromium: no console errors, the images load, no WCAG 2.1 AA violation,
# fits a phone, pages 5 and 7 outlined in red (tests/preview/browser.mjs).
if [ -d tests/browser/node_modules/playwright-core ] && command -v node >/dev/null; then
  node tests/preview/browser.mjs "$out/_klar/booklets" "$t" > "$t/browser.out" 2>&1
  while IFS= read -r line; do
    case $line in
    "ok "*) ok "browser: ${line#ok }" ;;
    "FAIL "*) no "browser: ${line#FAIL }" ;;
    esac
  done < "$t/browser.out"
  grep -q "^preview-browser: " "$t/browser.out" || { no "browser: the checks ran"; tail -n 5 "$t/browser.out"; }
else
  no "browser: Chromium and the Node packages are installed (make test-deps)"
fi
vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null; then
  java -jar "$vnu" --errors-only "$idx" "$pixi/index.html" > "$t/vnu.txt" 2>&1 && ok "Nu HTML checker: no errors in the list and the booklet page" \
    || { no "Nu HTML checker: no errors in the list and the booklet page"; head -n 10 "$t/vnu.txt"; }
else
  no "the Nu HTML checker is installed (make test-deps)"
fi

# ---------------------------------------------------------------- overrun
awk 'NR == 28 { print; for (i = 1; i <= 40; i++) { print "Endnu et afsnit, som gør hæftet længere, end der er plads til i en pixi-bog på fireogtyve sider."; print "" } next } { print }' \
  "$t/pixi.orig" > "$md"
preview pixi-3-6-aar
rc=$?
grep -Eq "^content/site.yaml:[0-9]+:[0-9]+: warning: booklet 'pixi-3-6-aar' needs ([3-9][0-9]) pages, but layout layouts/print/pixi.xml has room for 24" "$t/log" \
  && [ "$rc" -eq 0 ] && ok "overrun warned at the booklet's declaration (exit 0)" || { no "overrun warned (exit $rc)"; cat "$t/log"; }
n=$(ls "$pixi"/p*.png | wc -l)
[ "$n" -gt 24 ] && ok "every page drawn ($n)" || no "every page drawn ($n)"
figure "$pixi" 25 | grep -q '<span class="label">For mange sider</span>' && figure "$pixi" $n | grep -q 'For mange sider' \
  && ok "pages 25-$n marked For mange sider" || no "pages 25-$n marked For mange sider"
figure "$pixi" 24 | grep -q 'For mange sider' && no "page 24 is not too many" || ok "page 24 is not too many"
(cd "$site" && "$klar" booklets -q --out "$t/pdf" pixi-3-6-aar) > "$t/pdf.log" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "error: booklet 'pixi-3-6-aar' needs" "$t/pdf.log" && ok "the PDF still refuses it (exit 1)" || no "the PDF still refuses it (exit $rc)"
cp "$t/pixi.orig" "$md"
preview pixi-3-6-aar
n=$(ls "$pixi"/p*.png | wc -l)
[ "$n" -eq 24 ] && ok "pages past the end removed when it shrinks" || no "pages past the end removed when it shrinks ($n)"

# ---------------------------------------------------- blank pages, covers
preview tom-test tom-fri lang-forside
grep -Eq "^content/strategi/tom-test.md:10:1: warning: page 4 of booklet 'tom-test' is empty" "$t/log" \
  && ok "a planned layout: the page a right-hand start leaves empty is warned" || { no "empty page in a planned layout"; cat "$t/log"; }
figure "$out/_klar/booklets/tom-test" 4 | grep -q 'class="page left problem".*Tom side' && ok "... and marked Tom side" \
  || no "... and marked Tom side"
grep -q "tom-fri" "$t/log" && no "a layout without fit: no warning" || ok "a layout without fit: no warning"
grep -q 'class="page[^"]*problem' "$out/_klar/booklets/tom-fri/index.html" && no "... and no mark" || ok "... and no mark"
line=$(grep -n "subtitle: Et meget langt navn" "$site/content/site.yaml" | cut -d: -f1)
grep -Eq "^content/site.yaml:$line:15: warning: the texts of page 1 of booklet 'lang-forside' are taller than its text area" "$t/log" \
  && ok "cover texts running off the page warned at the subtitle" || { no "cover texts running off the page warned"; cat "$t/log"; }
figure "$out/_klar/booklets/lang-forside" 1 | grep -q 'Løber over' && ok "... and the cover marked Løber over" \
  || no "... and the cover marked Løber over"

# Which booklets a changed file redraws: none for the site's style sheet,
# every one for a print layout.
all=$(grep -c '^  - name: ' "$site/content/site.yaml")
(cd "$site" && "$klar" booklets --preview "$out" assets/css/site.css 2>/dev/null) | grep -q "drew the preview of 0 booklets" \
  && ok "a style sheet of the site redraws no booklet" || no "a style sheet of the site redraws no booklet"
(cd "$site" && "$klar" booklets --preview "$out" layouts/print/pixi.xml 2>/dev/null) | grep -q "drew the preview of $all booklets" \
  && ok "a print layout redraws all $all booklets" || no "a print layout redraws all $all booklets"

# ------------------------------------------------------------- mistakes
sed 's/<content fit="page"\/>/<content fit="side"\/>/' tests/preview/tom.xml > "$site/layouts/print/tom.xml"
preview tom-test
rc=$?
grep -Eq "^layouts/print/tom.xml:14:14: error: fit must be 'page'" "$t/log" && [ "$rc" -eq 1 ] \
  && ok "fit=\"side\": an error at the attribute" || { no "fit=\"side\": an error at the attribute (exit $rc)"; cat "$t/log"; }
grep -q '<code class="name">tom-test</code></td><td colspan="2"><strong>kunne ikke tegnes</strong>' "$idx" \
  && ok "... and the list says the booklet could not be drawn" || no "... and the list says the booklet could not be drawn"
(cd "$site" && "$klar" booklets -q --preview content) > "$t/log" 2>&1
rc=$?
[ "$rc" -eq 2 ] && [ ! -e "$site/content/_klar" ] && ok "--preview content refused (exit 2)" || no "--preview content refused (exit $rc)"

echo "preview: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
