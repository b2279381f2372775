#!/bin/sh
# Installs the browser test tools once: Debian's Chromium and Java (through
# scripts/deps.sh test), then the pinned Node packages. vnu-jar's install
# step downloads a Java runtime unless Java 11+ is present, so Java first.
set -e
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$here/node_modules/.klar-installed" ] || [ "$here/package.json" -nt "$here/node_modules/.klar-installed" ]; then
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$here/node_modules/.klar-installed"
fi
