#!/bin/sh
# One parse per page, one pipeline for both commands: `klar booklets` runs
# the same stages as `klar build` (model, the Markdown stage, the booklets),
# so its PDFs are the build's byte for byte; md's guard protects the print
# path as it does the site's; and one resolver serves every link, so a link
# in front matter text (the layouts' markdown()) works as it does in a body.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin stages
export SOURCE_DATE_EPOCH=1785000000
KLAR=${KLAR:-./klar} # another binary to compare with

# A copy of the bundled site to change without touching content/.
site_copy() {
  rm -rf "$1"
  mkdir -p "$1"
  cp -r content layouts assets "$1"/
}

# Milliseconds since the epoch.
ms() { date +%s%3N; }

# Every booklet PDF of build output $1 is in booklets output $2, byte for byte.
same_pdfs() {
  n=0
  for f in "$1"/booklets/*.pdf; do
    [ -f "$f" ] || return 1
    cmp -s "$f" "$2/booklets/$(basename "$f")" || { echo "  differs: $(basename "$f")"; return 1; }
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] && [ "$(ls "$2"/booklets/*.pdf | wc -l)" -eq "$n" ]
}

# 1. The bundled site: `build` and `booklets` make the same PDFs.
"$KLAR" build --quiet --out "$t/b1" -j 2 2>"$t/b1.err"
"$KLAR" booklets --quiet --out "$t/k1" -j 2 2>"$t/k1.err"
if same_pdfs "$t/b1" "$t/k1"; then ok "bundled site: booklets' PDFs identical to the build's"; else
  cat "$t/b1.err" "$t/k1.err" | head; no "bundled site: booklets' PDFs identical to the build's"; fi

# 2. Titles with Danish typography ("…" → »…«, a no-break space in "10 kr."),
# which only the build's Markdown stage used to give: the same PDFs still.
site_copy "$t/typo"
sed -i 's/^title: .*/title: "Barnet siger \\"nej\\" for 10 kr."/' "$t/typo/content/pixi/pixi-0-1-aar.md"
"$KLAR" build --quiet --root "$t/typo" --out "$t/b2" -j 2 2>"$t/b2.err"
"$KLAR" booklets --quiet --root "$t/typo" --out "$t/k2" -j 2 2>"$t/k2.err"
if same_pdfs "$t/b2" "$t/k2"; then ok "typography in a title: booklets' PDFs identical to the build's"; else
  cat "$t/b2.err" "$t/k2.err" | head; no "typography in a title: booklets' PDFs identical to the build's"; fi
if grep -q "<title>Barnet siger »nej« for 10$(printf '\302\240')kr." "$t/b2/pixi/pixi-0-1-aar/index.html" 2>/dev/null; then
  ok "the title has the typography on the site"; else no "the title has the typography on the site"; fi

# 3. A 5,000-column table in a booklet page: refused by md's guard on the
# print path as on the site's, as fast and with the same message.
site_copy "$t/wide"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "| c "; print "|"; for (i = 0; i < 5000; i++) printf "|---"; print "|";
  for (r = 0; r < 20; r++) { for (i = 0; i < 5000; i++) printf "| x "; print "|" } }' \
  >> "$t/wide/content/pixi/pixi-0-1-aar.md"
t0=$(ms)
timeout 20 "$KLAR" build --quiet --root "$t/wide" --out "$t/b3" -j 2 2>"$t/b3.err"
rb=$?
t1=$(ms)
timeout 20 "$KLAR" booklets --quiet --root "$t/wide" --out "$t/k3" -j 2 2>"$t/k3.err"
rk=$?
t2=$(ms)
echo "  wide table: build exit $rb in $((t1 - t0)) ms, booklets exit $rk in $((t2 - t1)) ms"
if [ "$rb" -eq 1 ] && grep -q "table too wide" "$t/b3.err"; then ok "build refuses the wide table"; else
  head -c 600 "$t/b3.err"; no "build refuses the wide table (exit $rb)"; fi
if [ "$rk" -eq 1 ] && grep -q "table too wide" "$t/k3.err"; then ok "booklets refuses the wide table"; else
  head -c 600 "$t/k3.err"; no "booklets refuses the wide table (exit $rk)"; fi
# Both still run every stage to its end after the error (to report all
# errors), so neither is instant on a busy machine: booklets must be as
# quick as build, give or take a second (before, it parsed the table
# unguarded and took seconds to minutes longer).
if [ "$((t2 - t1))" -le "$((t1 - t0 + 1000))" ] && [ "$((t2 - t1))" -lt 15000 ]; then
  ok "booklets refuses it as fast as build"; else
  no "booklets refuses it as fast as build ($((t2 - t1)) ms against $((t1 - t0)) ms)"; fi
if grep "error:" "$t/b3.err" >"$t/b3.msg" && grep "error:" "$t/k3.err" | cmp -s - "$t/b3.msg"; then ok "booklets says what build says"; else
  diff "$t/b3.err" "$t/k3.err" | head -n 6; no "booklets says what build says"; fi

# 4. A link in front matter text, rendered by markdown() in a layout
# (conference.xml's signup), resolves as the same link in the body does:
# to a page with its fragment, and to a file of the site.
site_copy "$t/fm"
conf="$t/fm/content/konferencer/hedensted-2027.md"
printf 'PDF' > "$t/fm/content/konferencer/program.pdf"
links='se [programmet](program.pdf) og [robusthed](../temaer/robusthed.md#tilbud)'
sed -i "s|^signup: .*|signup: Tilmelding, $links.|" "$conf"
printf '\nI brødteksten: %s.\n' "$links" >> "$conf"
"$KLAR" build --quiet --root "$t/fm" --out "$t/b4" --no-booklets 2>"$t/b4.err"
rc=$?
html="$t/b4/konferencer/hedensted-2027/index.html"
n=$(grep -o 'href="/konferencer/program.pdf"' "$html" 2>/dev/null | wc -l)
m=$(grep -o 'href="/temaer/robusthed/#tilbud"' "$html" 2>/dev/null | wc -l)
if [ "$rc" -eq 0 ] && [ "$n" -eq 2 ] && [ "$m" -eq 2 ]; then
  ok "links in front matter text resolve as in the body"
else
  head -c 600 "$t/b4.err"; no "links in front matter text resolve as in the body (exit $rc, $n file and $m page links of 2)"
fi
sed -i "s|^signup: .*|signup: Se [her](findes-ikke.md).|" "$conf"
"$KLAR" build --quiet --root "$t/fm" --out "$t/b5" --no-booklets 2>"$t/b5.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "broken link to 'findes-ikke.md'.*content/konferencer/hedensted-2027.md" "$t/b5.err"; then
  ok "a broken link in front matter text is an error naming the page"
else
  head -c 600 "$t/b5.err"; no "a broken link in front matter text is an error naming the page (exit $rc)"
fi

echo "stages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
