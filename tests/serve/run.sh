#!/bin/sh
# klar serve over real HTTP on a free loopback port: pages, assets and their
# types, the site's 404, folders, traversal of every spelling, the event
# stream with an edit, a breaking edit and its fix, the private folder's
# files byte-identical to `klar build`, a short load under edits, and a
# clean stop on SIGINT. Then the browser part (tests/serve/live.test.mjs),
# and the booklet preview (tests/serve/booklets.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
suite_begin serve abs
export SOURCE_DATE_EPOCH=1700000000
site=$t/site
mkdir -p "$site" "$t/tmp"
cp -r content layouts assets "$site/"
page=$site/content/temaer/robusthed.md
# The private folder goes to a folder in memory (tmpfs) before $TMPDIR:
# $XDG_RUNTIME_DIR here, a folder of the test's own in /dev/shm when that
# is a tmpfs (else one on disk, as a machine without one would have).
mem=$t/tmp
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  mem=$(mktemp -d /dev/shm/klar-serve-test.XXXXXX) || exit 2
  trap 'rm -rf "$mem"' EXIT
fi
export XDG_RUNTIME_DIR="$mem"

TMPDIR=$t/tmp ./klar serve --root "$site" --port 0 -B -j 2 > "$t/out.txt" 2> "$t/err.txt" &
pid=$!
# wait_for FILE PATTERN SECONDS: true once grep finds PATTERN in FILE.
wait_for() {
  i=0
  while [ $i -lt $(($3 * 20)) ]; do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    kill -0 $pid 2>/dev/null || return 1
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
if ! wait_for "$t/out.txt" 'serving the preview at' 60; then
  cat "$t/out.txt" "$t/err.txt"
  no "klar serve starts and prints its URL"
  echo "serve: $pass passed, $fail failed"
  kill $pid 2>/dev/null
  exit 1
fi
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$t/out.txt" | head -n 1)
ok "klar serve starts on a free loopback port and prints $url"
priv=$(ls -d "$mem"/klar-serve-* 2>/dev/null | head -n 1)
[ -d "$priv/site" ] && ok "builds into a private folder under XDG_RUNTIME_DIR" || no "private folder under XDG_RUNTIME_DIR: $(ls "$mem")"
if [ "$mem" != "$t/tmp" ]; then
  [ "$(stat -f -c %T "$priv/site")" = tmpfs ] && ok "the private folder is in memory (tmpfs)" \
    || no "the private folder is on $(stat -f -c %T "$priv/site")"
fi
[ ! -e "$site/public" ] && ok "public/ is not touched" || no "public/ was written"

# get PATH: status, type and body of a request (body in $t/body).
get() {
  curl -s --path-as-is -o "$t/body" -D "$t/head" -w '%{http_code} %{content_type}' "$url${1#/}"
}
expect() { # expect NAME PATH "CODE TYPE"
  got=$(get "$2")
  [ "$got" = "$3" ] && ok "$1 ($2: $got)" || no "$1 ($2: got '$got', want '$3')"
}
html="text/html; charset=utf-8"
expect "front page" / "200 $html"
grep -q '<script src="/_klar/live.js" data-build="1" defer></script></body>' "$t/body" \
  && ok "the live script is injected before </body>" || no "no live script in the front page"
expect "a section page" /temaer/ "200 $html"
expect "a page" /temaer/robusthed/ "200 $html"
expect "the live script" /_klar/live.js "200 text/javascript; charset=utf-8"
css=$(cd "$priv/site" && ls css/*.css | head -n 1)
expect "a stylesheet" "/$css" "200 text/css; charset=utf-8"
cmp -s "$t/body" "$priv/site/$css" && ok "the stylesheet's bytes as built" || no "stylesheet bytes differ"
expect "a font" /fonts/noto-sans-regular.woff2 "200 font/woff2"
cmp -s "$t/body" "$priv/site/fonts/noto-sans-regular.woff2" && ok "the font's bytes as built" || no "font bytes differ"
jpg=$(cd "$priv/site" && find . -name '*.jpg' | head -n 1)
[ -n "$jpg" ] && expect "an image" "${jpg#.}" "200 image/jpeg"
expect "the sitemap" /sitemap.xml "200 application/xml"
expect "robots.txt" /robots.txt "200 text/plain; charset=utf-8"
# Types the bundled site has no file of: files put into the served folder.
for ext in png:image/png webp:image/webp svg:image/svg+xml pdf:application/pdf json:application/json js:"text/javascript; charset=utf-8"; do
  printf 'x' > "$priv/site/klar-test.${ext%%:*}"
  expect "content type of .${ext%%:*}" "/klar-test.${ext%%:*}" "200 ${ext#*:}"
  rm -f "$priv/site/klar-test.${ext%%:*}"
done
expect "a missing page" /findes/ikke/ "404 $html"
grep -q 'Siden findes ikke' "$t/body" && ok "the missing page answers the site's 404.html" || no "404 body is not the site's 404.html"
expect "a missing file" /css/nope.css "404 $html"
expect "a folder without its slash" /temaer "301 text/plain; charset=utf-8"
grep -qi '^location: /temaer/' "$t/head" && ok "redirects /temaer to /temaer/" || no "no Location /temaer/: $(cat "$t/head")"
expect "the output's marker is hidden" /.klar-output "404 $html"
expect "with -B, the booklet preview" /_klar/booklets/ "200 $html"
grep -q 'Hæfterne tegnes ikke' "$t/body" && ok "says the booklets are not drawn (-B)" || no "-B booklets page: $(head -c 300 "$t/body")"
[ -z "$(ls "$priv/preview/_klar/booklets" | grep -v index.html)" ] && ok "and -B draws none" || no "-B drew booklets"

# Traversal: nothing outside the served folder, however spelled.
echo "KLAR-SECRET-7f3" > "$t/tmp/secret.txt"
for p in '/../secret.txt' '/../../../../etc/passwd' '/temaer/../../secret.txt' '/%2e%2e/secret.txt' \
  '/%2E%2E/%2e%2E/etc/passwd' '/..%2fsecret.txt' '/temaer%2f..%2f..%2fsecret.txt' '/%2f..%2f..%2fetc/passwd' \
  '/..%5c..%5csecret.txt' '/temaer/%00/../../secret.txt' '/index.html%00.css' '//etc/passwd' '/%2fetc/passwd' \
  '/./secret.txt' '/%252e%252e/secret.txt' '/%zz'; do
  code=$(get "$p")
  case $code in
    403*|404*)
      if grep -q -e KLAR-SECRET-7f3 -e 'root:' "$t/body"; then no "traversal $p read a file outside"; else ok "traversal $p answers ${code%% *}"; fi ;;
    *) no "traversal $p answers $code" ;;
  esac
done
# Request lines no browser sends: an absolute URI, a relative path, a bare dot-dot.
port=${url#http://127.0.0.1:}
port=${port%/}
for line in 'GET http://127.0.0.1/../../etc/passwd HTTP/1.1' 'GET ../../etc/passwd HTTP/1.1' \
  'GET /.. HTTP/1.1' 'GET /%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.0'; do
  ans=$(python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(sys.argv[2].encode() + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
d = b""
while True:
    c = s.recv(65536)
    if not c: break
    d += c
print(d.decode("latin-1"))' "$port" "$line")
  status=$(printf '%s' "$ans" | head -n 1 | cut -d' ' -f2)
  case $status in
    400|403|404) printf '%s' "$ans" | grep -q 'root:' && no "'$line' read /etc/passwd" || ok "'$line' answers $status" ;;
    *) no "'$line' answers '$status'" ;;
  esac
done
# A symlink in the served folder that leads out of it.
ln -s "$t/tmp" "$priv/site/evil"
ln -s /etc/passwd "$priv/site/passwd.txt"
for p in /evil/secret.txt /passwd.txt /evil/; do
  code=$(get "$p")
  case $code in
    403*|404*) grep -q -e KLAR-SECRET-7f3 -e 'root:' "$t/body" && no "symlink $p read outside" || ok "symlink out $p answers ${code%% *}" ;;
    *) no "symlink out $p answers $code" ;;
  esac
done
rm -f "$priv/site/evil" "$priv/site/passwd.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url")
[ "$code" = 405 ] && ok "POST answers 405" || no "POST answers $code"

# The build's files are klar build's, byte for byte (the script only in responses).
./klar build --root "$site" --out "$t/public" -B -q -j 2 > /dev/null 2>&1
if diff -r "$t/public" "$priv/site" > "$t/diff.txt" 2>&1; then ok "the private folder is byte-identical to klar build"
else no "private folder differs from klar build: $(head -n 5 "$t/diff.txt")"; fi

# The event stream: an edit, a breaking edit, the fix.
curl -sN "${url}_klar/events" > "$t/events.txt" 2>/dev/null &
sse=$!
wait_for "$t/events.txt" 'event: hello' 10 && ok "the event stream says hello" || no "no hello on /_klar/events"
grep -q '"build":1,"errors":null' "$t/events.txt" && ok "hello carries the build number and no errors" || no "hello: $(cat "$t/events.txt")"
printf '\nEn ny sætning fra testen.\n' >> "$page"
if wait_for "$t/events.txt" 'event: reload' 60; then ok "an edit sends a reload event"; else no "no reload event after an edit"; fi
grep -q '"changed":\["content/temaer/robusthed.md"\]' "$t/events.txt" && ok "the reload event names the changed file" || no "reload event: $(tail -n 3 "$t/events.txt")"
get /temaer/robusthed/ > /dev/null
grep -q 'En ny sætning fra testen' "$t/body" && ok "the page has the new text" || no "the page lacks the edit"
grep -q 'data-build="2"' "$t/body" && ok "the page carries the new build number" || no "page build number: $(grep -o 'data-build="[0-9]*"' "$t/body")"
cp "$page" "$t/good.md"
sed '2s/^title: /title: "/' "$t/good.md" > "$t/bad.md"
# An editor's atomic save: write beside, rename over.
cp "$t/bad.md" "$site/content/temaer/.robusthed.md.tmp" && mv "$site/content/temaer/.robusthed.md.tmp" "$page"
if wait_for "$t/events.txt" 'event: errors' 60; then ok "a breaking edit sends an errors event"; else no "no errors event"; fi
grep 'event: errors' -A1 "$t/events.txt" | grep -q '"file":"content/temaer/robusthed.md","line":2,"col":[0-9]*,"text":"the quote' \
  && ok "the errors event has file, line, column and text" || no "errors event: $(grep -A1 'event: errors' "$t/events.txt")"
grep 'event: errors' -A1 "$t/events.txt" | grep -q '{"n":2,"text":"title: \\"Robusthed"}' \
  && ok "the errors event has the source line, JSON-escaped" || no "no escaped source line in the errors event"
grep 'event: errors' -A1 "$t/events.txt" | sed -n 's/^data: //p' | node -e '
let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { JSON.parse(s); });' \
  && ok "the errors event is valid JSON" || no "the errors event is not valid JSON"
grep -q 'content/temaer/robusthed.md:2:[0-9]*: error: the quote' "$t/err.txt" && ok "the terminal shows the same error" || no "terminal: $(tail -n 3 "$t/err.txt")"
get /temaer/robusthed/ > /dev/null
grep -q 'En ny sætning fra testen' "$t/body" && ok "the last good page is still served" || no "the last good page is gone"
curl -sN --max-time 2 "${url}_klar/events" > "$t/late.txt" 2>/dev/null
grep -q '"errors":\[{"level":"error"' "$t/late.txt" && ok "a page that opens now gets the errors in hello" || no "late hello: $(cat "$t/late.txt")"
sed 's/En ny sætning fra testen/Rettet igen/' "$t/good.md" > "$page"
if wait_for "$t/events.txt" '"build":3' 60; then ok "the fix sends a reload event"; else no "no reload after the fix"; fi
get /temaer/robusthed/ > /dev/null
grep -q 'Rettet igen' "$t/body" && ok "the fixed page is served" || no "the fixed page is not served"

# vim's default save: the old file renamed to a backup, a new one written,
# the backup removed; and a new folder with a page in it.
mv "$page" "$page~" && sed 's/Rettet igen/Gemt som vim/' "$page~" > "$page" && rm -f "$page~"
wait_for "$t/events.txt" '"build":4' 60 && get /temaer/robusthed/ > /dev/null
grep -q 'Gemt som vim' "$t/body" && ok "a save the way vim saves is seen" || no "vim-style save not seen"
grep '"build":4' "$t/events.txt" | grep -q '"changed":\["content/temaer/robusthed.md"\]' \
  && ok "vim's scratch and backup files are left out" || no "changed list: $(grep '"build":4' "$t/events.txt")"
mkdir -p "$site/content/nyt"
printf -- '---\ntitle: En ny side\n---\nHelt ny.\n' > "$site/content/nyt/side.md"
# Waits for the build that saw the new file, not for build 5: under load the
# vim-style save above can take two builds (the rename, then the new file).
wait_for "$t/events.txt" '"changed":\["content/nyt/side.md"' 60 && get /nyt/side/ > /dev/null
grep -q 'Helt ny' "$t/body" && ok "a page in a new folder is built" || no "new folder's page: $(head -c 200 "$t/body")"

# Load while files change: no error, no non-2xx answer.
if command -v wrk > /dev/null; then
  (for i in 1 2 3; do sleep 0.6; printf '\nUnder belastning %s.\n' "$i" >> "$page"; done) &
  wrk -t 2 -c 4 -d 3s "${url}temaer/robusthed/" > "$t/wrk.txt" 2>&1
  wait $!
  reqs=$(sed -n 's/.* \([0-9]*\) requests in.*/\1/p' "$t/wrk.txt")
  if [ -n "$reqs" ] && [ "$reqs" -gt 0 ] && ! grep -q -e 'Socket errors' -e 'Non-2xx' "$t/wrk.txt"; then
    ok "wrk: $reqs requests under edits, no errors ($(sed -n 's/Requests\/sec: *//p' "$t/wrk.txt") req/s)"
  else
    no "wrk under edits: $(cat "$t/wrk.txt")"
  fi
else
  no "wrk is not installed (make test-deps)"
fi

# The browser: a page reloads itself, keeps its place, shows and hides the overlay.
if [ -f tests/browser/node_modules/playwright-core/package.json ]; then
  node tests/serve/live.test.mjs "$url" "$page" "$t" > "$t/live.txt" 2>&1
  cat "$t/live.txt"
  # Its own counts line is added up by tests/run; a crash without one is a failure here.
  grep -q '^live: [0-9]* passed' "$t/live.txt" || no "the browser test ended without its counts"
else
  no "playwright-core is not installed (make test-deps)"
fi

# Port in use: a plain message and exit 1.
./klar serve --root "$site" --port "$port" -B > "$t/second.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'in use' "$t/second.txt" && ok "a port in use: exit 1 with a message" || no "port in use: exit $rc, $(cat "$t/second.txt")"
./klar serve --port 99999 > "$t/usage.txt" 2>&1
[ $? -eq 2 ] && ok "a wrong port is a usage error" || no "wrong port: $(cat "$t/usage.txt")"

# Ctrl-C: exit 0, the event streams closed, the private folder gone.
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && ok "SIGINT stops it with exit status 0" || no "SIGINT exit status $rc"
[ ! -e "$priv" ] && ok "the private folder is removed" || no "the private folder is left: $priv"
i=0
while kill -0 $sse 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
if kill -0 $sse 2>/dev/null; then no "the event stream stayed open after the stop"; kill $sse; else ok "the event stream is closed by the stop"; fi
grep -q 'klar: stopping' "$t/err.txt" && ok "says it stops" || no "no stop message"

# SIGTERM, right after the start; without XDG_RUNTIME_DIR a tmpfs
# /dev/shm comes before TMPDIR (on disk here).
XDG_RUNTIME_DIR= TMPDIR=$t/tmp ./klar serve --root "$site" --port 0 -B > "$t/out2.txt" 2>&1 &
pid=$!
wait_for "$t/out2.txt" 'serving the preview' 60
if [ "$mem" != "$t/tmp" ]; then
  [ -z "$(ls "$t/tmp" | grep klar-serve)" ] && ok "without XDG_RUNTIME_DIR, /dev/shm before TMPDIR" \
    || no "the private folder went to TMPDIR on disk: $(ls "$t/tmp")"
fi
kill -TERM $pid
wait $pid
rc=$?
left=$(ls "$t/tmp"; ls "$mem")
[ $rc -eq 0 ] && ! echo "$left" | grep -q klar-serve- && ok "SIGTERM stops it cleanly too" || no "SIGTERM: exit $rc, left $left"

# A site that does not build at the start: a page that says so, with the
# errors over it, until the fix builds the site.
cp "$t/bad.md" "$page"
TMPDIR=$t/tmp ./klar serve --root "$site" --port 0 -B > "$t/out3.txt" 2> "$t/err3.txt" &
pid=$!
wait_for "$t/out3.txt" 'serving the preview' 60
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$t/out3.txt" | head -n 1)
expect "before the first good build" / "503 $html"
grep -q '/_klar/live.js' "$t/body" && ok "the 503 page carries the live script" || no "503 page without the script"
curl -sN "${url}_klar/events" > "$t/events3.txt" 2>/dev/null &
sse=$!
wait_for "$t/events3.txt" '"build":0,"errors":\[{' 10 && ok "its hello carries the errors" || no "hello: $(cat "$t/events3.txt")"
cp "$t/good.md" "$page"
wait_for "$t/events3.txt" 'event: reload' 60 && ok "the fix builds the site" || no "no reload after the fix"
expect "after the fix" / "200 $html"
kill -INT $pid
wait $pid
[ $? -eq 0 ] && ok "stops cleanly" || no "exit status after the fix"
kill $sse 2>/dev/null

# The booklet preview, with a server that draws it.
. tests/serve/booklets.sh

echo "serve: $pass passed, $fail failed"
[ $fail -eq 0 ]
