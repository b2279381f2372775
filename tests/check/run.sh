#!/bin/sh
# klar check: one case per kind of error or warning. Each folder
# tests/check/NAME/ holds files laid over a copy of the bundled site
# (content/, layouts/, assets/) and optionally setup.sh (run in the copy),
# `expected.err` with the exact messages, errors first, and `exit` with
# check's status (default 1). Each case also runs `klar build`, which must
# print the same messages (a build never publishes what check calls an
# error) and fail exactly when check does. Then: the bundled site checks
# clean, check writes nothing anywhere, --strict, --drafts, -B, and the
# median time of check on the bundled site.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin check abs
klar="$top/klar"

site_copy() {
  mkdir -p "$1"
  cp -r content layouts assets "$1"/
}

# The messages of a run, without the summary lines.
msgs() { grep -v '^klar check: [0-9]* error\|^klar: [0-9]* error'; }

for case in tests/check/*/; do
  name=$(basename "$case")
  site=$t/$name
  site_copy "$site"
  (cd "$case" && find . -type f ! -name expected.err ! -name exit ! -name setup.sh) | while read -r f; do
    mkdir -p "$site/$(dirname "$f")"
    cp "$case/$f" "$site/$f"
  done
  [ -f "$case/setup.sh" ] && (cd "$site" && sh "$top/$case/setup.sh")
  want=1
  [ -f "$case/exit" ] && want=$(cat "$case/exit")
  (cd "$site" && timeout 60 "$klar" check -j 2 > "$t/$name.out" 2> "$t/$name.err")
  rc=$?
  msgs < "$t/$name.err" > "$t/$name.msgs"
  if [ "$rc" -eq "$want" ] && cmp -s "$case/expected.err" "$t/$name.msgs" &&
     grep -q '^klar check: [0-9]* errors\?, [0-9]* warnings\? in ' "$t/$name.err"; then
    ok "$name: check"
  else
    diff -u "$case/expected.err" "$t/$name.msgs" | head -n 20
    no "$name: check (exit $rc, want $want)"
  fi
  (cd "$site" && timeout 60 "$klar" build -q -j 2 --out "$t/$name.public" > /dev/null 2> "$t/$name.build")
  brc=$?
  msgs < "$t/$name.build" > "$t/$name.build-msgs"
  if [ "$brc" -eq "$want" ] && cmp -s "$case/expected.err" "$t/$name.build-msgs"; then
    ok "$name: build says the same"
  else
    diff -u "$case/expected.err" "$t/$name.build-msgs" | head -n 10
    no "$name: build says the same (exit $brc, want $want)"
  fi
done

# Warnings fail only with --strict.
(cd "$t/offer-no-theme" && "$klar" check -q --strict > /dev/null 2>&1)
[ $? -eq 1 ] && ok "--strict fails on a warning" || no "--strict fails on a warning"
# A link to a draft is fine when the drafts are built.
(cd "$t/drafts" && "$klar" check --drafts > /dev/null 2> "$t/drafts-on.err")
[ $? -eq 0 ] && ! grep -q 'error:' "$t/drafts-on.err" && ok "--drafts: links to drafts work" ||
  no "--drafts: links to drafts work"
# -B: the booklets are not laid out, so the overlong one passes.
(cd "$t/booklet-too-long" && "$klar" check -B > /dev/null 2> "$t/nobooklets.err")
[ $? -eq 0 ] && grep -q ' and 0 booklets ' "$t/nobooklets.err" && ok "-B skips laying out the booklets" ||
  no "-B skips laying out the booklets"

# The bundled site is exemplary: no error, no warning.
"$klar" check --strict > /dev/null 2> "$t/bundled.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^klar check: 0 errors, 0 warnings in ' "$t/bundled.err" &&
   [ "$(wc -l < "$t/bundled.err")" -eq 1 ]; then
  ok "the bundled site checks clean"
else
  head -n 20 "$t/bundled.err"
  no "the bundled site checks clean (exit $rc)"
fi

# check writes nothing: no file opened for writing, no folder made, nothing
# renamed or removed, anywhere (the system calls say so; before, it built
# into a folder in /tmp and removed it), and the site is as it was.
site=$t/quiet
site_copy "$site"
(cd "$t" && find quiet -exec stat -c '%n %s %Y' {} + | sort) > "$t/before"
(cd "$site" && strace -f -qq -o "$t/strace" -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,symlink,symlinkat \
  "$klar" check -j 2 > /dev/null 2>&1)
rc=$?
(cd "$t" && find quiet -exec stat -c '%n %s %Y' {} + | sort) > "$t/after"
grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(|mkdir|rename|unlink|rmdir|link\(|linkat' "$t/strace" | grep -v ' = -1 ' > "$t/writes"
if [ "$rc" -eq 0 ] && [ -s "$t/strace" ] && [ ! -s "$t/writes" ] && cmp -s "$t/before" "$t/after" && [ ! -e "$site/public" ]; then
  ok "check writes nothing"
else
  head -n 5 "$t/writes"
  diff "$t/before" "$t/after" | head -n 5
  no "check writes nothing (exit $rc)"
fi

# Under a second on the bundled site, booklets laid out: median of 10.
for i in 1 2 3 4 5 6 7 8 9 10; do
  s=$(date +%s%N)
  "$klar" check -q > /dev/null 2>&1
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
done | sort -n > "$t/times"
median=$(sed -n 5p "$t/times")
echo "  klar check on the bundled site: median $median ms of 10 (min $(head -n 1 "$t/times"), max $(tail -n 1 "$t/times"))"
[ "$median" -lt 1000 ] && ok "check under a second (median $median ms)" || no "check under a second (median $median ms)"

echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
