/* xmlpos: where the start tags of an XML source and their attributes
 * stand, by line and character column. libxml2 tells an element's line (the
 * line its start tag ends on) but no columns, so messages about a layout's
 * directive or a print layout's attribute could not point at it; this reads
 * the source once more, as text, to find them. No libxml2 here: both
 * layout/ and print/ use it. */
#ifndef KLAR_XMLPOS_H
#define KLAR_XMLPOS_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

typedef struct xmlpos xmlpos;

/* Scans the n bytes at src (an XML document). Start tags are counted in
 * document order, skipping comments, CDATA, processing instructions and the
 * DOCTYPE, as an XML parser does. Returns the positions, in arena a. */
xmlpos *xmlpos_scan(arena *a, const char *src, size_t n);

/* The element with ordinal k (0-based, document order): sets *line and *col
 * to its '<' and returns true; false when there is no such element, or when
 * its start tag does not end on line `end_line` (the line libxml2 reports;
 * 0 skips this check), so a scanner that miscounted never gives a wrong
 * column. */
bool xmlpos_element(const xmlpos *x, size_t k, int end_line, int *line, int *col);

/* Likewise for the attribute `name` of element k: "k:text" matches an
 * attribute written k:text, or with another prefix (x:text) when no
 * attribute is written exactly so; "size" matches only an unprefixed size. */
bool xmlpos_attr(const xmlpos *x, size_t k, int end_line, const char *name, int *line, int *col);

#endif
