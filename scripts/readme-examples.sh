#!/bin/sh
# The README's example pages are made by `klar new` from the schema in
# content/site.yaml, so they cannot fall out of date: each block between
#   <!-- klar new TYPE PATH -->
#   ```markdown
#   ...
#   ```
#   <!-- end klar new -->
# is replaced by what `klar new TYPE PATH --print` writes now.
#   sh scripts/readme-examples.sh           rewrite the blocks of README.md
#   sh scripts/readme-examples.sh --check   exit 1, showing the difference,
#                                            when a block is not up to date
#   FILE=x.md sh scripts/readme-examples.sh  another file than README.md
# The dates in the examples are fixed (SOURCE_DATE_EPOCH), so the text does
# not change from day to day.
KLAR=${KLAR:-./klar}
FILE=${FILE:-README.md}
SOURCE_DATE_EPOCH=1800000000
export SOURCE_DATE_EPOCH
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$tmp.page"' EXIT
: > "$tmp"
skip=0
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
  "<!-- klar new "*" -->")
    printf '%s\n' "$line" >> "$tmp"
    args=${line#<!-- klar new }
    args=${args% -->}
    # shellcheck disable=SC2086 # TYPE and PATH are two words
    if ! "$KLAR" new $args --print > "$tmp.page"; then
      echo "readme-examples: klar new $args failed" >&2
      exit 2
    fi
    { echo '```markdown'; cat "$tmp.page"; echo '```'; } >> "$tmp"
    skip=1
    ;;
  "<!-- end klar new -->")
    printf '%s\n' "$line" >> "$tmp"
    skip=0
    ;;
  *)
    [ "$skip" -eq 1 ] || printf '%s\n' "$line" >> "$tmp"
    ;;
  esac
done < "$FILE"
if [ "$skip" -eq 1 ]; then
  echo "readme-examples: $FILE: a '<!-- klar new ... -->' block has no '<!-- end klar new -->'" >&2
  exit 2
fi
if [ "${1:-}" = --check ]; then
  if cmp -s "$tmp" "$FILE"; then exit 0; fi
  echo "readme-examples: the examples in $FILE differ from what klar new makes now" >&2
  echo "(run 'sh scripts/readme-examples.sh' to bring them up to date):" >&2
  diff "$FILE" "$tmp" >&2
  exit 1
fi
cat "$tmp" > "$FILE"
