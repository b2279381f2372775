#!/bin/sh
# Installs the Lighthouse suite's tool once: the pinned lighthouse package
# (12.8.x, the line that still runs on Debian 12's Node 18). Chromium and
# Node come from scripts/deps.sh test. Called by make test-deps and by
# run.sh, so the suite also runs alone on a fresh machine.
set -e
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$here/node_modules/.klar-installed" ] || [ "$here/package.json" -nt "$here/node_modules/.klar-installed" ]; then
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$here/node_modules/.klar-installed"
fi
