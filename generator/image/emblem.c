/* emblem: librsvg behind three functions (see emblem.h). */
#include "emblem.h"
#include <librsvg/rsvg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* librsvg is used from one thread at a time: booklets are drawn on the
 * pool, and two covers drawn at once raced inside librsvg's own state
 * (ThreadSanitizer, tests/tsan). A cover's picture is small; the lock
 * costs nothing that shows. */
static pthread_mutex_t rsvg_lock = PTHREAD_MUTEX_INITIALIZER;

struct emblem {
  RsvgHandle *h;
};

emblem *emblem_new(const char *data, size_t n, const char **why) {
  static __thread char reason[256];
  GError *err = NULL;
  pthread_mutex_lock(&rsvg_lock);
  RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, n, &err);
  pthread_mutex_unlock(&rsvg_lock);
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
  pthread_mutex_lock(&rsvg_lock);
  g_object_unref(e->h);
  pthread_mutex_unlock(&rsvg_lock);
  free(e);
}

void emblem_draw(const emblem *e, cairo_t *cr, double x, double y, double size) {
  RsvgRectangle box = {.x = x, .y = y, .width = size, .height = size};
  /* Errors here only mean an element librsvg skips; the rest is drawn. */
  pthread_mutex_lock(&rsvg_lock);
  rsvg_handle_render_document(e->h, cr, &box, NULL);
  pthread_mutex_unlock(&rsvg_lock);
}

double emblem_aspect(const emblem *e) {
  gdouble w = 0, h = 0;
  pthread_mutex_lock(&rsvg_lock);
  gboolean known = rsvg_handle_get_intrinsic_size_in_pixels(e->h, &w, &h);
  pthread_mutex_unlock(&rsvg_lock);
  if (!known || w <= 0 || h <= 0) return 1;
  return w / h;
}
