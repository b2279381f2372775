/* stem: Snowball's Danish stemmer and the irregular table. The only file
 * that includes libstemmer. */
#include "stem.h"
#include "../core/fsx.h"
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

struct stemmer {
  struct sb_stemmer *sb;
  const map *irregular;
  sbuf word; /* NUL-terminated copy for map lookups */
};

stemmer *stem_new(const map *irregular) {
  stemmer *st = xcalloc(1, sizeof *st);
  st->sb = sb_stemmer_new("danish", "UTF_8");
  if (!st->sb) klar_oom(); /* only fails for want of memory: "danish" is built in */
  st->irregular = irregular;
  return st;
}

void stem_free(stemmer *st) {
  if (!st) return;
  sb_stemmer_delete(st->sb);
  sbuf_free(&st->word);
  free(st);
}

const char *stem_word(stemmer *st, const char *w, size_t n) {
  const sb_symbol *s = sb_stemmer_stem(st->sb, (const sb_symbol *)w, (int)n);
  sbuf_clear(&st->word);
  if (s) sbuf_put(&st->word, (const char *)s, (size_t)sb_stemmer_length(st->sb));
  else sbuf_put(&st->word, w, n); /* out of memory inside Snowball: the word itself */
  const char *out = sbuf_str(&st->word);
  if (st->irregular) {
    const char *to = map_get(st->irregular, out);
    if (to) return to;
  }
  return out;
}

/* True when the n bytes at w are a lower-case word: letters a-z, æ ø å and
 * the other lower-case Latin-1 letters the tokenizer keeps. */
static bool lower_word(const char *w, size_t n) {
  const char *p = w, *end = w + n;
  if (!n) return false;
  while (p < end) {
    int c = str_utf8_next(&p, end);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
    if (!ok) return false;
  }
  return true;
}

bool stem_irregular_load(arena *a, const char *path, const char *file, map *m, diag *d) {
  size_t len;
  char *text = fsx_read(a, path, &len);
  if (!text) {
    diag_error(d, file, 0, 0, "cannot read the table of irregular word forms");
    return false;
  }
  bool ok = true;
  stemmer *st = stem_new(NULL);
  map line_of = MAP_INIT; /* stem → the line that claimed it, as a string */
  int line = 0;
  for (char *p = text; *p; ) {
    char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    line++;
    const char *first = NULL;
    for (char *q = p; q < eol; ) {
      while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
      if (q >= eol || *q == '#') break;
      char *e = q;
      while (e < eol && *e != ' ' && *e != '\t' && *e != '\r') e++;
      int col = (int)(q - p) + 1;
      if (!lower_word(q, (size_t)(e - q))) {
        diag_error(d, file, line, col,
                   "'%.*s' is not a word in lower case; write the forms of one word on a line, such as: barn børn",
                   (int)(e - q), q);
        ok = false;
      } else {
        const char *stem = arena_strdup(a, stem_word(st, q, (size_t)(e - q)));
        if (!first) first = stem;
        const char *had = map_get(&line_of, stem);
        const char *here = arena_printf(a, "%d", line);
        if (had && strcmp(had, here) != 0) {
          diag_error(d, file, line, col, "the form '%.*s' is already joined to another word on line %s",
                     (int)(e - q), q, had);
          ok = false;
        } else if (!had) {
          map_set(&line_of, stem, (void *)here);
          if (strcmp(stem, first) != 0) map_set(m, stem, (void *)first);
        }
      }
      q = e;
    }
    p = *eol ? eol + 1 : eol;
  }
  map_free(&line_of);
  stem_free(st);
  return ok;
}
