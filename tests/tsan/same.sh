#!/bin/sh
# Booklets made in parallel are the same as booklets made one at a time:
# the booklets of the bundled site are made once with -j 1, then
# SAME_RUNS times (default 6) with -j 2 and 4 times with -j 4, and every
# PDF of every run must be byte-identical to the -j 1 one. Before the fix
# in print/fonts.c some booklets broke their lines differently in about one
# run of -j 2 in three and three runs of -j 4 in four (more threads than
# cores make the workers overlap more), so the ten runs miss it about once
# in 10,000.
# Those runs met a race only by chance; build/tools/metrics_race meets the
# one of a page's empty running header every time (see its comment).
#   SAME_RUNS=N   the number of -j 2 runs
# Needs build/tools/metrics_race and build/tools/metrics_guard (make them).
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
. "$top/tests/lib.sh"
suite_begin same

race=$top/$BUILD/tools/metrics_race
if [ ! -x "$race" ]; then
  no "missing $race (make $BUILD/tools/metrics_race)"
elif "$race" "$top/assets/fonts" >"$t/race.out" 2>&1; then
  ok "a font first measured by an empty text while another thread measures one: $(cat "$t/race.out")"
else
  cat "$t/race.out"
  no "a font first measured by an empty text while another thread measures one keeps a sound width"
fi

# Any font first measured outside fonts_prepare_layout's lock can spoil
# another booklet's lines in that race; build/tools/metrics_guard makes the
# booklets and counts such fonts, whatever the threads' timing (the slug
# line of an imposed sheet had 9, and `stages` saw a booklet differ now and
# then under load).
guard=$top/$BUILD/tools/metrics_guard
if [ ! -x "$guard" ]; then
  no "missing $guard (make $BUILD/tools/metrics_guard)"
elif "$guard" "$top" "$t/guard" >"$t/guard.out" 2>&1; then
  ok "$(tail -n 1 "$t/guard.out")"
else
  head -n 20 "$t/guard.out"
  no "every font's first metrics under the fonts lock"
fi

if ./klar booklets --quiet -j 1 --out "$t/ref" >"$t/ref.out" 2>&1 && ls "$t/ref/booklets/"*.pdf >/dev/null 2>&1; then
  ok "booklets -j 1: $(ls "$t/ref/booklets/"*.pdf | wc -l) PDFs"
else
  cat "$t/ref.out"
  no "booklets -j 1"
fi

runs=${SAME_RUNS:-6}
jobs=""
i=0
while [ "$i" -lt "$runs" ]; do i=$((i + 1)); jobs="$jobs 2"; done
i=0
for j in $jobs 4 4 4 4; do
  i=$((i + 1))
  rm -rf "$t/par"
  if ! ./klar booklets --quiet -j "$j" --out "$t/par" >"$t/par.out" 2>&1; then
    cat "$t/par.out"
    no "booklets -j $j, run $i: exit status"
    continue
  fi
  differ=""
  for f in "$t/ref/booklets/"*.pdf; do
    cmp -s "$f" "$t/par/booklets/${f##*/}" || differ="$differ ${f##*/}"
  done
  # A PDF that only the parallel run made is a difference too.
  n_ref=$(ls "$t/ref/booklets/"*.pdf | wc -l)
  n_par=$(ls "$t/par/booklets/"*.pdf | wc -l)
  [ "$n_ref" -eq "$n_par" ] || differ="$differ (-j 1 made $n_ref PDFs, -j $j made $n_par)"
  if [ -z "$differ" ]; then ok "booklets -j $j, run $i: every PDF identical to -j 1"
  else no "booklets -j $j, run $i: differ from -j 1:$differ"; fi
done

echo "same: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
