#!/bin/sh
# The benchmark of DESIGN.md's speed bar: klar against Hugo on the same
# synthetic site, on this machine. `make bench` runs it after building klar
# and the tools.
#
#  1. generates the site once (scripts/gen-bench-site.py) into bench/out/klar
#     and bench/out/hugo, unless the same site is there already;
#  2. builds it with klar and with Hugo BENCH_RUNS times each (the first run
#     is a warm-up and not counted), under /usr/bin/time -v for peak memory,
#     each into an empty folder; then klar again BENCH_RUNS times over the
#     output of its previous run (a rebuild: the old site is swapped out and
#     removed);
#  3. runs tests/tools/cmark_floor: cmark-gfm parse + render of every page
#     alone, the floor of Markdown work (the fastest of BENCH_RUNS rounds: a
#     floor is a lower bound, and the machine may be shared), on one thread
#     and on BENCH_JOBS threads, the table of special characters pinned as
#     klar pins it, so that klar -j N is compared with the floor on N;
#  4. prints a table: median wall time of klar (empty and rebuild) and Hugo,
#     Hugo/klar, the floors, klar/floor like for like, peak memory, and the
#     pages each wrote;
#  5. print: bench/print/run.sh times the pixi booklet and the A5 catalog
#     booklet with klar beside WeasyPrint on the same text, and prints the ratio.
#
# Exits non-zero only when a tool fails (or is missing), never on ratios.
#
# Environment:
#   BENCH_PAGES  pages to generate (10000)     BENCH_SEED  seed (1)
#   BENCH_RUNS   runs per tool, incl. warm-up (5)
#   BENCH_JOBS   klar's -j and the floor's threaded variant (nproc)
#   BENCH_TOOLS  which to run, of "klar hugo floor print" (all)
#   BENCH_PUBLIC where the built sites go (default: a fresh folder in
#                /dev/shm, removed at the end; else bench/out). On tmpfs the
#                times are the generators' own: on this VM's disk, repeated
#                writes of 140 MB get slower run after run (Hugo 6 s → 11 s),
#                which would make the order of the runs decide the result.
#   KLAR         the klar binary (./klar, or make's KLAR_BIN)
#   FLOOR        the cmark_floor binary ($BUILD/tools/cmark_floor; compiled
#                into bench/out/ when missing)
set -u
cd "$(dirname "$0")/.." || exit 2

PAGES=${BENCH_PAGES:-10000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-$(nproc)}
TOOLS=${BENCH_TOOLS:-klar hugo floor print}
BUILD=${BUILD:-build}
# make passes KLAR_BIN and BUILD through when they are set on its command line.
KLAR=${KLAR:-${KLAR_BIN:-klar}}
case $KLAR in */*) ;; *) KLAR=./$KLAR ;; esac
FLOOR=${FLOOR:-$BUILD/tools/cmark_floor}
OUT=bench/out
TIME=/usr/bin/time
failed=0

if [ -n "${BENCH_PUBLIC:-}" ]; then
  PUB=$BENCH_PUBLIC
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  PUB=$(mktemp -d /dev/shm/klar-bench.XXXXXX) || exit 1
  trap 'rm -rf "$PUB"' EXIT
  trap 'exit 130' INT TERM
else
  PUB=$OUT
fi
case $PUB in /*) ;; *) PUB=$(pwd)/$PUB ;; esac

[ "$RUNS" -ge 2 ] 2>/dev/null || { echo "bench: BENCH_RUNS must be 2 or more" >&2; exit 2; }
[ -x "$TIME" ] || { echo "bench: $TIME missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$OUT"

say() { printf 'bench: %s\n' "$*" >&2; }
wants() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# --- 1. the site -------------------------------------------------------------

# The stamp names everything the generated site depends on; a matching stamp
# means the site on disk is the one we would generate.
stamp="pages=$PAGES seed=$SEED $(cat scripts/gen-bench-site.py \
  $(find bench/hugo bench/klar-layouts -type f | sort) | cksum)"
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] \
   && [ -d "$OUT/klar/content" ] && [ -d "$OUT/hugo/content" ]; then
  say "reusing the generated site in $OUT ($PAGES pages, seed $SEED)"
else
  rm -f "$OUT/.stamp"
  say "generating $PAGES pages (seed $SEED) into $OUT"
  python3 scripts/gen-bench-site.py --pages "$PAGES" --seed "$SEED" \
    --out "$OUT/klar" --hugo "$OUT/hugo" || { say "generator failed"; exit 1; }
  printf '%s\n' "$stamp" > "$OUT/.stamp"
fi
md_bytes=$(find "$OUT/klar/content" -name '*.md' -exec cat {} + | wc -c)

# --- 2. timed builds ---------------------------------------------------------

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# median FILE: the median of the numbers in FILE, one per line.
median() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed NAME DEST CMD...: runs CMD RUNS times with DEST removed before each
# run; records wall ms and peak RSS (kB) of all runs but the first in
# $OUT/NAME.ms and $OUT/NAME.rss. Returns 1 when a run fails. With
# KEEP=1 in the environment, DEST is removed before the first run only, so
# that every counted run rebuilds over the output of the one before.
timed() {
  name=$1 dest=$2
  shift 2
  : > "$OUT/$name.ms"
  : > "$OUT/$name.rss"
  i=1
  while [ "$i" -le "$RUNS" ]; do
    [ "${KEEP:-0}" = 1 ] && [ "$i" -gt 1 ] || rm -rf "$dest"
    t0=$(now_ms)
    "$TIME" -v -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1
    rc=$?
    t1=$(now_ms)
    if [ "$rc" -ne 0 ]; then
      say "$name failed (exit $rc) on run $i: $*"
      sed 's/^/  | /' "$OUT/$name.log" | tail -n 20 >&2
      return 1
    fi
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$OUT/$name.time")
    if [ "$i" -eq 1 ]; then
      say "$name: warm-up $((t1 - t0)) ms"
    else
      say "$name: run $i $((t1 - t0)) ms, peak ${rss} kB"
      echo $((t1 - t0)) >> "$OUT/$name.ms"
      echo "$rss" >> "$OUT/$name.rss"
    fi
    i=$((i + 1))
  done
}

html_pages() { find "$1" -name '*.html' 2>/dev/null | wc -l; }

# check_pages NAME COUNT: a build that exits 0 but writes fewer HTML files than
# there are pages did not do the work; count it as a failure.
check_pages() {
  if [ "$2" -lt "$PAGES" ]; then
    say "$1 wrote only $2 HTML files for $PAGES pages: counted as failed"
    failed=1
    return 1
  fi
}

klar_ms=nan klar_rss=nan klar_pages=-
if wants klar; then
  if [ ! -x "$KLAR" ]; then
    say "no klar binary at $KLAR (make klar)"
    failed=1
  elif timed klar "$PUB/klar-public" "$KLAR" build --root "$OUT/klar" \
      --out "$PUB/klar-public" -j "$JOBS" --quiet; then
    klar_ms=$(median "$OUT/klar.ms")
    klar_rss=$(sort -n "$OUT/klar.rss" | tail -n 1)
    klar_pages=$(html_pages "$PUB/klar-public")
    check_pages klar "$klar_pages" || klar_ms=nan klar_rss=nan
  else
    failed=1
  fi
fi

# A rebuild over the site the run before left: what a writer's second
# `klar build` costs (the old site is moved aside and removed).
klarr_ms=nan klarr_rss=nan klarr_pages=-
if wants klar && [ -x "$KLAR" ] && [ "$klar_ms" != nan ]; then
  if KEEP=1 timed klar-rebuild "$PUB/klar-public" "$KLAR" build --root "$OUT/klar" \
      --out "$PUB/klar-public" -j "$JOBS" --quiet; then
    klarr_ms=$(median "$OUT/klar-rebuild.ms")
    klarr_rss=$(sort -n "$OUT/klar-rebuild.rss" | tail -n 1)
    klarr_pages=$(html_pages "$PUB/klar-public")
    check_pages "klar rebuild" "$klarr_pages" || klarr_ms=nan klarr_rss=nan
    if ls -d "$PUB"/klar-public.old-* "$PUB"/klar-public.tmp-* >/dev/null 2>&1; then
      say "klar rebuild left an old or temporary folder behind: counted as failed"
      failed=1
      klarr_ms=nan
    fi
  else
    failed=1
  fi
fi

# klar on one thread too, to show what the threads buy (Hugo always uses
# every CPU).
klar1_ms=nan klar1_rss=nan klar1_pages=-
if wants klar && [ "$JOBS" -gt 1 ] && [ -x "$KLAR" ] && [ "$klar_ms" != nan ]; then
  if timed klar1 "$PUB/klar-public" "$KLAR" build --root "$OUT/klar" \
      --out "$PUB/klar-public" -j 1 --quiet; then
    klar1_ms=$(median "$OUT/klar1.ms")
    klar1_rss=$(sort -n "$OUT/klar1.rss" | tail -n 1)
    klar1_pages=$(html_pages "$PUB/klar-public")
    check_pages "klar -j 1" "$klar1_pages" || klar1_ms=nan klar1_rss=nan
  else
    failed=1
  fi
fi

hugo_ms=nan hugo_rss=nan hugo_pages=- hugo_version=hugo
if wants hugo; then
  if ! command -v hugo >/dev/null 2>&1; then
    say "hugo missing (apt-get install hugo)"
    failed=1
  else
    hugo_version=$(hugo version | sed -n 's/^hugo v\([0-9.]*\).*/hugo \1/p')
    # (PUB is absolute: Hugo resolves a relative destination against the
    # source folder.)
    if timed hugo "$PUB/hugo-public" hugo --source "$OUT/hugo" \
        --destination "$PUB/hugo-public" --quiet; then
      if [ -s "$OUT/hugo.log" ]; then
        say "hugo printed messages (expected none):"
        sed 's/^/  | /' "$OUT/hugo.log" >&2
      fi
      hugo_ms=$(median "$OUT/hugo.ms")
      hugo_rss=$(sort -n "$OUT/hugo.rss" | tail -n 1)
      hugo_pages=$(html_pages "$PUB/hugo-public")
      check_pages hugo "$hugo_pages" || hugo_ms=nan hugo_rss=nan
    else
      failed=1
    fi
  fi
fi

# --- 3. the floor ------------------------------------------------------------

floor_ms=nan floorj_ms=nan floorj_bad=- floorj_pin=0
if wants floor; then
  if [ ! -x "$FLOOR" ]; then
    # Not built by make (e.g. run by hand): the tool links klar's objects for
    # md_pin_extensions, so make builds it.
    say "building $FLOOR"
    make -s "$FLOOR" >&2 || { say "cannot build cmark_floor"; FLOOR=; }
  fi
  if [ -z "$FLOOR" ]; then
    failed=1
  elif line=$("$FLOOR" -r "$RUNS" "$OUT/klar/content"); then
    say "$line"
    floor_ms=$(printf '%s\n' "$line" | sed -n 's/.* min_ms=\([0-9.]*\).*/\1/p')
    if [ "$JOBS" -gt 1 ]; then
      if line=$("$FLOOR" -j "$JOBS" -r "$RUNS" "$OUT/klar/content"); then
        say "$line"
        floorj_ms=$(printf '%s\n' "$line" | sed -n 's/.* min_ms=\([0-9.]*\).*/\1/p')
        floorj_bad=$(printf '%s\n' "$line" | sed -n 's/.* mismatches=\([0-9]*\).*/\1/p')
        floorj_pin=$(printf '%s\n' "$line" | sed -n 's/.* pinned=\([0-9]*\).*/\1/p')
      else
        say "cmark_floor -j $JOBS failed"
        failed=1
      fi
    fi
  else
    say "cmark_floor failed"
    failed=1
  fi
fi

# --- 4. the table ------------------------------------------------------------

awk -v pages="$PAGES" -v bytes="$md_bytes" -v cpus="$(nproc)" -v runs="$RUNS" \
    -v jobs="$JOBS" -v hv="$hugo_version" -v pub="$PUB" \
    -v km="$klar_ms" -v kr="$klar_rss" -v kp="$klar_pages" \
    -v krm="$klarr_ms" -v krr="$klarr_rss" -v krp="$klarr_pages" \
    -v k1m="$klar1_ms" -v k1r="$klar1_rss" -v k1p="$klar1_pages" \
    -v hm="$hugo_ms" -v hr="$hugo_rss" -v hp="$hugo_pages" \
    -v fm="$floor_ms" -v fjm="$floorj_ms" -v fjb="$floorj_bad" -v fjp="$floorj_pin" '
function secs(ms) { return ms == "nan" ? "-" : sprintf("%7.3f s", ms / 1000) }
function mb(kb) { return kb == "nan" ? "-" : sprintf("%6.0f MB", kb / 1024) }
function ratio(a, b) { return (a == "nan" || b == "nan" || b == 0) ? "-" : sprintf("%.2f", a / b) }
BEGIN {
  printf "\nklar benchmark: %d pages, %.1f MB of Markdown, %d CPUs; median of %d runs after a warm-up;\noutput to %s\n\n",
    pages, bytes / 1e6, cpus, runs - 1, pub
  printf "%-32s %10s %10s %8s\n", "", "wall", "peak RSS", "HTML"
  printf "%-32s %10s %10s %8s\n", "klar build -j " jobs, secs(km), mb(kr), kp
  if (krm != "nan")
    printf "%-32s %10s %10s %8s\n", "klar rebuild -j " jobs, secs(krm), mb(krr), krp
  if (k1m != "nan")
    printf "%-32s %10s %10s %8s\n", "klar build -j 1", secs(k1m), mb(k1r), k1p
  printf "%-32s %10s %10s %8s\n", hv, secs(hm), mb(hr), hp
  printf "%-32s %10s\n", "cmark-gfm floor, 1 thread (min)", secs(fm)
  if (fjm != "nan" && fjb == 0 && fjp == 1)
    printf "%-32s %10s\n", "cmark-gfm floor, " jobs " threads (min)", secs(fjm)
  else if (fjm != "nan")
    printf "%-32s %10s   (unsafe: HTML differed from 1 thread on %s files)\n",
      "cmark-gfm floor, " jobs " threads (min)", secs(fjm), fjb
  printf "\n%-32s %10s\n", "Hugo/klar (higher: klar faster)", ratio(hm, km)
  if (krm != "nan")
    printf "%-32s %10s\n", "klar rebuild/build", ratio(krm, km)
  if (fjm != "nan")
    printf "%-32s %10s   (like for like: both on %d threads)\n", "klar/floor", ratio(km, fjm), jobs
  printf "%-32s %10s\n", "klar -j " jobs "/floor, 1 thread", ratio(km, fm)
  printf "\n"
}' | tee "$OUT/results.txt"

# --- 5. print ----------------------------------------------------------------

if wants print; then
  KLAR=$KLAR sh bench/print/run.sh || failed=1
fi

exit $failed
