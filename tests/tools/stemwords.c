/* stemwords: the words of text files as the search index cuts and stems
 * them, for tests/search/stems.mjs, which checks that assets/js/search.js
 * cuts and stems every one of them the same way.
 *   stemwords [-i layouts/search/irregular-da.txt] FILE...
 * prints "# FILE" before each file's words, then one line a word:
 * "word<TAB>Snowball stem<TAB>stem after the irregular table<TAB>stop",
 * with stop 1 for a stop word, else 0. */
#include "site/search.h"
#include "site/stem.h"
#include "core/fsx.h"
#include <stdio.h>
#include <string.h>

typedef struct ctx {
  stemmer *plain, *joined;
} ctx;

static void on_word(void *c_, const char *w, size_t n, size_t start, size_t end) {
  ctx *c = c_;
  (void)start;
  (void)end;
  printf("%.*s\t", (int)n, w);
  printf("%s\t", stem_word(c->plain, w, n));
  printf("%s\t%d\n", stem_word(c->joined, w, n), search_is_stop(w, n) ? 1 : 0);
}

int main(int argc, char **argv) {
  arena *a = arena_new();
  diag *d = diag_new();
  map irr = MAP_INIT;
  int i = 1;
  if (i + 1 < argc && !strcmp(argv[i], "-i")) {
    if (!stem_irregular_load(a, argv[i + 1], argv[i + 1], &irr, d)) {
      diag_print(d, stderr);
      return 1;
    }
    i += 2;
  }
  ctx c = {stem_new(NULL), stem_new(&irr)};
  for (; i < argc; i++) {
    size_t n;
    char *text = fsx_read(a, argv[i], &n);
    if (!text) {
      fprintf(stderr, "stemwords: cannot read %s\n", argv[i]);
      return 1;
    }
    printf("# %s\n", argv[i]);
    search_tokenize(text, n, on_word, &c);
  }
  stem_free(c.plain);
  stem_free(c.joined);
  map_free(&irr);
  diag_free(d);
  arena_free(a);
  return 0;
}
