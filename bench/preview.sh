#!/bin/sh
# The booklet preview's speed: `klar booklets -j 1 --preview` of each
# booklet of the bundled site, the median wall time of RUNS runs (default
# 7), less the median of a run that draws no booklet (the model and the
# Markdown stage every run pays), in three states:
#   new        no earlier preview: every page drawn and encoded as PNG
#   unchanged  the same sources again: every page drawn, none encoded
#   one page   a word changed on page 4 (pixi booklets only): drawn again,
#              only the pages whose pixels changed encoded
# Prints a table in milliseconds. The machine may be shared: medians, and
# the load average beside them.
#   sh bench/preview.sh [RUNS]
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
runs=${1:-7}
klar=$top/klar
out=$top/bench/out/preview
rm -rf "$out"
mkdir -p "$out"
cp -r content layouts assets "$out/"
site=$out

# ms CMD...: "WALL CPU", the medians over runs runs of CMD of the klar
# run it times (draw), in ms; CPU is user and system time, which others on
# a shared machine disturb less.
ms() {
  : > "$out/time"
  i=0
  while [ $i -lt "$runs" ]; do
    "$@" > /dev/null 2>&1
    i=$((i + 1))
  done
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$out/time" > "$out/times"
  w=$(cut -d' ' -f1 "$out/times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  c=$(cut -d' ' -f2 "$out/times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "$w $c"
}
# less BASE WALL CPU: "wall/cpu" less the baseline's.
less() { echo "$(($2 - ${1% *}))/$(($3 - ${1#* }))"; }
draw() { (cd "$site" && /usr/bin/time -a -o "$out/time" -f "%e %U %S" "$klar" booklets -q -j 1 --preview "$out/p" "$@"); }
fresh() { rm -rf "$out/p"; draw "$@"; }

base=$(ms draw layouts/page.xml)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); runs: $runs; model + Markdown (subtracted): wall/CPU $(echo "$base" | tr ' ' /) ms"
printf '%-28s %6s %11s %11s %11s\n' booklet pages new unchanged "one page"
names=$(sed -n '/^booklets:/,$p' content/site.yaml | sed -n 's/^  - name: //p')
for n in $names; do
  fresh "$n"
  pages=$(ls "$out/p/_klar/booklets/$n/"p*.png | wc -l)
  new=$(less "$base" $(ms fresh "$n"))
  same=$(less "$base" $(ms draw "$n"))
  one=-
  case $n in
  pixi-*)
    md=$(sed -n "/^  - name: $n\$/,/pages:/s/^    pages: \[\(.*\)\]/\1/p" content/site.yaml)
    cp "$site/content/$md" "$out/orig.md"
    # Alternates two spellings of a word of the first theme, so each run changes it.
    edit() {
      if grep -q "Robusthed\](" "$site/content/$md"; then sed -i '0,/Robusthed\](/s//Robustheden](/' "$site/content/$md"
      else sed -i '0,/Robustheden\](/s//Robusthed](/' "$site/content/$md"; fi
      draw "$n"
    }
    one=$(less "$base" $(ms edit))
    cp "$out/orig.md" "$site/content/$md"
    ;;
  esac
  printf '%-28s %6s %11s %11s %11s\n' "$n" "$pages" "$new" "$same" "$one"
done
echo "(milliseconds, wall/CPU)"
