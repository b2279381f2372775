#!/bin/sh
# The pathological-input suite: both cmark lists through klar's md module
# (see patho.py). Ends with "patho: N passed, N failed".
repo=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 "$repo/tests/spec/patho.py" "$@"
