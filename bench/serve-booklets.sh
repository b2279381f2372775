#!/bin/sh
# The booklet preview of klar serve: from saving a pixi page's source to the
# re-rendered spread in headless Chromium, median of 10 edits on a copy of
# the bundled site (bench/serve-booklets.mjs).
#   sh bench/serve-booklets.sh             EDITS=10 SERVE_ARGS="-j 2" ...
set -u
cd "$(dirname "$0")/.." || exit 2
KLAR=${KLAR:-./klar}
EDITS=${EDITS:-10}
SERVE_ARGS=${SERVE_ARGS:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/klar-booklets.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cp -r content layouts assets "$work/"
echo "== the bundled site: editing content/pixi/pixi-3-6-aar.md, page 5 of booklet pixi-3-6-aar"
# shellcheck disable=SC2086
TMPDIR=$work node bench/serve-booklets.mjs --klar "$KLAR" --root "$work" --edits "$EDITS" -- $SERVE_ARGS
