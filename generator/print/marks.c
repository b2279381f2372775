/* print, printer's marks: what a print shop expects around the pages of a
 * printer PDF and on an imposed press sheet (see bk.h). Everything here
 * lies outside the trim and its bleed, never over a page:
 *
 *   crop marks     at the trim's corners, in the slug (from 0.5 mm past
 *                  the bleed to its end)
 *   fold marks     on an imposed sheet, the fold line's ends in the slug
 *   targets        on an imposed sheet, a registration target (circle and
 *                  cross) centred on each side, in the band past the slug:
 *                  the press operator registers the plates by them
 *   colour bar     on an imposed sheet, in the band below the spread: C, M,
 *                  Y, K solid and at 50 % and 25 %, and a registration
 *                  patch, repeated across the spread, for the densitometer
 *                  and the eye at the press
 *   slug line      on an imposed sheet, in the band above the spread: the
 *                  booklet, the sheet ("Ark 3/6"), the side in the Danish
 *                  printer's terms (skøntryk the first side printed,
 *                  vidertryk its back), the pages on it and the date
 *
 * Marks, targets and the slug line are in the registration colour, which
 * pdfx turns into the All separation (they print on every plate); the
 * patches are single process inks (PDFPOST_PROCESS), never converted. */
#include "bk.h"
#include <math.h>
#include <string.h>
#include "fonts.h"
#include "pdfpost.h"

static void set_rgb(cairo_t *cr, unsigned c) {
  cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

void bk_crop_marks(cairo_t *cr, double x0, double y0, double w, double h, double bleed, double slug) {
  cairo_save(cr);
  set_rgb(cr, PDFPOST_REGISTRATION);
  cairo_set_line_width(cr, 0.25);
  double off = bleed + 0.5 * MM, end = bleed + slug;
  double xs[2] = {x0, x0 + w}, ys[2] = {y0, y0 + h};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      double dx = i ? 1 : -1, dy = j ? 1 : -1;
      cairo_move_to(cr, xs[i] + dx * off, ys[j]);
      cairo_line_to(cr, xs[i] + dx * end, ys[j]);
      cairo_move_to(cr, xs[i], ys[j] + dy * off);
      cairo_line_to(cr, xs[i], ys[j] + dy * end);
    }
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* A registration target centred at (x, y): two rings and a cross that
 * reaches past the outer one. */
static void target(cairo_t *cr, double x, double y) {
  double r = BK_TARGET_R;
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, r, 0, 2 * M_PI);
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, r / 2, 0, 2 * M_PI);
  cairo_move_to(cr, x - r - MM, y);
  cairo_line_to(cr, x + r + MM, y);
  cairo_move_to(cr, x, y - r - MM);
  cairo_line_to(cr, x, y + r + MM);
  cairo_stroke(cr);
}

/* The slug line's text for side `side` of the imposed booklet, in k's arena. */
static const char *slug_text(bk *k, const bk_sheet_side *s) {
  const char *date = bk_pdf_date(k);
  return arena_printf(k->a, "%s · Ark %d/%d · %s · side %d | %d · %.10s", k->b->name, s->side / 2 + 1,
                      s->nsides / 2, s->side % 2 ? "vidertryk" : "skøntryk", s->left, s->right, date);
}

/* The slug line, set at 6 pt (smaller, down to 4 pt, when the name is so
 * long that it would reach the top target), its baseline in the middle of
 * the band above the spread, from the left trim edge. */
static void slug_line(bk *k, cairo_t *cr, double x0, double y0, double w, double m, const bk_sheet_side *s) {
  PangoLayout *lay = pango_layout_new(k->pc);
  pango_layout_set_text(lay, slug_text(k, s), -1);
  double room = w / 2 - BK_TARGET_R - 3 * MM, size = 6;
  PangoRectangle ink, logical;
  for (;;) {
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, k->L->family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    /* Its font's first metrics under the fonts lock, as every measured
     * text's: measured outside it, the slug line's font could leave a font
     * another booklet's thread measured meanwhile with an approximate width
     * of 0, and that booklet broke its lines differently (see fonts.c). */
    fonts_prepare_layout(lay);
    pango_layout_get_extents(lay, &ink, &logical);
    if (logical.width / (double)PANGO_SCALE <= room || size <= 4) break;
    size -= 0.5;
  }
  double baseline = pango_layout_get_baseline(lay) / (double)PANGO_SCALE;
  set_rgb(cr, PDFPOST_REGISTRATION);
  cairo_move_to(cr, x0, y0 - m - BK_MARK_BAND / 2 + size / 3 - baseline);
  pango_cairo_show_layout(cr, lay);
  g_object_unref(lay);
}

/* The colour bar: 5 mm patches in a row in the middle of the band below
 * the spread, C, M, Y, K at 100 %, 50 % and 25 % and a registration patch,
 * the run of 13 repeated for as long as each half of the spread reaches
 * (left of the bottom target from the left trim edge, right of it to the
 * right trim edge): an offset press sets its ink across the sheet zone by
 * zone, and every zone should have its patches. */
static void colour_bar(cairo_t *cr, double x0, double y1, double w, double m) {
  static const int tints[] = {100, 50, 25};
  double room = w / 2 - BK_TARGET_R - 3 * MM;
  /* Narrower patches on a spread too small for 13 of 5 mm in a half. */
  double p = fmin(BK_PATCH, room / 13);
  double y = y1 + m + (BK_MARK_BAND - p) / 2;
  int n = (int)floor(room / p + 1e-6);
  for (int half = 0; half < 2; half++) {
    double x = half ? x0 + w - n * p : x0;
    for (int i = 0; i < n; i++, x += p) {
      int j = i % 13;
      set_rgb(cr, j == 12 ? PDFPOST_REGISTRATION : PDFPOST_PROCESS(j % 4, tints[j / 4]));
      cairo_rectangle(cr, x, y, p, p);
      cairo_fill(cr);
    }
  }
}

void bk_sheet_marks(bk *k, cairo_t *cr, double x0, double y0, double w, double h, const bk_sheet_side *s) {
  double bleed = k->L->bleed * MM, slug = BK_SLUG(k), m = bleed + slug;
  if (!k->L->marks) return;
  cairo_save(cr);
  bk_crop_marks(cr, x0, y0, w, h, bleed, slug);
  set_rgb(cr, PDFPOST_REGISTRATION);
  cairo_set_line_width(cr, 0.25);
  /* The fold, at both ends of the spread's middle. */
  double fx = x0 + w / 2;
  cairo_move_to(cr, fx, y0 - m);
  cairo_line_to(cr, fx, y0 - bleed - 0.5 * MM);
  cairo_move_to(cr, fx, y0 + h + m);
  cairo_line_to(cr, fx, y0 + h + bleed + 0.5 * MM);
  cairo_stroke(cr);
  /* A target in the middle of each side, in the band past the slug. */
  double d = m + BK_MARK_BAND / 2;
  target(cr, fx, y0 - d);
  target(cr, fx, y0 + h + d);
  target(cr, x0 - d, y0 + h / 2);
  target(cr, x0 + w + d, y0 + h / 2);
  colour_bar(cr, x0, y0 + h, w, m);
  slug_line(k, cr, x0, y0, w, m, s);
  cairo_restore(cr);
}
