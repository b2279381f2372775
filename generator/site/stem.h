/* stem: Danish word stems for the search index. Snowball's Danish stemmer
 * (libstemmer) behind one module, plus the site's table of irregular forms
 * (barn/børn, bog/bøger ...) that Snowball cannot join: their stems are
 * mapped to one. The browser stems queries with a port of the same
 * algorithm (assets/js/search.js), and tests/search checks that both give
 * the same stem for every term of the index. */
#ifndef KLAR_STEM_H
#define KLAR_STEM_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/map.h"
#include "../core/str.h"

typedef struct stemmer stemmer;

/* A stemmer for one thread (Snowball's state is not shared). irregular maps
 * a Snowball stem to the stem it joins (stem_irregular_load), or NULL.
 * Free with stem_free; stem_free(NULL) does nothing. */
stemmer *stem_new(const map *irregular);
void stem_free(stemmer *st);
/* Returns the stem of the lower-case UTF-8 word w (n bytes): Snowball's,
 * then the irregular table's. The string belongs to st and is valid until
 * the next call with st. */
const char *stem_word(stemmer *st, const char *w, size_t n);

/* Reads the irregular table at path (file names it in messages): one group
 * of forms of a word a line ("barn børn"), '#' starts a comment. The stem
 * of each form maps to the stem of the line's first form; the pairs go into
 * m (keys and values in arena a), in the order of the file. A line whose
 * forms are not lower-case words, or a form already claimed by an earlier
 * line, is an error at its line and column. Returns false after errors. */
bool stem_irregular_load(arena *a, const char *path, const char *file, map *m, diag *d);

#endif
