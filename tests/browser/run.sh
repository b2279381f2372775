#!/bin/sh
# Browser tests: builds the bundled site, serves it on loopback, runs
# tests/browser/site.test.mjs in headless Chromium and the Nu HTML checker.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=tests/out/browser
rm -rf "$out"
mkdir -p "$out"
if ! ./klar build --quiet --out "$out/public" -j 2; then
  echo "browser: 0 passed, 1 failed"
  exit 1
fi
node tests/browser/site.test.mjs "$out/public" "$out"
rc=$?
# The Nu HTML checker over every page (errors only).
vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null; then
  if java -jar "$vnu" --errors-only --skip-non-html "$out/public" > "$out/vnu.txt" 2>&1; then
    echo "ok Nu HTML checker: no errors in $(find "$out/public" -name '*.html' | wc -l) pages"
    echo "vnu: 1 passed, 0 failed"
  else
    head -n 30 "$out/vnu.txt"
    echo "FAIL Nu HTML checker: $(grep -c 'error' "$out/vnu.txt") errors (tests/out/browser/vnu.txt)"
    echo "vnu: 0 passed, 1 failed"
    rc=1
  fi
else
  echo "FAIL the Nu HTML checker is not installed (make test-deps)"
  echo "vnu: 0 passed, 1 failed"
  rc=1
fi
exit $rc
