#!/bin/sh
# The PDF suite: makes every booklet declared in content/site.yaml with
# `klar booklets --out tests/out/pdf` and checks each the way a print shop
# and a reader would (poppler-utils and qpdf):
#   reader   page size (pdfinfo) = the layout's trim, page count = the
#            layout's fixed count if it has one, every font embedded
#            (pdffonts), qpdf --check clean, /Lang, cover not blank,
#            text inside the margins on a content page (pdftoppm)
#   printer  the same, plus TrimBox/BleedBox on every page and a page count
#            that is a multiple of 4 (qpdf --json), via tests/pdf/check.sh
#   imposed  (impose: true) N/2 sheet sides, and the page numbers printed
#            on the sheets are in saddle-stitch order (pdftotext of each
#            half): side 2s holds N-2s | 2s+1, side 2s+1 holds 2s+2 | N-2s-1
# Ends with "pdf: N passed, N failed"; exits non-zero on a failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
KLAR=${KLAR:-${KLAR_BIN:-./klar}}
case $KLAR in */*) ;; *) KLAR=./$KLAR ;; esac
out=tests/out/pdf
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

for tool in pdfinfo pdffonts pdftoppm pdftotext qpdf python3; do
  command -v $tool >/dev/null 2>&1 || { echo "FAIL $tool is not installed (poppler-utils, qpdf)"; echo "pdf: 0 passed, 1 failed"; exit 1; }
done

rm -rf "$out"
if ! $KLAR booklets -q --out "$out" >"$tmp/klar.log" 2>&1; then
  cat "$tmp/klar.log"
  echo "pdf: 0 passed, 1 failed"
  exit 1
fi
ok
dir=$out/booklets

# name layout impose, one booklet a line, from the booklets: list.
sed -n '/^booklets:/,$p' content/site.yaml | awk '
  /^  - name:/ { if (n) print n, l, i; n = $3; l = ""; i = "false" }
  /^    layout:/ { l = $2 }
  /^    impose:/ { i = $2 }
  END { if (n) print n, l, i }' >"$tmp/list"
check "no booklets declared in content/site.yaml" "[ -s '$tmp/list' ]"

attr() { # attr FILE ELEMENT NAME: the attribute of the first <ELEMENT ...>
  sed -n "s/.*<$2 [^>]*$3=\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -1
}
pts() { awk -v mm="$1" 'BEGIN { printf "%.3f", mm * 72 / 25.4 }'; }

# Gray levels of a PGM's pixels, one a line: "x y value" for dark pixels.
dark_box() { # dark_box PGM → "minx miny maxx maxy width height" of pixels < 160
  python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
# P5\nW H\n255\n
parts = d.split(b'\n', 3)
w, h = map(int, parts[1].split())
px = parts[3]
minx = miny = 10**9; maxx = maxy = -1
for y in range(h):
    row = px[y * w:(y + 1) * w]
    for x, v in enumerate(row):
        if v < 160:
            if x < minx: minx = x
            if x > maxx: maxx = x
            if y < miny: miny = y
            if y > maxy: maxy = y
print(minx, miny, maxx, maxy, w, h)
PY
}

while read -r name layout impose; do
  xml=layouts/print/$layout.xml
  reader=$dir/$name.pdf printer=$dir/$name-tryk.pdf ark=$dir/$name-ark.pdf
  check "$name: reader PDF missing" "[ -s '$reader' ]" || continue
  check "$name: printer PDF missing" "[ -s '$printer' ]"
  w=$(attr "$xml" page width) h=$(attr "$xml" page height) bleed=$(attr "$xml" page bleed)
  fixed=$(attr "$xml" page pages)
  n=$(pdfinfo "$reader" | awk '/^Pages:/ { print $2 }')
  if [ -n "$fixed" ]; then
    check "$name: $n pages, layout $layout asks for $fixed" "[ '$n' = '$fixed' ]"
  fi
  # Every page the trim size, not only the first.
  check "$name: a page is not ${w}x${h} mm" \
    "pdfinfo -f 1 -l $n '$reader' | awk -v w=$(pts "$w") -v h=$(pts "$h") '/^Page.*size:/ { c++; if ((\$4-w)^2 > 0.01 || (\$6-h)^2 > 0.01) bad = 1 } END { exit bad || c != $n }'"
  # Boxes, fonts, qpdf --check, /Lang, page 1 not blank, multiple of 4.
  binding=$(attr "$xml" page binding)
  if sh tests/pdf/check.sh "$reader" "$printer" "$w" "$h" "${bleed:-3}" "${binding:-saddle-stitch}" >"$tmp/check.out" 2>&1; then ok; else
    bad "$name: tests/pdf/check.sh"; grep FAIL "$tmp/check.out"; fi
  pn=$(pdfinfo "$printer" | awk '/^Pages:/ { print $2 }')
  if [ "$binding" = none ]; then
    check "$name: printer PDF has $pn pages for $n reader pages, binding none: not padded" "[ $pn -eq $n ]"
  else
    check "$name: printer PDF has $pn pages for $n reader pages" "[ $pn -ge $n ] && [ $pn -lt $((n + 4)) ]"
  fi

  # Rendered pages: the cover has ink over much of it (a background or
  # a picture), and a content page's dark pixels (text) keep inside the
  # margins. The third page is the first content or contents page in
  # every layout.
  rm -f "$tmp"/r-*
  pdftoppm -r 50 -gray -f 1 -l 1 "$reader" "$tmp/r-c" 2>/dev/null
  cov=$(ls "$tmp"/r-c*.pgm 2>/dev/null | head -1)
  check "$name: cover not rendered" "[ -n '$cov' ]" && \
  check "$name: cover is blank" "[ \$(tail -c +16 '$cov' | od -An -v -tu1 | tr -s ' ' '\n' | sort -u | wc -l) -gt 3 ]"
  tp=3; [ "$n" -lt 3 ] && tp=1
  pdftoppm -r 50 -gray -f $tp -l $tp "$reader" "$tmp/r-t" 2>/dev/null
  pg=$(ls "$tmp"/r-t*.pgm 2>/dev/null | head -1)
  if [ -n "$pg" ]; then
    inner=$(attr "$xml" margins inner) outer=$(attr "$xml" margins outer)
    mtop=$(attr "$xml" margins top)
    # A running header sits in the top margin: then only the sides are held.
    grep -q '<header ' "$xml" && mtop=1
    set -- $(dark_box "$pg")
    # Page 3 (1 in a shorter one) is a right-hand page: inner margin on the left. 1 mm slack for
    # anti-aliasing; the running footer sits in the bottom margin, so only
    # the left, right and top edges are held.
    check "$name: page $tp has no text" "[ $3 -ge 0 ]"
    check "$name: text on page $tp crosses the margins (ink $1..$3 x, from $2 y of $5x$6 px)" \
      "awk -v x0=$1 -v y0=$2 -v x1=$3 -v W=$5 -v w=$w -v i=$inner -v o=$outer -v t=$mtop 'BEGIN { s = W / w; exit !(x0 >= (i - 1) * s && x1 <= W - (o - 1) * s && y0 >= (t - 1) * s) }'"
  else
    bad "$name: page $tp not rendered"
  fi

  if [ "$impose" = true ]; then
    check "$name: imposed PDF missing" "[ -s '$ark' ]" || continue
    sides=$(pdfinfo "$ark" | awk '/^Pages:/ { print $2 }')
    check "$name: $sides sheet sides for $pn pages" "[ $((sides * 2)) -eq $pn ]"
    # The sheet's page size: the press sheet; the halves are split at the
    # middle. The number printed last in each half is its
    # page number (the running footer); pages without one are skipped.
    sw=$(pdfinfo "$ark" | awk '/^Page size:/ { printf "%d", $3 }')
    sh=$(pdfinfo "$ark" | awk '/^Page size:/ { printf "%d", $5 }')
    half=$((sw / 2)) wrong=0 seen=0 s=0
    # Only the strip of the bottom margin, where the footer is, above the
    # TrimBox's lower edge (the spread centred on the press sheet).
    mbot=$(attr "$xml" margins bottom)
    tb=$(pdfinfo -box "$ark" | awk '/^TrimBox:/ { print $3 }')
    set -- $(awk -v sh="$sh" -v tb="$tb" -v b="$mbot" 'BEGIN {
      y1 = sh - tb; y0 = y1 - b * 72 / 25.4
      printf "%d %d", y0, y1 - y0 }')
    fy=$1 fh=$2
    while [ $s -lt "$sides" ]; do
      p=$((s + 1)) q=$((s / 2))
      if [ $((s % 2)) -eq 0 ]; then l=$((pn - 2 * q)) r=$((2 * q + 1)); else l=$((2 * q + 2)) r=$((pn - 2 * q - 1)); fi
      for side in "0 $l" "$half $r"; do
        set -- $side
        got=$(pdftotext -f $p -l $p -x "$1" -y "$fy" -W "$half" -H "$fh" "$ark" - 2>/dev/null |
          grep -E '^ *[0-9]+ *$' | tail -1 | tr -d ' ')
        [ -z "$got" ] && continue
        seen=$((seen + 1))
        [ "$got" = "$2" ] || { wrong=1; echo "  $name: sheet side $s shows page $got where $2 belongs"; }
      done
      s=$((s + 1))
    done
    check "$name: imposition order" "[ $wrong -eq 0 ]"
    check "$name: no page numbers found on the imposed sheets" "[ $seen -gt $((sides / 2)) ]"
  fi
done <"$tmp/list"

# The video on the strategy page prints as a QR code: a phone's reader must
# get the video's address from it (zbarimg decodes the rendered pages).
strategy=$out/booklets/forebyggelsesstrategi-2018.pdf
if [ -f "$strategy" ]; then
  if command -v zbarimg >/dev/null 2>&1; then
    pdftoppm -r 200 -png "$strategy" "$tmp/qr" 2>/dev/null
    codes=$(for f in "$tmp"/qr*.png; do zbarimg -q "$f" 2>/dev/null; done)
    check "strategy booklet: the QR code reads https://youtu.be/X6whem_l1eU (found: ${codes:-nothing})" \
      "echo \"\$codes\" | grep -qx 'QR-Code:https://youtu.be/X6whem_l1eU'"
  else
    bad "zbarimg is not installed (scripts/deps.sh test installs zbar-tools)"
  fi
fi

# Proof-reading the breaks at line ends of every reader PDF: no e-mail or
# web address broken with a hyphen, and none of the compounds a
# proof-reader sent back ("loka-lområdet", "ker-neopgaver", "Wor-kshoppen").
for pdf in "$out"/booklets/*.pdf; do
  case $pdf in *-tryk.pdf | *-ark.pdf) continue ;; esac
  pdftotext "$pdf" "$tmp/words.txt" 2>/dev/null || continue
  found=$(python3 - "$tmp/words.txt" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
bad = []
for a, b in zip(lines, lines[1:]):
    a, b = a.rstrip(), b.lstrip()
    # pdftotext gives a break at a soft hyphen as U+00AD
    if not a.endswith(("-", "\u00ad", "\u2010")) or not b:
        continue
    tail = a.split()[-1] if a.split() else ""
    joined = tail[:-1] + (b.split()[0] if b.split() else "")
    # a printed address has no scheme: "(klar.hedensted.dk/temaer/gode-"
    if ("@" in joined or "://" in joined or "www." in joined.lower()
            or re.search(r"[a-z0-9]\.(dk|com|org|net|eu)/", joined.lower())):
        bad.append(tail + b.split()[0])
    broken = (tail[:-1] + "-" + b.split()[0]).lower()
    if any(x in broken for x in ("loka-lområ", "ker-neop", "wor-kshop")):
        bad.append(broken)
print(" ".join(bad))
PY
)
  check "$(basename "$pdf"): no address or known compound broken wrongly at a line end (found: $found)" "[ -z \"\$found\" ]"
done

# A link to a page of the site that is not in the booklet prints its web
# address (paper cannot be clicked): the output catalog's list of themes.
if pdftotext "$out/booklets/outputkatalog.pdf" "$tmp/ok.txt" 2>/dev/null; then
  check "outputkatalog.pdf: a link to a site page outside the booklet prints its address" \
    "grep -q 'Robusthed (klar.hedensted.dk/temaer/robusthed)' '$tmp/ok.txt'"
fi

# Each booklet's own title, subject and keywords (seven pixi guides all
# titled "KLAR til Læring" could not be told apart), and a creation date
# that has come (the site's newest date put next year's conference into
# every booklet).
titles=$(for pdf in "$out"/booklets/*.pdf; do case $pdf in *-tryk.pdf | *-ark.pdf) continue ;; esac; pdfinfo "$pdf" | sed -n 's/^Title: *//p'; done)
check "every reader PDF has its own title ($(echo "$titles" | sort | uniq -d | head -n 2 | tr '\n' ' '))" \
  "[ -n \"\$titles\" ] && [ -z \"\$(echo \"\$titles\" | sort | uniq -d)\" ]"
now=$(date -u +%s)
for pdf in "$out"/booklets/*.pdf; do
  info=$(pdfinfo -isodates "$pdf")
  created=$(echo "$info" | sed -n 's/^CreationDate: *//p')
  check "$(basename "$pdf"): a subject and keywords" "echo \"\$info\" | grep -q '^Subject: *[^ ]' && echo \"\$info\" | grep -q '^Keywords: *[^ ]'"
  raw=$(python3 -c 'import json,subprocess,sys
o=json.loads(subprocess.run(["qpdf","--json","--json-key=qpdf",sys.argv[1]],capture_output=True,text=True).stdout)["qpdf"][1]
i=o["trailer"]["value"].get("/Info"); v=o.get("obj:"+i,{}).get("value",{}) if i else {}
print(v.get("/CreationDate",""), v.get("/ModDate",""))' "$pdf")
  check "$(basename "$pdf"): Info dates are PDF dates, D:YYYYMMDDHHmmSS ($raw)" \
    "echo \"\$raw\" | grep -Eq '^u:D:[0-9]{14}[Z+-]?[^ ]* u:D:[0-9]{14}'"
  check "$(basename "$pdf"): created ($created) not after today" \
    "[ -n \"\$created\" ] && [ \$(date -u -d \"\$created\" +%s 2>/dev/null || echo 99999999999) -le $now ]"
done

# The structure tree of every reader PDF: all text is tagged (reached from
# the structure tree through its MCID) or an artifact (running heads,
# folios); none is untagged (tests/pdf/untagged.py walks the content).
for pdf in "$out"/booklets/*.pdf; do
  case $pdf in *-tryk.pdf | *-ark.pdf) continue ;; esac
  res=$(python3 tests/pdf/untagged.py "$pdf" 2>&1)
  check "$(basename "$pdf"): every text tagged or an artifact ($(echo "$res" | head -n 3 | tr '\n' ' '))" \
    "echo \"\$res\" | head -n 1 | grep -q 'untagged 0 unreachable 0 figures [0-9]* without-alt 0' && echo \"\$res\" | head -n 1 | grep -vq '^tagged 0 '"
done

# Pixi covers a parent picks up: each age group its own cover colour, and
# the back cover's QR code leads to the guide's page on the site.
colours=""
for pdf in "$out"/booklets/pixi-*.pdf; do
  case $pdf in *-tryk.pdf | *-ark.pdf) continue ;; esac
  name=$(basename "$pdf" .pdf)
  pdftoppm -r 20 -f 1 -l 1 -x 2 -y 2 -W 1 -H 1 "$pdf" "$tmp/px" 2>/dev/null
  colours="$colours $(tail -c 3 "$tmp"/px*.ppm | od -An -tx1 | tr -d ' \n')"
  rm -f "$tmp"/px*.ppm
  last=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
  pdftoppm -r 200 -f "$last" -l "$last" -png "$pdf" "$tmp/back" 2>/dev/null
  code=$(zbarimg -q "$tmp"/back*.png 2>/dev/null)
  rm -f "$tmp"/back*.png
  check "$name: the back cover's QR code leads to its guide (read: ${code:-nothing})" \
    "echo \"\$code\" | grep -q 'QR-Code:https://[^ ]*/pixi/$name/\$'"
done
n=$(echo $colours | wc -w)
check "the pixi covers have a colour each ($colours)" "[ $n -ge 7 ] && [ \$(echo $colours | tr ' ' '\\n' | sort -u | wc -l) -eq $n ]"

# The imposition of an 8- and a 24-page booklet is also checked alone, in
# the unit test print_test (imposition_order).
echo "pdf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
