/* print, drawing: pages drawn with Cairo, the reader and printer PDFs
 * (see bk.h). */
#include "bk.h"
#include <assert.h>
#include <errno.h>
#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../core/dk.h"
#include "impose.h"
#include "../core/fsx.h"
#include "../image/emblem.h"
#include "pdfpost.h"

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

/* The image of the preview draws as the printer does: no links, no tags. */
typedef enum { OUT_READER, OUT_PRINTER, OUT_IMAGE } out_kind;

typedef struct draw {
  bk *k;
  cairo_t *cr;
  out_kind out;
  str_vec tags;        /* open structure tags (reader) */
  int pageno;          /* 1-based physical page */
  const char *title;
} draw;

static void set_rgb(cairo_t *cr, unsigned c) {
  cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

static void tag_begin(draw *dr, const char *tag) {
  if (dr->out != OUT_READER || !tag) return;
  cairo_tag_begin(dr->cr, tag, NULL);
  vec_push(&dr->tags, tag);
}

static void tag_end(draw *dr) {
  if (dr->out != OUT_READER || !dr->tags.n) return;
  cairo_tag_end(dr->cr, dr->tags.items[--dr->tags.n]);
}

/* The link span that holds byte i of t's text, or -1. */
static int link_at(const text *t, int i) {
  for (int li = 0; li < t->nlinks; li++)
    if (i >= t->links[li].start && i < t->links[li].end) return li;
  return -1;
}

/* A link's tag attributes: its address or destination; rect, when given,
 * the areas to click (else Cairo takes the extents of what is drawn inside
 * the tag). */
static char *link_attrs(draw *dr, const link_span *ls, const char *rect) {
  const char *r = rect ? arena_printf(dr->k->a, " rect=[%s]", rect) : "";
  if (!ls->uri) return arena_printf(dr->k->a, "dest='%s'%s", ls->dest, r);
  sbuf esc = SBUF_INIT;
  for (const char *p = ls->uri; *p; p++) {
    if (*p == '\'' || *p == '\\') sbuf_putc(&esc, '\\');
    sbuf_putc(&esc, *p);
  }
  char *a = arena_printf(dr->k->a, "uri='%s'%s", sbuf_str(&esc), r);
  sbuf_free(&esc);
  return a;
}

/* Draws the lines [from, to) of a text with links run by run. Cairo 1.16
 * marks content only in structure elements without children, so a
 * paragraph holding a Link element lost all its text from the structure
 * tree (35-45 % of a booklet's text); here the paragraph's text goes into
 * Span elements and each link's text into its Link element (its area is
 * what is drawn inside it). The reader (and the preview, where an editor
 * wants to see the links) shows links blue and underlined; the printer
 * black like the text around them: the printed address or page reference
 * after the link says where it goes (a page reference is inside the link). */
static void draw_linked_lines(draw *dr, const text *t, int from, int to, double x, double y) {
  cairo_t *cr = dr->cr;
  double top = t->lines[from].top;
  const char *str = pango_layout_get_text(t->lay);
  bool reader = dr->out == OUT_READER;
  bool screen = dr->out != OUT_PRINTER; /* the preview shows links as the reader does */
  int open = -2; /* the open tag: -2 none, -1 Span, else the link's index */
  for (int i = from; i < to; i++) {
    PangoLayoutLine *ln = pango_layout_get_line_readonly(t->lay, i);
    double rx = x + t->lines[i].x, by = y + t->lines[i].baseline - top;
    for (GSList *r = ln->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      double w = pango_glyph_string_get_width(run->glyphs) / (double)PANGO_SCALE;
      int li = link_at(t, run->item->offset);
      if (reader && li != open) {
        if (open != -2) cairo_tag_end(cr, open == -1 ? "Span" : CAIRO_TAG_LINK);
        cairo_tag_begin(cr, li == -1 ? "Span" : CAIRO_TAG_LINK,
                        li == -1 ? NULL : link_attrs(dr, &t->links[li], NULL));
        open = li;
      }
      double ry = by - run->y_offset / (double)PANGO_SCALE;
      set_rgb(cr, li >= 0 && screen ? 0x1f4e8c : t->color);
      cairo_move_to(cr, rx, ry);
      pango_cairo_show_glyph_item(cr, str, run);
      if (li >= 0 && screen && run->item->offset < t->links[li].ref_at) {
        /* The underline (not under a page reference) from the font's size:
         * asking Pango for the font's metrics here, outside fonts.c's lock,
         * raced with other booklets' first measurements (see
         * fonts_prepare_layout). About where and how thick a text face
         * draws its own: 0.1 em below the baseline, 0.05 em thick. */
        PangoFontDescription *fd = pango_font_describe(run->item->analysis.font);
        double em = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
        pango_font_description_free(fd);
        cairo_rectangle(cr, rx, ry + 0.1 * em, w, 0.05 * em);
        cairo_fill(cr);
      }
      rx += w;
    }
    /* A link broken over two lines is two Link elements, each with the
     * area of its own line. */
    if (reader && open >= 0) {
      cairo_tag_end(cr, CAIRO_TAG_LINK);
      open = -2;
    }
  }
  if (reader && open != -2) cairo_tag_end(cr, open == -1 ? "Span" : CAIRO_TAG_LINK);
}

static void draw_lines(draw *dr, const text *t, int from, int to, double x, double y) {
  if (to <= from) return;
  if (t->nlinks) {
    draw_linked_lines(dr, t, from, to, x, y);
    return;
  }
  double top = t->lines[from].top;
  set_rgb(dr->cr, t->color);
  for (int i = from; i < to; i++) {
    PangoLayoutLine *ln = pango_layout_get_line_readonly(t->lay, i);
    cairo_move_to(dr->cr, x + t->lines[i].x, y + t->lines[i].baseline - top);
    pango_cairo_show_layout_line(dr->cr, ln);
  }
}

static double col_left(bk *k, int pageno, int col) {
  bool recto = pageno % 2 == 1;
  return (recto ? k->L->inner : k->L->outer) * MM + col * (k->colw + k->gap);
}

static void draw_frag(draw *dr, const frag *fr, int pageno) {
  bk *k = dr->k;
  box *b = fr->b;
  cairo_t *cr = dr->cr;
  double x = col_left(k, pageno, fr->col) + b->x;
  double y = k->L->top * MM + fr->y;
  if (fr->first)
    for (int i = 0; i < b->nopen; i++) tag_begin(dr, b->open[i]);
  for (int i = 0; i < 2 && fr->first && dr->out == OUT_READER; i++) {
    const char *name = i ? b->anchor : b->dest;
    if (!name) continue;
    char *attrs = arena_printf(k->a, "name='%s' x=%.2f y=%.2f", name, x, y);
    cairo_tag_begin(cr, CAIRO_TAG_DEST, attrs);
    cairo_tag_end(cr, CAIRO_TAG_DEST);
  }
  if (fr->first && b->tag && strcmp(b->tag, "Figure") == 0) bk_alt_push(k, dr->out, b->alt);
  if (fr->first) tag_begin(dr, b->tag);
  switch (b->kind) {
  case BX_TEXT: {
    double h = bk_text_h(b, fr->from, fr->to);
    if (b->has_bg) {
      set_rgb(cr, b->bg);
      cairo_rectangle(cr, x, y, b->w, h);
      cairo_fill(cr);
    }
    if (b->bar_x >= 0) {
      set_rgb(cr, 0xb0b0b0);
      cairo_rectangle(cr, col_left(k, pageno, fr->col) + b->bar_x, y, 0.8 * MM, h);
      cairo_fill(cr);
    }
    if (fr->first && b->has_marker) {
      double dy = b->t.nlines ? b->t.lines[0].baseline - b->marker.lines[0].baseline : 0;
      draw_lines(dr, &b->marker, 0, b->marker.nlines, col_left(k, pageno, fr->col) + b->marker_x,
                 y + dy);
    }
    /* A box that is one link (an entry of the contents): its text inside
     * the Link element, so that the entry's text is in the structure tree
     * (see draw_linked_lines); the area is the whole box. */
    bool box_link = b->link_dest && dr->out == OUT_READER;
    if (box_link)
      cairo_tag_begin(cr, CAIRO_TAG_LINK,
                      arena_printf(k->a, "dest='%s' rect=[%.2f %.2f %.2f %.2f]", b->link_dest, x, y, b->w, h));
    draw_lines(dr, &b->t, fr->from, fr->to, x + b->pad, y + b->pad);
    if (b->has_num && fr->last && b->t.nlines) {
      const tline *l = &b->t.lines[b->t.nlines - 1];
      double ny = y + l->baseline - b->t.lines[fr->from].top - b->num.lines[0].baseline;
      draw_lines(dr, &b->num, 0, b->num.nlines, x + b->w - b->num.w, ny);
    }
    if (box_link) cairo_tag_end(cr, CAIRO_TAG_LINK);
    break;
  }
  case BX_IMAGE: {
    int iw = cairo_image_surface_get_width(b->img), ih = cairo_image_surface_get_height(b->img);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, b->w / iw, b->ih / ih);
    cairo_set_source_surface(cr, b->img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), b->crisp ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    break;
  }
  case BX_RULE:
    set_rgb(cr, 0x999999);
    cairo_rectangle(cr, x, y, b->w, 0.4);
    cairo_fill(cr);
    break;
  case BX_TABLE: {
    double ry = y;
    int nh = b->nheader;
    for (int pass = 0; pass < 2; pass++) {
      int from = pass == 0 ? 0 : fr->from, to = pass == 0 ? nh : fr->to;
      for (int r = from; r < to; r++) {
        trow *tr = &b->rows[r];
        tag_begin(dr, "TR");
        if ((tr->header || tr->band) && k->L->styles[BL_TH].has_background) {
          set_rgb(cr, k->L->styles[BL_TH].background);
          cairo_rectangle(cr, x, ry, b->w, tr->h);
          cairo_fill(cr);
        }
        for (int c = 0; c < b->ncols; c++) {
          tag_begin(dr, tr->header ? "TH" : "TD");
          draw_lines(dr, &tr->cells[c], 0, tr->cells[c].nlines, x + b->colx[c] + b->cellpad,
                     ry + b->cellpad);
          tag_end(dr);
        }
        tag_end(dr);
        ry += tr->h;
        set_rgb(cr, 0x888888);
        cairo_rectangle(cr, x, ry - (r == nh - 1 ? 0.8 : 0.3), b->w, r == nh - 1 ? 0.8 : 0.3);
        cairo_fill(cr);
      }
    }
    break;
  }
  }
  if (fr->last) {
    if (b->tag) tag_end(dr); /* tag_begin opened none for a box without a tag */
    for (int i = 0; i < b->nclose; i++) tag_end(dr);
  }
}

static const char *field_text(bk *k, const char *name);

/* Running header or footer text with {page}, {section}, {subsection},
 * {title} and {field:NAME} (a booklet field; dates as 27. maj 2014). */
static void draw_running(draw *dr, const bl_running *run, bl_element el, const bpage *pg,
                         int pageno, bool at_top) {
  if (!run->on) return;
  bk *k = dr->k;
  sbuf s = SBUF_INIT;
  for (const char *p = run->text; *p;) {
    if (str_starts(p, "{page}")) sbuf_printf(&s, "%d", pageno), p += 6;
    else if (str_starts(p, "{section}")) sbuf_puts(&s, pg->section ? pg->section : ""), p += 9;
    else if (str_starts(p, "{field:") && strchr(p, '}')) {
      const char *e = strchr(p, '}');
      const char *v = field_text(k, arena_strndup(k->a, p + 7, (size_t)(e - p - 7)));
      int y, m, d;
      if (v && dk_parse_date(v, &y, &m, &d)) dk_date_put(&s, y, m, d, true);
      else if (v) sbuf_puts(&s, v);
      p = e + 1;
    } else if (str_starts(p, "{subsection}"))
      sbuf_puts(&s, pg->subsection ? pg->subsection : ""), p += 12;
    else if (str_starts(p, "{title}")) sbuf_puts(&s, dr->title ? dr->title : ""), p += 7;
    else sbuf_putc(&s, *p++);
  }
  bool recto = pageno % 2 == 1;
  bl_style st = k->L->styles[el];
  st.hyphenate = false;
  bl_align a = run->align;
  if (a == BL_INSIDE) a = recto ? BL_LEFT : BL_RIGHT;
  if (a == BL_OUTSIDE) a = recto ? BL_RIGHT : BL_LEFT;
  st.align = a;
  double left = col_left(k, pageno, 0);
  double width = k->pw - (k->L->inner + k->L->outer) * MM;
  text t = bk_plain_text(k, sbuf_str(&s), &st, width);
  sbuf_free(&s);
  if (!t.nlines) return;
  double y;
  if (at_top) y = k->L->top * MM * 0.45 - t.h / 2;
  else y = k->ph - k->L->bottom * MM * 0.5 - t.h / 2;
  draw_lines(dr, &t, 0, t.nlines, left, y);
  if (run->rule) {
    set_rgb(dr->cr, 0xaaaaaa);
    double ry = at_top ? y + t.h + 1 * MM : y - 1 * MM;
    cairo_rectangle(dr->cr, left, ry, width, 0.3);
    cairo_fill(dr->cr);
  }
}

/* Looks a cover field up: the spec's own fields, then the first page's
 * front matter. Lists are joined with ", ". */
static const char *field_text(bk *k, const char *name) {
  const booklet_spec *b = k->b;
  if (strcmp(name, "title") == 0 && b->title) return b->title;
  if (strcmp(name, "subtitle") == 0 && b->subtitle) return b->subtitle;
  if (strcmp(name, "author") == 0 && b->author) return b->author;
  if (strcmp(name, "site") == 0 && k->s && k->s->title) return k->s->title;
  if (strcmp(name, "url") == 0 && b->npages && b->pages[0]->url) {
    /* The booklet's first page on the site, for its QR code. */
    const char *base = k->s && k->s->baseurl ? k->s->baseurl : "";
    size_t bl = strlen(base);
    if (bl && base[bl - 1] == '/') bl--;
    return arena_printf(k->a, "%.*s%s", (int)bl, base, b->pages[0]->url);
  }
  const val *v = b->fields ? val_get(b->fields, name) : NULL;
  if (!v && b->npages && b->pages[0]->fm) v = val_get(b->pages[0]->fm, name);
  if (!v && strcmp(name, "title") == 0 && b->npages) return b->pages[0]->title;
  if (!v) return NULL;
  if (v->kind == VAL_LIST) {
    sbuf s = SBUF_INIT;
    for (size_t i = 0; i < v->u.list.n; i++) {
      const char *x = val_as_str(v->u.list.items[i]);
      if (!x) continue;
      if (s.len) sbuf_puts(&s, ", ");
      sbuf_puts(&s, x);
    }
    char *r = sbuf_dup(&s, k->a);
    sbuf_free(&s);
    return r;
  }
  if (v->kind == VAL_NUM) return arena_printf(k->a, "%g", v->u.num);
  return val_as_str(v);
}

/* The texts of a cover, back or text page, shaped, with the space after
 * each and its structure tag. Returns their total height, pt. */
typedef struct cover_texts {
  VEC(text) ts;
  VEC(double) gaps;
  VEC(const char *) tags;
  VEC(const bl_text *) from; /* the layout's text each was made from */
} cover_texts;

static double cover_make(bk *k, const bpage *pg, cover_texts *c) {
  const bl_part *part = pg->part;
  double width = k->pw - (k->L->inner + k->L->outer) * MM;
  double total = 0;
  for (size_t i = 0; i < part->ntexts; i++) {
    const bl_text *bt = &part->texts[i];
    if (bt->kind != BL_ITEM_TEXT) {
      /* A picture: an empty text of its height stands in its place. */
      text t = {0};
      t.h = bt->height * MM;
      vec_push(&c->ts, t);
      vec_push(&c->gaps, 3 * MM);
      vec_push(&c->tags, NULL);
      vec_push(&c->from, bt);
      total += t.h + 3 * MM;
      continue;
    }
    const char *s = bt->field ? field_text(k, bt->field) : bt->text;
    if (!s || !*s) continue;
    bl_style st = k->L->styles[bt->style];
    st.color = part->color;
    st.hyphenate = false;
    /* Texts in a running style keep the cover's own alignment. */
    if (bt->style != BL_COVER_TITLE && bt->style != BL_COVER_TEXT && !part->text_page)
      st.align = k->L->styles[BL_COVER_TEXT].align;
    text t = bk_plain_text(k, s, &st, width);
    vec_push(&c->ts, t);
    vec_push(&c->gaps, st.space_after * MM);
    vec_push(&c->tags, bt->style == BL_COVER_TITLE ? "H1" : "P");
    vec_push(&c->from, bt);
    total += t.h + st.space_after * MM;
  }
  return total;
}

static void cover_free(cover_texts *c) {
  vec_free(&c->ts);
  vec_free(&c->gaps);
  vec_free(&c->tags);
  vec_free(&c->from);
}

double bk_cover_h(bk *k, const bpage *pg, const bl_text **tallest) {
  cover_texts c = {0};
  double h = cover_make(k, pg, &c);
  /* The last text's space after stands below the area, not in it. */
  if (c.gaps.n) h -= c.gaps.items[c.gaps.n - 1];
  *tallest = NULL;
  for (size_t i = 0, most = 0; i < c.ts.n; i++)
    if (!*tallest || c.ts.items[i].h > c.ts.items[most].h) {
      most = i;
      *tallest = c.from.items[i];
    }
  cover_free(&c);
  return h;
}

void bk_alt_push(bk *k, int out, const char *alt) {
  if (out == OUT_READER) vec_push(&k->alts, alt ? alt : "");
}

/* "#rrggbb" (a booklet's colour field) as 0xRRGGBB. */
static bool parse_hex_colour(const char *v, unsigned *rgb) {
  if (v[0] != '#' || strlen(v) != 7) return false;
  char *end;
  unsigned long x = strtoul(v + 1, &end, 16);
  if (*end) return false;
  *rgb = (unsigned)x;
  return true;
}

/* A cover's picture, centred on cx, size high from y: an
 * SVG drawn by librsvg (vectors stay vectors in the PDF), a PNG scaled, or
 * the QR code of an address. With alternative text it is a Figure of the
 * structure tree; without, decoration (an artifact). A file that cannot be
 * read is reported once, at the layout's line, and left out. */
static void draw_picture(draw *dr, const bl_text *bt, double cx, double y, double size) {
  bk *k = dr->k;
  cairo_t *cr = dr->cr;
  const char *src = bt->field ? field_text(k, bt->field) : bt->text;
  if (!src || !*src) return;
  const char *alt = bt->alt;
  if (bt->kind == BL_ITEM_QR) {
    cairo_surface_t *img = bk_qr_surface(k, src);
    if (!img) return;
    if (!alt) alt = arena_printf(k->a, "QR-kode til %s", src);
    bk_alt_push(k, dr->out, alt);
    tag_begin(dr, "Figure");
    int n = cairo_image_surface_get_width(img);
    cairo_save(cr);
    cairo_translate(cr, cx - size / 2, y);
    cairo_scale(cr, size / n, size / n);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    tag_end(dr);
    return;
  }
  /* Below the site's folder; "assets/…" in the site's assets folder, which
   * a site may keep elsewhere. */
  const char *root = k->s && k->s->root && *k->s->root ? k->s->root : ".";
  const char *path = k->s && k->s->assets_dir && str_starts(src, "assets/")
                         ? fsx_join(k->a, k->s->assets_dir, src + strlen("assets/"))
                         : fsx_join(k->a, root, src);
  size_t len = 0;
  char *data = fsx_read(k->a, path, &len);
  const char *why = data ? NULL : strerror(errno);
  emblem *e = NULL;
  cairo_surface_t *png = NULL;
  if (data && str_ends(src, ".svg")) {
    e = emblem_new(data, len, &why);
  } else if (data) {
    png = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
      why = "not a PNG or SVG image";
      cairo_surface_destroy(png);
      png = NULL;
    }
  }
  if (!e && !png) {
    if (dr->out == OUT_READER)
      diag_error(k->d, k->L->file, bt->line, 0, "cannot read the cover picture '%s': %s", src, why);
    return;
  }
  if (alt) {
    bk_alt_push(k, dr->out, alt);
    tag_begin(dr, "Figure");
  }
  if (e) {
    /* size is the picture's height: a wide picture gets the square its
     * width needs, centred on the same middle. */
    double a = emblem_aspect(e), side = a > 1 ? size * a : size;
    emblem_draw(e, cr, cx - side / 2, y + (size - side) / 2, side);
    emblem_free(e);
  } else {
    int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);
    double sc = size / (w > h ? w : h);
    cairo_save(cr);
    cairo_translate(cr, cx - w * sc / 2, y + (size - h * sc) / 2);
    cairo_scale(cr, sc, sc);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(png);
  }
  if (alt) tag_end(dr);
}

static void draw_cover(draw *dr, const bpage *pg, double bleed) {
  bk *k = dr->k;
  const bl_part *part = pg->part;
  unsigned bg = part->background;
  bool has_bg = part->has_background;
  if (part->background_field) {
    /* The booklet's own colour (each pixi age group has one). */
    const char *v = field_text(k, part->background_field);
    unsigned rgb;
    if (v && parse_hex_colour(v, &rgb)) {
      bg = rgb;
      has_bg = true;
    }
  }
  if (has_bg) {
    set_rgb(dr->cr, bg);
    cairo_rectangle(dr->cr, -bleed, -bleed, k->pw + 2 * bleed, k->ph + 2 * bleed);
    cairo_fill(dr->cr);
  }
  cover_texts c = {0};
  double total = cover_make(k, pg, &c);
  double area_top = k->L->top * MM, area_h = k->ph - (k->L->top + k->L->bottom) * MM;
  double y = area_top;
  if (strcmp(part->valign, "middle") == 0) y = area_top + (area_h - total) / 2;
  else if (strcmp(part->valign, "bottom") == 0) y = area_top + area_h - total;
  /* A saddle-stitched booklet's back cover is always a verso (the last of
   * a multiple of 4): its margins are a verso's in the reader PDF too,
   * which is not padded and may end on a recto, so both PDFs show it alike. */
  double left = col_left(k, pg->kind == PG_BACK && !k->L->loose ? 2 : dr->pageno, 0);
  double width = k->pw - (k->L->inner + k->L->outer) * MM;
  for (size_t i = 0; i < c.ts.n; i++) {
    const bl_text *bt = c.from.items[i];
    if (bt->kind != BL_ITEM_TEXT) {
      draw_picture(dr, bt, left + width / 2, y, c.ts.items[i].h);
    } else {
      tag_begin(dr, c.tags.items[i]);
      draw_lines(dr, &c.ts.items[i], 0, c.ts.items[i].nlines, left, y);
      tag_end(dr);
    }
    y += c.ts.items[i].h + c.gaps.items[i];
  }
  cover_free(&c);
}

/* A notes page: its title (the part's text for this page, or its title)
 * in the h2 style, then ruled lines down to the bottom margin. */
static void draw_notes(draw *dr, const bpage *pg) {
  bk *k = dr->k;
  const bl_part *part = pg->part;
  const char *title = part->title;
  if (part->ntexts) {
    const bl_text *bt = &part->texts[(size_t)pg->note < part->ntexts ? (size_t)pg->note : part->ntexts - 1];
    const char *x = bt->field ? field_text(k, bt->field) : bt->text;
    if (x && *x) title = x;
  }
  double left = col_left(k, dr->pageno, 0);
  double width = k->pw - (k->L->inner + k->L->outer) * MM;
  bl_style st = k->L->styles[BL_H2];
  st.hyphenate = false;
  st.align = BL_LEFT;
  text t = bk_plain_text(k, title, &st, width);
  double y = k->L->top * MM;
  tag_begin(dr, "H2");
  draw_lines(dr, &t, 0, t.nlines, left, y);
  tag_end(dr);
  if (part->line_gap <= 0) return;
  double gap = part->line_gap * MM, bottom = k->ph - k->L->bottom * MM;
  set_rgb(dr->cr, 0xb8c4ce);
  for (double ly = y + t.h + st.space_after * MM + gap; ly <= bottom + 0.01; ly += gap) {
    cairo_rectangle(dr->cr, left, ly, width, 0.4);
    cairo_fill(dr->cr);
  }
}

/* Draws the footnotes of page pg at the foot of their columns: the last
 * one ends on the text area's bottom edge, above the footer, and a short
 * rule stands above the first. Each note is a whole structure element. */
static void draw_foot_notes(draw *dr, const bpage *pg, int pageno) {
  bk *k = dr->k;
  for (int col = 0; col < k->ncols; col++) {
    double h = 0;
    for (size_t i = 0; i < pg->notes.n; i++)
      if (pg->notes.items[i].col == col) h += (h > 0 ? NOTE_GAP(k) : NOTE_RULE) + pg->notes.items[i].n->h;
    if (h <= 0) continue;
    double y = k->frame_h - h;
    set_rgb(dr->cr, 0x999999);
    cairo_rectangle(dr->cr, col_left(k, pageno, col), k->L->top * MM + y + NOTE_RULE / 2,
                    k->colw / 3, 0.4);
    cairo_fill(dr->cr);
    y += NOTE_RULE;
    bool first = true;
    for (size_t i = 0; i < pg->notes.n; i++) {
      const fnote *n = pg->notes.items[i].n;
      if (pg->notes.items[i].col != col) continue;
      if (!first) y += NOTE_GAP(k);
      first = false;
      for (int j = 0; j < n->nboxes; j++) {
        box *b = n->boxes[j];
        if (j) y += n->boxes[j - 1]->sa + b->sb;
        int from = b->kind == BX_TABLE ? b->nheader : 0;
        int to = b->kind == BX_TABLE ? b->nrows : b->kind == BX_TEXT ? b->t.nlines : 0;
        frag fr = {b, from, to, col, y, true, true, false};
        draw_frag(dr, &fr, pageno);
        y += bk_full_h(b);
      }
    }
  }
}

/* Draws page pg (physical number pageno) with its trim box at the current
 * origin. bleed: how far backgrounds reach beyond the trim. */
static void draw_page(draw *dr, const bpage *pg, int pageno, double bleed) {
  dr->pageno = pageno;
  bk *k = dr->k;
  if (pg->kind == PG_COVER || pg->kind == PG_BACK) {
    draw_cover(dr, pg, bleed);
    return;
  }
  if (pg->kind == PG_BLANK) return;
  if (pg->kind == PG_NOTES) {
    draw_running(dr, &k->L->footer, BL_FOOTER, pg, pageno, false);
    draw_notes(dr, pg);
    return;
  }
  /* Running texts first, outside every structure tag. */
  if (pg->frags.n) {
    draw_running(dr, &k->L->header, BL_HEADER, pg, pageno, true);
    draw_running(dr, &k->L->footer, BL_FOOTER, pg, pageno, false);
  }
  /* Tags left open by the previous page open again here. */
  size_t reopen = dr->tags.n;
  dr->tags.n = 0;
  for (size_t i = 0; i < reopen; i++) tag_begin(dr, dr->tags.items[i]);
  /* A landscape table's page is turned a quarter: its top at the page's
   * left edge (the reader turns the booklet clockwise to read it), as
   * books set their sideways tables; the head and folio stay upright. */
  if (pg->landscape) {
    double left = col_left(k, pageno, 0), top = k->L->top * MM;
    cairo_save(dr->cr);
    cairo_translate(dr->cr, left, top + k->frame_h);
    cairo_rotate(dr->cr, -M_PI / 2);
    cairo_translate(dr->cr, -left, -top);
  }
  for (size_t i = 0; i < pg->frags.n; i++) draw_frag(dr, &pg->frags.items[i], pageno);
  if (pg->landscape) cairo_restore(dr->cr);
  /* Close what is still open at the end of the page; keep the names. */
  size_t open = dr->tags.n;
  for (size_t i = open; i > 0; i--) cairo_tag_end(dr->cr, dr->tags.items[i - 1]);
  dr->tags.n = open;
  /* Footnotes last, outside what the page left open; each closes itself. */
  draw_foot_notes(dr, pg, pageno);
  assert(dr->tags.n == open);
}

/* ------------------------------------------------------------------------ */

/* The file a PDF is written to. Cairo's own file output says only "error
 * while writing to output stream" on a full disk; writing through this
 * stream keeps errno, so the message can say why. */
typedef struct pdf_file {
  FILE *f;
  int err;
} pdf_file;

/* A write error is kept in pf->err, and the rest of the PDF is dropped,
 * but Cairo is told every write succeeded: a tagged PDF surface (the reader
 * PDF) whose stream failed in the middle of a page stops there but still
 * writes its structure tree when it is finished, and Cairo 1.16 then
 * stopped the whole build on an assertion (cairo-array.c: "index <
 * array->num_elements") instead of returning the error. finish_pdf
 * reports pf->err. */
static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int n) {
  pdf_file *pf = closure;
  if (!pf->err && fwrite(data, 1, n, pf->f) != n) pf->err = errno ? errno : EIO;
  return CAIRO_STATUS_SUCCESS;
}

/* A PDF surface writing to path, or NULL after reporting why the file
 * cannot be made. */
static cairo_surface_t *open_pdf(bk *k, pdf_file *pf, const char *path, double w, double h) {
  pf->err = 0;
  pf->f = fopen(path, "wb");
  if (!pf->f) {
    diag_error(k->d, k->b->file, k->b->line, 0, "cannot write %s: %s", path, strerror(errno));
    return NULL;
  }
  return cairo_pdf_surface_create_for_stream(pdf_write, pf, w, h);
}

/* Ends a PDF drawn on cr/sf: flushes it to its file and frees both. Returns
 * false after reporting a write error (with its reason) at the booklet's
 * declaration. */
static bool finish_pdf(bk *k, cairo_t *cr, cairo_surface_t *sf, pdf_file *pf, const char *path) {
  cairo_destroy(cr);
  cairo_surface_finish(sf);
  cairo_status_t st = cairo_surface_status(sf);
  cairo_surface_destroy(sf);
  errno = 0;
  if (fclose(pf->f) != 0 && !pf->err) pf->err = errno ? errno : EIO;
  if (pf->err) {
    diag_error(k->d, k->b->file, k->b->line, 0, "cannot write %s: %s", path, strerror(pf->err));
    return false;
  }
  if (st != CAIRO_STATUS_SUCCESS) {
    diag_error(k->d, k->b->file, k->b->line, k->b->fields ? k->b->fields->col : 0, "cannot write %s: %s", path,
               cairo_status_to_string(st));
    return false;
  }
  return true;
}

/* Outputs                                                                   */

/* The PDF's creation and modification date: SOURCE_DATE_EPOCH's moment
 * when it is set (reproducible builds); else the newest date of the
 * booklet's pages that has come, or today when every date is still to come
 * (a programme dated by its conference) or none is given. Never in the
 * future: the site's build date is the newest date of any page, which put
 * next year's conference into every booklet. */
const char *bk_pdf_date(bk *k) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  char today[11];
  strftime(today, sizeof today, "%Y-%m-%d", &tm);
  if (sde && *sde)
    return arena_printf(k->a, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  const char *best = NULL;
  for (size_t i = 0; i < k->b->npages; i++) {
    const char *d = k->b->pages[i]->date;
    int y, m, dd;
    if (d && dk_parse_date(d, &y, &m, &dd) && strncmp(d, today, 10) <= 0 && (!best || strcmp(d, best) > 0))
      best = d;
  }
  return arena_printf(k->a, "%.10sT00:00:00", best ? best : today);
}

/* Title, subject and keywords of a booklet's PDF, each its own: seven pixi
 * guides all titled "KLAR til Læring" could not be told apart in a print
 * shop's queue or a reader's list of files. */
static void set_metadata(bk *k, cairo_surface_t *sf) {
  const booklet_spec *b = k->b;
  const char *title = field_text(k, "title");
  const char *sub = b->subtitle;
  if (title && sub && *sub) title = arena_printf(k->a, "%s – %s", title, sub);
  if (title) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
  const char *author = b->author ? b->author : k->s ? k->s->title : NULL;
  if (author) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR, author);
  const char *subject = b->subject ? b->subject : field_text(k, "tagline");
  if (!subject && b->npages) subject = field_text(k, "summary");
  if (subject) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT, subject);
  /* Keywords: the booklet's own "keywords", else its name parts that say
   * what it is: site, subtitle and the titles of its first pages. */
  const char *kw = field_text(k, "keywords");
  if (!kw) {
    sbuf s = SBUF_INIT;
    if (k->s && k->s->title) sbuf_puts(&s, k->s->title);
    if (sub && *sub) sbuf_printf(&s, "%s%s", s.len ? ", " : "", sub);
    for (size_t i = 0; i < b->npages && i < 4; i++)
      if (b->pages[i]->title && (!title || strcmp(b->pages[i]->title, title) != 0))
        sbuf_printf(&s, "%s%s", s.len ? ", " : "", b->pages[i]->title);
    kw = arena_strdup(k->a, sbuf_str(&s));
    sbuf_free(&s);
  }
  if (*kw) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_KEYWORDS, kw);
  cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "klar");
  const char *date = bk_pdf_date(k);
  cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static const char *page_label(const bpage *p, int pageno, arena *a) {
  if (p->kind == PG_COVER) return "Forside";
  if (p->kind == PG_BACK) return "Bagside";
  return arena_printf(a, "%d", pageno);
}

bool bk_write_reader(bk *k, page_vec *pages, const char *path, heading_ref *hs, size_t nh) {
  pdf_file pf;
  cairo_surface_t *sf = open_pdf(k, &pf, path, k->pw, k->ph);
  if (!sf) return false;
  set_metadata(k, sf);
  const char *title = k->b->title;
  if (!title && k->b->npages) title = k->b->pages[0]->title;
  cairo_t *cr = cairo_create(sf);
  draw dr = {k, cr, OUT_READER, {0}, 0, title};
  cairo_tag_begin(cr, "Document", NULL);
  for (size_t i = 0; i < pages->n; i++) {
    cairo_pdf_surface_set_page_label(sf, page_label(pages->items[i], (int)i + 1, k->a));
    draw_page(&dr, pages->items[i], (int)i + 1, 0);
    cairo_show_page(cr);
  }
  cairo_tag_end(cr, "Document");
  /* Bookmarks from the headings, nested by level. */
  int parent[8] = {0};
  for (size_t i = 0; i < nh; i++) {
    int lv = hs[i].b->level;
    if (lv < 1 || lv > 6) continue;
    int par = lv > 1 ? parent[lv - 1] : CAIRO_PDF_OUTLINE_ROOT;
    char *attrs = arena_printf(k->a, "dest='%s'", hs[i].b->dest);
    int id = cairo_pdf_surface_add_outline(sf, par, hs[i].b->plain, attrs,
                                           lv == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
    for (int l = lv; l < 7; l++) parent[l] = id;
  }
  vec_free(&dr.tags);
  return finish_pdf(k, cr, sf, &pf, path);
}

/* Where the imposed spread (two pages with bleed and slug) sits on the
 * layout's press sheet: centred, ox/oy from the sheet's lower left corner,
 * with the band of the sheet's marks (targets, colour bar, slug line)
 * round it. Without a named sheet the sheet is the spread with its slug
 * and band (ox = oy = the band). Reports a spread that does not fit. */
bool bk_sheet_offset(bk *k, double *ox, double *oy) {
  *ox = *oy = BK_BAND(k);
  if (!k->L->sheet) return true;
  double m = k->L->bleed * MM + BK_SLUG(k) + BK_BAND(k);
  double w = 2 * k->pw + 2 * m, h = k->ph + 2 * m;
  double sw = k->L->sheet_w * MM, sh = k->L->sheet_h * MM;
  if (w > sw + 0.01 || h > sh + 0.01) {
    diag_error(k->d, k->L->file, k->L->sheet_line, k->L->sheet_col,
               "the imposed spread with bleed and printer's marks is %.0f x %.0f mm and does not fit on the sheet "
               "%s (%.0f x %.0f mm): name a larger sheet in <impose sheet>",
               w / MM, h / MM, k->L->sheet, k->L->sheet_w, k->L->sheet_h);
    return false;
  }
  *ox = (sw - w) / 2 + BK_BAND(k);
  *oy = (sh - h) / 2 + BK_BAND(k);
  return true;
}

cairo_surface_t *bk_draw_image(bk *k, const page_vec *pages, size_t i, double scale) {
  int w = (int)ceil(k->pw * scale - 0.01), h = (int)ceil(k->ph * scale - 0.01);
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(sf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, scale, scale);
  const char *title = k->b->title ? k->b->title : k->b->npages ? k->b->pages[0]->title : NULL;
  draw dr = {k, cr, OUT_IMAGE, {0}, 0, title};
  draw_page(&dr, pages->items[i], (int)i + 1, 0);
  vec_free(&dr.tags);
  cairo_destroy(cr);
  cairo_surface_flush(sf);
  return sf;
}

/* The printer PDF: every page enlarged by bleed and slug; imposed: two
 * pages per sheet side in saddle-stitch order, on the layout's press sheet. */
bool bk_write_printer(bk *k, page_vec *pages, const char *path, bool imposed) {
  double bleed = k->L->bleed * MM, slug = BK_SLUG(k), m = bleed + slug;
  double sw = (imposed ? 2 * k->pw : k->pw) + 2 * m, sh = k->ph + 2 * m;
  double ox = 0, oy = 0;
  if (imposed && !bk_sheet_offset(k, &ox, &oy)) return false;
  if (imposed && k->L->sheet) {
    sw = k->L->sheet_w * MM;
    sh = k->L->sheet_h * MM;
  } else if (imposed) {
    sw += 2 * BK_BAND(k);
    sh += 2 * BK_BAND(k);
  }
  pdf_file pf;
  cairo_surface_t *sf = open_pdf(k, &pf, path, sw, sh);
  if (!sf) return false;
  set_metadata(k, sf);
  const char *title = k->b->title ? k->b->title : k->b->npages ? k->b->pages[0]->title : NULL;
  cairo_t *cr = cairo_create(sf);
  draw dr = {k, cr, OUT_PRINTER, {0}, 0, title};
  int n = (int)pages->n;
  int nsides = imposed ? n / 2 : n;
  for (int i = 0; i < nsides; i++) {
    if (!imposed) {
      cairo_save(cr);
      cairo_rectangle(cr, slug, slug, k->pw + 2 * bleed, k->ph + 2 * bleed);
      cairo_clip(cr);
      cairo_translate(cr, m, m);
      draw_page(&dr, pages->items[i], i + 1, bleed);
      cairo_restore(cr);
      if (k->L->marks) bk_crop_marks(cr, m, m, k->pw, k->ph, bleed, slug);
    } else {
      int lp, rp;
      impose_side(n, i, &lp, &rp);
      cairo_save(cr);
      cairo_translate(cr, ox, oy); /* the spread centred on the press sheet */
      /* Creep: the pages of inner sheets move toward the fold (the left
       * page right, the right page left), their halves of the sheet fixed. */
      double shift = impose_creep(k->L->creep * MM, n, i);
      for (int side = 0; side < 2; side++) {
        int pn = side ? rp : lp;
        cairo_save(cr);
        if (side == 0) cairo_rectangle(cr, slug, slug, bleed + k->pw, k->ph + 2 * bleed);
        else cairo_rectangle(cr, m + k->pw, slug, k->pw + bleed, k->ph + 2 * bleed);
        cairo_clip(cr);
        cairo_translate(cr, m + side * k->pw + (side ? -shift : shift), m);
        draw_page(&dr, pages->items[pn - 1], pn, bleed);
        cairo_restore(cr);
      }
      bk_sheet_side ss = {i, nsides, lp, rp};
      bk_sheet_marks(k, cr, m, m, 2 * k->pw, k->ph, &ss);
      cairo_restore(cr);
    }
    cairo_show_page(cr);
  }
  vec_free(&dr.tags);
  return finish_pdf(k, cr, sf, &pf, path);
}

