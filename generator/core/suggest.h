/* suggest: "did you mean" for a misspelt name. Given what the editor wrote
 * and the names that exist (fields, allowed values, page paths, layouts,
 * booklets, types), finds the one they most likely meant, so a message can
 * end "— did you mean 'title'?". Pure and thread-safe. */
#ifndef KLAR_SUGGEST_H
#define KLAR_SUGGEST_H
#include <stddef.h>

/* Returns the candidate closest to word, or NULL when none is close enough
 * to be a plausible typo. The result is one of the candidates' own pointers
 * (nothing is allocated). Closeness is the Damerau-Levenshtein distance
 * (insert, delete, replace, swap two neighbours) counted in UTF-8 code
 * points and ignoring case, so "Pejlemerker" finds "Pejlemærker" and
 * "titel" finds "title"; it must be at most suggest_threshold(word). Ties go
 * to the earlier candidate. NULL candidates and one equal to word (exactly)
 * are skipped. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

/* Returns the Damerau-Levenshtein distance between a and b as above
 * (case-insensitive, in code points). */
size_t suggest_distance(const char *a, const char *b);

/* Returns the largest distance that still counts as a typo of word: 1 for up
 * to 4 code points, 2 up to 8, 3 beyond — so short names do not "match"
 * unrelated short names. */
size_t suggest_threshold(const char *word);

#endif
