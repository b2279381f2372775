#!/bin/sh
# A quick build loses nothing: `klar build --no-booklets` makes no PDF but
# keeps the booklets of the previous build in the output (hard links, byte
# for byte) and links them from the pages with the same size and page
# count, so its output is the full build's, file for file.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin quick
export SOURCE_DATE_EPOCH=1785000000
KLAR=${KLAR:-./klar}
pixi=pixi/pixi-3-6-aar/index.html

# The PDF button of a pixi page: its link, accessible name and its "(24 sider, … kB)".
button() { grep -o '<a class="button"[^>]*href="[^"]*\.pdf"[^>]*><span>Hent som PDF</span> <span class="button__meta">[^<]*' "$1" 2>/dev/null; }

# 1. A full build, then a quick one over it.
"$KLAR" build -q -j 2 --out "$t/out" 2>"$t/full.err" || { cat "$t/full.err"; no "the full build"; }
cp -a "$t/out" "$t/ref"
n=$(ls "$t/ref/booklets/"*.pdf 2>/dev/null | wc -l)
"$KLAR" build -q -j 2 --no-booklets --out "$t/out" 2>"$t/quick.err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$t/quick.err" ]; then ok "the quick build succeeds quietly"; else
  head -n 5 "$t/quick.err"; no "the quick build succeeds quietly (exit $rc)"; fi
m=0
for f in "$t/ref/booklets/"*.pdf; do
  cmp -s "$f" "$t/out/booklets/$(basename "$f")" && m=$((m + 1))
done
if [ "$n" -gt 10 ] && [ "$m" -eq "$n" ] && [ "$(ls "$t/out/booklets/"*.pdf | wc -l)" -eq "$n" ]; then
  ok "all $n PDFs kept, byte for byte"; else no "PDFs kept: $m of $n"; fi
b=$(button "$t/out/$pixi")
if [ -n "$b" ] && [ "$b" = "$(button "$t/ref/$pixi")" ] && echo "$b" | grep -q '(24 sider, '; then
  ok "the pixi page links its PDF with the same size and page count: ${b##*meta\">}"; else
  no "the pixi page links its PDF as the full build did: '$b' against '$(button "$t/ref/$pixi")'"; fi
if diff -r "$t/ref" "$t/out" >"$t/diff.txt"; then ok "the quick build's output is the full build's, file for file"; else
  head -n 10 "$t/diff.txt"; no "the quick build's output is the full build's, file for file"; fi

# 2. Quick after quick: still all there (the links of links), and said.
nb=$(grep -c '^  - name:' content/site.yaml)
"$KLAR" build -j 2 -B --out "$t/out" >"$t/quick2.out" 2>"$t/quick2.err"
if grep -q "^klar: kept the $nb booklets of the previous build$" "$t/quick2.out"; then ok "it says it kept the $nb booklets"; else
  cat "$t/quick2.out"; no "it says it kept the $nb booklets"; fi
if diff -r "$t/ref" "$t/out" >"$t/diff2.txt"; then ok "a second quick build keeps them too"; else
  head -n 5 "$t/diff2.txt"; no "a second quick build keeps them too"; fi

# 3. Into a new folder: no booklet was ever made, so none is linked.
"$KLAR" build -q -j 2 -B --out "$t/fresh" 2>"$t/fresh.err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -e "$t/fresh/booklets" ] && [ -z "$(button "$t/fresh/$pixi")" ] &&
  ! grep -q 'Hent som PDF' "$t/fresh/$pixi"; then
  ok "a first quick build links no PDF"; else no "a first quick build links no PDF (exit $rc)"; fi

# 4. A booklet no longer declared in site.yaml is not carried over.
mkdir -p "$t/site" && cp -r content layouts assets "$t/site/"
"$KLAR" build -q -j 2 --root "$t/site" --out "$t/gone" 2>/dev/null
awk '/^  - name: pixi-3-6-aar/ { skip = 1; next } skip && /^  - name:/ { skip = 0 } !skip' \
  content/site.yaml > "$t/site/content/site.yaml"
"$KLAR" build -q -j 2 -B --root "$t/site" --out "$t/gone" 2>"$t/gone.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -f "$t/gone/booklets/pixi-0-1-aar.pdf" ] && [ ! -e "$t/gone/booklets/pixi-3-6-aar.pdf" ] &&
  [ ! -e "$t/gone/booklets/pixi-3-6-aar-tryk.pdf" ] && [ -z "$(button "$t/gone/$pixi")" ]; then
  ok "an undeclared booklet's PDFs are not kept"; else
  head -n 5 "$t/gone.err"; no "an undeclared booklet's PDFs are not kept (exit $rc)"; fi

# 5. A damaged PDF: a warning naming it, the booklet left out, the rest kept.
cp -a "$t/ref" "$t/bad"
rm "$t/bad/booklets/pixi-3-6-aar.pdf" && printf 'not a PDF' > "$t/bad/booklets/pixi-3-6-aar.pdf"
"$KLAR" build -q -j 2 -B --out "$t/bad" 2>"$t/bad.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "pixi-3-6-aar.pdf: warning: the booklet 'pixi-3-6-aar' of the previous build cannot be read" "$t/bad.err" &&
  [ ! -e "$t/bad/booklets/pixi-3-6-aar.pdf" ] && [ -z "$(button "$t/bad/$pixi")" ] &&
  cmp -s "$t/ref/booklets/pixi-0-1-aar.pdf" "$t/bad/booklets/pixi-0-1-aar.pdf"; then
  ok "a damaged PDF: a warning, that booklet left out, the others kept"; else
  head -n 5 "$t/bad.err"; no "a damaged PDF: a warning, that booklet left out, the others kept (exit $rc)"; fi

# 6. The kept PDFs are links to the previous files, not copies, and the
# next full build replaces them without touching a kept one's old twin.
cp -a "$t/ref" "$t/twin"
"$KLAR" build -q -j 2 -B --out "$t/twin" 2>/dev/null
held=no
ln "$t/twin/booklets/pixi-0-1-aar.pdf" "$t/held.pdf" 2>/dev/null && held=yes
before=$(md5sum < "$t/ref/booklets/pixi-0-1-aar.pdf")
"$KLAR" build -q -j 2 --out "$t/twin" 2>/dev/null
if [ "$held" = yes ] && [ "$(md5sum < "$t/held.pdf")" = "$before" ] && cmp -s "$t/twin/booklets/pixi-0-1-aar.pdf" "$t/ref/booklets/pixi-0-1-aar.pdf"; then
  ok "a full build after a quick one replaces the PDFs without writing into the kept ones"; else
  no "a full build after a quick one replaces the PDFs without writing into the kept ones"; fi

echo "quick: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
