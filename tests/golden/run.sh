#!/bin/sh
# Golden test: builds the fixture site (tests/fixture) and compares every
# output file with tests/golden/expected. `make regen-golden` (--regen)
# replaces the expected files after a change has been reviewed.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=tests/out/golden
rm -rf "$out"
export SOURCE_DATE_EPOCH=1500000000
if ! ./klar build --quiet --root tests/fixture --out "$out" -j 2; then
  echo "golden: 0 passed, 1 failed"
  exit 1
fi
if [ "$1" = --regen ]; then
  rm -rf tests/golden/expected
  cp -r "$out" tests/golden/expected
  echo "golden: expected output regenerated ($(find tests/golden/expected -type f | wc -l) files); review with git diff"
  exit 0
fi
pass=0
fail=0
for f in $(cd tests/golden/expected && find . -type f | sort); do
  if cmp -s "tests/golden/expected/$f" "$out/$f"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $f differs from the expected output:"
    diff -u "tests/golden/expected/$f" "$out/$f" | head -n 30
  fi
done
for f in $(cd "$out" && find . -type f | sort); do
  if [ ! -e "tests/golden/expected/$f" ]; then
    fail=$((fail + 1))
    echo "FAIL $f is new (not in tests/golden/expected; make regen-golden after review)"
  fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
