#!/bin/sh
# Memory checks of the print engine where the sanitizers cannot see: in
# libhyphen, Pango and fontconfig, which are not instrumented. A booklet is
# hyphenated under valgrind, and all booklets are made on two threads with
# glibc's heap checking, which aborts on a corrupted heap. Each fails on any
# invalid write or read of undefined memory (valgrind) or abort (glibc).
#   MEMCHECK_RUNS=N  runs with heap checking (default 8: the overwrite this
#                    guards against aborted about one run in three)
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin memcheck

# vg NAME WHAT MADE ARGS...: `klar ARGS` under valgrind; passes when it
# exits 0, valgrind reports nothing and the file MADE is there.
vg() {
  name=$1 what=$2 made=$3
  shift 3
  valgrind -q --error-exitcode=99 --log-file="$t/$name.log" ./klar "$@" >"$t/$name.out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && [ ! -s "$t/$name.log" ] && [ -s "$made" ]; then
    ok "$what under valgrind: no invalid access"
  else
    head -n 30 "$t/$name.log" "$t/$name.out"
    no "$what under valgrind: no invalid access (exit $rc)"
  fi
}

# 1. One pixi booklet, hyphenated throughout, under valgrind; and its
# preview: the pages drawn onto images and encoded by libpng, neither
# instrumented.
if ! command -v valgrind >/dev/null 2>&1; then
  no "valgrind is not installed (scripts/deps.sh test installs it)"
else
  vg valgrind "a pixi booklet" "$t/vg/booklets/pixi-0-1-aar.pdf" booklets --quiet -j 1 --out "$t/vg" pixi-0-1-aar
  vg valgrind-preview "a pixi's preview" "$t/vgp/_klar/booklets/pixi-0-1-aar/p24.png" \
    booklets --quiet -j 1 --preview "$t/vgp" pixi-0-1-aar
fi

# 2. All booklets on two threads with glibc's heap checking, several times.
dbg=""
for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
  [ -e "$d/libc_malloc_debug.so.0" ] && dbg="$d/libc_malloc_debug.so.0" && break
done
if [ -z "$dbg" ]; then
  no "glibc's libc_malloc_debug.so.0 is missing"
else
  runs=${MEMCHECK_RUNS:-8}
  bad=0
  i=0
  while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    rm -rf "$t/heap"
    LD_PRELOAD=$dbg GLIBC_TUNABLES=glibc.malloc.check=3 \
      ./klar booklets --quiet -j 2 --out "$t/heap" >"$t/heap.out" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$t/heap.out" ]; then
      bad=$((bad + 1))
      echo "run $i: exit $rc"
      head -n 5 "$t/heap.out"
    fi
  done
  if [ "$bad" -eq 0 ]; then ok "booklets -j 2 with heap checking: $runs runs, no abort"
  else no "booklets -j 2 with heap checking: $bad of $runs runs failed"; fi
fi

echo "memcheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
