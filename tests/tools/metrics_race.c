/* metrics_race: does a font first measured by an empty text keep a sound
 * approximate character width while another thread's font is being
 * measured? (the `same` suite runs it; see print/fonts.c).
 *
 *   metrics_race FONTDIR
 *
 * Pango 1.50 sets a process-wide flag (in_get_metrics) while it lays out a
 * sample text for a font's first metrics; a font first measured by another
 * thread while the flag is set gets an approximate width of 0 for good.
 * klar measures every font under one lock (fonts_prepare_layout), but a
 * text with no characters has no item, and Pango measures the font of its
 * empty line (the running header of a page without a section) when the
 * line is measured: outside the lock. In parallel booklets that happened
 * now and then and the header font set its later lines elsewhere.
 *
 * The window is made wide here, so the race is met every time: this
 * program defines pango_layout_get_extents, which pangocairo calls inside
 * it (on its sample layout), and sleeps there when `slow` is set. The main
 * thread makes an empty text in a new font and prepares it, as
 * print/text.c does; a second thread measures a font of its own font map
 * (each booklet has one); inside that window the main thread measures its
 * text, then checks its font's approximate width.
 * Prints one line; exit status 0 when the width is sound, 1 when not. */
#include <dlfcn.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include "print/fonts.h"

static atomic_int slow;

/* Interposes pangocairo's call (it resolves to the program's own symbol
 * first) and hands on to Pango's. */
void pango_layout_get_extents(PangoLayout *lay, PangoRectangle *ink, PangoRectangle *logical) {
  static void (*real)(PangoLayout *, PangoRectangle *, PangoRectangle *);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "pango_layout_get_extents");
  if (atomic_load(&slow)) {
    struct timespec ts = {0, 400 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  real(lay, ink, logical);
}

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
  nanosleep(&ts, NULL);
}

static PangoContext *context(PangoFontMap *fm) {
  PangoContext *pc = pango_font_map_create_context(fm);
  pango_cairo_context_set_resolution(pc, 72);
  pango_context_set_language(pc, pango_language_from_string("da-DK"));
  return pc;
}

/* A layout as print/text.c makes one: font and text set, prepared. */
static PangoLayout *prepared(PangoContext *pc, const char *font, const char *text) {
  PangoLayout *lay = pango_layout_new(pc);
  PangoFontDescription *fd = pango_font_description_from_string(font);
  pango_layout_set_font_description(lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(lay, text, -1);
  fonts_prepare_layout(lay);
  return lay;
}

/* Measured line by line, as print/text.c does (not through the
 * interposed call above). */
static void measure(PangoLayout *lay) {
  PangoLayoutIter *it = pango_layout_get_iter(lay);
  PangoRectangle r;
  pango_layout_iter_get_line_extents(it, NULL, &r);
  pango_layout_iter_free(it);
  g_object_unref(lay);
}

static void *other(void *pc) {
  measure(prepared(pc, "Noto Sans Bold 10", "Fritid og F\xc3\xa6llesskab"));
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: metrics_race FONTDIR\n");
    return 2;
  }
  arena *a = arena_new();
  diag *d = diag_new();
  PangoFontMap *fm1 = fonts_map_new(a, argv[1], argv[1], d);
  PangoFontMap *fm2 = fonts_map_new(a, argv[1], argv[1], d);
  if (!fm1 || !fm2) return 2;
  PangoContext *pc1 = context(fm1), *pc2 = context(fm2);
  /* A page's empty running header: after fonts_prepare_layout nothing
   * may be measured for the first time, and another booklet's thread may
   * start measuring a font of its own before this layout is measured. */
  PangoLayout *empty = prepared(pc2, "Noto Sans 7.5", "");
  atomic_store(&slow, 1);
  pthread_t th;
  pthread_create(&th, NULL, other, pc1);
  pause_ms(150); /* the other thread is inside Pango's window now */
  measure(empty);
  pthread_join(th, NULL);
  atomic_store(&slow, 0);
  measure(prepared(pc2, "Noto Sans 7.5", "Fritid og F\xc3\xa6llesskab"));
  PangoFontDescription *fd = pango_font_description_from_string("Noto Sans 7.5");
  PangoFont *f = pango_context_load_font(pc2, fd);
  pango_font_description_free(fd);
  if (!f) return 2;
  PangoFontMetrics *m = pango_font_get_metrics(f, pango_context_get_language(pc2));
  int w = pango_font_metrics_get_approximate_char_width(m);
  pango_font_metrics_unref(m);
  g_object_unref(f);
  g_object_unref(pc1);
  g_object_unref(pc2);
  arena_free(a);
  printf("metrics_race: approximate char width of a font first measured by an empty text: %.2f pt\n",
         w / (double)PANGO_SCALE);
  return w > 0 ? 0 : 1;
}
