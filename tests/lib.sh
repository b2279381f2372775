# The common start of klar's shell suites, sourced after `top` is set:
#   top=$(cd "$(dirname "$0")/../.." && pwd)
#   . "$top/tests/lib.sh"
#   suite_begin NAME          # or suite_begin NAME abs for an absolute $t
# gives the suite the top folder as working folder, the counters pass and
# fail with ok/no to add to them, and a fresh scratch folder $t
# (tests/out/NAME). The suite prints its own "NAME: N passed, N failed".
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1"; }
suite_begin() {
  cd "$top" || exit 2
  t=tests/out/$1
  [ "${2:-}" = abs ] && t=$top/tests/out/$1
  rm -rf "$t"
  mkdir -p "$t"
}
