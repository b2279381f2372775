#!/bin/sh
# Runs every cmark-gfm spec file (../shared/spec/*.txt beside the repository,
# or $KLAR_SPEC_DIR when that is missing) through klar's md module with the
# spec_runner tool, and ends with the total "spec: N passed, N failed".
#   tests/spec/run.sh [-v] [PATH/TO/spec_runner]   (default: $BUILD/tools/spec_runner)
repo=$(cd "$(dirname "$0")/../.." && pwd)
verbose=
[ "$1" = "-v" ] && { verbose=-v; shift; }
tool=${1:-$repo/${BUILD:-build}/tools/spec_runner}
dir=$(dirname "$repo")/shared/spec
[ -d "$dir" ] || dir=${KLAR_SPEC_DIR:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "spec: no spec directory ($(dirname "$repo")/shared/spec or \$KLAR_SPEC_DIR)" >&2
  echo "spec: 0 passed, 1 failed"
  exit 1
fi
if [ ! -x "$tool" ]; then
  echo "spec: tool $tool not built" >&2
  echo "spec: 0 passed, 1 failed"
  exit 1
fi
passed=0 failed=0 files=0
for f in "$dir"/*.txt; do
  out=$("$tool" $verbose "$f")
  printf '%s\n' "$out" | grep -v '^spec: ' | sed "s|^|  |"
  line=$(printf '%s\n' "$out" | grep '^spec: ' | tail -1)
  p=$(printf '%s\n' "$line" | sed -n 's/^spec: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  x=$(printf '%s\n' "$line" | sed -n 's/^spec: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  if [ -z "$p" ]; then p=0; x=1; echo "  $(basename "$f"): the runner crashed" >&2; fi
  echo "  $(basename "$f"): $p of $((p + x)) examples pass"
  passed=$((passed + p)); failed=$((failed + x)); files=$((files + 1))
done
echo "spec: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
