#!/bin/sh
# klar check: one case per kind of error or warning. Each folder
# tests/check/NAME/ holds files laid over a copy of the bundled site
# (content/, layouts/, assets/) and optionally setup.sh (run in the copy),
# `expected.err` with the exact messages, errors first, and `exit` with
# check's status (default 1). In expected.err, @NAME@ stands for the line of
# booklet NAME in the copy's site.yaml, which other changes move. Each case also runs `klar build`, which must
# print the same messages (a build never publishes what check calls an
# error) and fail exactly when check does. Then: the bundled site checks
# clean, check writes nothing anywhere, --strict, --drafts, -B, and the
# median time of check on the bundled site.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin check abs
# A day on which every page of the bundled site is published: its news item
# of 2027-02-01 waits for its day otherwise, and klar check notes it
# (tests/conventions checks held-back pages).
export SOURCE_DATE_EPOCH=1803000000
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
  cp "$case/expected.err" "$t/$name.want"
  for b in $(grep -o '@[a-z0-9-]*@' "$case/expected.err" | tr -d @ | sort -u); do
    line=$(grep -n "^  - name: $b\$" "$site/content/site.yaml" | cut -d: -f1)
    sed -i "s/@$b@/$line/g" "$t/$name.want"
  done
  (cd "$site" && timeout 60 "$klar" check -j 2 > "$t/$name.out" 2> "$t/$name.err")
  rc=$?
  msgs < "$t/$name.err" > "$t/$name.msgs"
  if [ "$rc" -eq "$want" ] && cmp -s "$t/$name.want" "$t/$name.msgs" &&
     grep -q '^klar check: [0-9]* errors\?, [0-9]* warnings\? in ' "$t/$name.err"; then
    ok "$name: check"
  else
    diff -u "$t/$name.want" "$t/$name.msgs" | head -n 20
    no "$name: check (exit $rc, want $want)"
  fi
  (cd "$site" && timeout 60 "$klar" build -q -j 2 --out "$t/$name.public" > /dev/null 2> "$t/$name.build")
  brc=$?
  msgs < "$t/$name.build" > "$t/$name.build-msgs"
  if [ "$brc" -eq "$want" ] && cmp -s "$t/$name.want" "$t/$name.build-msgs"; then
    ok "$name: build says the same"
  else
    diff -u "$t/$name.want" "$t/$name.build-msgs" | head -n 10
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
# into a folder in /tmp and removed it), and the site and its last build
# are as they were; with -B too (a quick build would keep the previous
# booklets; a check has nothing to keep them in).
site=$t/quiet
site_copy "$site"
(cd "$site" && "$klar" build -q -j 2 > /dev/null 2>&1)
(cd "$t" && find quiet -exec stat -c '%n %s %Y' {} + | sort) > "$t/before"
for opt in -v -B; do
  [ "$opt" = -v ] && opt=""
  (cd "$site" && strace -f -qq -o "$t/strace" -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,symlink,symlinkat \
    "$klar" check -j 2 $opt > /dev/null 2>&1)
  rc=$?
  (cd "$t" && find quiet -exec stat -c '%n %s %Y' {} + | sort) > "$t/after"
  grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(|mkdir|rename|unlink|rmdir|link\(|linkat' "$t/strace" | grep -v ' = -1 ' > "$t/writes"
  if [ "$rc" -eq 0 ] && [ -s "$t/strace" ] && [ ! -s "$t/writes" ] && cmp -s "$t/before" "$t/after" &&
     [ -f "$site/public/booklets/pixi-3-6-aar.pdf" ]; then
    ok "check $opt writes nothing"
  else
    head -n 5 "$t/writes"
    diff "$t/before" "$t/after" | head -n 5
    no "check $opt writes nothing (exit $rc)"
  fi
done

# klar serve reports the same checks: on its first build (a conference
# programme that ends before it starts) and after an edit that drops five
# themes from a pixi guide (the incremental update of one body).
site=$t/serve
site_copy "$site"
mkdir -p "$t/serve-tmp"
cp tests/check/programme-bounds/content/konferencer/hedensted-2027.md "$site/content/konferencer/"
TMPDIR=$t/serve-tmp "$klar" serve --root "$site" --port 0 -B -j 2 > "$t/serve.out" 2> "$t/serve.err" &
spid=$!
waitfor() { # waitfor FILE TEXT: up to 60 s while serve runs
  i=0
  while [ $i -lt 1200 ] && kill -0 $spid 2>/dev/null; do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
if waitfor "$t/serve.err" "hedensted-2027.md:7:6: error: the conference ends (17.30) before it starts (18.00)"; then
  ok "serve: the first build reports a programme error"
else
  no "serve: the first build reports a programme error ($(tail -n 2 "$t/serve.err"))"
fi
cp tests/check/programme/content/konferencer/hedensted-2027.md "$site/content/konferencer/hedensted-2027.md.tmp"
cp content/konferencer/hedensted-2027.md "$site/content/konferencer/"
rm -f "$site/content/konferencer/hedensted-2027.md.tmp"
waitfor "$t/serve.out" "rebuilt\|updated\|reload" > /dev/null
cp tests/check/pixi-structure/content/pixi/pixi-3-6-aar.md "$site/content/pixi/pixi-3-6-aar.md"
if waitfor "$t/serve.err" "pixi-3-6-aar.md:14:1: error: '### Pejlemerker' is misspelt: did you mean '### Pejlemærker'?"; then
  ok "serve: an edit that drops themes is an error"
else
  no "serve: an edit that drops themes is an error ($(tail -n 2 "$t/serve.err"))"
fi
kill $spid 2>/dev/null
wait $spid 2>/dev/null

# Big inputs stay linear: a pixi guide with 20,000 unknown themes, each with
# a link to a missing anchor on the page and on another page, and a
# programme of 20,000 items in one room (positions, anchors and overlaps
# used to be looked up from the start each time: minutes).
site=$t/big
site_copy "$site"
pixi=$site/content/pixi/pixi-3-6-aar.md
head -n 10 content/pixi/pixi-3-6-aar.md > "$pixi"
awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "## Tema %d\n[a](#b%d) [c](../temaer/robusthed.md#q%d)\n", i, i, i }' >> "$pixi"
conf=$site/content/konferencer/toerring-2027.md
sed -n '1,/^programme:/p' content/konferencer/toerring-2027.md > "$conf.new"
awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "  - start: \"17.00\"\n    end: \"17.30\"\n    title: Punkt %d\n    room: Aulaen\n", i }' >> "$conf.new"
echo "---" >> "$conf.new"
mv "$conf.new" "$conf"
s=$(date +%s%N)
(cd "$site" && timeout 60 "$klar" check -B -j 2 > /dev/null 2> "$t/big.err")
rc=$?
e=$(date +%s%N)
n=$(grep -c "goes to no heading" "$t/big.err")
o=$(grep -c "in the same room, Aulaen" "$t/big.err")
echo "  20,000 themes with 40,000 anchor links and 20,000 programme items: exit $rc in $(((e - s) / 1000000)) ms"
if [ "$rc" -eq 1 ] && [ "$n" -eq 40000 ] && [ "$o" -eq 19999 ] && grep -q "more than 30 mistakes" "$t/big.err"; then
  ok "big pages are checked in linear time"
else
  no "big pages are checked in linear time (exit $rc, $n anchors, $o overlaps)"
fi

# Under a second on the bundled site, booklets laid out: median of 10. The
# bound is on the processor time (user + system), which other work on a
# shared machine does not inflate; the wall time is printed beside it.
for i in 1 2 3 4 5 6 7 8 9 10; do
  s=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$t/cpu" "$klar" check -q > /dev/null 2>&1
  e=$(date +%s%N)
  cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$t/cpu")
  echo "$cpu $(((e - s) / 1000000))"
done > "$t/times"
cpu=$(cut -d' ' -f1 "$t/times" | sort -n | sed -n 5p)
wall=$(cut -d' ' -f2 "$t/times" | sort -n | sed -n 5p)
echo "  klar check on the bundled site, median of 10: $cpu ms processor time, $wall ms wall time"
[ "$cpu" -lt 1000 ] && ok "check under a second ($cpu ms)" || no "check under a second ($cpu ms)"

echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
