/* hyphwords: prints each word of the given files (or stdin) as klar's print
 * engine would break it, '-' at each break, one a line, sorted and once
 * each: for proof-reading the Danish hyphenation of a site's whole text and
 * writing its list (layouts/print/hyphenation-da.txt).
 *   build/tools/hyphwords [--list FILE] $(find content -name "*.md") | less */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/fsx.h"
#include "core/map.h"
#include "print/hyph.h"

static void put_word(map *seen, const hyph_list *l, const char *w, size_t n) {
  sbuf b = SBUF_INIT;
  hyph_put_list(l, &b, w, n);
  char *r = sbuf_take(&b);
  char *o = r;
  for (char *p = r; *p;) {
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xAD) {
      *o++ = '-';
      p += 2;
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  if (strchr(r, '-') && !map_has(seen, r)) map_set(seen, r, r);
  else free(r);
}

static void put_text(map *seen, const hyph_list *l, const char *s, size_t n) {
  const char *p = s, *end = s + n;
  while (p < end) {
    while (p < end && (unsigned char)*p < 0x80 && !((*p | 32) >= 'a' && (*p | 32) <= 'z')) p++;
    const char *w = p;
    while (p < end && ((unsigned char)*p >= 0x80 || ((*p | 32) >= 'a' && (*p | 32) <= 'z'))) p++;
    if (p > w) put_word(seen, l, w, (size_t)(p - w));
  }
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  arena *a = arena_new();
  diag *d = diag_new();
  const hyph_list *l = NULL;
  map seen = MAP_INIT;
  if (!hyph_load()) {
    fprintf(stderr, "hyphwords: no hyphenation patterns (%s)\n", HYPH_DA_DICT);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--list") && i + 1 < argc) {
      l = hyph_list_load(a, argv[i + 1], argv[i + 1], d);
      i++;
      continue;
    }
    size_t n;
    char *s = fsx_read(a, argv[i], &n);
    if (s) put_text(&seen, l, s, n);
  }
  const char **w = malloc((seen.n ? seen.n : 1) * sizeof *w);
  for (size_t i = 0; i < seen.n; i++) w[i] = seen.entries[i].key;
  qsort(w, seen.n, sizeof *w, cmp);
  for (size_t i = 0; i < seen.n; i++) puts(w[i]);
  diag_print(d, stderr);
  return 0;
}
