#!/bin/sh
# The print benchmark (issue: booklets in well under a second, many times
# faster than WeasyPrint). Times, on this machine and in the same run:
#   klar booklets -q NAME   the 24-page pixi booklet and the A5 output
#                           catalog (each run writes the reader, printer and
#                           imposed PDFs), median of BENCH_PRINT_RUNS runs
#                           after a warm-up
#   weasyprint              an A5 PDF of the same catalog pages: klar's own
#                           HTML of those pages (klar build -B), put together
#                           by bench/print/html.py with bench/print/print.css
#                           (@page A5, the same font, margins, contents page
#                           with page numbers); median of the same runs
# and prints the times, pages and WeasyPrint/klar. Exits non-zero only when
# a tool fails or is missing.
#   KLAR  the klar binary (./klar)   BENCH_PRINT_RUNS  runs incl. warm-up (4)
set -u
cd "$(dirname "$0")/../.." || exit 2
KLAR=${KLAR:-./klar}
RUNS=${BENCH_PRINT_RUNS:-4}
PIXI=${BENCH_PIXI:-pixi-3-6-aar}
CAT=${BENCH_CATALOG:-outputkatalog}
say() { printf 'bench print: %s\n' "$*" >&2; }
command -v weasyprint >/dev/null 2>&1 || { say "weasyprint missing (apt-get install weasyprint)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ms() { # ms CMD...: wall milliseconds of one run, or "fail"
  t0=$(date +%s%N)
  "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; echo fail; return; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
timed() { # timed NAME CMD...: runs RUNS times, the first a warm-up; prints the median
  name=$1; shift
  : >"$tmp/$name.ms"
  i=0
  while [ $i -lt "$RUNS" ]; do
    t=$(ms "$@")
    [ "$t" = fail ] && { say "$name failed"; echo nan; return 1; }
    [ $i -gt 0 ] && echo "$t" >>"$tmp/$name.ms"
    i=$((i + 1))
  done
  median <"$tmp/$name.ms"
}

failed=0
$KLAR build -q -B --out "$tmp/site" || { say "klar build failed"; exit 1; }
python3 bench/print/html.py "$tmp/site" "$CAT" "$tmp/site/bench.html" || { say "html.py failed"; exit 1; }
cp bench/print/print.css "$tmp/site/"

pixi_ms=$(timed pixi $KLAR booklets -q --out "$tmp/k" "$PIXI") || failed=1
cat_ms=$(timed cat $KLAR booklets -q --out "$tmp/k" "$CAT") || failed=1
weasy_ms=$(timed weasy weasyprint -q "$tmp/site/bench.html" "$tmp/weasy.pdf") || failed=1
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
pp=$(pages "$tmp/k/booklets/$PIXI.pdf") cp=$(pages "$tmp/k/booklets/$CAT.pdf") wp=$(pages "$tmp/weasy.pdf")

awk -v pm="$pixi_ms" -v cm="$cat_ms" -v wm="$weasy_ms" -v pp="${pp:-?}" -v cp="${cp:-?}" \
    -v wp="${wp:-?}" -v runs="$RUNS" -v pixi="$PIXI" -v cat="$CAT" '
function secs(x) { return x == "nan" ? "-" : sprintf("%7.3f s", x / 1000) }
function ratio(a, b) { return (a == "nan" || b == "nan" || b == 0) ? "-" : sprintf("%.1f", a / b) }
BEGIN {
  printf "\nprint benchmark: median of %d runs after a warm-up\n\n", runs - 1
  printf "%-46s %10s %6s\n", "", "wall", "pages"
  printf "%-46s %10s %6s\n", "klar booklets " pixi " (3 PDFs)", secs(pm), pp
  printf "%-46s %10s %6s\n", "klar booklets " cat " (A5, 3 PDFs)", secs(cm), cp
  printf "%-46s %10s %6s\n", "weasyprint " cat " (A5, 1 PDF)", secs(wm), wp
  printf "\n%-46s %10s\n", "WeasyPrint/klar, A5 catalog (higher: klar faster)", ratio(wm, cm)
  printf "\n"
}' | tee bench/out/print-results.txt
exit $failed
