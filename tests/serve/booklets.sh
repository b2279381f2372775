# The booklet preview of klar serve (/_klar/booklets/), sourced by
# tests/serve/run.sh after its own servers stopped (it uses its ok, no, get,
# expect and $t): drawn after the site is served; the list, a spread page
# and its images; traversal below it; an edit of a pixi page that makes a
# page run over, marked after the "booklets" event, with only that
# booklet's images rewritten; the revert; a broken print layout in the
# overlay's errors; then the browser (tests/serve/booklets.test.mjs).

bsite=$t/bsite
mkdir -p "$bsite"
cp -r content layouts assets "$bsite/"
pixi_md=$bsite/content/pixi/pixi-3-6-aar.md
cp "$pixi_md" "$t/pixi.orig"
TMPDIR=$t/tmp ./klar serve --root "$bsite" --port 0 -j 2 > "$t/bout.txt" 2> "$t/berr.txt" &
pid=$!
if ! wait_for "$t/bout.txt" 'serving the preview at' 60; then
  cat "$t/bout.txt" "$t/berr.txt"
  no "klar serve with booklets starts"
  kill $pid 2>/dev/null
  return 0
fi
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$t/bout.txt" | head -n 1)
priv=$(ls -d "$mem"/klar-serve-* 2>/dev/null | head -n 1) # XDG_RUNTIME_DIR, as run.sh set it
bdir=$priv/preview/_klar/booklets
grep -q "the booklets' pages at ${url}_klar/booklets/" "$t/bout.txt" && ok "the terminal prints the booklets' URL too" \
  || no "no booklets URL: $(cat "$t/bout.txt")"
curl -sN "${url}_klar/events" > "$t/bevents.txt" 2>/dev/null &
bsse=$!
# The site first: the front page answers while the booklets are still being drawn.
expect "the front page while the booklets are drawn" / "200 $html"
grep -q '"drawn":0' "$t/bevents.txt" 2>/dev/null || wait_for "$t/bevents.txt" 'event: hello' 10
if grep -q 'event: booklets' "$t/bevents.txt"; then
  no "the site was served only after the booklets were drawn"
else
  ok "the site is served before the booklets are drawn"
  expect "the booklet list before the drawing" /_klar/booklets/ "200 $html"
  grep -q 'Hæfterne tegnes…' "$t/body" && ok "it says the booklets are being drawn" || no "placeholder: $(head -c 300 "$t/body")"
fi
[ -d "$priv/preview" ] && [ -d "$priv/site" ] && [ ! -e "$priv/site/_klar" ] \
  && ok "the preview's folder is beside the site's, not in it" || no "folders: $(ls "$priv" "$priv/site")"
if wait_for "$t/bevents.txt" 'event: booklets' 120; then ok "a booklets event once they are drawn"; else no "no booklets event"; fi
grep -A1 'event: booklets' "$t/bevents.txt" | grep -q '"drawn":1,"errors":null' && ok "the event carries the preview's number" \
  || no "booklets event: $(grep -A1 'event: booklets' "$t/bevents.txt")"
grep -Eq '^klar: drew the preview of [0-9]+ booklets in [0-9]+ ms' "$t/bout.txt" && ok "the terminal says it drew them" \
  || no "terminal: $(cat "$t/bout.txt")"

# The list, a spread page, its images.
nbook=$(grep -c '^  - name: ' "$bsite/content/site.yaml")
expect "the booklet list" /_klar/booklets/ "200 $html"
listed=$(grep -o '<code class="name">[^<]*</code>' "$t/body" | wc -l)
[ "$listed" -eq "$nbook" ] && ok "it lists the $nbook booklets of site.yaml" || no "it lists $listed booklets, site.yaml has $nbook"
grep -q 'href="pixi-3-6-aar/"' "$t/body" && ok "with a link to each booklet's pages" || no "no link to pixi-3-6-aar/"
grep -q '<script src="/_klar/live.js" data-build="1" defer>' "$t/body" && ok "the list carries the live script with the preview's number" \
  || no "list script: $(grep -o '<script src="/_klar/live.js"[^>]*>' "$t/body")"
expect "a booklet's spreads" /_klar/booklets/pixi-3-6-aar/ "200 $html"
cp "$t/body" "$t/spread1.html"
v5=$(grep -o 'p05\.png?v=[0-9a-f]*' "$t/spread1.html" | sed 's/.*v=//')
[ -n "$v5" ] && ok "page 5's image is versioned ($v5)" || no "no p05.png?v= in the spread page"
expect "a page image" "/_klar/booklets/pixi-3-6-aar/p05.png?v=$v5" "200 image/png"
cmp -s "$t/body" "$bdir/pixi-3-6-aar/p05.png" && ok "the image's bytes as drawn" || no "image bytes differ"
grep -qi '^cache-control: max-age=31536000, immutable' "$t/head" && ok "a versioned image may be kept (only changed pages are fetched again)" \
  || no "versioned image cache: $(grep -i cache-control "$t/head")"
expect "the image without its version" /_klar/booklets/pixi-3-6-aar/p01.png "200 image/png"
grep -qi '^cache-control: no-store' "$t/head" && ok "without its version it is not kept" || no "unversioned cache: $(grep -i cache-control "$t/head")"
expect "a missing booklet" /_klar/booklets/findes-ikke/ "404 text/plain; charset=utf-8"
expect "the rest of /_klar/" /_klar/andet/ "404 $html"
expect "the preview's marker is hidden" /_klar/booklets/.klar-output "404 $html"
[ -z "$(ls "$priv/site/booklets" 2>/dev/null)" ] && ok "the server's build makes no PDFs" || no "PDFs in the served site: $(ls "$priv/site/booklets")"
get /pixi/pixi-3-6-aar/ > /dev/null
grep -q '\.pdf"' "$t/body" && no "a served page links a PDF that is not there" || ok "the served pages link no PDF"
./klar serve --help | grep -q '/_klar/booklets/' && ./klar serve --help | grep -q 'makes no PDFs' \
  && ok "klar serve --help says it draws the booklets instead of making PDFs" || no "help text"

# Traversal below /_klar/booklets/.
echo "KLAR-SECRET-9b1" > "$t/tmp/bsecret.txt"
ln -s "$t/tmp" "$bdir/evil"
ln -s "$priv/site/index.html" "$bdir/site.html"
for p in '/_klar/booklets/../../bsecret.txt' '/_klar/booklets/%2e%2e/%2e%2e/%2e%2e/bsecret.txt' \
  '/_klar/booklets/..%2f..%2f..%2fbsecret.txt' '/_klar/booklets/pixi-3-6-aar/%2e%2e%2f%2e%2e%2f%2e%2e%2fsite%2findex.html' \
  '/_klar/booklets/evil/bsecret.txt' '/_klar/booklets/site.html' '/_klar/booklets/%5c..%5c..%5cbsecret.txt' \
  '/_klar%2fbooklets/index.html' '/_klar/booklets/%00/../../bsecret.txt'; do
  code=$(get "$p")
  case $code in
    403*|404*)
      if grep -q -e KLAR-SECRET-9b1 -e 'data-build="[0-9]*" defer></script></body>' "$t/body"; then no "traversal $p read a file outside"
      else ok "traversal $p answers ${code%% *}"; fi ;;
    *) no "traversal $p answers $code" ;;
  esac
done
rm -f "$bdir/evil" "$bdir/site.html"

# An edit that makes page 5 of one pixi run over (three paragraphs more under
# Robusthed's "Det kan I gøre", as tests/preview does).
others=$(cd "$bdir" && ls -d */ | sed 's|/$||' | grep -vx 'pixi-3-6-aar')
(cd "$bdir" && for b in $others; do stat -c '%n %Y.%y %i' "$b"/*.png; md5sum "$b"/*.png; done) > "$t/others.before"
p01=$(stat -c '%Y.%y %i' "$bdir/pixi-3-6-aar/p01.png")
awk 'NR == 28 { print; print "Læg mærke til, hvad barnet selv foreslår, når noget går galt, og giv det tid til at prøve sin egen idé, før I hjælper."; print ""; print "Fortæl barnet, at det er helt almindeligt at blive skuffet, og at skuffelsen går over igen, når man har prøvet en gang til."; print ""; print "Ros barnet for at blive ved, ikke for at vinde: det er viljen til at prøve igen, der gør barnet robust i det lange løb, også i skolen."; print ""; next } { print }' \
  "$t/pixi.orig" > "$t/pixi.long"
cp "$t/pixi.long" "$bsite/content/pixi/.pixi.tmp" && mv "$bsite/content/pixi/.pixi.tmp" "$pixi_md"
if wait_for "$t/bevents.txt" '"drawn":2' 60; then ok "the edit redraws and sends a booklets event"; else no "no booklets event after the edit"; fi
grep '"drawn":2' "$t/bevents.txt" | grep -q '"booklets":1' && ok "only the one booklet that uses the page is drawn" \
  || no "drawn after the edit: $(grep '"drawn":2' "$t/bevents.txt")"
grep -q 'reload' "$t/bevents.txt" && ok "the site's build reloaded first" || no "no reload event for the site"
expect "the spread page after the edit" /_klar/booklets/pixi-3-6-aar/ "200 $html"
grep -o '<figure [^>]*id="side-5".*</figure>' "$t/body" | sed 's|</figure>.*||' | grep -q '<span class="label">Løber over</span>' \
  && ok "page 5 is marked Løber over" || no "page 5 not marked: $(grep -o '<figure [^>]*id="side-5"[^>]*>' "$t/body")"
v5b=$(grep -o 'p05\.png?v=[0-9a-f]*' "$t/body" | sed 's/.*v=//')
[ -n "$v5b" ] && [ "$v5b" != "$v5" ] && ok "page 5's image has a new version ($v5 -> $v5b)" || no "page 5's version: $v5 -> $v5b"
grep -q 'data-build="2"' "$t/body" && ok "the page carries the preview's new number" || no "spread page number: $(grep -o 'data-build="[0-9]*"' "$t/body")"
[ "$(stat -c '%Y.%y %i' "$bdir/pixi-3-6-aar/p01.png")" = "$p01" ] && ok "page 1 of the edited booklet not rewritten" || no "page 1 rewritten"
(cd "$bdir" && for b in $others; do stat -c '%n %Y.%y %i' "$b"/*.png; md5sum "$b"/*.png; done) > "$t/others.after"
cmp -s "$t/others.before" "$t/others.after" && ok "no other booklet's images rewritten ($(echo $others | wc -w) booklets, mtime and md5)" \
  || no "other booklets changed: $(diff "$t/others.before" "$t/others.after" | head -n 4)"
grep -Eq "content/pixi/pixi-3-6-aar.md:(29|31|33):[0-9]+: warning: page 5 of booklet 'pixi-3-6-aar' runs over" "$t/berr.txt" \
  && ok "the terminal warns of the overflow with file and line" || no "terminal: $(tail -n 3 "$t/berr.txt")"
# The revert: the mark goes.
cp "$t/pixi.orig" "$pixi_md"
wait_for "$t/bevents.txt" '"drawn":3' 60 && get /_klar/booklets/pixi-3-6-aar/ > /dev/null
grep -q 'Løber over' "$t/body" && no "the mark stays after the revert" || ok "the revert removes the mark"
[ "$(grep -o 'p05\.png?v=[0-9a-f]*' "$t/body" | sed 's/.*v=//')" = "$v5" ] && ok "and page 5 has its first version again" || no "page 5 version after revert"
# An edit no booklet uses (the site's style sheet): no drawing.
css=$(ls "$bsite"/assets/css/*.css | head -n 1)
printf '\n/* En ændring uden hæfte. */\n' >> "$css"
i=0; while [ $i -lt 100 ] && [ "$(grep -c 'event: reload' "$t/bevents.txt")" -lt 3 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
grep -q '"drawn":4' "$t/bevents.txt" && no "a page no booklet prints redrew the preview" || ok "a page no booklet prints draws nothing"

# A print layout that cannot be read: the overlay's errors; the fix clears them.
cp "$bsite/layouts/print/program.xml" "$t/program.xml"
cp "$t/program.xml" "$t/program.bad"
printf '<broken' >> "$t/program.bad"
cp "$t/program.bad" "$bsite/layouts/print/program.xml"
if wait_for "$t/bevents.txt" '"drawn":4,"errors":\[{' 60; then ok "a broken print layout: the booklets event carries errors"
else no "broken print layout: $(grep 'drawn":4' "$t/bevents.txt")"; fi
grep -q 'layouts/print/program.xml' "$t/bevents.txt" && ok "naming the layout" || no "the layout is not named"
grep -Eq '^klar: [0-9]+ errors? in the booklet preview' "$t/berr.txt" && ok "the terminal says so" || no "terminal: $(tail -n 3 "$t/berr.txt")"
curl -sN --max-time 2 "${url}_klar/events" > "$t/blate.txt" 2>/dev/null
grep -q '"errors":\[{"level":"error","file":"layouts/print/program.xml"' "$t/blate.txt" && ok "a page opened now gets them in hello" \
  || no "late hello: $(head -c 300 "$t/blate.txt")"
cp "$t/program.xml" "$bsite/layouts/print/program.xml"
wait_for "$t/bevents.txt" '"drawn":5,"errors":null' 60 && ok "the fix draws again without errors" || no "after the fix: $(grep 'drawn":5' "$t/bevents.txt")"

# In Chromium: the spread page re-renders by itself after an edit.
if [ -f tests/browser/node_modules/playwright-core/package.json ]; then
  node tests/serve/booklets.test.mjs "$url" "$pixi_md" "$t" > "$t/blive.txt" 2>&1
  cat "$t/blive.txt"
  grep -q '^booklets: [0-9]* passed' "$t/blive.txt" || no "the booklets browser test ended without its counts"
fi

kill -INT $pid
wait $pid
[ $? -eq 0 ] && ok "the server with booklets stops cleanly" || no "exit status of the server with booklets"
[ ! -e "$priv" ] && ok "its preview folder is removed with the site's" || no "left: $(ls "$priv")"
kill $bsse 2>/dev/null

# A site that does not build at the start: the first good build draws them all.
sed '2s/^title: /title: "/' "$t/pixi.orig" > "$pixi_md"
TMPDIR=$t/tmp ./klar serve --root "$bsite" --port 0 -j 2 > "$t/bout2.txt" 2> "$t/berr2.txt" &
pid=$!
wait_for "$t/bout2.txt" 'serving the preview at' 60
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$t/bout2.txt" | head -n 1)
curl -sN "${url}_klar/events" > "$t/bevents2.txt" 2>/dev/null &
bsse=$!
wait_for "$t/bevents2.txt" 'event: hello' 10
cp "$t/pixi.orig" "$pixi_md"
wait_for "$t/bevents2.txt" 'event: booklets' 120 && ok "after a failed first build, the fix draws the booklets" \
  || no "no drawing after the fix: $(cat "$t/bout2.txt")"
get /_klar/booklets/ > /dev/null
[ "$(grep -o '<code class="name">[^<]*</code>' "$t/body" | wc -l)" -eq "$nbook" ] && ok "and lists them all" || no "list after the fix"
kill -INT $pid
wait $pid
kill $bsse 2>/dev/null
