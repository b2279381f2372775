#!/bin/sh
# klar new: a page of every content type of site.yaml, made into a copy of
# the bundled site, builds and checks with no error; the pixi guide gets its
# seven themes with their two parts; an existing file is never overwritten;
# an unknown type lists the known ones; a path outside content/ is refused;
# an archetype replaces the generated skeleton; and the README's example
# pages are what klar new makes now, and build.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin new abs
export SOURCE_DATE_EPOCH=1800000000
KLAR=${KLAR:-$top/klar}

site_copy() {
  rm -rf "$1"
  mkdir -p "$1"
  cp -r content layouts assets "$1"/
}

# 1. The types, as the message for an unknown type lists them.
site_copy "$t/s"
cd "$t/s" || exit 2
"$KLAR" new gibberish content/x.md > "$t/unknown.out" 2> "$t/unknown.err"
rc=$?
types=$(sed -n 's/^  \([a-z_]*\)  .*/\1/p' "$t/unknown.err")
declared=$(awk '/^types:/ { on = 1; next } on && /^[^ #]/ { on = 0 } on && /^  [a-z_]+:/ { sub(/:.*/, ""); sub(/^  /, ""); print }' "$top/content/site.yaml")
want=$(printf '%s\npage\n' "$declared")
if [ "$rc" -eq 2 ] && [ "$types" = "$want" ] && grep -q "there is no content type 'gibberish'" "$t/unknown.err" &&
  [ ! -e content/x.md ]; then
  ok "an unknown type: exit 2 and the list of the $(echo "$types" | wc -l) known types"; else
  cat "$t/unknown.err"; no "an unknown type: exit 2 and the list of the known types (exit $rc)"; fi
"$KLAR" new konference content/x.md 2> "$t/near.err"
if grep -q "did you mean 'conference'" "$t/near.err"; then ok "a misspelt type gets 'did you mean'"; else
  cat "$t/near.err"; no "a misspelt type gets 'did you mean'"; fi

# 2. A page of every type, in a folder of its own and in its section's
# folder, then a build and a check with no error at all.
made=0
"$KLAR" new tilbud content/tilbud/soevn-og-rutiner.md > /dev/null 2>> "$t/new.err" && made=$((made + 1))
"$KLAR" new Forældrekonference content/konferencer/ny-konference.md > /dev/null 2>> "$t/new.err" && made=$((made + 1))
"$KLAR" new pixi content/pixi/pixi-ny.md > /dev/null 2>> "$t/new.err" && made=$((made + 1))
"$KLAR" new nyheder content/nyheder/2028-01-ny.md > /dev/null 2>> "$t/new.err" && made=$((made + 1))
for ty in $types; do
  "$KLAR" new "$ty" "content/nyt/$ty-side.md" > /dev/null 2>> "$t/new.err" && made=$((made + 1))
done
if [ "$made" -eq "$(($(echo "$types" | wc -l) + 4))" ]; then ok "klar new made $made pages"; else
  cat "$t/new.err"; no "klar new made $made pages"; fi
"$KLAR" build -q -j 2 -B --out "$t/out" > "$t/build.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q "error" "$t/build.out" && [ -f "$t/out/tilbud/soevn-og-rutiner/index.html" ] &&
  [ -f "$t/out/nyt/offer-side/index.html" ]; then
  ok "the site with a new page of every type builds with no error"; else
  head -n 20 "$t/build.out"; no "the site with a new page of every type builds with no error (exit $rc)"; fi
"$KLAR" check -q -j 2 > "$t/check.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q "error:" "$t/check.out"; then ok "klar check passes it with no error"; else
  head -n 20 "$t/check.out"; no "klar check passes it with no error (exit $rc)"; fi
if grep -q '^type: offer$' content/nyt/offer-side.md && ! grep -q '^type:' content/tilbud/soevn-og-rutiner.md; then
  ok "type: is written only outside the type's own section"; else no "type: is written only outside the type's own section"; fi
if grep -q '^format: oplæg$' content/tilbud/soevn-og-rutiner.md && grep -q '^duration: 45$' content/tilbud/soevn-og-rutiner.md &&
  grep -q '^role: roller/bibliotekar.md$' content/tilbud/soevn-og-rutiner.md &&
  grep -q '^# Oplægsholder (skal udfyldes): Hvem der holder' content/tilbud/soevn-og-rutiner.md &&
  grep -q '^# audience: ' content/tilbud/soevn-og-rutiner.md; then
  ok "an offer: first allowed value, a number, the first role, Danish help, optional fields commented out"; else
  no "an offer: first allowed value, a number, the first role, Danish help, optional fields commented out"; fi
times=$(sed -n 's/^ *-* *\(start\|end\): "\(.*\)"$/\2/p' content/konferencer/ny-konference.md | tr '\n' ' ')
if [ "$times" = "17.00 18.30 17.00 17.15 17.15 18.15 18.15 18.30 " ]; then
  ok "a conference's programme has ordered times: $times"; else no "a conference's programme has ordered times: $times"; fi

# 3. The pixi guide: the seven themes of site.yaml, in order, each with
# Pejlemærker and Det kan I gøre.
themes=$(awk '/^  pixi:/ { p = 1 } p && /sections:/ { s = 1; next } s && /^ *- / { sub(/^ *- /, ""); print; next } s { exit }' content/site.yaml)
want=$(echo "$themes" | while IFS= read -r th; do printf '## %s\n### Pejlemærker\n### Det kan I gøre\n' "$th"; done)
got=$(grep '^##' content/pixi/pixi-ny.md)
if [ "$(echo "$themes" | wc -l)" -eq 7 ] && [ "$got" = "$want" ]; then
  ok "the pixi guide has the 7 themes, each with its 2 parts"; else
  echo "$got" | head; no "the pixi guide has the 7 themes, each with its 2 parts"; fi

# 4. Never overwrite: exit 1, a plain message, the file as it was.
before=$(md5sum < content/temaer/robusthed.md)
"$KLAR" new tema content/temaer/robusthed.md > /dev/null 2> "$t/over.err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(md5sum < content/temaer/robusthed.md)" = "$before" ] &&
  grep -q "content/temaer/robusthed.md: error: the file exists already" "$t/over.err"; then
  ok "an existing page is not overwritten (exit 1)"; else cat "$t/over.err"; no "an existing page is not overwritten (exit $rc)"; fi

# 5. Paths outside content/, or not .md: refused, nothing made.
mkdir -p "$t/outside"
ln -s "$t/outside" content/ud
refused=0
for p in ../x.md content/../x.md /tmp/klar-new-x.md content/ud/x.md content/tilbud/x.txt content/.skjult/x.md layouts/x.md; do
  "$KLAR" new tilbud "$p" > /dev/null 2> "$t/path.err"
  rc=$?
  if [ "$rc" -eq 2 ] && [ ! -e "$p" ] && grep -q "error: " "$t/path.err"; then refused=$((refused + 1)); else
    echo "  not refused: $p (exit $rc)"; cat "$t/path.err"; fi
done
rm content/ud
if [ "$refused" -eq 7 ] && [ -z "$(ls "$t/outside")" ]; then ok "7 paths outside content/ or not .md refused"; else
  no "paths outside content/ or not .md refused: $refused of 7"; fi
"$KLAR" new side content/om/nye/mapper/side.md > /dev/null 2> "$t/dirs.err"
if [ -f content/om/nye/mapper/side.md ]; then ok "missing folders are made"; else cat "$t/dirs.err"; no "missing folders are made"; fi

# A site.yaml with errors: no page made from a half-read schema.
cp content/site.yaml "$t/site.yaml"
sed -i 's/^      place: { kind: string,/      place: { kind: strng,/' content/site.yaml
"$KLAR" new tilbud content/tilbud/halv.md > /dev/null 2> "$t/half.err"
rc=$?
cp "$t/site.yaml" content/site.yaml
if [ "$rc" -eq 1 ] && [ ! -e content/tilbud/halv.md ] && grep -q "site.yaml: error: the content types cannot be read" "$t/half.err"; then
  ok "site.yaml with errors: no page, a message (exit 1)"; else cat "$t/half.err"; no "site.yaml with errors: no page, a message (exit $rc)"; fi

# 6. An archetype replaces the skeleton, with its substitutions.
mkdir -p layouts/archetypes
printf -- '---\ntitle: {{title}}\ndate: {{date}}\nthemes: [temaer/robusthed.md]\nstages: [livsfaser/skolestart.md]\nrole: roller/laerer.md\nformat: workshop\nduration: 90\ncontact: skolen\n---\nEt tilbud i {{section}} af typen {{type}}, {{ukendt}}.\n' \
  > layouts/archetypes/offer.md
"$KLAR" new offer content/tilbud/med-arketype.md > "$t/arch.out" 2>&1
if grep -q '^title: Med arketype$' content/tilbud/med-arketype.md && grep -q '^date: 2027-01-15$' content/tilbud/med-arketype.md &&
  grep -q '^Et tilbud i tilbud af typen offer, {{ukendt}}.$' content/tilbud/med-arketype.md &&
  grep -q 'layouts/archetypes/offer.md' "$t/arch.out"; then
  ok "the archetype is used, with {{title}}, {{date}}, {{section}} and {{type}}"; else
  cat "$t/arch.out"; no "the archetype is used, with {{title}}, {{date}}, {{section}} and {{type}}"; fi
"$KLAR" build -q -j 2 -B --out "$t/out2" > "$t/build2.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "the site builds with layouts/archetypes/ and the new pages"; else
  head "$t/build2.out"; no "the site builds with layouts/archetypes/ and the new pages (exit $rc)"; fi

# 7. The README's examples: what klar new makes now, and each one builds.
cd "$top" || exit 2
if KLAR="$KLAR" sh scripts/readme-examples.sh --check 2> "$t/readme.err"; then
  ok "README.md's example pages are what klar new makes now"; else
  head -n 20 "$t/readme.err"; no "README.md's example pages are what klar new makes now"; fi
sed 's/^format: oplæg$/format: foredrag/' README.md > "$t/README-old.md"
if ! FILE="$t/README-old.md" KLAR="$KLAR" sh scripts/readme-examples.sh --check 2> /dev/null; then
  ok "a README example out of date is caught"; else no "a README example out of date is caught"; fi
site_copy "$t/r"
n=0
built=0
while IFS= read -r line; do
  case $line in "<!-- klar new "*" -->")
    p=${line#<!-- klar new }
    p=${p% -->}
    p=${p#* }
    n=$((n + 1))
    rm -f "$t/r/$p"
    awk -v m="$line" '$0 == m { on = 1; next } on && /^```markdown$/ { in_ = 1; next } in_ && /^```$/ { exit } in_' README.md > "$t/r/$p"
    (cd "$t/r" && "$KLAR" build -q -j 2 -B --out "$t/r-out" > "$t/r.out" 2>&1) && built=$((built + 1))
  esac
done < README.md
if [ "$n" -ge 1 ] && [ "$built" -eq "$n" ]; then ok "each of the README's $n example pages builds"; else
  head "$t/r.out"; no "the README's example pages build: $built of $n"; fi

# 'klar help new' and 'klar help serve' explain the command, as 'klar help build' does.
for c in new serve; do
  if ./klar help "$c" | head -1 | grep -q "^usage: klar $c"; then ok "klar help $c shows its options"; else
    no "klar help $c shows the general usage, not the command's"; fi
done

echo "new: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
