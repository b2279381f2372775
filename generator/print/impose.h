/* impose: the page order of saddle-stitched printer spreads. A booklet of n
 * pages (a multiple of 4) is printed on n/4 sheets folded in the middle;
 * sheet s (0-based) has on its front page n-2s on the left beside 2s+1 on
 * the right, and on its back 2s+2 beside n-2s-1. For 8 pages the sides are
 * 8|1, 2|7, 6|3, 4|5. */
#ifndef KLAR_IMPOSE_H
#define KLAR_IMPOSE_H
#include <stdbool.h>

/* Sets *left and *right to the 1-based page numbers on sheet side `side`
 * (0-based: side 2s is the front of sheet s, 2s+1 its back) of an n-page
 * booklet. Returns false (and sets nothing) when n is not a positive
 * multiple of 4 or side is not below n/2. */
bool impose_side(int n, int side, int *left, int *right);

/* Creep compensation: the sheets of a saddle-stitched booklet are nested,
 * so once folded and trimmed the inner sheets' pages lose more of their
 * outer edge than the outer ones. Returns how far the pages on sheet side
 * `side` of an n-page booklet are moved toward the fold, for a total creep
 * of creep (in any unit, returned in the same): creep * s / (sheets - 1)
 * for sheet s = side / 2 of n / 4 sheets, from 0 on the outermost sheet
 * to the whole creep on the innermost. Returns 0 for a single sheet and
 * for arguments impose_side refuses. */
double impose_creep(double creep, int n, int side);

#endif
