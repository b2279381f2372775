#!/bin/sh
# klar under ThreadSanitizer: `klar build -j 2`, `klar booklets -j 2` and
# the preview of three booklets on two threads, of the bundled site, built with -fsanitize=thread (make build/tsan/klar).
# Each must succeed with no report in klar's code. Reports inside the
# libraries listed in tests/tsan/suppressions (which say why each is there)
# are counted and shown, not failed; blame.awk places every report.
#   KLAR_TSAN=PATH   the instrumented klar (default $BUILD/tsan/klar)
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
bin=${KLAR_TSAN:-$BUILD/tsan/klar}
. "$top/tests/lib.sh"
suite_begin tsan
allowed=$(sed -n 's/^race://p' tests/tsan/suppressions | tr '\n' ' ')

# glib's slice allocator hands blocks from thread to thread under its own
# futex locks, which TSan cannot see; with always-malloc it sees malloc.
# history_size=7 keeps the most history, so fewer stacks are lost.
run() {
  name=$1
  shift
  G_SLICE=always-malloc TSAN_OPTIONS="log_path=$t/$name.log history_size=7 exitcode=0" \
    "$bin" "$@" >"$t/$name.out" 2>&1
}

# Checks the reports of one run: none placed in klar's code, none in a
# library the suppressions file does not name, none placed nowhere.
judge() {
  name=$1
  what=$2
  cat "$t/$name".log.* 2>/dev/null | awk -f tests/tsan/blame.awk > "$t/$name.blame"
  awk -F '\t' -v allowed=" $allowed " '
    {
      n = split($1, m, " "); lib = 0; klar = 0; other = ""
      for (i = 1; i <= n; i++) {
        if (m[i] == "unknown") continue
        if (index(allowed, " " m[i] " ")) lib++
        else if (m[i] == "klar") klar++
        else other = m[i]
      }
      if (klar) print "klar\t" $0
      else if (other != "") print "other\t" $0
      else if (!lib) print "unknown\t" $0
      else print "library\t" $0
    }' "$t/$name.blame" > "$t/$name.judged"
  bad=$(grep -vc '^library' "$t/$name.judged")
  libs=$(grep '^library' "$t/$name.judged" | cut -f2 | tr ' ' '\n' | grep -v unknown | sort | uniq -c |
    awk '{printf "%s%s %s", sep, $1, $2; sep = ", "}')
  if [ "$bad" -eq 0 ]; then
    ok "$what: no report in klar's code (in libraries: ${libs:-none})"
  else
    grep -v '^library' "$t/$name.judged" | head -n 5
    # The first such report in full, to start from.
    first=$(grep -v '^library' "$t/$name.judged" | head -n 1 | cut -f3)
    cat "$t/$name".log.* | awk -v s="SUMMARY: ThreadSanitizer: $first" '
      /^WARNING: ThreadSanitizer:/ { buf = "" }
      { buf = buf $0 "\n" }
      index($0, s) == 1 { printf "%s", buf; exit }'
    no "$what: $bad report(s) in klar's code or outside the known libraries (details in $t/$name.judged)"
  fi
}

if [ ! -x "$bin" ]; then
  no "$bin is missing: make $BUILD/tsan/klar"
else
  if run build build -j 2 --out "$t/site" --quiet && [ -s "$t/site/index.html" ]; then
    ok "build -j 2 under ThreadSanitizer"
  else
    tail -n 20 "$t/build.out"
    no "build -j 2 under ThreadSanitizer"
  fi
  judge build "build -j 2"
  if run booklets booklets -j 2 --out "$t/booklets" --quiet && ls "$t/booklets/booklets/"*.pdf >/dev/null 2>&1; then
    ok "booklets -j 2 under ThreadSanitizer"
  else
    tail -n 20 "$t/booklets.out"
    no "booklets -j 2 under ThreadSanitizer"
  fi
  judge booklets "booklets -j 2"
  # The preview draws its booklets on the pool too (print_preview).
  if run preview booklets -j 2 --preview "$t/preview" --quiet pixi-0-1-aar pixi-3-6-aar program-toerring-2027 &&
     [ -s "$t/preview/_klar/booklets/pixi-3-6-aar/p24.png" ]; then
    ok "booklets --preview -j 2 under ThreadSanitizer"
  else
    tail -n 20 "$t/preview.out"
    no "booklets --preview -j 2 under ThreadSanitizer"
  fi
  judge preview "booklets --preview -j 2"
  # The session of klar serve: updates render on the pool while each
  # worker records what its pages read (generator/build/session.c).
  sbin=${KLAR_TSAN_SESSION:-$BUILD/tsan/session_drive}
  if [ -x "$sbin" ]; then
    mkdir -p "$t/ssite"
    cp -r content layouts assets "$t/ssite/"
    printf '%s\n' "\$ echo Redigeret. >> $t/ssite/content/temaer/robusthed.md" \
      'update content/temaer/robusthed.md' \
      "\$ sed -i 's|<h3>|<h3 class=\"x\">|' $t/ssite/layouts/partials/offer-item.xml" \
      'update layouts/partials/offer-item.xml' 'update' > "$t/session.script"
    if G_SLICE=always-malloc TSAN_OPTIONS="log_path=$t/session.log history_size=7 exitcode=0" \
         "$sbin" -j 2 "$t/ssite" "$t/sout" < "$t/session.script" > "$t/session.out" 2>&1 &&
       [ "$(grep -c ': ok ' "$t/session.out")" -eq 4 ]; then
      ok "session updates -j 2 under ThreadSanitizer"
    else
      tail -n 20 "$t/session.out"
      no "session updates -j 2 under ThreadSanitizer"
    fi
    judge session "session updates -j 2"
  else
    no "$sbin is missing: make $sbin"
  fi
fi

echo "tsan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
