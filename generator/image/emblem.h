/* emblem: the site's logo (an SVG file in assets/) drawn with librsvg onto
 * a Cairo context, for the icons and the share cards image.c makes. The
 * only place that includes librsvg. */
#ifndef KLAR_EMBLEM_H
#define KLAR_EMBLEM_H
#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct emblem emblem;

/* Reads the SVG in data (n bytes). Returns the emblem, which the caller
 * frees with emblem_free, or NULL when librsvg cannot read it; then *why
 * (when not NULL) gets librsvg's reason in a static buffer of this thread. */
emblem *emblem_new(const char *data, size_t n, const char **why);
void emblem_free(emblem *e);
/* Draws the emblem into the square of side `size` at (x, y) of cr, its
 * aspect kept and centred. */
void emblem_draw(const emblem *e, cairo_t *cr, double x, double y, double size);
/* Width over height of the emblem's own size (1 when it gives none). */
double emblem_aspect(const emblem *e);

#endif
