#!/bin/sh
# Checks booklet PDFs the way a print shop would, with poppler-utils and qpdf:
#   tests/pdf/check.sh READER.pdf [PRINTER.pdf [WIDTH_MM HEIGHT_MM [BLEED_MM [BINDING]]]]
# Reader: pdfinfo page size, every font embedded (pdffonts), qpdf --check
# clean, /Lang set, page 1 renders to a PNG that is not blank.
# Printer: the same, plus TrimBox = trim size and BleedBox = trim + bleed on
# every page (qpdf --json), page count a multiple of 4 (BINDING none: the
# reader's count, not padded).
# Ends with "N passed, N failed" like every klar test runner.
set -u
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1" >&2; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

reader=$1 printer=${2:-} w=${3:-} h=${4:-} bleed=${5:-3} binding=${6:-saddle-stitch}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

pts() { awk -v mm="$1" 'BEGIN { printf "%.2f", mm * 72 / 25.4 }'; }

common() {
  f=$1
  check "$f: qpdf --check" "qpdf --check '$f' >/dev/null 2>&1"
  check "$f: fonts not all embedded" \
    "pdffonts '$f' | awk 'NR > 2 && \$(NF-4) != \"yes\" { bad = 1 } END { exit bad }'"
  check "$f: no fonts listed" "[ \$(pdffonts '$f' | awk 'NR > 2' | wc -l) -gt 0 ]"
  check "$f: /Lang missing" "qpdf --show-object=trailer '$f' >/dev/null 2>&1 && qpdf --json --json-key=qpdf '$f' | grep -q '\"/Lang\": \"u:da-DK\"'"
  pdftoppm -r 30 -f 1 -l 1 -gray "$f" "$tmp/p" >/dev/null 2>&1
  png=$(ls "$tmp"/p*.pgm 2>/dev/null | head -1)
  # A blank page is one grey level; a page with content has several.
  check "$f: page 1 renders blank" \
    "[ -n '$png' ] && [ \$(tail -c +16 '$png' | od -An -v -tu1 | tr -s ' ' '\n' | sort -u | wc -l) -gt 3 ]"
  rm -f "$tmp"/p*
}

common "$reader"
if [ -n "$w" ]; then
  size=$(pdfinfo "$reader" | awk '/^Page size:/ { print $3 "x" $5 }')
  check "$reader: page size $size, want $(pts "$w")x$(pts "$h")" \
    "awk -v s='$size' -v w=$(pts "$w") -v h=$(pts "$h") 'BEGIN { split(s, a, \"x\"); exit !((a[1]-w)^2 < 0.01 && (a[2]-h)^2 < 0.01) }'"
fi

if [ -n "$printer" ]; then
  common "$printer"
  n=$(pdfinfo "$printer" | awk '/^Pages:/ { print $2 }')
  if [ "$binding" = none ]; then
    rn=$(pdfinfo "$reader" | awk '/^Pages:/ { print $2 }')
    check "$printer: $n pages, not padded: the reader's $rn" "[ $n -eq $rn ] && [ $n -gt 0 ]"
  else
    check "$printer: $n pages is not a multiple of 4" "[ $((n % 4)) -eq 0 ] && [ $n -gt 0 ]"
  fi
  if [ -n "$w" ]; then
    qpdf --json --json-key=pages --json-key=qpdf "$printer" >"$tmp/j.json" 2>/dev/null
    python3 - "$tmp/j.json" "$(pts "$w")" "$(pts "$h")" "$(pts "$bleed")" "$n" <<'PY' && ok || bad "$printer: TrimBox/BleedBox"
import json, sys
j = json.load(open(sys.argv[1]))
w, h, b, n = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
objs = j["qpdf"][1]
pages = j["pages"]
assert len(pages) == n, (len(pages), n)
for p in pages:
    d = objs["obj:" + p["object"]]["value"]
    t, bl, m = d["/TrimBox"], d["/BleedBox"], d["/MediaBox"]
    assert abs((t[2] - t[0]) - w) < 0.05 and abs((t[3] - t[1]) - h) < 0.05, t
    assert abs((bl[2] - bl[0]) - (w + 2 * b)) < 0.05 and abs(bl[0] - (t[0] - b)) < 0.05, bl
    # (a page without bleed or marks has all three the same, written rounded differently)
    assert m[0] <= bl[0] + 0.01 and m[2] >= bl[2] - 0.01 and m[1] <= bl[1] + 0.01 and m[3] >= bl[3] - 0.01, m
PY
  fi
fi
echo "pdf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
