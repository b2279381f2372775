#!/bin/sh
# klar serve under load from a second process: wrk against loopback for
# DURATION (10 s) with CONNS connections (4) on a page, on the stylesheet and
# on a missing page (the site's 404), over a copy of the bundled site. Prints
# wrk's figures and fails when any request errs or answers other than
# expected (2xx, or 404 for the missing page).
#   sh bench/serve-load.sh                 DURATION=10s CONNS=4 THREADS=2
set -u
cd "$(dirname "$0")/.." || exit 2
KLAR=${KLAR:-./klar}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-4}
THREADS=${THREADS:-2}
command -v wrk > /dev/null || { echo "serve-load: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/klar-load.XXXXXX") || exit 1
mkdir -p "$work/site"
cp -r content layouts assets "$work/site/"
"$KLAR" serve --root "$work/site" --port 0 -B > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid; rm -rf "$work"' EXIT
i=0
until grep -q 'serving the preview' "$work/out.txt"; do
  i=$((i + 1))
  [ $i -gt 600 ] && { cat "$work/err.txt"; echo "serve-load: klar serve did not start" >&2; exit 1; }
  sleep 0.1
done
url=$(grep -o 'http://[^ ]*/' "$work/out.txt" | head -n 1)
css=$(curl -s "$url" | grep -o '/css/[^"]*\.css' | head -n 1)
rc=0
for target in "temaer/robusthed/ 2xx" "${css#/} 2xx" "findes/ikke/ 404"; do
  path=${target% *}
  want=${target#* }
  wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --latency "$url$path" > "$work/wrk.txt" 2>&1
  reqs=$(sed -n 's/Requests\/sec: *//p' "$work/wrk.txt")
  total=$(sed -n 's/.* \([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  errors=$(grep 'Socket errors' "$work/wrk.txt")
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$work/wrk.txt")
  bad=""
  [ -n "$errors" ] && bad="$errors"
  if [ "$want" = 2xx ] && [ -n "$non2xx" ]; then bad="$bad non-2xx: $non2xx"; fi
  if [ "$want" = 404 ] && [ "${non2xx:-0}" != "$total" ]; then bad="$bad only ${non2xx:-0} of $total were 404"; fi
  [ -z "$total" ] && bad="no result: $(cat "$work/wrk.txt")"
  printf '/%s: %s requests in %s, %s req/s, latency p50 %s p99 %s%s\n' "$path" "$total" "$DURATION" "$reqs" "$p50" "$p99" \
    "${bad:+ — FAILED: $bad}"
  [ -n "$bad" ] && rc=1
done
exit $rc
