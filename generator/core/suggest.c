/* suggest: the closest name by Damerau-Levenshtein distance. */
#include "suggest.h"
#include "arena.h"
#include "str.h"
#include <stdlib.h>
#include <string.h>

/* Folds case for the letters editors type: ASCII and Latin-1 (Æ Ø Å É …),
 * which is all a Danish site's names use; other code points compare as
 * they are. */
static int fold(int cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  return cp;
}

/* Decodes s into code points (case-folded); a bad byte counts as itself, so
 * invalid input still compares. Returns the count; *out is malloc'd. */
static size_t decode(const char *s, int **out) {
  size_t n = strlen(s);
  int *cp = xmalloc((n + 1) * sizeof *cp);
  const char *p = s, *end = s + n;
  size_t k = 0;
  while (p < end) {
    const char *start = p;
    int c = str_utf8_next(&p, end);
    if (c < 0) {
      c = 0x110000 + (unsigned char)*start;
      p = start + 1;
    }
    cp[k++] = fold(c);
  }
  *out = cp;
  return k;
}

/* The "optimal string alignment" form of Damerau-Levenshtein: a swap of two
 * neighbours costs one, as the commonest typo ("titel") should. Three rows
 * of the table suffice. */
static size_t distance_cp(const int *a, size_t na, const int *b, size_t nb) {
  size_t *prev2 = xmalloc((nb + 1) * sizeof *prev2);
  size_t *prev = xmalloc((nb + 1) * sizeof *prev);
  size_t *cur = xmalloc((nb + 1) * sizeof *cur);
  for (size_t j = 0; j <= nb; j++) prev[j] = j;
  for (size_t i = 1; i <= na; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (prev[j - 1] + cost < best) best = prev[j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  size_t d = prev[nb];
  free(prev2);
  free(prev);
  free(cur);
  return d;
}

size_t suggest_distance(const char *a, const char *b) {
  int *ca, *cb;
  size_t na = decode(a, &ca), nb = decode(b, &cb);
  size_t d = distance_cp(ca, na, cb, nb);
  free(ca);
  free(cb);
  return d;
}

size_t suggest_threshold(const char *word) {
  int *cw;
  size_t n = decode(word, &cw);
  free(cw);
  return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n) {
  if (!word || !*word) return NULL;
  int *cw;
  size_t nw = decode(word, &cw);
  size_t limit = nw <= 4 ? 1 : nw <= 8 ? 2 : 3;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; i < n; i++) {
    const char *c = candidates[i];
    if (!c || !strcmp(c, word)) continue;
    int *cc;
    size_t nc = decode(c, &cc);
    /* The length difference alone is a lower bound of the distance. */
    size_t gap = nc > nw ? nc - nw : nw - nc;
    size_t d = gap < best_d ? distance_cp(cw, nw, cc, nc) : best_d;
    free(cc);
    /* A candidate as different as it is long is no typo of word ("ab" is
     * one edit from "x", but nobody meant it). */
    if (d < best_d && d < nc) {
      best = c;
      best_d = d;
    }
  }
  free(cw);
  return best;
}
