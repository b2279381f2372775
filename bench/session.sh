#!/bin/sh
# Times the incremental rebuild of `klar serve` (generator/build/session.c):
# on a copy of a site, opens a session and makes 20 edits of one Markdown
# body, 20 of the same page's summary in its front matter and 20 of the
# base layout, printing the median time of the update
# (from the build_session_update call to its return; the server and the
# browser come on top, measured with klar serve).
#
#   sh bench/session.sh [SITE]     SITE: a site folder (default: the
#                                  bundled site, this repository); the
#                                  10,000-page benchmark site is
#                                  bench/out/klar after `make bench` (or
#                                  scripts/gen-bench-site.py)
# Environment: EDITS (20), PAGE (a Markdown file below content/; default:
# the first page of the site's second section folder), BUILD (build).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
EDITS=${EDITS:-20}
site=${1:-.}
drive=$BUILD/tools/session_drive
[ -x "$drive" ] || make -s "$drive" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/klar-session.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/site"
for d in content layouts assets; do
  [ -d "$site/$d" ] && cp -r "$site/$d" "$tmp/site/"
done
page=${PAGE:-}
if [ -z "$page" ]; then
  page=$(cd "$tmp/site" && find content -name '*.md' ! -name '_index.md' | sort | sed -n 2p)
fi
# The layout edit changes a text every page shows: the footer's.
sed -i 's|<footer>|<footer><p>@@</p>|; s|<footer class="site-footer">|<footer class="site-footer"><p>@@</p>|' \
  "$tmp/site/layouts/base.xml"
grep -q '@@' "$tmp/site/layouts/base.xml" || { echo "no <footer> in layouts/base.xml to edit"; exit 2; }
echo "site: $site ($(find "$tmp/site/content" -name '*.md' | wc -l) Markdown files), $EDITS edits each"
"$drive" --time "$tmp/site" "$tmp/out" "$page" "$EDITS" || exit 1
"$drive" --time "$tmp/site" "$tmp/out" layouts/base.xml "$EDITS" || exit 1
# The front matter edit: the page's summary (its lists show it) gets "@@".
if grep -q '^summary: ' "$tmp/site/$page"; then
  sed -i 's/^\(summary: .*\)"$/\1 @@"/; t; s/^summary: .*/& @@/' "$tmp/site/$page"
  "$drive" --time "$tmp/site" "$tmp/out" "$page" "$EDITS" || exit 1
fi
