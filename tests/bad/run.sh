#!/bin/sh
# Bad-input tests. Each folder tests/bad/NAME/ holds files laid over a copy of
# the fixture site (tests/fixture), an `expected.err` with the exact messages
# klar must print, and optionally `exit` with the expected status (default 1).
# The test also checks that the previous output is left untouched, and that
# `klar check` prints the same messages.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
klar="$top/klar"
pass=0
fail=0
work=tests/out/bad
rm -rf "$work"
mkdir -p "$work"
for case in tests/bad/*/; do
  name=$(basename "$case")
  site="$work/$name"
  cp -r tests/fixture "$site"
  (cd "$case" && find . -type f ! -name expected.err ! -name exit ! -name README) | while read -r f; do
    mkdir -p "$site/$(dirname "$f")"
    cp "$case/$f" "$site/$f"
  done
  want_exit=1
  [ -f "$case/exit" ] && want_exit=$(cat "$case/exit")
  # A previous good output that a failed build must leave alone (with the
  # marker klar puts in its output folders, or klar refuses to replace it).
  mkdir -p "$site/public"
  echo "vorige version" > "$site/public/index.html"
  : > "$site/public/.klar-output"
  # A limit that does not hold shows as a hang: stop it and fail.
  (cd "$site" && timeout 60 "$klar" build -j 2 > ../"$name".out 2> ../"$name".err)
  rc=$?
  # The summary line names the count; the messages above it are compared.
  grep -v '^klar: [0-9]* errors\?;' "$work/$name.err" > "$work/$name.msgs"
  problems=""
  [ "$rc" -eq "$want_exit" ] || problems="$problems exit $rc, want $want_exit;"
  if ! cmp -s "$case/expected.err" "$work/$name.msgs"; then
    problems="$problems messages differ;"
  fi
  [ "$(cat "$site/public/index.html")" = "vorige version" ] || problems="$problems previous output changed;"
  # klar check reports the same, every stage included, and writes nothing.
  (cd "$site" && "$klar" check -j 2 > /dev/null 2> ../"$name".check)
  grep -v '^klar: [0-9]* errors\?;\|^klar check: ' "$work/$name.check" > "$work/$name.check-msgs"
  cmp -s "$case/expected.err" "$work/$name.check-msgs" || problems="$problems klar check differs;"
  if [ -z "$problems" ]; then
    pass=$((pass + 1))
    echo "ok $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name:$problems"
    diff -u "$case/expected.err" "$work/$name.msgs" | head -n 20
  fi
done
echo "bad: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
