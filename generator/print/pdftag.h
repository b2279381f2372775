/* pdftag: the tagged reader PDF's last step, which Cairo 1.16 cannot do:
 * what a page shows outside every structure element (running heads, page
 * numbers, rules, backgrounds) marked as an artifact, so that a screen
 * reader skips it and every other text is reached from the structure tree
 * (PDF/UA: content is either tagged or an artifact). Works on a document
 * pdfpost has open in libqpdf. */
#ifndef KLAR_PDFTAG_H
#define KLAR_PDFTAG_H
#include <qpdf/qpdf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include "../core/str.h"

/* Rewrites every page's content so that each stretch outside marked
 * content is inside "/Artifact BMC … EMC". Returns false when a page's
 * content cannot be read (qpdf's error is left in q). */
bool pdftag_artifacts(qpdf_data q);

/* Sets /Alt of the structure tree's Figure elements, in the order of the
 * tree (the order Cairo began them): the i-th gets alts[i] (an empty
 * string leaves it without). Returns false when the counts differ, which
 * would put a text on the wrong picture. */
bool pdftag_set_alts(qpdf_data q, const char *const *alts, size_t n);

/* The same for one content stream (for the tests): appends the rewritten
 * n bytes at s to out. */
void pdftag_mark(sbuf *out, const char *s, size_t n);

#endif
