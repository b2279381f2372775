#!/bin/sh
# Tables in print (issue 10, point 4): "tables that don't fit get a smaller
# size or landscape pages, never clipped; the interface matrix printed in
# both catalogs". On a copy of the bundled site in tests/out/tables:
#   matrix     the output catalog (A5) and the memo (A4) print the
#              interface matrix after the Snitflader page's text: every
#              proposal's title, a ● per proposal, a × per interface
#              (tests/tables/matrix.py), as a tagged table (TR, TH, TD in
#              the structure tree), no text untagged
#   smaller    seven columns too wide at the table style's 8.5 pt print
#              smaller, at least at 6.5 pt (the size read from pdftotext
#              -bbox), on an upright page
#   landscape  eight wider columns go on a page turned sideways, its
#              folio upright, and the text after the table goes on
#   too wide   a word too long for any page is a warning at the table's
#              file:line:col, and the booklet is still made
#   inside     no word of these booklets outside its page or on top of
#              another (a cell run over)
# Ends with "tables: N passed, N failed".
top=$(cd "$(dirname "$0")/../.." && pwd)
klar=${KLAR:-$top/klar}
. "$top/tests/lib.sh"
suite_begin tables abs
for tool in pdftotext qpdf python3; do
  command -v $tool > /dev/null 2>&1 || { no "$tool is installed"; echo "tables: $pass passed, $fail failed"; exit 1; }
done
site=$t/site
mkdir -p "$site"
cp -r content layouts assets "$site/"
sh tests/tables/fixture.sh "$site"
(cd "$site" && "$klar" booklets -q -j 2 --out "$t/pdf" outputkatalog outputkatalog-notat tabel-mindre \
  tabel-landskab tabel-for-bred) > "$t/log" 2>&1
rc=$?
b=$t/pdf/booklets
[ "$rc" -eq 0 ] && ok "the booklets are made (exit 0)" || { no "the booklets are made (exit $rc)"; head -n 10 "$t/log"; }

# ----------------------------------------------------------------- matrix
for n in outputkatalog outputkatalog-notat; do
  res=$(python3 tests/tables/matrix.py content "$b/$n.pdf" 2>&1)
  [ $? -eq 0 ] && ok "$n prints the matrix: $(echo "$res" | head -n 1)" || { no "$n prints the matrix"; echo "$res" | head -n 6; }
  tags=$(qpdf --json "$b/$n.pdf" 2> /dev/null | grep -o '"/S": "/T[RHD]"' | sort | uniq -c | awk '{ printf "%s%s %s", sep, $3, $1; sep = ", " }' | tr -d '"/')
  echo "$tags" | grep -Eq 'TD [0-9]{3}' && echo "$tags" | grep -Eq 'TR [0-9]{2}' && echo "$tags" | grep -q 'TH' \
    && ok "... as a tagged table ($tags)" || no "... as a tagged table ($tags)"
  res=$(python3 tests/pdf/untagged.py "$b/$n.pdf" 2>&1 | head -n 1)
  echo "$res" | grep -q 'untagged 0 unreachable 0' && ok "... nothing untagged ($res)" || no "... nothing untagged ($res)"
done
grep -q "tabeller/mindre.md\|tabeller/landskab.md" "$t/log" && { no "the fitting tables make no warning"; grep -v '^  ' "$t/log" | head -n 5; } \
  || ok "the tables that fit smaller or sideways make no warning"

# ---------------------------------------------------------------- smaller
res=$(python3 tests/tables/bbox.py size "$b/tabel-mindre.pdf" 4 Jordemoderen 6.4 8.1)
[ $? -eq 0 ] && ok "seven wide columns print smaller: $res" || no "seven wide columns print smaller: $res"
res=$(python3 tests/tables/bbox.py turned "$b/tabel-mindre.pdf" 4 Jordemoderen)
[ $? -ne 0 ] && ok "... on an upright page" || no "... on an upright page: $res"

# -------------------------------------------------------------- landscape
res=$(python3 tests/tables/bbox.py turned "$b/tabel-landskab.pdf" 5 Vuggestue)
[ $? -eq 0 ] && ok "eight wider columns go on a page turned sideways: $res" || no "eight wider columns go on a page turned sideways: $res"
pdftotext -f 6 -l 6 "$b/tabel-landskab.pdf" - 2> /dev/null | grep -q 'Efter tabellen følger' \
  && ok "... the text after it goes on on the next page" || no "... the text after it goes on on the next page"

# --------------------------------------------------------------- too wide
grep -Eq '^content/tabeller/for-bred.md:10:1: warning: this table is too wide for the page even at 6.5 pt on a page turned sideways' "$t/log" \
  && [ -s "$b/tabel-for-bred.pdf" ] && ok "a word too long for any page: a warning at the table, the booklet made" \
  || { no "a word too long for any page: a warning at the table"; head -n 5 "$t/log"; }

# ----------------------------------------------------------------- inside
for n in tabel-mindre tabel-landskab tabel-for-bred outputkatalog outputkatalog-notat; do
  res=$(python3 tests/tables/bbox.py inside "$b/$n.pdf" | tail -n 3)
  [ $? -eq 0 ] && echo "$res" | tail -n 1 | grep -q ' 0 outside' && ok "$n: $(echo "$res" | tail -n 1)" || { no "$n: words outside their page or overlapping"; echo "$res"; }
done

echo "tables: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
