#!/bin/sh
# Fuzz targets (libFuzzer, with ASan and UBSan) for klar's parsers of user
# input: YAML front matter (fuzz_yml); whole content files: front matter
# split, YAML, Markdown with the site passes (fuzz_page); the XML layout
# compiler and renderer with its Lua expressions (fuzz_layout); the print
# layout parser (fuzz_booklayout); one paragraph hyphenated, shaped by Pango
# and flowed into columns and pages (fuzz_paragraph); the headers of the
# image files Markdown names, JPEG, PNG and SVG (fuzz_picture). Seeds: the site's own
# content and layouts, the layouts of the unit tests, the Markdown spec
# examples, and the few inputs in tests/fuzz/seeds/; the Markdown target uses
# the fuzzing dictionary of ../shared/spec (cmark-gfm's, BSD-2-Clause) where
# it is there. The targets are built by `make fuzz` (every generator source
# in one archive: see the Makefile). Each target runs FUZZ_SECONDS (default
# 10) from its corpus; a crash, leak or sanitizer report fails the suite.
#   sh tests/fuzz/run.sh                 from `make test` (short runs)
#   FUZZ_SECONDS=600 sh tests/fuzz/run.sh         a longer session
#   FUZZ_TARGETS="fuzz_layout" sh tests/fuzz/run.sh   only some targets
#   FUZZ_SEED=0 sh tests/fuzz/run.sh             a random seed (libFuzzer's 0)
# `make test` starts from a fixed seed, so that what a short run finds does
# not depend on luck; new findings come from the long random sessions, and
# each becomes a test of its own (a crash in an empty layouts folder became
# fsx_walk_passes_empty_folders in tests/unit/core_test.c).
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
targets=${FUZZ_TARGETS:-fuzz_yml fuzz_page fuzz_layout fuzz_booklayout fuzz_paragraph fuzz_picture}
if ! ${MAKE:-make} -s -j2 BUILD="$BUILD" $(for t in $targets; do echo "$BUILD/fuzz/$t"; done) > "$out/build.log" 2>&1; then
  tail -n 30 "$out/build.log"
  echo "FAIL the fuzz targets do not build (log in $out/build.log)"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
# Seed corpora: content files, layouts and spec examples, copied fresh each
# run.
rm -rf "$out/corpus-yml" "$out/corpus-page" "$out/corpus-layout" "$out/corpus-booklayout" "$out/corpus-paragraph" \
  "$out/corpus-picture"
mkdir -p "$out/corpus-yml" "$out/corpus-page" "$out/corpus-layout" "$out/corpus-booklayout" "$out/corpus-paragraph" \
  "$out/corpus-picture"
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
# A layout seed is the layout followed by the layouts it extends and
# includes, each after a line "%%file NAME" (the input format of
# fuzz_layout).
for f in layouts/*.xml layouts/partials/*.xml tests/layout/good/*.xml tests/layout/good/partials/*.xml; do
  [ -f "$f" ] || continue
  dir=${f%/*}
  case $dir in */partials) dir=${dir%/partials} ;; esac
  seed="$out/corpus-layout/$(echo "$f" | tr / _)"
  cat "$f" > "$seed"
  for dep in $(grep -o 'extends="[^"]*"\|src="[^"]*"' "$f" | sed 's/^[a-z]*="\(.*\)"$/\1/' | sort -u); do
    [ -f "$dir/$dep" ] || continue
    printf '\n%%%%file %s\n' "$dep" >> "$seed"
    cat "$dir/$dep" >> "$seed"
  done
done
cp layouts/print/*.xml "$out/corpus-booklayout/"
for f in tests/layout/good/print/*.xml; do [ -f "$f" ] && cp "$f" "$out/corpus-booklayout/good-${f##*/}"; done
# A paragraph seed: two control bytes (column width; alignment and frame
# height) and the first paragraph of a content file.
i=0
for f in $(find content -name '*.md' | sort | head -n 60); do
  i=$((i + 1))
  awk '/^---$/ { fm++; next } fm >= 2 && length($0) > 40 && !/^[#|>!<*-]/ { print; exit }' "$f" > "$out/para.txt"
  [ -s "$out/para.txt" ] || continue
  { printf "\\$(printf %o $((i * 7 % 64 + 32)))\\$(printf %o $((i * 13 % 256)))"; cat "$out/para.txt"; } > "$out/corpus-paragraph/c$i"
done
rm -f "$out/para.txt"
for t in layout booklayout paragraph picture; do
  [ -d tests/fuzz/seeds/$t ] && cp tests/fuzz/seeds/$t/* "$out/corpus-$t/"
done
for target in $targets; do
  corpus=$out/corpus-${target#fuzz_}
  dict=
  [ -n "$spec" ] && [ -f "$spec/fuzzing_dictionary" ] && [ "$target" = fuzz_page ] && dict="-dict=$spec/fuzzing_dictionary"
  if ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp:print_suppressions=0 \
       "$BUILD/fuzz/$target" -max_total_time="$secs" -seed="${FUZZ_SEED:-1203}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       $dict -artifact_prefix="$out/$target-" "$corpus" > "$out/$target.log" 2>&1; then
    pass=$((pass + 1))
    echo "ok $target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$target.log" | tail -n 1), corpus $(ls "$corpus" | wc -l) files"
  else
    fail=$((fail + 1))
    echo "FAIL $target (log and the crashing input in $out):"
    grep -E '^fuzz_|ERROR|SUMMARY|runtime error|Test unit written' "$out/$target.log" | head -n 10
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
