/* image: the icons and share cards (see image.h), drawn with Cairo and
 * Pango; the logo through emblem (librsvg). */
#include "image.h"
#include "emblem.h"
#include "photo.h"
#include "../core/fsx.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../print/fonts.h"
#include "../site/site.h"
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <string.h>

static cairo_status_t to_sbuf(void *closure, const unsigned char *data, unsigned int n) {
  sbuf_put(closure, (const char *)data, n);
  return CAIRO_STATUS_SUCCESS;
}

static bool write_file(const site *s, const char *out, const char *name, const char *data, size_t n, diag *d) {
  if (!fsx_write(fsx_join(s->arena, out, name), data, n)) {
    diag_error(d, NULL, 0, 0, "cannot write %s in the output folder: %s", name, strerror(errno));
    return false;
  }
  return true;
}

/* The PNG bytes of surface sf, appended to b. */
static void png_of(cairo_surface_t *sf, sbuf *b) {
  cairo_surface_flush(sf);
  cairo_surface_write_to_png_stream(sf, to_sbuf, b);
}

/* favicon.ico: an ICO whose one image is a 32 px PNG, which every browser
 * of the last decade reads; Chromium asks for /favicon.ico whatever the
 * page links, so it is there even for pages that link the SVG. */
static bool write_favicon(const site *s, const char *out, const emblem *e, diag *d) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 32, 32);
  cairo_t *cr = cairo_create(sf);
  emblem_draw(e, cr, 0, 0, 32);
  cairo_destroy(cr);
  sbuf png = SBUF_INIT;
  png_of(sf, &png);
  cairo_surface_destroy(sf);
  unsigned char head[22] = {0, 0, 1, 0, 1, 0, /* ICONDIR: icon, one image */
                            32, 32, 0, 0, 1, 0, 32, 0}; /* 32 × 32, 1 plane, 32 bpp */
  uint32_t size = (uint32_t)png.len, offset = sizeof head;
  for (int i = 0; i < 4; i++) {
    head[14 + i] = (unsigned char)(size >> (8 * i));
    head[18 + i] = (unsigned char)(offset >> (8 * i));
  }
  sbuf ico = SBUF_INIT;
  sbuf_put(&ico, (const char *)head, sizeof head);
  sbuf_put(&ico, png.data, png.len);
  bool ok = write_file(s, out, "favicon.ico", ico.data, ico.len, d);
  sbuf_free(&png);
  sbuf_free(&ico);
  return ok;
}

/* apple-touch-icon.png: 180 px on white (iOS paints transparency black),
 * the mark inset so the rounded corners iOS cuts leave it whole. */
static bool write_touch_icon(const site *s, const char *out, const emblem *e, diag *d) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 180, 180);
  cairo_t *cr = cairo_create(sf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  emblem_draw(e, cr, 18, 18, 144);
  cairo_destroy(cr);
  sbuf png = SBUF_INIT;
  png_of(sf, &png);
  cairo_surface_destroy(sf);
  bool ok = write_file(s, out, "apple-touch-icon.png", png.data, png.len, d);
  sbuf_free(&png);
  return ok;
}

/* ------------------------------------------------------------ share cards */

static void set_hex(cairo_t *cr, unsigned rgb) {
  cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

/* Sets text at (x, y) in the family of the site's fonts, `px` pixels,
 * bold or not, at most width wide (ellipsised). Returns its height. */
static double text_at(cairo_t *cr, PangoContext *pc, const char *text, double x, double y, double px, bool bold,
                      double width) {
  PangoLayout *lay = pango_layout_new(pc);
  PangoFontDescription *fd = pango_font_description_from_string("Noto Sans");
  pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
  pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
  pango_layout_set_text(lay, text, -1);
  fonts_prepare_layout(lay);
  int w, h;
  pango_layout_get_pixel_size(lay, &w, &h);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, lay);
  g_object_unref(lay);
  return h;
}

static double text_width(PangoContext *pc, const char *text, double px) {
  PangoLayout *lay = pango_layout_new(pc);
  PangoFontDescription *fd = pango_font_description_from_string("Noto Sans Bold");
  pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
  pango_layout_set_font_description(lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(lay, text, -1);
  fonts_prepare_layout(lay);
  int w, h;
  pango_layout_get_pixel_size(lay, &w, &h);
  g_object_unref(lay);
  return w;
}

/* One card: the sand page of the site with a band in the type's colour,
 * the logo, the site's title and organisation, the type's label on a
 * pill of its colour (none on the general card) and the red thread along
 * the foot. */
static void draw_card(cairo_t *cr, PangoContext *pc, const site *s, const emblem *e, const char *label,
                      unsigned color) {
  set_hex(cr, 0xf6f3ee);
  cairo_paint(cr);
  set_hex(cr, color);
  cairo_rectangle(cr, 0, 0, 36, IMAGE_CARD_H);
  cairo_fill(cr);
  if (e) emblem_draw(e, cr, 110, 70, 140);
  set_hex(cr, 0x1c2430);
  double y = 256;
  y += text_at(cr, pc, s->title, 110, y, 84, true, 980);
  const char *org = val_as_str(val_get(s->params, "organisation"));
  set_hex(cr, 0x4a5563);
  if (org) text_at(cr, pc, org, 110, y + 4, 42, false, 980);
  if (label) {
    double w = text_width(pc, label, 44) + 64, h = 84, x = 110, top = 486;
    set_hex(cr, color);
    cairo_new_path(cr);
    cairo_arc(cr, x + h / 2, top + h / 2, h / 2, G_PI / 2, 3 * G_PI / 2);
    cairo_arc(cr, x + w - h / 2, top + h / 2, h / 2, -G_PI / 2, G_PI / 2);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    text_at(cr, pc, label, x + 32, top + 12, 44, true, 1000);
  }
  /* The red thread of Den Røde Tråd, as in the header's mark. */
  set_hex(cr, 0xb3202e);
  cairo_set_line_width(cr, 10);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to(cr, 760, 600);
  cairo_curve_to(cr, 880, 440, 960, 640, 1060, 520);
  cairo_curve_to(cr, 1110, 460, 1140, 470, 1170, 500);
  cairo_stroke(cr);
}

/* The colours of the cards, from the site's palette (assets/css/site.css):
 * fjord blue, the red thread, green, violet, link blue, slate; the types
 * take them in the order site.yaml declares them. */
static const unsigned card_colors[] = {0x0d4f6e, 0xb3202e, 0x2f6b3a, 0x5b3c88, 0x0b5a88, 0x4a5563};

static bool write_card(const site *s, const char *out, PangoFontMap *fm, const emblem *e, const char *file,
                       const char *label, unsigned color, diag *d) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, IMAGE_CARD_W, IMAGE_CARD_H);
  cairo_t *cr = cairo_create(sf);
  PangoContext *pc = pango_font_map_create_context(fm);
  pango_cairo_update_context(cr, pc);
  draw_card(cr, pc, s, e, label, color);
  g_object_unref(pc);
  cairo_destroy(cr);
  sbuf png = SBUF_INIT;
  png_of(sf, &png);
  cairo_surface_destroy(sf);
  bool ok = write_file(s, out, file, png.data, png.len, d);
  sbuf_free(&png);
  return ok;
}

bool image_link_prev(arena *a, const char *out, const char *prev, const char *file) {
  if (!prev) return false;
  const char *old = fsx_join(a, prev, file), *dst = fsx_join(a, out, file);
  fsx_mkdirs(fsx_dirname(a, dst));
  return fsx_is_file(old) && (link(old, dst) == 0 || fsx_copy(old, dst));
}

uint64_t image_hash(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}
static uint64_t fnv_str(uint64_t h, const char *s) { return image_hash(h, s ? s : "", s ? strlen(s) + 1 : 1); }

/* What the cards are drawn from, hashed: a change to any of it (or to
 * draw_card, by the version below) names new files. The font files are
 * the print engine's, changed rarely: their names and sizes stand in. */
static uint64_t cards_key(const site *s, const char *logo, size_t nlogo, const char *fonts) {
  uint64_t h = fnv_str(0xcbf29ce484222325ULL, "cards 2");
  h = image_hash(h, logo ? logo : "", logo ? nlogo : 0);
  h = fnv_str(h, s->title);
  h = fnv_str(h, val_as_str(val_get(s->params, "organisation")));
  for (size_t i = 0; i < s->ntypes; i++) h = fnv_str(fnv_str(h, s->types[i].name), s->types[i].title);
  static const char *faces[] = {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", NULL};
  for (int i = 0; faces[i]; i++) {
    size_t n = 0;
    char *f = fsx_read_heap(fsx_join(s->arena, fonts, faces[i]), &n);
    h = image_hash(fnv_str(h, faces[i]), &n, sizeof n);
    free(f);
  }
  return h;
}

/* One card: linked from prev when it is there, else drawn. Its URL goes
 * into s->assets under og/NAME.png. */
static bool card(site *s, const char *out, const char *prev, PangoFontMap **fm, const char *fonts,
                 const emblem *e, uint64_t key, const char *name, const char *label, unsigned color, diag *d) {
  const char *file = arena_printf(s->arena, "og/%s.%010llx.png", name, (unsigned long long)(key & 0xffffffffffULL));
  sbuf u = SBUF_INIT;
  site_url_put(s, &u, file);
  map_set(&s->assets, arena_printf(s->arena, "og/%s.png", name), sbuf_dup(&u, s->arena));
  sbuf_free(&u);
  if (!out) return true;
  if (image_link_prev(s->arena, out, prev, file)) return true;
  if (!*fm) *fm = fonts_map_new(s->arena, fonts, fonts, d);
  return *fm && write_card(s, out, *fm, e, file, label, color, d);
}

/* ------------------------------------------------------ responsive photos */

/* The widths a photo is offered in, besides its own; smaller ones only. */
static const int photo_widths[] = {480, 960};

/* Puts file (a path below out) there: linked from prev when a build made
 * it before (its name carries the hash of its source), else made by
 * make(ph, b) and written. */
static bool photo_file(site *s, const char *out, const char *prev, const char *file, const photo *ph,
                       void (*make)(const photo *, sbuf *), diag *d) {
  if (image_link_prev(s->arena, out, prev, file)) return true;
  sbuf b = SBUF_INIT;
  make(ph, &b);
  bool ok = write_file(s, out, file, b.data, b.len, d);
  sbuf_free(&b);
  return ok;
}

static void put_srcset(const site *s, sbuf *set, const char *file, int w) {
  if (set->len) sbuf_puts(set, ", ");
  site_url_put(s, set, file);
  sbuf_printf(set, " %dw", w);
}

/* One photo of assets/ (rel, "video/ID.jpg"): JPEG and WebP files at the
 * widths of photo_widths below its own and at its own (WebP only: the
 * JPEG is the asset itself), named by the hash of the source's bytes, and
 * in s->assets under "REL#size" ("1280 720"), "REL#jpeg" and "REL#webp"
 * (srcset lists) for the markup. */
static bool responsive_photo(site *s, const char *out, const char *prev, const char *rel, diag *d) {
  const char *path = fsx_join(s->arena, s->assets_dir, rel);
  size_t n;
  char *data = fsx_read(s->arena, path, &n);
  /* Without an output (klar check, a session's update) only the URLs and
   * the size are wanted: the header says the size. */
  photo head = {0}, *ph = NULL;
  if (data && !out && photo_size(data, n, &head.w, &head.h)) ph = &head;
  else if (data && out) ph = photo_decode(data, n);
  if (!ph) {
    diag_error(d, path, 0, 0, "cannot read the photo: it is no JPEG file klar can read");
    return false;
  }
  uint64_t key = image_hash(fnv_str(0xcbf29ce484222325ULL, "photo 1"), data, n);
  const char *stem = arena_strndup(s->arena, rel, strlen(rel) - 4);
  sbuf jpeg = SBUF_INIT, webp = SBUF_INIT;
  bool ok = true;
  for (size_t i = 0; i <= sizeof photo_widths / sizeof *photo_widths; i++) {
    bool own = i == sizeof photo_widths / sizeof *photo_widths;
    int w = own ? ph->w : photo_widths[i];
    if (!own && w >= ph->w) continue;
    const char *base = arena_printf(s->arena, "%s-%d.%010llx", stem, w, (unsigned long long)(key & 0xffffffffffULL));
    photo *sized = own || !out ? NULL : photo_scaled(ph, w);
    const photo *use = own ? ph : sized;
    const char *jf = own ? NULL : arena_printf(s->arena, "%s.jpg", base);
    const char *wf = arena_printf(s->arena, "%s.webp", base);
    if (out) {
      if (jf) ok &= photo_file(s, out, prev, jf, use, photo_jpeg, d);
      ok &= photo_file(s, out, prev, wf, use, photo_webp, d);
    }
    if (jf) put_srcset(s, &jpeg, jf, w);
    else {
      if (jpeg.len) sbuf_puts(&jpeg, ", ");
      sbuf_puts(&jpeg, map_get(&s->assets, rel));
      sbuf_printf(&jpeg, " %dw", w);
    }
    put_srcset(s, &webp, wf, w);
    photo_free(sized);
  }
  map_set(&s->assets, arena_printf(s->arena, "%s#size", rel), arena_printf(s->arena, "%d %d", ph->w, ph->h));
  map_set(&s->assets, arena_printf(s->arena, "%s#jpeg", rel), sbuf_dup(&jpeg, s->arena));
  map_set(&s->assets, arena_printf(s->arena, "%s#webp", rel), sbuf_dup(&webp, s->arena));
  sbuf_free(&jpeg);
  sbuf_free(&webp);
  if (ph != &head) photo_free(ph);
  return ok;
}

static bool responsive_photos(site *s, const char *out, const char *prev, diag *d) {
  VEC(const char *) rels = {0};
  for (size_t i = 0; i < s->assets.n; i++) {
    const char *k = s->assets.entries[i].key;
    if (str_starts(k, "video/") && str_ends(k, ".jpg") && !strchr(k, '#')) vec_push(&rels, k);
  }
  bool ok = true;
  for (size_t i = 0; i < rels.n; i++) ok &= responsive_photo(s, out, prev, rels.items[i], d);
  vec_free(&rels);
  return ok;
}

bool image_site(site *s, const char *out, const char *prev, diag *d) {
  bool ok = true;
  const char *logo_file = fsx_join(s->arena, s->assets_dir, "logo.svg");
  emblem *e = NULL;
  char *svg = NULL;
  size_t nsvg = 0;
  if (fsx_is_file(logo_file)) {
    svg = fsx_read(s->arena, logo_file, &nsvg);
    const char *why = NULL;
    e = svg ? emblem_new(svg, nsvg, &why) : NULL;
    if (!e) {
      diag_error(d, logo_file, 0, 0, "cannot read the logo: %s", why ? why : strerror(errno));
      return false;
    }
    if (out) ok = write_favicon(s, out, e, d) && write_touch_icon(s, out, e, d);
  }
  const char *fonts = fsx_join(s->arena, s->assets_dir, "fonts");
  if (fsx_is_dir(fonts)) {
    uint64_t key = cards_key(s, svg, nsvg, fonts);
    PangoFontMap *fm = NULL;
    size_t nc = sizeof card_colors / sizeof *card_colors;
    for (size_t i = 0; i < s->ntypes; i++)
      ok &= card(s, out, prev, &fm, fonts, e, key, s->types[i].name, s->types[i].title, card_colors[i % nc], d);
    ok &= card(s, out, prev, &fm, fonts, e, key, "side", NULL, card_colors[0], d);
  }
  emblem_free(e);
  ok &= responsive_photos(s, out, prev, d);
  return ok;
}
