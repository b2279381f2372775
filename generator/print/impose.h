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

#endif
