/* emblem: librsvg behind three functions (see emblem.h). */
#include "emblem.h"
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <stdlib.h>

struct emblem {
  RsvgHandle *h;
};

emblem *emblem_new(const char *data, size_t n, const char **why) {
  static __thread char reason[256];
  GError *err = NULL;
  RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, n, &err);
  if (!h) {
    snprintf(reason, sizeof reason, "%s", err ? err->message : "not an SVG image");
    if (err) g_error_free(err);
    if (why) *why = reason;
    return NULL;
  }
  emblem *e = malloc(sizeof *e);
  if (!e) abort();
  e->h = h;
  return e;
}

void emblem_free(emblem *e) {
  if (!e) return;
  g_object_unref(e->h);
  free(e);
}

void emblem_draw(const emblem *e, cairo_t *cr, double x, double y, double size) {
  RsvgRectangle box = {.x = x, .y = y, .width = size, .height = size};
  /* Errors here only mean an element librsvg skips; the rest is drawn. */
  rsvg_handle_render_document(e->h, cr, &box, NULL);
}

double emblem_aspect(const emblem *e) {
  gdouble w = 0, h = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(e->h, &w, &h) || w <= 0 || h <= 0) return 1;
  return w / h;
}
