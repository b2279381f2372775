#!/bin/sh
# klar serve's edit-to-reload time (bench/serve-latency.mjs): from writing a
# Markdown file to the reloaded page's last byte, median of 20 edits, on the
# bundled site and on the generated 10,000-page benchmark site (made by
# scripts/gen-bench-site.py into bench/out/klar when missing, as bench/run.sh
# makes it); a front matter edit (the page's summary) and a layout edit
# (base.xml's footer: every page) on each. Each site is edited in a copy.
#   sh bench/serve-latency.sh            both sites
#   SITES=bundled sh bench/serve-latency.sh
#   EDITS=20 FM_EDITS=20 LAYOUT_EDITS=20 SERVE_ARGS="-B" ...
set -u
cd "$(dirname "$0")/.." || exit 2
KLAR=${KLAR:-./klar}
EDITS=${EDITS:-20}
FM_EDITS=${FM_EDITS:-20}
LAYOUT_EDITS=${LAYOUT_EDITS:-20}
SITES=${SITES:-bundled bench}
SERVE_ARGS=${SERVE_ARGS:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/klar-latency.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
rc=0
for s in $SITES; do
  case $s in
    bundled)
      mkdir -p "$work/bundled"
      cp -r content layouts assets "$work/bundled/"
      echo "== the bundled site ($(find content -name '*.md' | wc -l) pages)"
      # shellcheck disable=SC2086
      node bench/serve-latency.mjs --klar "$KLAR" --root "$work/bundled" --page content/temaer/robusthed.md \
        --url /temaer/robusthed/ --edits "$EDITS" --fm-edits "$FM_EDITS" --layout layouts/base.xml --layout-edits "$LAYOUT_EDITS" \
        -- $SERVE_ARGS || rc=1
      ;;
    bench)
      pages=${BENCH_PAGES:-10000}
      if [ ! -d bench/out/klar/content ] || [ "$(find bench/out/klar/content -name 'page-*.md' | wc -l)" -ne "$pages" ]; then
        echo "generating the $pages-page benchmark site into bench/out/klar"
        python3 scripts/gen-bench-site.py --pages "$pages" --out bench/out/klar --hugo bench/out/hugo || exit 1
      fi
      cp -r bench/out/klar "$work/bench"
      rm -rf "$work/bench/public"
      page=$(cd "$work/bench" && find content -name 'page-*.md' | sort | head -n 1)
      url=/$(echo "${page#content/}" | sed 's/\.md$//')/
      echo "== the benchmark site ($pages pages; editing $page)"
      # shellcheck disable=SC2086
      node bench/serve-latency.mjs --klar "$KLAR" --root "$work/bench" --page "$page" --url "$url" \
        --edits "$EDITS" --fm-edits "$FM_EDITS" --layout layouts/base.xml --layout-edits "$LAYOUT_EDITS" -- $SERVE_ARGS || rc=1
      ;;
    *) echo "serve-latency: unknown site '$s' (bundled, bench)" >&2; rc=2 ;;
  esac
done
exit $rc
