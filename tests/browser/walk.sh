#!/bin/sh
# The walk suite: builds the bundled site with its booklets and walks it in
# headless Chromium as a parent would (tests/browser/walk.test.mjs): front
# page → age group → pixi guide → PDF, search, keyboard only, every page
# without console errors, screenshots in tests/out/screenshots/.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=tests/out/walk
rm -rf "$out" tests/out/screenshots
mkdir -p "$out"
if ! sh tests/browser/setup.sh; then
  echo "FAIL the browser test tools did not install (tests/browser/setup.sh)"
  echo "walk: 0 passed, 1 failed"
  exit 1
fi
if ! ./klar build --quiet --out "$out/public" -j 2; then
  echo "walk: 0 passed, 1 failed"
  exit 1
fi
node tests/browser/walk.test.mjs "$out/public" tests/out
