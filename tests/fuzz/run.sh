#!/bin/sh
# Fuzz targets (libFuzzer, with ASan and UBSan) for klar's parsers of user
# input: YAML front matter, and whole content files (front matter split,
# YAML, Markdown with the site passes). Seeds: the site's own content and the
# Markdown spec examples; the Markdown target uses the fuzzing dictionary of
# ../shared/spec (cmark-gfm's, BSD-2-Clause) where it is there. Each target runs FUZZ_SECONDS (default 10) from its
# corpus; a crash, leak or sanitizer report fails the suite.
#   sh tests/fuzz/run.sh            from `make test` (short runs)
#   FUZZ_SECONDS=600 sh tests/fuzz/run.sh   a longer session
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-10}
out=tests/out/fuzz
mkdir -p "$out"
pass=0
fail=0
if ! command -v clang >/dev/null 2>&1; then
  echo "FAIL clang is not installed (scripts/deps.sh test installs it)"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Igenerator $(pkg-config --cflags libcmark-gfm yaml-0.1)"
libs="$(pkg-config --libs libcmark-gfm yaml-0.1) -lcmark-gfm-extensions -lpthread -lm -ldl"
# every file of core/, so a new or split file can never break the link
core=$(echo generator/core/*.c)
build() {
  name=$1
  shift
  if clang $flags -o "$BUILD/fuzz/$name" "tests/fuzz/$name.c" "$@" $libs 2> "$out/$name.build"; then
    return 0
  fi
  cat "$out/$name.build"
  return 1
}
mkdir -p "$BUILD/fuzz"
# Seed corpora: content files and spec examples, copied fresh each run.
rm -rf "$out/corpus-yml" "$out/corpus-page"
mkdir -p "$out/corpus-yml" "$out/corpus-page"
cp content/site.yaml "$out/corpus-yml/" 2>/dev/null
i=0
for f in $(find content -name '*.md' | sort | head -n 60); do
  i=$((i + 1))
  cp "$f" "$out/corpus-page/c$i.md"
  sed -n '2,/^---$/p' "$f" | sed '$d' > "$out/corpus-yml/c$i.yaml"
done
spec=$(cd .. && pwd)/shared/spec
[ -d "$spec" ] || spec=${KLAR_SPEC_DIR:-}
if [ -n "$spec" ] && [ -f "$spec/spec.txt" ]; then
  awk -v dir="$out/corpus-page" '
    /^```````````````````````````````` example/ { n++; f = dir "/s" n ".md"; inex = 1; next }
    inex && /^\.$/ { inex = 0; next }
    inex { print > f }' "$spec/spec.txt"
fi
for target in fuzz_yml fuzz_page; do
  case $target in
    fuzz_yml) ok=0; build fuzz_yml $core generator/load/yml.c || ok=1; corpus=$out/corpus-yml ;;
    fuzz_page) ok=0; build fuzz_page $core generator/load/yml.c generator/load/content.c $(ls generator/md/*.c) || ok=1; corpus=$out/corpus-page ;;
  esac
  if [ $ok -ne 0 ]; then
    fail=$((fail + 1)); echo "FAIL $target does not build"; continue
  fi
  dict=
  [ -n "$spec" ] && [ -f "$spec/fuzzing_dictionary" ] && [ "$target" = fuzz_page ] && dict="-dict=$spec/fuzzing_dictionary"
  if ASAN_OPTIONS=detect_leaks=1 "$BUILD/fuzz/$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       $dict -artifact_prefix="$out/$target-" "$corpus" > "$out/$target.log" 2>&1; then
    pass=$((pass + 1))
    echo "ok $target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$target.log" | tail -n 1 || true)$(tail -n 1 "$out/$target.log" | grep -o 'Done [0-9]* runs.*')"
  else
    fail=$((fail + 1))
    echo "FAIL $target (log and the crashing input in $out):"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$out/$target.log" | head -n 10
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
