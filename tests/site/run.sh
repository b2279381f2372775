#!/bin/sh
# Whole-site tests: determinism across thread counts and runs, the atomic
# output folder (a failed build leaves the previous site untouched), drafts,
# usage errors, and the bundled content building cleanly.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin site

# 1. The bundled site builds without errors or warnings.
if ./klar build --quiet --out "$t/real1" -j 2 2>"$t/real.err" && [ ! -s "$t/real.err" ]; then
  ok "content/ builds without errors or warnings"
else
  cat "$t/real.err"; no "content/ builds without errors or warnings"
fi
# 2. Byte-identical for -j 1 and -j 2, and across runs.
./klar build --quiet --out "$t/real2" -j 1 2>/dev/null
if diff -r "$t/real1" "$t/real2" >/dev/null; then ok "output identical for -j 1 and -j 2"; else
  diff -r "$t/real1" "$t/real2" | head -n 20; no "output identical for -j 1 and -j 2"; fi
./klar build --quiet --out "$t/real3" -j 2 2>/dev/null
if diff -r "$t/real1" "$t/real3" >/dev/null; then ok "output identical across runs"; else no "output identical across runs"; fi
./klar build --quiet --root tests/fixture --out "$t/fx1" -j 1 2>/dev/null
./klar build --quiet --root tests/fixture --out "$t/fx2" -j 2 2>/dev/null
if [ -d "$t/fx1" ] && diff -r "$t/fx1" "$t/fx2" >/dev/null; then ok "fixture identical for -j 1 and -j 2"; else no "fixture identical for -j 1 and -j 2"; fi

# 3. A failed build leaves the previous output exactly as it was.
cp -r tests/fixture "$t/broken"
printf -- '---\ntitle: [unclosed\n---\nx\n' > "$t/broken/content/om/fejl.md"
./klar build --quiet --root tests/fixture --out "$t/keep" 2>/dev/null
find "$t/keep" -type f | sort | xargs md5sum > "$t/keep.before" 2>/dev/null
./klar build --quiet --root "$t/broken" --out "$t/keep" 2>/dev/null
rc=$?
find "$t/keep" -type f | sort | xargs md5sum > "$t/keep.after" 2>/dev/null
if [ "$rc" -eq 1 ] && cmp -s "$t/keep.before" "$t/keep.after" && [ -s "$t/keep.before" ]; then
  ok "failed build exits 1 and leaves the previous output untouched"
else
  no "failed build exits 1 and leaves the previous output untouched (exit $rc)"
fi
if ls -d "$t"/keep.tmp-* >/dev/null 2>&1; then no "no staging folder left behind"; else ok "no staging folder left behind"; fi

# 4. Drafts only with --drafts.
if [ ! -e "$t/fx1/om/kladde/index.html" ]; then ok "drafts left out"; else no "drafts left out"; fi
./klar build --quiet --drafts --root tests/fixture --out "$t/fxd" 2>/dev/null
if [ -e "$t/fxd/om/kladde/index.html" ]; then ok "--drafts includes drafts"; else no "--drafts includes drafts"; fi

# 5. Usage errors exit 2; --help explains every option.
./klar build --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown option exits 2" || no "unknown option exits 2"
./klar build -j 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad -j exits 2" || no "bad -j exits 2"
./klar frobnicate >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown command exits 2" || no "unknown command exits 2"
help=$(./klar build --help)
missing=""
for opt in --root --out --jobs --drafts --quiet --help; do
  echo "$help" | grep -q -- "$opt" || missing="$missing $opt"
done
[ -z "$missing" ] && ok "build --help lists every option" || no "build --help lacks$missing"

# 6. Output files of a site.
for f in index.html 404.html sitemap.xml robots.txt feed.xml; do
  [ -s "$t/real1/$f" ] && ok "public/$f written" || no "public/$f written"
done
if grep -q '<loc>https://' "$t/real1/sitemap.xml" 2>/dev/null; then ok "sitemap has absolute URLs"; else no "sitemap has absolute URLs"; fi
if ls "$t"/real1/css/site.*.css >/dev/null 2>&1; then ok "CSS fingerprinted"; else no "CSS fingerprinted"; fi
if [ -s "$t/fx1/kontakt/index.html" ] && grep -q 'url=/klar/om/kontakt-os/' "$t/fx1/kontakt/index.html"; then
  ok "alias redirect written"; else no "alias redirect written"; fi

echo "site: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
