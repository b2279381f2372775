#!/bin/sh
# Installs what klar needs to build (and, with "test", to test) when it is
# missing. Called by make; does nothing when everything is there.
#   scripts/deps.sh build   libraries found through pkg-config, plus tools
#   scripts/deps.sh test    also the test tools (poppler, qpdf, chromium, ...)
set -e
want=${1:-build}
missing=""

need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_file() { [ -e "$1" ] || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_pc libcmark-gfm libcmark-gfm-dev
need_file /usr/include/cmark-gfm-core-extensions.h libcmark-gfm-extensions-dev
need_pc libxml-2.0 libxml2-dev
need_pc lua5.4 liblua5.4-dev
need_pc yaml-0.1 libyaml-dev
need_pc cairo-pdf libcairo2-dev
need_pc pangocairo libpango1.0-dev
need_pc pangoft2 libpango1.0-dev
need_pc fontconfig libfontconfig-dev
need_pc libqpdf libqpdf-dev
need_pc libmicrohttpd libmicrohttpd-dev
need_pc libpng libpng-dev
need_pc librsvg-2.0 librsvg2-dev
need_pc libjpeg libjpeg-dev
need_pc libwebp libwebp-dev
need_pc lcms2 liblcms2-dev
need_pc zlib zlib1g-dev
need_file /usr/include/hyphen.h libhyphen-dev
need_file /usr/share/hyphen/hyph_da_DK.dic hyphen-da
need_file /usr/include/qrencode.h libqrencode-dev
# The search index stems Danish words with Snowball (no pkg-config file).
need_file /usr/include/libstemmer.h libstemmer-dev
need_cmd python3 python3
# No system fonts: the booklets are set in the font files of assets/fonts/.

if [ "$want" = test ] || [ "$want" = bench ]; then
  need_cmd pdfinfo poppler-utils
  need_cmd qpdf qpdf
  need_cmd gs ghostscript
  need_cmd zbarimg zbar-tools
  # tests/pictures decodes the made images with PIL (Debian's python3)
  /usr/bin/python3 -c 'import PIL' 2>/dev/null || missing="$missing python3-pil"
  need_cmd chromium chromium
  # the fallback font of tests/lighthouse (a visitor without Noto Sans)
  need_file /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf fonts-dejavu-core
  need_cmd node nodejs
  need_cmd npm npm
  need_cmd java openjdk-17-jre-headless
  need_cmd valgrind valgrind
  need_cmd curl curl
  need_cmd git git
  need_cmd wrk wrk
  need_cmd strace strace
  need_file /usr/bin/time time
  need_cmd clang clang
  need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
fi
if [ "$want" = bench ]; then
  need_cmd hugo hugo
  need_file /usr/bin/time time
  need_cmd weasyprint weasyprint
fi

[ -z "$missing" ] && exit 0
echo "klar: installing missing packages:$missing" >&2
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
