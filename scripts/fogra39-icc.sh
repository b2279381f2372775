#!/bin/sh
# Rebuilds generator/print/icc/klar-fogra39.icc, the output profile of the
# printer PDFs (PDF/X output intent, and what lcms2 converts colours to).
# Only needed to change the profile: the built profile is committed, so a
# build needs neither ArgyllCMS nor the measurement data.
#
# Source: FOGRA39L.ti3 of Debian's icc-profiles-free (the Fogra measurements
# of ISO 12647-2:2004/Amd 1 offset on coated paper, zlib licence). ArgyllCMS
# (package argyll) builds a medium-quality profile with a 300 % total ink
# limit, 95 % black limit and its default black ramp (GCR). colprof is
# deterministic but stamps the time into the header; the date is set to the
# data set's (December 2006) so the same data give the same bytes.
set -e
ti3=${1:-/usr/share/color/icc/FOGRA39L.ti3}
out=${2:-generator/print/icc/klar-fogra39.icc}
command -v colprof >/dev/null || { echo "needs colprof (apt-get install argyll)" >&2; exit 1; }
[ -f "$ti3" ] || { echo "needs $ti3 (apt-get install icc-profiles-free)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$ti3" "$tmp/FOGRA39L.ti3"
(cd "$tmp" && colprof -qm -l300 -L95 -kr \
  -D "klar FOGRA39 (Coated FOGRA39, ISO 12647-2:2004), built from FOGRA39L.ti3 with ArgyllCMS" \
  -C "Derived from FOGRA39L.ti3 (icc-profiles-free, zlib licence); altered: profiled by klar" \
  FOGRA39L >/dev/null)
# ICC header bytes 24..35: year, month, day, hour, minute, second (big endian).
python3 - "$tmp/FOGRA39L.icc" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
d[24:36] = struct.pack('>6H', 2006, 12, 1, 0, 0, 0)
open(p, 'wb').write(bytes(d))
PY
cp "$tmp/FOGRA39L.icc" "$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
