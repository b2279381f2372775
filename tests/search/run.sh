#!/bin/sh
# The search suite: builds the bundled site, checks that the browser's
# stemmer (assets/js/search.js) cuts and stems every word of the content as
# the index did (stems.mjs, over build/tools/stemwords), checks the index's
# excerpt budget (budget.mjs), and drives the
# search page in headless Chromium (browser.mjs).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=tests/out/search
rm -rf "$out"
mkdir -p "$out"
if ! ./klar build --quiet --no-booklets --out "$out/public" -j 2; then
  echo "search: 0 passed, 1 failed"
  exit 1
fi
rc=0
if [ ! -x "$BUILD/tools/stemwords" ]; then
  echo "FAIL $BUILD/tools/stemwords is not built (make $BUILD/tools/stemwords)"
  echo "stems: 0 passed, 1 failed"
  rc=1
else
  find content layouts -name '*.md' | sort | xargs "$BUILD/tools/stemwords" -i layouts/search/irregular-da.txt > "$out/words.tsv"
  node tests/search/stems.mjs "$out/words.tsv" "$out/public/soeg/indeks/start.js" || rc=1
fi
node tests/search/budget.mjs "$out/public/soeg/indeks" || rc=1
node tests/search/browser.mjs "$out/public" "$out" || rc=1
exit $rc
