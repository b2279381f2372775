#!/bin/sh
# Layout failures of the booklets (issue 10, point 2), on a copy of the
# bundled site in tests/out/booklets:
#   bundled   every booklet is made with no error and no warning: nothing
#             runs over, no page is empty that the layout did not ask for,
#             no nearly empty page before a page break, no heading at the foot of a page,
#             no word split across a leaf turn, no line alone
#   blank     every page of every reader and printer PDF rendered by
#             poppler: a page with no text (pdftotext) and no image
#             (pdfimages) must be one the layout leaves empty on purpose, as
#             the preview's summary of the booklet lists them
#   turns     no right-hand page ends with a hyphenated word (pdftotext
#             shows the break as U+00AD) when a page follows it
#   policy    padding per product: the catalogs to a multiple of 4 with
#             Noter pages before the back cover (their layout's <notes
#             pad="true">), not in the reader PDF; the programmes and the memo
#             not at all, the memo without bleed; impose with binding="none"
#             is an error
#   pixi      pixi-graviditet keeps its plan: Robusthed's third milestone
#             (three lines since its text was restored) stays on page 4,
#             each theme on its spread, five pages of notes
#   refs      a link to a page of the same booklet prints "(se side N)", N
#             the page of its target, in the reader and (black) the printer
#             PDF (tests/pdf/pagerefs.py); a web link its address; in a copy:
#             page-ref's wording, none, a mistake, and a 100-page booklet
#   findings  made to happen in copies of the layouts: a nearly empty page under a
#             stricter min-fill, a heading that may not keep with its
#             text, an overflowing pixi; each with the content's file:line,
#             warnings or (for the PDF) errors as the layout's plan asks
# Ends with "booklets: N passed, N failed".
top=$(cd "$(dirname "$0")/../.." && pwd)
klar=${KLAR:-$top/klar}
. "$top/tests/lib.sh"
suite_begin booklets abs
for tool in pdftotext pdfimages pdfinfo; do
  command -v $tool > /dev/null 2>&1 || { no "$tool is installed (poppler-utils)"; echo "booklets: $pass passed, $fail failed"; exit 1; }
done

site=$t/site
mkdir -p "$site"
cp -r content layouts assets "$site/"
# make OUT [NAME...]: klar booklets into OUT in the copy; messages in $t/log.
make_pdf() { o=$1; shift; (cd "$site" && "$klar" booklets -q -j 2 --out "$o" "$@") > "$t/log" 2>&1; }
preview() { o=$1; shift; (cd "$site" && "$klar" booklets -q -j 2 --preview "$o" "$@") > "$t/log" 2>&1; }

# ---------------------------------------------------------------- bundled
make_pdf "$t/pdf"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$t/log" ]; then ok "every booklet made, no error, no warning"
else no "every booklet made, no error, no warning (exit $rc)"; grep -v '^  ' "$t/log" | head -n 20; fi
preview "$t/prev"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$t/log" ]; then ok "the preview finds nothing either"
else no "the preview finds nothing either (exit $rc)"; grep -v '^  ' "$t/log" | head -n 20; fi

# ------------------------------------------------------------------ blank
# blank_pages PDF: the numbers of the pages with no text and no image.
blank_pages() {
  pdfimages -list "$1" 2> /dev/null | awk 'NR > 2 { print $1 }' | sort -u > "$t/img"
  pdftotext -layout "$1" - 2> /dev/null | awk -v RS='\f' '{ gsub(/[ \t\n]/, ""); if ($0 == "") print NR }' |
    grep -vxF -f "$t/img" | tr '\n' ' '
}
n=0
for pdf in "$t"/pdf/booklets/*.pdf; do
  name=$(basename "$pdf" .pdf)
  case $name in *-ark) continue ;; esac
  base=${name%-tryk}
  key=blank
  [ "$base" != "$name" ] && key=printer-blank
  sum=$t/prev/_klar/booklets/$base/summary
  meant=" $(grep "^$key" "$sum" | sed "s/^$key//") "
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
  # pdftotext leaves no record after the last page's form feed.
  strays=""
  for p in $(blank_pages "$pdf"); do
    [ "$p" -le "$pages" ] || continue
    case $meant in *" $p "*) ;; *) strays="$strays $p" ;; esac
  done
  if [ -z "$strays" ]; then ok "$name: every empty page is one the layout asks for (meant:$meant)"
  else no "$name: empty pages the layout did not ask for:$strays (meant:$meant)"; fi
  n=$((n + 1))
done
[ "$n" -ge 20 ] && ok "$n reader and printer PDFs looked at" || no "reader and printer PDFs looked at ($n)"
# The check itself: the A5 catalog's page 2 is empty on purpose and found so.
case $(blank_pages "$t/pdf/booklets/outputkatalog.pdf") in
"2 ") ok "blank_pages finds the catalog's empty page 2" ;;
*) no "blank_pages finds the catalog's empty page 2 ($(blank_pages "$t/pdf/booklets/outputkatalog.pdf"))" ;;
esac

# ----------------------------------------------------------------- policy
# Padding per product (the layout's <page binding>): a saddle-stitched
# catalog padded to a multiple of 4 with its blank pages just before the
# back cover; the A4 programmes and the memo not padded; the memo without
# bleed or crop marks (its boxes all the page).
pn() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
page() { pdftotext -f "$2" -l "$2" "$1" - 2> /dev/null | tr -s ' \n' '  '; }
d=$t/pdf/booklets
rn=$(pn "$d/tema-og-tilbudskatalog.pdf") tn=$(pn "$d/tema-og-tilbudskatalog-tryk.pdf")
# Its layout has <notes pad="true"> before the back cover: the padding is
# ruled "Noter" pages there (pages rn .. tn-1 of the printer PDF), the back
# cover last; only the layout's own <blank/> (page 2) is empty.
got=$(grep '^printer-blank' "$t/prev/_klar/booklets/tema-og-tilbudskatalog/summary" | sed 's/^printer-blank//')
[ $((tn % 4)) -eq 0 ] && [ "$tn" -gt "$rn" ] && [ "$got" = " 2" ] && ok "theme catalog: $rn pages padded to $tn, no blank page but page 2" \
  || no "theme catalog: $rn pages padded to $tn, blank pages '$got' (want ' 2')"
notes=""
i=$rn
while [ "$i" -lt "$tn" ]; do
  page "$d/tema-og-tilbudskatalog-tryk.pdf" "$i" | grep -Eq "^ *Noter $i[[:space:]]*$" || notes="$notes $i"
  i=$((i + 1))
done
[ -z "$notes" ] && page "$d/tema-og-tilbudskatalog-tryk.pdf" "$tn" | grep -q 'Læs mere på klar.hedensted.dk' \
  && ok "... the padding pages $rn-$((tn - 1)) are Noter pages, before the back cover" \
  || no "... padding pages that are not Noter pages:$notes (or the back cover is not last)"
pdftotext "$d/tema-og-tilbudskatalog.pdf" - 2> /dev/null | grep -q '^Noter$' \
  && no "... the reader PDF (not padded) has a Noter page" || ok "... the reader PDF (not padded) has no Noter page"
for b in program-hedensted-2027 program-juelsminde-2027 program-toerring-2027 outputkatalog-notat; do
  [ "$(pn "$d/$b.pdf")" = "$(pn "$d/$b-tryk.pdf")" ] && ok "$b: printer PDF not padded ($(pn "$d/$b-tryk.pdf") pages)" \
    || no "$b: printer PDF not padded ($(pn "$d/$b.pdf") reader, $(pn "$d/$b-tryk.pdf") printer pages)"
done
pdfinfo -box "$d/outputkatalog-notat-tryk.pdf" | awk '/^(MediaBox|BleedBox|TrimBox):/ { print $2, $3, $4, $5 }' | sort -u > "$t/boxes"
[ "$(wc -l < "$t/boxes")" -eq 1 ] && grep -q '^0.00 0.00 595.28 841.89$' "$t/boxes" && ok "the memo's printer PDF is plain A4: no bleed, no marks" \
  || no "the memo's printer PDF is plain A4: $(tr '\n' ';' < "$t/boxes")"
sed -i 's/^  - name: outputkatalog-notat$/&\n    impose: true/' "$site/content/site.yaml"
make_pdf "$t/imp" outputkatalog-notat
rc=$?
grep -q "error: booklet 'outputkatalog-notat' asks for printer spreads (impose: true), but layout layouts/print/notat.xml is not saddle-stitched" "$t/log" && [ "$rc" -eq 1 ] \
  && ok "impose with binding=\"none\": an error at the booklet (exit 1)" || { no "impose with binding=\"none\": an error (exit $rc)"; head -n 3 "$t/log"; }
cp layouts/print/notat.xml "$site/layouts/print/notat.xml"
cp content/site.yaml "$site/content/site.yaml"

# ------------------------------------------------------------------ turns
# The last line of a right-hand page's text (above its folio) must not end
# with a hyphenation break when the text goes on overleaf.
split=""
for pdf in "$t"/pdf/booklets/*.pdf; do
  case $pdf in *-ark.pdf | *-tryk.pdf) continue ;; esac
  s=$(pdftotext "$pdf" - 2> /dev/null | awk -v RS='\f' -v f="$(basename "$pdf")" '
    NR % 2 == 1 {
      n = split($0, l, "\n"); k = 0
      for (i = 1; i <= n; i++) if (l[i] ~ /[^ ]/) body[++k] = l[i]
      # the folio ("13", "Side 7") is the last line; the text ends above it
      if (k >= 2 && body[k] ~ /^(Side )?[0-9]+$/ && body[k - 1] ~ /\xc2\xad$/) printf " %s:%d", f, NR
      delete body
    }')
  split="$split$s"
done
[ -z "$split" ] && ok "no right-hand page ends with a hyphenated word" || no "right-hand pages end with a hyphenated word:$split"

# ------------------------------------------------------------------- pixi
g=$t/pdf/booklets/pixi-graviditet.pdf
page "$g" 4 | grep -q 'tvivl' && ok "pixi-graviditet: Robusthed's milestones end on page 4" \
  || no "pixi-graviditet: Robusthed's milestones end on page 4: $(page "$g" 4)"
page "$g" 5 | grep -q '^ *Robusthed Det kan I gøre' && ok "... page 5 opens with Det kan I gøre" \
  || no "... page 5 opens with Det kan I gøre: $(page "$g" 5 | cut -c1-60)"
page "$g" 6 | grep -q '^ *Automatisering Automatisering' && page "$g" 16 | grep -q '^ *Gode omgangsformer' \
  && ok "... the next themes on their left-hand pages (6, ..., 16)" || no "... the next themes on their left-hand pages"
notes=0
for p in 18 19 20 21 22; do page "$g" $p | grep -Eq 'Det har vi set|Det vil vi prøve|Spørgsmål vi vil stille|Mine noter' && notes=$((notes + 1)); done
[ "$notes" -eq 5 ] && ok "... five pages of notes (18-22)" || no "... five pages of notes (18-22): $notes"

# ------------------------------------------------------------------- refs
# Page references: a link to a page or heading of the same booklet prints
# "(se side N)" after its text, N the page its target lands on, and stays
# an internal link; the printer PDF prints the same references in black ink
# alone. tests/pdf/pagerefs.py reads every internal link of a reader PDF
# with the words in its area (qpdf, pdftotext -bbox, Ghostscript).
for b in outputkatalog outputkatalog-notat tema-og-tilbudskatalog; do
  if python3 "$top/tests/pdf/pagerefs.py" --min 5 "$d/$b.pdf" "$d/$b-tryk.pdf" > "$t/refs" 2>&1; then
    ok "$b: every link inside the booklet says its page ($(head -n 1 "$t/refs")), the printer PDF too, in black"
  else no "$b: every link inside the booklet says its page"; head -n 6 "$t/refs"; fi
done
for pdf in "$d"/*.pdf; do
  case $pdf in *-ark.pdf | *-tryk.pdf) continue ;; esac
  python3 "$top/tests/pdf/pagerefs.py" --min 0 "$pdf" > "$t/refs" 2>&1 || { no "$(basename "$pdf"): internal links without their page"; head -n 4 "$t/refs"; }
done
# The same with pdftotext alone: the page the catalog's introduction names
# for the interfaces is the page their heading opens, not the one before.
n=$(page "$d/outputkatalog.pdf" 5 | sed -n 's/.*kernegrupper (se side \([0-9]*\)).*/\1/p')
[ -n "$n" ] && page "$d/outputkatalog.pdf" "$n" | grep -q 'Snitflader mellem forslag og kernegrupper Mange af forslagene' &&
  ! page "$d/outputkatalog.pdf" $((n - 1)) | grep -q 'Snitflader mellem' \
  && ok "outputkatalog: 'se side $n' after the interfaces' link, and page $n opens them" \
  || no "outputkatalog: the interfaces' page reference ('$n'): $(page "$d/outputkatalog.pdf" 5 | tail -c 200)"

# In a copy: a web link keeps printing its address, a link to its own page
# prints nothing, the layout words the reference (page-ref), and a booklet
# of over a hundred pages whose references grow a digit still gets each
# right (the references are laid out again until the pages stop moving).
md=$site/content/outputkatalog/snitflader.md
cp "$md" "$t/snitflader.orig"
printf '\nLæs om reglerne hos [Digitaliseringsstyrelsen](https://digst.dk/) og om [snitfladerne](snitflader.md) her.\n' >> "$md"
python3 - "$site/content" <<'PY'
import sys
c = sys.argv[1]
words = ("Forældre og fagfolk taler sammen om barnets hverdag, om det, der går godt, "
         "og om det, der kan blive bedre, så barnet får de bedste muligheder for at lære og trives. ")
out = ["---", "title: Henvisninger i et langt hæfte", "---",
       "Se [afsnit 80](#afsnit-80), [afsnit 30](#afsnit-30) og [afsnit 2](#afsnit-2).", ""]
for i in range(1, 81):
    out += [f"## Afsnit {i}", ""]
    for j in range(7):
        out += [words * 3, ""]
    if i % 10 == 0:
        out += [f"Tilbage til [afsnit 1](#afsnit-1) og frem til [afsnit {min(i + 5, 80)}](#afsnit-{min(i + 5, 80)}).", ""]
open(c + "/om/henvisninger.md", "w", encoding="utf-8").write("\n".join(out))
y = open(c + "/site.yaml", encoding="utf-8").read().rstrip("\n")
y += ("\n  - name: henvisninger\n    label: Henvisninger\n    layout: katalog\n"
      "    title: Henvisninger\n    pages: [om/henvisninger.md]\n")
open(c + "/site.yaml", "w", encoding="utf-8").write(y)
PY
sed -i 's|page-ref="se side {page}"|page-ref="jf. s. {page}"|' "$site/layouts/print/katalog.xml"
make_pdf "$t/refs-copy" outputkatalog henvisninger
rc=$?
r=$t/refs-copy/booklets
pages=$(pdfinfo "$r/henvisninger.pdf" 2> /dev/null | awk '/^Pages:/ { print $2 }')
[ "$rc" -eq 0 ] && [ "${pages:-0}" -gt 100 ] && python3 "$top/tests/pdf/pagerefs.py" --ref "jf. s." --min 10 "$r/henvisninger.pdf" "$r/henvisninger-tryk.pdf" > "$t/refs" 2>&1 \
  && pdftotext "$r/henvisninger.pdf" - | tr -s ' \n' '  ' | grep -q 'afsnit 80 (jf. s. 1[0-9][0-9])' \
  && ok "a booklet of $pages pages: each reference right ($(head -n 1 "$t/refs")), in the layout's words" \
  || { no "a booklet of over 100 pages: each reference right (exit $rc, ${pages:-no} pages)"; head -n 6 "$t/refs" "$t/log"; }
last=$(pdfinfo "$r/outputkatalog.pdf" | awk '/^Pages:/ { print $2 }')
txt=$(pdftotext "$r/outputkatalog.pdf" - | tr -s ' \n' '  ')
echo "$txt" | grep -q 'Digitaliseringsstyrelsen (digst.dk)' && echo "$txt" | grep -q 'fladerne her' &&
  echo "$txt" | grep -q 'kernegrupper (jf. s. [0-9]*)' && ! echo "$txt" | grep -q 'se side' \
  && ok "a web link prints its address, a link to its own page nothing, page-ref words the rest" \
  || no "a web link prints its address, a link to its own page nothing: $(echo "$txt" | grep -o '.\{60\}Digitaliseringsstyrelsen.\{60\}')"
python3 "$top/tests/pdf/pagerefs.py" --ref "jf. s." "$r/outputkatalog.pdf" > "$t/refs" 2>&1 && grep -q 'own-page [2-9]' "$t/refs" \
  && ok "... and the PDF's links all go where they say ($(head -n 1 "$t/refs"))" || { no "... the PDF's links go where they say"; head -n 4 "$t/refs"; }
sed -i 's|page-ref="jf. s. {page}"|page-ref=""|' "$site/layouts/print/katalog.xml"
make_pdf "$t/refs-none" outputkatalog
pdftotext "$t/refs-none/booklets/outputkatalog.pdf" - | grep -q 'jf\. s\.\|se side' \
  && no "page-ref=\"\": no page references" || ok "page-ref=\"\": no page references"
sed -i 's|page-ref=""|page-ref="side"|' "$site/layouts/print/katalog.xml"
make_pdf "$t/refs-bad" outputkatalog
rc=$?
grep -Eq "^layouts/print/katalog.xml:[0-9]+:[0-9]+: error: attribute 'page-ref' must hold \{page\} once" "$t/log" && [ "$rc" -eq 1 ] \
  && ok "page-ref without {page}: an error at the layout's line (exit 1)" || { no "page-ref without {page}: an error (exit $rc)"; head -n 3 "$t/log"; }
cp layouts/print/katalog.xml "$site/layouts/print/katalog.xml"
cp content/site.yaml "$site/content/site.yaml"
cp "$t/snitflader.orig" "$md"
rm -f "$site/content/om/henvisninger.md"

# --------------------------------------------------------------- findings
# A nearly empty page: a min-fill no page of text can meet is warned about at the text
# that runs on to the page, and the PDF is still made.
cp layouts/print/katalog.xml "$t/katalog.xml"
sed -i 's/<content min-fill="0.3"\/>/<content min-fill="0.95"\/>/' "$site/layouts/print/katalog.xml"
make_pdf "$t/nearly-empty" outputkatalog
rc=$?
grep -Eq "^content/[a-z/-]+\.md:[0-9]+:[0-9]+: warning: page [0-9]+ of booklet 'outputkatalog' holds only the last lines of this text before a page break and is less than 95% full" "$t/log" \
  && [ "$rc" -eq 0 ] && ok "a nearly empty page: a warning with the file and line (exit 0)" || { no "a nearly empty page: a warning with the file and line (exit $rc)"; head -n 5 "$t/log"; }
cp "$t/katalog.xml" "$site/layouts/print/katalog.xml"

# A heading that may not keep with its text: the memo's "Beskæftigelse" is
# left at the foot of page 4 with its one-line mission, which keep-with-next
# (two lines of text under a heading) moves on to page 5.
sed -i 's/<style element="h1" size="16"/<style element="h1" keep-with-next="false" size="16"/' "$site/layouts/print/notat.xml"
make_pdf "$t/head" outputkatalog-notat
grep -Eq "^content/kernegrupper/beskaeftigelse.md:[0-9]+:[0-9]+: warning: this heading stands at the foot of page 4 of booklet 'outputkatalog-notat'" "$t/log" \
  && ok "a heading at the foot of a page: a warning with its file and line" || { no "a heading at the foot of a page: a warning"; head -n 5 "$t/log"; }
cp layouts/print/notat.xml "$site/layouts/print/notat.xml"
make_pdf "$t/head2" outputkatalog-notat
page "$t/head2/booklets/outputkatalog-notat.pdf" 5 | grep -q 'Beskæftigelse Det enkelte menneske' \
  && ok "... kept with its text, it opens page 5 with its mission" || no "... kept with its text, it opens page 5: $(page "$t/head2/booklets/outputkatalog-notat.pdf" 5 | cut -c1-200)"
[ ! -s "$t/log" ] && ok "... and nothing is found" || { no "... and nothing is found"; head -n 5 "$t/log"; }

# A pixi theme three paragraphs too long for its page: the preview warns
# and draws it, the PDF refuses it with errors at the text that runs over
# and at the next theme (the empty page it leaves).
md=$site/content/pixi/pixi-3-6-aar.md
cp "$md" "$t/pixi.orig"
awk 'NR == 28 { print; for (i = 1; i <= 3; i++) { print "Fortæl barnet, at det er helt almindeligt at blive skuffet, og at skuffelsen går over igen, når man har prøvet en gang til."; print "" } next } { print }' \
  "$t/pixi.orig" > "$md"
make_pdf "$t/over" pixi-3-6-aar
rc=$?
grep -Eq "^content/pixi/pixi-3-6-aar.md:[0-9]+:[0-9]+: error: page 5 of booklet 'pixi-3-6-aar' runs over" "$t/log" &&
  grep -Eq "^content/pixi/pixi-3-6-aar.md:[0-9]+:[0-9]+: error: page 7 of booklet 'pixi-3-6-aar' is empty" "$t/log" &&
  [ "$rc" -eq 1 ] && [ ! -e "$t/over/booklets/pixi-3-6-aar.pdf" ] && ok "an overflowing pixi: errors with the file and line, no PDF (exit 1)" \
  || { no "an overflowing pixi: errors with the file and line, no PDF (exit $rc)"; head -n 8 "$t/log"; }
preview "$t/prev2" pixi-3-6-aar
rc=$?
[ "$rc" -eq 0 ] && grep -q "warning: page 5 of booklet 'pixi-3-6-aar' runs over" "$t/log" \
  && ok "... the preview draws it and warns (exit 0)" || { no "... the preview draws it and warns (exit $rc)"; head -n 5 "$t/log"; }
# One line too many is mended: the page's spacing squeezed, nothing found.
awk 'NR == 28 { print; print "Ros barnet."; print ""; next } { print }' "$t/pixi.orig" > "$md"
make_pdf "$t/one" pixi-3-6-aar
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$t/log" ] && page "$t/one/booklets/pixi-3-6-aar.pdf" 5 | grep -q 'Ros barnet' \
  && page "$t/one/booklets/pixi-3-6-aar.pdf" 6 | grep -q '^ *Automatisering' \
  && ok "a pixi page one short line too long: squeezed on to its page, nothing found" \
  || { no "a pixi page one short line too long: squeezed on to its page (exit $rc)"; head -n 5 "$t/log"; }
cp "$t/pixi.orig" "$md"

echo "booklets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
