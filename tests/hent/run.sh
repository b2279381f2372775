#!/bin/sh
# The parents' conventions of issue 9 on the built site: every reader PDF in
# public/booklets linked from a page besides /hent/, each link's accessible
# name with the PDF's real page count (pdfinfo) and size (its bytes, rounded
# as the site prints them), the same figures after klar build --no-booklets,
# /hent/ listing every booklet with its printer file; the 404 page (noindex,
# no canonical, the search form); /was and the accessibility statement.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin hent

out=$t/site
if ! ./klar build --quiet --out "$out" -j 2 2>"$t/build.err"; then
  cat "$t/build.err"; no "content/ builds"
  echo "hent: $pass passed, $fail failed"; exit 1
fi
nbsp=$(printf '\302\240')

# Danish size as the site prints it: kilobytes of 1000 bytes rounded up,
# from 1000 kB megabytes to one decimal ("1,2 MB").
size_of() {
  b=$(wc -c < "$1")
  kb=$(( (b + 999) / 1000 ))
  if [ "$kb" -lt 1000 ]; then echo "${kb}${nbsp}kB"; else
    t10=$(( (b + 50000) / 100000 )); echo "$((t10 / 10)),$((t10 % 10))${nbsp}MB"; fi
}
pages_of() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
plural() { [ "$1" = 1 ] && echo "1 side" || echo "$1 sider"; }

# Every link to a booklet's reader PDF in the pages, as "page<TAB>href<TAB>name":
# the accessible name is the aria-label (it wins over the link's text).
links() {
  (cd "$1" && find . -name '*.html' | sort | while read -r f; do
    tr '\n' ' ' < "$f" | grep -o '<a [^>]*href="[^"]*/booklets/[^"]*\.pdf"[^>]*>' |
      while read -r a; do
        href=$(echo "$a" | sed -n 's/.*href="\([^"]*\)".*/\1/p')
        name=$(echo "$a" | sed -n 's/.*aria-label="\([^"]*\)".*/\1/p')
        printf '%s\t%s\t%s\n' "$f" "$href" "$name"
      done
  done)
}
links "$out" > "$t/links.txt"

readers=$(cd "$out/booklets" && ls *.pdf | grep -v -e '-tryk\.pdf$' -e '-ark\.pdf$')
[ "$(echo "$readers" | wc -l)" -ge 14 ] && ok "14 or more reader PDFs built" || no "14 or more reader PDFs built ($(echo "$readers" | wc -l))"
unlinked="" ; unlisted="" ; noprinter=""
for pdf in $readers; do
  n=${pdf%.pdf}
  grep -v '^\./hent/index.html' "$t/links.txt" | cut -f2 | grep -q "/booklets/$pdf\$" || unlinked="$unlinked $n"
  grep '^\./hent/index.html' "$t/links.txt" | cut -f2 | grep -q "/booklets/$pdf\$" || unlisted="$unlisted $n"
  grep -q "href=\"[^\"]*/booklets/$n-tryk.pdf\"" "$out/hent/index.html" 2>/dev/null || noprinter="$noprinter $n"
done
[ -z "$unlinked" ] && ok "every reader PDF is linked from a page besides /hent/" || no "not linked from any page but /hent/:$unlinked"
[ -z "$unlisted" ] && ok "/hent/ links every reader PDF" || no "/hent/ lacks:$unlisted"
[ -z "$noprinter" ] && ok "/hent/ links every printer file" || no "/hent/ lacks the printer file of:$noprinter"
grep -q 'Trykklar fil til trykkeriet' "$out/hent/index.html" 2>/dev/null && ok "/hent/ marks the printer files for the print shop" ||
  no "/hent/ marks the printer files for the print shop"
grep -q 'href="/hent/"' "$out/index.html" && ok "the footer links /hent/" || no "the footer links /hent/"

# The accessible name of every link to a reader PDF carries its figures.
check_names() { # folder, label
  bad=0; seen=0
  links "$1" | while IFS="$(printf '\t')" read -r f href name; do
    pdf=$(basename "$href")
    case "$pdf" in *-tryk.pdf|*-ark.pdf) continue ;; esac
    want="Hent som PDF, $(plural "$(pages_of "$1/booklets/$pdf")"), $(size_of "$1/booklets/$pdf")"
    [ "$name" = "$want" ] || echo "$f $href: '$name', want '$want'"
  done > "$t/names-$2.txt"
  n=$(links "$1" | grep -c -v -e '-tryk\.pdf' -e '-ark\.pdf')
  if [ ! -s "$t/names-$2.txt" ] && [ "$n" -gt 0 ]; then ok "$2: the $n download links say the PDF's page count and size"; else
    head -n 5 "$t/names-$2.txt"; no "$2: download links with wrong or missing page count and size"; fi
}
check_names "$out" "full build"
# A quick build keeps the previous PDFs and reads their figures from the
# files (build/keep.c): the links must say the same.
cp -r "$out" "$t/quick"
./klar build --quiet --no-booklets --out "$t/quick" -j 2 2>"$t/quick.err" || cat "$t/quick.err"
check_names "$t/quick" "build --no-booklets"
if diff -r -x booklets "$out" "$t/quick" >/dev/null; then ok "--no-booklets gives the same pages as the full build"; else
  diff -r -x booklets "$out" "$t/quick" | head -n 10; no "--no-booklets gives the same pages as the full build"; fi

# The 404 page.
nf=$out/404.html
grep -q '<meta name="robots" content="noindex">' "$nf" && ok "404 has noindex" || no "404 has noindex"
grep -q 'rel="canonical"' "$nf" && no "404 has no canonical link" || ok "404 has no canonical link"
tr '\n' ' ' < "$nf" | grep -q '<form[^>]*method="get"[^>]*action="/soeg/"' && ok "404 has a GET form to /soeg/" || no "404 has a GET form to /soeg/"
grep -q '<input[^>]*name="q"' "$nf" && grep -q '<label for="[^"]*">Søg</label>' "$nf" && ok "404's search box: input q with label Søg" ||
  no "404's search box: input q with label Søg"
grep -q 'prøv søgningen' "$nf" && ok "404 says: prøv søgningen" || no "404 says: prøv søgningen"

# /was and the accessibility statement.
was=$out/was/index.html
st=$out/om/tilgaengelighed/index.html
if [ -s "$was" ] && grep -q 'http-equiv="refresh" content="0; url=/om/tilgaengelighed/"' "$was" &&
   grep -q 'href="/om/tilgaengelighed/"' "$was"; then ok "/was/ leads to the statement"; else no "/was/ leads to the statement"; fi
grep -q '<meta name="robots" content="noindex">' "$was" && grep -q 'rel="canonical" href="https://klar.hedensted.dk/om/tilgaengelighed/"' "$was" &&
  ok "/was/ is noindex with the statement as canonical" || no "/was/ is noindex with the statement as canonical"
grep -q 'href="/om/tilgaengelighed/">Tilgængelighedserklæring' "$out/index.html" && ok "the footer links the statement" || no "the footer links the statement"
sdate=$(sed -n 's/^date: *//p' content/om/tilgaengelighed.md)
[ -n "$sdate" ] && grep -q "<time datetime=\"$sdate\"" "$st" && ok "the statement shows its date ($sdate)" || no "the statement shows its date"
grep -q 'href="https://digst.dk/[^"]*webtilgaengelighed[^"]*"' "$st" && ok "the statement links the complaint to Digitaliseringsstyrelsen" ||
  no "the statement links the complaint to Digitaliseringsstyrelsen"
official=$(sed -n 's/^ *accessibility_statement: *//p' content/site.yaml)
[ -n "$official" ] && grep -q "href=\"$official\"" "$st" && ok "the statement links the official one from site.yaml" ||
  no "the statement links the official one from site.yaml"
# ... and from a site.yaml of another site: the link follows the setting.
mkdir -p "$t/other" && cp -r content layouts assets "$t/other/"
sed -i 's|accessibility_statement: .*|accessibility_statement: https://www.was.digst.dk/eksempel-dk|' "$t/other/content/site.yaml"
./klar build --quiet --no-booklets --root "$t/other" --out "$t/other/public" 2>/dev/null
grep -q 'href="https://www.was.digst.dk/eksempel-dk"' "$t/other/public/om/tilgaengelighed/index.html" &&
  ok "the official link is the one site.yaml sets" || no "the official link is the one site.yaml sets"

# klar serve makes no PDFs: its pages link none (no file would answer, and
# figures of a PDF not made would be made up) and /hent/ says when they come.
./klar serve --port 0 -B -j 2 > "$t/serve.txt" 2>&1 &
spid=$!
i=0
while [ $i -lt 600 ] && ! grep -q 'serving the preview at' "$t/serve.txt" && kill -0 $spid 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
surl=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$t/serve.txt" | head -n 1)
if [ -n "$surl" ]; then
  curl -s "${surl}hent/" > "$t/serve-hent.html"
  curl -s "${surl}pixi/pixi-0-1-aar/" > "$t/serve-pixi.html"
  made=$(grep -c "PDF'en laves, når siden udgives." "$t/serve-hent.html")
  if [ "$made" -ge 14 ] && ! grep -q '/booklets/[^"]*\.pdf' "$t/serve-hent.html" "$t/serve-pixi.html" &&
     grep -q 'Barnets første år' "$t/serve-pixi.html"; then ok "klar serve: no PDF links, /hent/ says the PDFs come at publishing"; else
    no "klar serve: no PDF links, /hent/ says the PDFs come at publishing ($made)"; fi
else
  cat "$t/serve.txt"; no "klar serve starts"
fi
kill $spid 2>/dev/null
wait $spid 2>/dev/null

# Pagination: the same content with `paginate: 3` (and 1 for the news).
pg=$t/paged
mkdir -p "$pg" && cp -r content layouts assets "$pg/"
sed -i 's/^paginate: .*/paginate: 3/' "$pg/content/site.yaml"
sed -i '1a paginate: 1' "$pg/content/nyheder/_index.md"
if ./klar build --quiet --no-booklets --root "$pg" --out "$pg/public" -j 2 2>"$pg/err"; then ok "paginate: 3 builds"; else
  cat "$pg/err"; no "paginate: 3 builds"; fi
# check_list SECTION ITEMS-PER-PAGE: pages 1..N at /S/ and /S/side/K/, each
# with "Side K af N", rel prev/next in the head and the nav, the numbers
# nav labelled "Sider", every item of the section on exactly one page, every
# page in the sitemap.
check_list() {
  sec=$1 size=$2
  # The section's pages as the build has them (drafts and pages dated in
  # the future are left out by the build, so the sitemap says which).
  items=$(sed -n "s|.*<loc>https://klar.hedensted.dk\(/$sec/[^/]*/\)</loc>.*|\1|p" "$pg/public/sitemap.xml" | grep -v "/side/")
  nitems=$(echo "$items" | wc -l)
  total=$(( (nitems + size - 1) / size ))
  problems=""
  k=1
  while [ "$k" -le "$total" ]; do
    if [ "$k" = 1 ]; then url="/$sec/"; else url="/$sec/side/$k/"; fi
    f="$pg/public${url}index.html"
    [ -s "$f" ] || { problems="$problems; $url missing"; k=$((k + 1)); continue; }
    grep -q "Side $k af $total" "$f" || problems="$problems; $url lacks Side $k af $total"
    grep -q '<nav class="pagination" aria-label="Sider">' "$f" || problems="$problems; $url lacks the Sider nav"
    grep -q "<loc>https://klar.hedensted.dk$url</loc>" "$pg/public/sitemap.xml" || problems="$problems; $url not in the sitemap"
    if [ "$k" -gt 1 ]; then
      if [ "$k" = 2 ]; then p="/$sec/"; else p="/$sec/side/$((k - 1))/"; fi
      grep -q "<link rel=\"prev\" href=\"$p\">" "$f" && grep -q "<a rel=\"prev\" href=\"$p\">" "$f" || problems="$problems; $url prev"
    else
      grep -q 'rel="prev"' "$f" && problems="$problems; $url has a prev"
    fi
    if [ "$k" -lt "$total" ]; then
      n="/$sec/side/$((k + 1))/"
      grep -q "<link rel=\"next\" href=\"$n\">" "$f" && grep -q "<a rel=\"next\" href=\"$n\">" "$f" || problems="$problems; $url next"
    else
      grep -q 'rel="next"' "$f" && problems="$problems; $url has a next"
    fi
    k=$((k + 1))
  done
  [ -e "$pg/public/$sec/side/$((total + 1))/index.html" ] && problems="$problems; a page too many"
  for it in $items; do
    on=$(grep -l "class=\"card__title\"><a href=\"$it\"\|<h2><a href=\"$it\"" "$pg/public/$sec/index.html" "$pg/public/$sec"/side/*/index.html 2>/dev/null | wc -l)
    [ "$on" = 1 ] || problems="$problems; $it on $on pages"
  done
  if [ -z "$problems" ] && [ "$total" -gt 1 ]; then ok "$sec: $nitems items on $total pages of $size, each once, prev/next right"; else
    no "$sec paginated by $size:$problems"; fi
}
check_list forslag 3
check_list nyheder 1
[ ! -e "$pg/public/tilbud/side/2/index.html" ] && ok "paginate: false keeps a list on one page" || no "paginate: false keeps a list on one page"
[ ! -e "$out/nyheder/side/2/index.html" ] && [ -e "$out/forslag/side/2/index.html" ] && ok "paginate: 20 splits only longer lists" ||
  no "paginate: 20 splits only longer lists"

echo "hent: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
