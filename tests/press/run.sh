#!/bin/sh
# The press suite: every printer PDF (NAME-tryk.pdf, and the imposed
# NAME-ark.pdf) checked as a print shop's preflight would, with what Debian
# has (qpdf, Ghostscript):
#   pdfx.py   the PDF/X structure rules (listed there): PDF/X-4, or
#             PDF/X-1a:2003 where the layout says <press standard="PDF/X-1a"/>
#             on qpdf --json: among them the output intent (S /GTS_PDFX,
#             FOGRA39, the profile), TrimBox and BleedBox on every page,
#             GTS_PDFXVersion in Info and XMP
#   ink.py    Ghostscript: at most 300 % ink at any spot; what is grey or
#             black in the reader PDF is black ink alone in the printer PDF;
#             grey-only pages have C, M and Y at 0 (inkcov)
#   sheet.py  an imposed booklet (NAME-ark.pdf): the layout's named press
#             sheet, one spread a side centred with its boxes, pages / 4
#             sheets in saddle-stitch order, the slug line, registration
#             targets on all four plates, the colour bar's patches each on
#             its own plate, nothing but marks outside the bleed
#   palette   a layout's <color> prints exactly its cmyk
#   reader    the reader PDF stays RGB, with no output intent
# Prints the ink figures of each booklet, and ends with "press: N passed,
# N failed"; exits non-zero on a failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin press
KLAR=${KLAR:-${KLAR_BIN:-./klar}}
case $KLAR in */*) ;; *) KLAR=./$KLAR ;; esac

for tool in qpdf gs python3 pdfinfo pdftotext; do
  command -v $tool >/dev/null 2>&1 || { no "$tool is not installed (qpdf, ghostscript, poppler-utils)"; echo "press: $pass passed, $fail failed"; exit 1; }
done

if ! $KLAR booklets -q --out "$t/out" >"$t/klar.log" 2>&1; then
  cat "$t/klar.log"
  no "klar booklets"
  echo "press: $pass passed, $fail failed"
  exit 1
fi
ok "klar booklets"
dir=$t/out/booklets

# name layout, one booklet a line, from the booklets: list.
sed -n '/^booklets:/,$p' content/site.yaml | awk '
  /^  - name:/ { if (n) print n, l; n = $3; l = "" }
  /^    layout:/ { l = $2 }
  END { if (n) print n, l }' >"$t/list"
[ -s "$t/list" ] || no "no booklets declared in content/site.yaml"

while read -r name layout; do
  std=X-4
  grep -q '<press [^>]*standard="PDF/X-1a"' "layouts/print/$layout.xml" && std=X-1a
  reader=$dir/$name.pdf
  for f in "$dir/$name-tryk.pdf" "$dir/$name-ark.pdf"; do
    [ -f "$f" ] || continue
    b=$(basename "$f" .pdf)
    if python3 tests/press/pdfx.py "$f" $std >"$t/$b.pdfx" 2>&1; then ok "$b: PDF/$std structure"
    else no "$b: PDF/$std structure"; sed 's/^/  /' "$t/$b.pdfx" | head -20; fi

    case $f in *-tryk.pdf) with=$reader ;; *) with= ;; esac
    if python3 tests/press/ink.py "$f" $with >"$t/$b.ink" 2>&1; then ok "$b: ink"
    else no "$b: ink"; sed 's/^/  /' "$t/$b.ink" | head -20; fi
    grep '^ink .* max ' "$t/$b.ink"
  done

  # An imposed booklet: its sheets as sheet.py says (the named press
  # sheet, the boxes, the page order, the slug line, targets, colour bar).
  if [ -f "$dir/$name-ark.pdf" ]; then
    sheet=$(sed -n 's/.*<impose [^>]*sheet="\([^"]*\)".*/\1/p' "layouts/print/$layout.xml")
    bleed=$(sed -n 's/.*<page [^>]*bleed="\([^"]*\)".*/\1/p' "layouts/print/$layout.xml")
    if [ -z "$sheet" ]; then no "$name-ark: layout $layout.xml names no press sheet (<impose sheet>)"
    elif python3 tests/press/sheet.py "$dir/$name-ark.pdf" "$dir/$name-tryk.pdf" "$sheet" "${bleed:-3}" >"$t/$name.sheet" 2>&1; then
      ok "$name-ark: $(pdfinfo "$dir/$name-ark.pdf" | awk '/^Pages:/ { print $2 }') sides on $sheet, marked as a print shop expects"
    else no "$name-ark: sheets on $sheet"; sed 's/^/  /' "$t/$name.sheet" | head -20; fi
  fi

  if grep -q '<color ' "layouts/print/$layout.xml"; then
    qpdf --qdf --object-streams=disable "$dir/$name-tryk.pdf" "$t/$name-tryk.qdf" 2>/dev/null
    qpdf --qdf --object-streams=disable "$reader" "$t/$name.qdf" 2>/dev/null
    # Each palette colour the reader PDF draws (Cairo writes 6 significant
    # digits) is in the printer PDF as its cmyk, as given.
    if python3 - "layouts/print/$layout.xml" "$t/$name.qdf" "$t/$name-tryk.qdf" >"$t/$name.palette" <<'PY'
import re, sys
xml, reader, printer = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
def num(v):
    x = ("%.4f" % v).rstrip("0").rstrip(".")
    return x[1:] if x.startswith("0.") else x
used = 0
for m in re.finditer(r'<color [^>]*rgb="#(\w{6})"[^>]*cmyk="([^"]*)"', open(xml, encoding="utf-8").read()):
    rgb = " ".join("%.6g" % (int(m.group(1)[i:i + 2], 16) / 255) for i in (0, 2, 4))
    if (rgb + " rg").encode() not in reader and (rgb + " RG").encode() not in reader:
        continue
    used += 1
    op = " ".join(num(float(v) / 100) for v in m.group(2).split())
    if (op + " k").encode() not in printer and (op + " K").encode() not in printer:
        print(f"#{m.group(1)} is drawn, but not printed as {op} k")
print(f"{used} palette colours drawn")
sys.exit(1 if used == 0 else 0)
PY
    then
      if grep -q ' k$' "$t/$name.palette"; then no "$name: the palette of $layout.xml printed as given"; sed 's/^/  /' "$t/$name.palette"
      else ok "$name: the palette of $layout.xml printed as given ($(tail -1 "$t/$name.palette"))"; fi
    else no "$name: the palette of $layout.xml printed as given (none drawn)"; fi
  fi

  python3 tests/press/pdfx.py "$reader" X-4 >"$t/$name.reader" 2>&1
  if grep -q 'R6: 0 output intents' "$t/$name.reader" && grep -q 'rg/RG (DeviceRGB) operators' "$t/$name.reader"; then
    ok "$name: the reader PDF stays RGB"
  else no "$name: the reader PDF stays RGB"; fi
done <"$t/list"

echo "press: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
