#!/bin/sh
# Messages written for editors (issue 8, point 6):
#  - yaml/NAME.md: a front matter mistake editors make, laid over the
#    fixture's temaer/robusthed.md; NAME.err is klar check's exact English
#    advice with the source line and caret (libyaml's own phrases must not
#    show through).
#  - cases/NAME/: files laid over the fixture site, expected.err with the
#    exact messages; `lang` holds the LANG to run with (default C.UTF-8),
#    `env` more variables, `cmd` the klar command (default check -j 1).
#    Did-you-mean for a field, a value, a reference, a layout, a type and a
#    booklet, in English and Danish; a link to a draft beside a misspelt one
#    (Danish); which of LC_ALL, LC_MESSAGES, LANG wins.
#  - every message format in generator/ has a Danish entry with the same
#    conversions (build/tools/msgcheck lists the missing ones).
#   sh tests/messages/run.sh [--regen]   (--regen rewrites the expectations)
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin messages abs
out=$t
regen=false
[ "${1:-}" = "--regen" ] && regen=true
klar="$top/klar"
BUILD=${BUILD:-build}

# Runs klar in a copy of the fixture with the overlay dir $2 (or the single
# file $3 as temaer/robusthed.md); compares with expected file $4.
run_case() {
  name=$1 overlay=$2 file=$3 want=$4 lang=$5 envs=$6 cmd=$7
  site="$out/$name"
  rm -rf "$site"
  cp -r "$top/tests/fixture" "$site"
  if [ -n "$overlay" ]; then
    (cd "$overlay" && find . -type f ! -name expected.err ! -name lang ! -name env ! -name cmd) | while read -r f; do
      mkdir -p "$site/$(dirname "$f")"
      cp "$overlay/$f" "$site/$f"
    done
  fi
  [ -n "$file" ] && cp "$file" "$site/content/temaer/robusthed.md"
  # shellcheck disable=SC2086
  (cd "$site" && env -u LC_ALL -u LC_MESSAGES LANG="$lang" $envs timeout 60 "$klar" $cmd > /dev/null 2> "$out/$name.err")
  rc=$?
  # The closing line has the time it took: left out (tested below).
  grep -v '^klar: [0-9]* \(errors\?\|fejl\);\|^klar check: [0-9]* \(errors\?\|fejl\), ' "$out/$name.err" > "$out/$name.msgs"
  if $regen; then cp "$out/$name.msgs" "$want"; fi
  if [ "$rc" -ne 1 ]; then
    no "$name: exit $rc, want 1"
  elif cmp -s "$want" "$out/$name.msgs"; then
    ok "$name"
  else
    no "$name: messages differ"
    diff -u "$want" "$out/$name.msgs" | head -n 20
  fi
}

for f in "$top"/tests/messages/yaml/*.md; do
  n=$(basename "$f" .md)
  run_case "yaml-$n" "" "$f" "${f%.md}.err" C.UTF-8 "" "check -j 1"
  # The advice replaces libyaml's words, which mean nothing to an editor.
  if grep -q "error: YAML: \|mapping values\|cannot start any token\|did not find expected" "$out/yaml-$n.msgs"; then
    no "yaml-$n: libyaml's own phrase shows"
  fi
done

for c in "$top"/tests/messages/cases/*/; do
  n=$(basename "$c")
  lang=C.UTF-8; envs=""; cmd="check -j 1"
  [ -f "$c/lang" ] && lang=$(cat "$c/lang")
  [ -f "$c/env" ] && envs=$(cat "$c/env")
  [ -f "$c/cmd" ] && cmd=$(cat "$c/cmd")
  run_case "$n" "${c%/}" "" "$c/expected.err" "$lang" "$envs" "$cmd"
done

# check's closing line in both languages (singular and plural), and a usage
# error in Danish.
(cd "$out/field-da" && env -u LC_ALL -u LC_MESSAGES LANG=da_DK.UTF-8 "$klar" check -j 1 2>&1 >/dev/null | tail -n 1) > "$out/summary-da"
if grep -q "^klar check: 1 fejl, 0 advarsler i [0-9]* sider og 0 hæfter ([0-9]* ms)$" "$out/summary-da"; then ok summary-da; else no "summary-da: $(cat "$out/summary-da")"; fi
(cd "$out/field-en" && env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$klar" check -j 1 2>&1 >/dev/null | tail -n 1) > "$out/summary-en"
if grep -q "^klar check: 1 error, 0 warnings in [0-9]* pages and 0 booklets ([0-9]* ms)$" "$out/summary-en"; then ok summary-en; else no "summary-en: $(cat "$out/summary-en")"; fi
env -u LC_ALL -u LC_MESSAGES LANG=da_DK.UTF-8 "$klar" build --bogus > /dev/null 2> "$out/usage-da"
if grep -q "^klar build: ukendt valgmulighed '--bogus'$" "$out/usage-da"; then ok usage-da; else no "usage-da: $(cat "$out/usage-da")"; fi

rm -rf "$out/clean" && cp -r "$top/tests/fixture" "$out/clean"
(cd "$out/clean" && env -u LC_ALL -u LC_MESSAGES LANG=da_DK.UTF-8 "$klar" check -j 1 > "$out/clean-da" 2>&1)
if grep -q "^klar check: 0 fejl, 0 advarsler i [0-9]* sider og 0 hæfter ([0-9]* ms)$" "$out/clean-da"; then ok clean-da; else no "clean-da: $(cat "$out/clean-da")"; fi

# Every message has both languages.
if [ -x "$BUILD/tools/msgcheck" ]; then
  "$BUILD/tools/msgcheck" $(find generator -name '*.[ch]' | sort) > "$out/msgcheck.out"
  if [ $? -eq 0 ]; then
    ok "every message has Danish ($(sed -n 's/.*: \([0-9]*\) passed.*/\1/p' "$out/msgcheck.out") formats)"
  else
    no "messages without Danish (add them to generator/core/msg_da.c):"
    grep -v "passed, " "$out/msgcheck.out"
  fi
else
  no "$BUILD/tools/msgcheck is not built (make $BUILD/tools/msgcheck)"
fi

echo "messages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
