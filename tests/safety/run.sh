#!/bin/sh
# Safety tests: klar never loses or leaks a user's file. The output folder is
# refused when it is not klar's own or holds the sources; symlinks out of the
# site are errors; two sources claiming one output path are errors; killed
# and failed runs leave the previous output as it was and no leftovers.
# Each test works on a copy of the fixture site in tests/out/safety.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
klar=${KLAR:-$top/klar}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1"; }
t=$top/tests/out/safety
rm -rf "$t"
mkdir -p "$t"

# A fresh copy of the fixture site as a git repository, in $t/$1.
fresh() {
  rm -rf "${t:?}/$1"
  cp -r tests/fixture "$t/$1"
  (cd "$t/$1" && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm fixture)
}
# A checksum of every file below a folder (sources and .git included).
sums() { (cd "$1" && find . -type f | sort | xargs md5sum) 2>/dev/null | md5sum; }

# ------------------------------------------------------------ --out refusals

# Runs `klar build --out OUT` in a fresh site; passes when the exit is 2, the
# message says why and no file of the site changed.
refuses() {
  what=$1 out=$2 words=$3
  fresh out
  before=$(sums "$t/out")
  (cd "$t/out" && "$klar" build -q -B --out "$out" > "$t/out.log" 2>&1)
  rc=$?
  after=$(sums "$t/out")
  if [ "$rc" -eq 2 ] && [ "$before" = "$after" ] && grep -q "refusing to write into '$out': $words" "$t/out.log"; then
    ok "$what: refused with exit 2, no file touched"
  else
    no "$what: exit $rc (want 2), files $( [ "$before" = "$after" ] && echo unchanged || echo CHANGED)"
    head -n 5 "$t/out.log"
  fi
}
refuses "--out content" content "it lies inside the site's content/ folder"
refuses "--out ." . "it holds the site's sources"
refuses "--out ROOT (the site's folder, absolute)" "$t/out" "it holds the site's sources"
refuses "--out .. (a parent of the site)" .. "it holds the site's sources"
refuses "--out layouts/x" layouts/x "it lies inside the site's layouts/ folder"
refuses "--out assets/../content (.. resolved)" assets/../content "it lies inside the site's content/ folder"
refuses "--out .git (not klar's)" .git "the folder has files in it and was not made by klar"
fresh out
ln -s content "$t/out/link"
(cd "$t/out" && "$klar" build -q -B --out link/x > "$t/out.log" 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$t/out/content/x" ] && grep -q "inside the site's content/ folder" "$t/out.log"; then
  ok "--out through a symlink into content/ refused"
else
  no "--out through a symlink into content/ refused (exit $rc)"
fi

# A folder that is not klar's: refused, its files kept.
fresh out
mkdir -p "$t/mine"
echo "mit arbejde" > "$t/mine/rapport.txt"
"$klar" build -q -B --root "$t/out" --out "$t/mine" > "$t/out.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ "$(cat "$t/mine/rapport.txt" 2>/dev/null)" = "mit arbejde" ] &&
   grep -q "was not made by klar" "$t/out.log"; then
  ok "--out at a folder klar did not make: refused, its files kept"
else
  no "--out at a folder klar did not make (exit $rc)"
fi
echo x > "$t/afile"
"$klar" build -q -B --root "$t/out" --out "$t/afile" > "$t/out.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ "$(cat "$t/afile")" = x ]; then ok "--out at a file refused"; else no "--out at a file refused (exit $rc)"; fi
"$klar" booklets -q --root "$t/out" --out "$t/out/content" > "$t/out.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$t/out/content/booklets" ]; then ok "klar booklets --out content refused"; else no "klar booklets --out content refused (exit $rc)"; fi

# The default ROOT/public left by an older klar (no marker): refused, with
# the way out in the message; after removing it the build works.
mkdir -p "$t/out/public"
echo "gammel" > "$t/out/public/index.html"
(cd "$t/out" && "$klar" build -q -B > "$t/out.log" 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "older klar" "$t/out.log" && grep -q "rm -r 'public'" "$t/out.log" &&
   [ "$(cat "$t/out/public/index.html")" = gammel ]; then
  ok "a marker-less public/ refused, the message says how to fix it"
else
  no "a marker-less public/ refused (exit $rc)"; cat "$t/out.log"
fi
rm -r "$t/out/public"
(cd "$t/out" && "$klar" build -q -B > "$t/out.log" 2>&1) && [ -f "$t/out/public/.klar-output" ] &&
  (cd "$t/out" && "$klar" build -q -B >> "$t/out.log" 2>&1) &&
  ok "klar's own public/ (with the marker) is rebuilt" || { no "klar's own public/ is rebuilt"; cat "$t/out.log"; }
mkdir -p "$t/empty"
"$klar" build -q -B --root "$t/out" --out "$t/empty" > "$t/out.log" 2>&1 && [ -f "$t/empty/index.html" ] &&
  ok "an empty folder is accepted as --out" || no "an empty folder is accepted as --out"

echo "safety: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
