#!/bin/sh
# The Lighthouse suite: builds the bundled site, serves it on loopback with
# gzip and cache headers (tests/browser/serve.mjs) and runs Lighthouse's
# mobile and desktop presets on the front page, a pixi guide, a proposal, a
# theme and the interface matrix. Fails under 100 in accessibility, best
# practices or SEO, or under 95 in performance; prints the scores as a table
# and keeps the JSON reports in tests/out/lighthouse/.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=tests/out/lighthouse
rm -rf "$out"
mkdir -p "$out"
if ! sh tests/lighthouse/setup.sh; then
  echo "FAIL the lighthouse package did not install (tests/lighthouse/setup.sh)"
  echo "lighthouse: 0 passed, 1 failed"
  exit 1
fi
if ! ./klar build --quiet --out "$out/public" -j 2; then
  echo "lighthouse: 0 passed, 1 failed"
  exit 1
fi
node tests/lighthouse/lighthouse.mjs "$out/public" "$out"
rc=$?
# Every audit short of a pass, weighted or advice, for whoever reads the log.
node tests/lighthouse/failing.mjs "$out" | sed 's/^/# /'
exit $rc
