/* print, boxes: each page's block tree, and the layout's templates of its
 * front matter, into the boxes the flow places (see bk.h). */
#include "bk.h"
#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "../core/fsx.h"

/* ------------------------------------------------------------------------ */
/* Boxes from the block tree                                                 */

box *bk_new_box(bk *k, bx_kind kind, const bl_style *st, double x) {
  box *b = arena_calloc(k->a, 1, sizeof *b);
  b->kind = kind;
  b->x = x;
  b->w = k->colw - x;
  b->sb = st ? st->space_before * MM : 0;
  b->sa = st ? st->space_after * MM : 0;
  b->keep = st && st->keep_with_next;
  b->brk = st && st->break_before;
  b->brk_side = st ? st->break_side : 0;
  b->bar_x = -1;
  b->src_page = k->cur_page;
  b->file = k->cur_file;
  return b;
}

static void emit(bk *k, box *b) {
  if (k->pending.n) {
    b->open = arena_alloc(k->a, k->pending.n * sizeof *b->open);
    memcpy(b->open, k->pending.items, k->pending.n * sizeof *b->open);
    b->nopen = (int)k->pending.n;
    k->pending.n = 0;
  }
  vec_push(&k->content, b);
  k->last = b;
}

/* Opening and closing containers (lists, items, quotes): the tag opens on
 * the container's first box and closes after its last. */
static size_t open_tag(bk *k, const char *tag) {
  size_t mark = k->pending.n;
  vec_push(&k->pending, tag);
  return mark;
}

static void close_tag(bk *k, size_t mark, size_t boxes_before) {
  if (k->content.n == boxes_before) {
    k->pending.n = mark; /* nothing was emitted: the tag never opened */
    return;
  }
  k->last->nclose++;
}

typedef struct ctx {
  double x;            /* indent, pt */
  int list_depth;
  bool in_quote;
  double bar_x;
  const char *marker;  /* a pending list marker for the next text box */
  const char *prefix;  /* text put before the next text box's own (an ordered task's box) */
  bool tight;
  bl_element para;     /* style of paragraphs here (p, li, blockquote, footnote) */
} ctx;

static void attach_marker(bk *k, ctx *c, box *b) {
  if (!c->marker) return;
  const bl_style *st = &k->L->styles[c->para == BL_BLOCKQUOTE ? BL_P : c->para];
  bl_style ms = *st;
  ms.hyphenate = false;
  ms.align = BL_RIGHT;
  double mw = k->L->styles[BL_LI].indent * MM;
  b->marker = bk_plain_text(k, c->marker, &ms, mw - 1.5 * MM);
  b->marker_x = b->x - mw;
  b->has_marker = true;
  c->marker = NULL;
}

static void text_box(bk *k, ctx *c, const mdt_block *blk, bl_element el, const char *tag) {
  const bl_style *st = &k->L->styles[el];
  box *b = bk_new_box(k, BX_TEXT, st, c->x);
  tbuild tb;
  bk_tb_init(&tb);
  if (c->prefix) {
    sbuf_puts(&tb.s, c->prefix);
    c->prefix = NULL;
  }
  bk_tb_runs(k, &tb, blk->runs, blk->nruns, st->hyphenate);
  b->t = bk_make_text(k, &tb, st, b->w, false);
  bk_take_refs(k, b, &tb, &b->t, 0);
  bk_tb_free(&tb);
  b->line = blk->line;
  b->col = blk->col;
  b->tag = tag;
  if (c->in_quote) b->bar_x = c->bar_x;
  if (el == BL_LI && c->tight) b->sa = st->space_after * MM * 0.5;
  attach_marker(k, c, b);
  emit(k, b);
}

static void heading_box(bk *k, ctx *c, const mdt_block *blk) {
  int level = blk->level > 4 ? 4 : blk->level;
  bl_element el = (bl_element)(BL_H1 + level - 1);
  const bl_style *st = &k->L->styles[el];
  box *b = bk_new_box(k, BX_TEXT, st, c->x);
  /* "between": a break before every heading of this level but the first
   * one under its parent heading. */
  k->hcount[level]++;
  for (int i = level + 1; i < 7; i++) k->hcount[i] = 0;
  if (st->break_between && k->hcount[level] < 2) b->brk = false;
  tbuild tb;
  bk_tb_init(&tb);
  bk_tb_runs(k, &tb, blk->runs, blk->nruns, false);
  b->t = bk_make_text(k, &tb, st, b->w, false);
  bk_take_refs(k, b, &tb, &b->t, 0);
  bk_tb_free(&tb);
  static const char *const tags[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
  b->line = blk->line;
  b->col = blk->col;
  b->tag = tags[blk->level - 1];
  b->level = blk->level;
  b->dest = arena_printf(k->a, "p%d-%s", k->cur_page, blk->id);
  map_set(&k->known, b->dest, b);
  b->plain = md_tree_plain(k->a, blk);
  emit(k, b);
}

/* The image's size in pixels from a JPEG's SOF marker. */
static bool jpeg_size(const unsigned char *p, size_t n, int *w, int *h) {
  size_t i = 2;
  while (i + 9 < n) {
    if (p[i] != 0xFF) return false;
    unsigned m = p[i + 1];
    size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
    if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      *h = p[i + 5] << 8 | p[i + 6];
      *w = p[i + 7] << 8 | p[i + 8];
      return *w > 0 && *h > 0;
    }
    i += 2 + len;
  }
  return false;
}

static cairo_surface_t *load_image(bk *k, const mdt_block *blk) {
  const char *src = blk->src;
  /* /assets/… names a file of the assets folder, as on the site. */
  bool asset = str_starts(src, "/assets/") && k->s && k->s->assets_dir;
  if (bk_is_external(src) || (src[0] == '/' && !asset)) {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s' is not a file of the site; a booklet can only print local images", src);
    return NULL;
  }
  const char *cdir = k->s && k->s->content_dir ? k->s->content_dir : "content";
  if (asset) cdir = k->s->assets_dir;
  /* The file the Markdown stage resolved the image to, found the same way. */
  char *rel = asset ? model_resolve_path(NULL, src + 8, k->a) : model_resolve_path(k->cur_src, src, k->a);
  if (!rel) {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s' lies outside the content folder; a booklet prints only the site's own images", src);
    return NULL;
  }
  const char *path = fsx_join(k->a, cdir, rel);
  /* ../../ in the source could reach any image on the machine, and the PDF
   * would publish it: only files below content/ are printed (links there
   * were checked by sources_check before the build). */
  const char *real = fsx_resolve(k->a, path), *rcdir = fsx_resolve(k->a, cdir);
  if (!real || !rcdir || !fsx_within(real, rcdir)) {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s' lies outside the content folder; a booklet prints only the site's own images", src);
    return NULL;
  }
  cairo_surface_t *img = NULL;
  if (str_ends(path, ".png") || str_ends(path, ".PNG")) {
    img = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
      cairo_surface_destroy(img);
      img = NULL;
    }
  } else if (str_ends(path, ".jpg") || str_ends(path, ".jpeg") || str_ends(path, ".JPG")) {
    size_t len = 0;
    unsigned char *data = (unsigned char *)fsx_read_heap(path, &len);
    int w, h;
    if (data && jpeg_size(data, len, &w, &h)) {
      /* Cairo embeds the JPEG as it is; the surface only gives the size. */
      img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
      cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, data, len, free, data);
    } else {
      free(data);
    }
  } else {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s': print takes PNG and JPEG images only", src);
    return NULL;
  }
  if (!img) {
    diag_error(k->d, k->cur_file, blk->line, blk->col, "cannot read image '%s' (%s)", src, path);
    return NULL;
  }
  arena_defer(k->a, destroy_surface, img);
  return img;
}

static void image_box(bk *k, ctx *c, const mdt_block *blk) {
  cairo_surface_t *img = load_image(k, blk);
  if (!img) {
    k->ok = false;
    return;
  }
  const bl_style *st = &k->L->styles[BL_P];
  box *b = bk_new_box(k, BX_IMAGE, st, c->x);
  int iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
  if ((double)iw * ih > 60e6) {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s' is %d × %d pixels, more than a booklet takes (60 megapixels); "
               "scale it to 300 dpi at its printed size",
               blk->src, iw, ih);
    k->ok = false;
    return;
  }
  /* Scaled to the column (then to the page's height); the print shop's
   * 200 dpi is checked below. */
  double w = b->w;
  double h = w * ih / iw;
  double maxh = k->frame_h * 0.85;
  if (h > maxh) {
    w *= maxh / h;
    h = maxh;
  }
  double dpi = iw / (w / 72.0);
  if (dpi < 199.5)
    diag_warning(k->d, k->cur_file, blk->line, blk->col,
                 "image '%s' prints at %.0f dpi, below the 200 a print shop asks for; use one "
                 "of at least %.0f pixels across",
                 blk->src, dpi, ceil(w / 72.0 * 300));
  b->img = img;
  b->w = w;
  b->ih = h;
  b->alt = blk->alt;
  /* A decorative image (![pynt](…), alt "") is no Figure: it goes out of
   * the structure tree as an artifact, which screen readers skip. */
  b->tag = blk->alt && *blk->alt ? "Figure" : NULL;
  b->sb = 1 * MM;
  b->sa = 3 * MM;
  emit(k, b);
  if (blk->title) {
    b->keep = true;
    b->sa = 1 * MM;
    mdt_run r = {MDR_TEXT, 0, blk->title, NULL, 0};
    mdt_block cap = {0};
    cap.runs = &r;
    cap.nruns = 1;
    ctx cc = *c;
    cc.marker = NULL;
    cc.prefix = NULL;
    text_box(k, &cc, &cap, BL_CAPTION, "Caption");
  }
}

/* A QR code of s as an image surface, one pixel per module and a quiet
 * zone of four; NULL when libqrencode fails. */
cairo_surface_t *bk_qr_surface(bk *k, const char *s) {
  QRcode *q = QRcode_encodeString(s, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return NULL;
  int n = q->width + 8;
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, n, n);
  arena_defer(k->a, destroy_surface, img);
  cairo_surface_flush(img);
  unsigned char *px = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++) {
      bool dark = x >= 4 && y >= 4 && x < n - 4 && y < n - 4 &&
                  (q->data[(y - 4) * q->width + (x - 4)] & 1);
      ((uint32_t *)(px + y * stride))[x] = dark ? 0x000000 : 0xffffff;
    }
  cairo_surface_mark_dirty(img);
  QRcode_free(q);
  return img;
}

/* A fenced block ```video with the lines "id: YOUTUBE-ID" and "title: …":
 * in print, the title and the short address https://youtu.be/ID, with a
 * QR code of it where the layout asks (<video qr="true"/>). */
static bool video_box(bk *k, ctx *c, const mdt_block *blk) {
  if (!blk->info || strncmp(blk->info, "video", 5) != 0 || (blk->info[5] && blk->info[5] != ' '))
    return false;
  const char *id = NULL, *title = NULL;
  for (const char *l = blk->text ? blk->text : ""; *l;) {
    const char *e = strchr(l, '\n');
    size_t len = e ? (size_t)(e - l) : strlen(l);
    const char *line = arena_strndup(k->a, l, len);
    if (str_starts(line, "id:")) id = line + 3;
    else if (str_starts(line, "title:")) title = line + 6;
    l += len + (e ? 1 : 0);
  }
  while (id && *id == ' ') id++;
  while (title && *title == ' ') title++;
  if (!id || !*id) return false;
  const char *url = arena_printf(k->a, "https://youtu.be/%s", id);
  if (k->L->video_qr) {
    cairo_surface_t *img = bk_qr_surface(k, url);
    if (img) {
      box *b = bk_new_box(k, BX_IMAGE, &k->L->styles[BL_P], c->x);
      b->img = img;
      b->crisp = true;
      b->w = b->ih = 24 * MM;
      b->alt = arena_printf(k->a, "QR-kode til videoen %s", title ? title : url);
      b->tag = "Figure";
      b->sb = 2 * MM;
      b->sa = 1 * MM;
      b->keep = true;
      emit(k, b);
    }
  }
  mdt_run r[2] = {{MDR_TEXT, MDS_STRONG, arena_printf(k->a, "Se videoen%s%s%s ", title ? " »" : "", title ? title : "", title ? "«" : ""), NULL, 0},
                  {MDR_TEXT, 0, url, url, 0}};
  mdt_block cap = {0};
  cap.runs = r;
  cap.nruns = 2;
  ctx cc = *c;
  cc.marker = NULL;
  cc.prefix = NULL;
  text_box(k, &cc, &cap, BL_CAPTION, "Caption");
  return true;
}

static void code_box(bk *k, ctx *c, const mdt_block *blk) {
  if (video_box(k, c, blk)) return;
  const bl_style *st = &k->L->styles[BL_CODE];
  box *b = bk_new_box(k, BX_TEXT, st, c->x);
  b->pad = 1.5 * MM;
  tbuild tb;
  bk_tb_init(&tb);
  sbuf_puts(&tb.s, blk->text);
  b->t = bk_make_text(k, &tb, st, b->w - 2 * b->pad, true);
  bk_tb_free(&tb);
  b->has_bg = st->has_background;
  b->bg = st->background;
  b->tag = "Code";
  emit(k, b);
}

static void rule_box(bk *k, ctx *c) {
  box *b = bk_new_box(k, BX_RULE, &k->L->styles[BL_P], c->x);
  b->sb = b->sa = 3 * MM;
  emit(k, b);
}

static void table_box(bk *k, ctx *c, const mdt_block *blk) { emit(k, bk_table_box(k, c->x, blk, NULL)); }

static void blocks(bk *k, ctx *c, mdt_block **bs, size_t n);

static void list_blocks(bk *k, ctx *c, const mdt_block *list) {
  size_t before = k->content.n;
  size_t mark = open_tag(k, "L");
  int num = list->start;
  for (size_t i = 0; i < list->nchildren; i++) {
    const mdt_block *item = list->children[i];
    ctx ic = *c;
    ic.x = c->x + k->L->styles[BL_LI].indent * MM;
    ic.list_depth = c->list_depth + 1;
    ic.tight = list->tight;
    ic.para = c->para == BL_P ? BL_LI : c->para;
    /* A task's box: the marker of an unordered item, or after the number
     * of an ordered one, at the start of its text (□ open, ▣ done: the
     * site's faces have the geometric shapes, not ☐ and ☑). The Markdown
     * "[x]" printed as "[x", and an ordered task lost its number. */
    const char *tick = item->task > 0 ? "\xe2\x96\xa3" : "\xe2\x96\xa1";
    ic.prefix = NULL;
    if (list->ordered && item->task >= 0) {
      ic.marker = arena_printf(k->a, "%d.", num++);
      ic.prefix = arena_printf(k->a, "%s\xc2\xa0", tick);
    } else if (item->task >= 0) ic.marker = tick;
    else if (list->ordered) ic.marker = arena_printf(k->a, "%d.", num++);
    else ic.marker = c->list_depth % 2 ? "\xe2\x80\x93" : "\xe2\x80\xa2"; /* – or • */
    size_t ib = k->content.n;
    size_t imark = open_tag(k, "LI");
    blocks(k, &ic, item->children, item->nchildren);
    close_tag(k, imark, ib);
  }
  close_tag(k, mark, before);
  if (k->content.n > before && c->list_depth == 0)
    k->last->sa = k->L->styles[BL_P].space_after * MM;
}

static void blocks(bk *k, ctx *c, mdt_block **bs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const mdt_block *blk = bs[i];
    switch (blk->kind) {
    case MDT_HEADING: heading_box(k, c, blk); break;
    case MDT_PARAGRAPH: text_box(k, c, blk, c->para, "P"); break;
    case MDT_LIST: list_blocks(k, c, blk); break;
    case MDT_QUOTE: {
      size_t before = k->content.n;
      size_t mark = open_tag(k, "BlockQuote");
      ctx qc = *c;
      qc.bar_x = c->x + 0.5 * MM;
      qc.x = c->x + k->L->styles[BL_BLOCKQUOTE].indent * MM;
      qc.in_quote = true;
      qc.para = BL_BLOCKQUOTE;
      blocks(k, &qc, blk->children, blk->nchildren);
      c->marker = qc.marker;
      close_tag(k, mark, before);
      break;
    }
    case MDT_CODE: code_box(k, c, blk); break;
    case MDT_TABLE: table_box(k, c, blk); break;
    case MDT_BREAK: rule_box(k, c); break;
    case MDT_IMAGE: image_box(k, c, blk); break;
    case MDT_FOOTNOTE: {
      size_t before = k->content.n;
      size_t mark = open_tag(k, "Note");
      ctx fc = *c;
      fc.x = c->x + k->L->styles[BL_LI].indent * MM;
      fc.para = BL_FOOTNOTE;
      fc.marker = arena_printf(k->a, "%d", blk->number);
      blocks(k, &fc, blk->children, blk->nchildren);
      close_tag(k, mark, before);
      break;
    }
    default: break; /* raw HTML has no print form */
    }
  }
}

/* ---- Templates: Markdown made from front matter (see booklayout.h) ---- */

/* Looks path ("offer.role.title") up in item, else the page's front matter;
 * references are followed to their page, whose "title" is its title.
 * Returns the value as text, or NULL when unset. */
static const char *fm_value(bk *k, const val *item, const page *p, const char *path) {
  const val *cur = item ? item : p->fm;
  const page *pg = p;
  for (int tries = 0; tries < 2; tries++) {
    const char *seg = path;
    const val *v = NULL;
    const val *at = cur;
    const page *atp = pg;
    bool fail = false;
    while (seg && *seg) {
      const char *dot = strchr(seg, '.');
      const char *name = dot ? arena_strndup(k->a, seg, (size_t)(dot - seg)) : seg;
      v = at ? val_get(at, name) : NULL;
      if (!v && atp && strcmp(name, "title") == 0 && at == atp->fm) return atp->title;
      if (!v) {
        fail = true;
        break;
      }
      if (v->kind == VAL_REF && v->u.ref.page) {
        atp = v->u.ref.page;
        at = atp->fm;
        if (!dot) return atp->title;
      } else {
        at = v;
        atp = NULL;
      }
      seg = dot ? dot + 1 : NULL;
    }
    if (!fail && v) {
      if (v->kind == VAL_NUM) return arena_printf(k->a, "%g", v->u.num);
      if (v->kind == VAL_BOOL) return v->u.b ? "ja" : "nej";
      if (v->kind == VAL_LIST) {
        sbuf s = SBUF_INIT;
        for (size_t i = 0; i < v->u.list.n; i++) {
          const val *x = v->u.list.items[i];
          const char *t = x->kind == VAL_REF && x->u.ref.page ? ((const page *)x->u.ref.page)->title
                                                            : val_as_str(x);
          if (!t) continue;
          if (s.len) sbuf_puts(&s, ", ");
          sbuf_puts(&s, t);
        }
        char *r = sbuf_dup(&s, k->a);
        sbuf_free(&s);
        return r;
      }
      return val_as_str(v);
    }
    if (!item) break;
    cur = p->fm; /* not in the item: the page's own front matter */
    item = NULL;
  }
  return NULL;
}

/* Appends the text of one {…} placeholder: alternatives split by '/',
 * an optional ":date" format. Characters that would make Markdown of the
 * value (table pipes) are escaped. */
static void put_field(bk *k, sbuf *out, const val *item, const page *p, const char *expr) {
  const char *fmt = strchr(expr, ':');
  char *alts = arena_strndup(k->a, expr, fmt ? (size_t)(fmt - expr) : strlen(expr));
  const char *v = NULL;
  for (char *save = NULL, *a = strtok_r(alts, "/", &save); a && !v; a = strtok_r(NULL, "/", &save)) {
    v = fm_value(k, item, p, a);
    if (v && !*v) v = NULL;
  }
  if (!v) return;
  int y, m, d;
  if (fmt && strcmp(fmt + 1, "date") == 0 && dk_parse_date(v, &y, &m, &d)) {
    dk_date_put(out, y, m, d, true);
    return;
  }
  if (fmt && strcmp(fmt + 1, "weekday") == 0 && dk_parse_date(v, &y, &m, &d)) {
    sbuf_puts(out, dk_weekday(y, m, d));
    return;
  }
  for (; *v; v++) {
    if (*v == '|' || *v == '\\') sbuf_putc(out, '\\');
    sbuf_putc(out, *v == '\n' ? ' ' : *v);
  }
}

static void expand(bk *k, sbuf *out, const char *src, const val *item, const page *p) {
  for (const char *t = src; *t;) {
    const char *close = *t == '{' ? strchr(t, '}') : NULL;
    if (close) {
      put_field(k, out, item, p, arena_strndup(k->a, t + 1, (size_t)(close - t - 1)));
      t = close + 1;
    } else {
      sbuf_putc(out, *t++);
    }
  }
}

/* The Markdown a template made from page p's front matter, through md's
 * guarded entry and the site passes like a body (typography, and links
 * resolved from the page by model_link_resolve); messages point at the
 * template in the print layout. Returns the block tree, or NULL when md
 * refused the text (reported). */
static const mdt_block *template_tree(bk *k, const page *p, const bl_template *t, const char *src,
                                      size_t n) {
  model_link lc = {k->s, p, k->a, NULL};
  md_options o = {0};
  o.site_passes = true;
  o.footnotes = true;
  o.quote_open = k->s ? k->s->quote_open : NULL;
  o.quote_close = k->s ? k->s->quote_close : NULL;
  o.resolve = k->s ? model_link_resolve : NULL;
  o.resolve_ctx = &lc;
  o.file = k->L->file;
  o.line_offset = t->line - 1;
  o.tree = true;
  md_result r;
  if (!md_render(src, n, &o, k->a, k->d, &r)) k->ok = false;
  return r.tree;
}

/* The layout's templates for page p at place after, as Markdown blocks. */
static void template_blocks(bk *k, ctx *c, const page *p, bool after) {
  for (size_t i = 0; i < k->L->ntemplates; i++) {
    const bl_template *t = &k->L->templates[i];
    if (t->after != after) continue;
    if (t->cond && !val_get(p->fm, t->cond)) continue;
    sbuf s = SBUF_INIT;
    for (size_t j = 0; j < t->nsegs; j++) {
      const bl_segment *sg = &t->segs[j];
      if (!sg->each) {
        expand(k, &s, sg->text, NULL, p);
        continue;
      }
      const val *l = val_get(p->fm, sg->each);
      if (!l || l->kind != VAL_LIST) continue;
      for (size_t n = 0; n < l->u.list.n; n++) {
        const val *it = l->u.list.items[n];
        expand(k, &s, sg->text, it->kind == VAL_MAP ? it : NULL, p);
      }
    }
    const mdt_block *doc = template_tree(k, p, t, sbuf_str(&s), s.len);
    sbuf_free(&s);
    if (doc) blocks(k, c, doc->children, doc->nchildren);
  }
}

/* The interface matrix after the body of its page, with the legend of
 * its marks below it (see bk_matrix_table). */
static void matrix_boxes(bk *k, ctx *c, const page *p) {
  bool *band = NULL;
  const mdt_block *t = bk_matrix_table(k, p, &band);
  if (!t) return;
  box *b = bk_table_box(k, c->x, t, band);
  b->sb = k->L->styles[BL_P].space_after * MM;
  emit(k, b);
  if (!k->L->matrix_legend) return;
  mdt_run r = {MDR_TEXT, 0, k->L->matrix_legend, NULL, 0};
  mdt_block leg = {0};
  leg.runs = &r;
  leg.nruns = 1;
  leg.line = t->line;
  leg.col = 1;
  ctx lc = *c;
  lc.marker = NULL;
  lc.prefix = NULL;
  text_box(k, &lc, &leg, BL_CAPTION, "P");
}

/* The footnotes of a booklet page for the foot of the page: each
 * definition's boxes are made as usual, then taken out of the content into
 * a note, and the references made since box first are tied to them. */
static void foot_notes(bk *k, ctx *c, mdt_block **defs, size_t n, size_t first) {
  size_t from = k->notes.n;
  for (size_t i = 0; i < n; i++) {
    size_t before = k->content.n;
    blocks(k, c, defs + i, 1);
    fnote *fn = arena_calloc(k->a, 1, sizeof *fn);
    fn->number = defs[i]->number;
    fn->nboxes = (int)(k->content.n - before);
    fn->boxes = arena_alloc(k->a, (size_t)(fn->nboxes ? fn->nboxes : 1) * sizeof *fn->boxes);
    double y = 0;
    for (int j = 0; j < fn->nboxes; j++) {
      box *b = k->content.items[before + (size_t)j];
      fn->boxes[j] = b;
      y += (j ? fn->boxes[j - 1]->sa + b->sb : 0) + bk_full_h(b);
    }
    fn->h = y;
    k->content.n = before;
    k->last = before ? k->content.items[before - 1] : NULL;
    if (fn->nboxes) vec_push(&k->notes, fn);
  }
  for (size_t i = first; i < k->content.n; i++) {
    box *b = k->content.items[i];
    for (int r = 0; r < b->nrefs; r++)
      for (size_t j = from; j < k->notes.n && !b->refs[r].note; j++)
        if (k->notes.items[j]->number == b->refs[r].number) b->refs[r].note = k->notes.items[j];
  }
}

/* The boxes of one booklet page: its title as a first-level heading unless
 * the body begins with one, then the body, then its footnotes (after the
 * body, or set aside for the foot of the pages, as the layout says). */
void bk_page_boxes(bk *k, const page *p, int index) {
  k->cur_page = index;
  k->cur_src = p;
  k->cur_file = p->file ? p->file : p->src ? p->src : "(page)";
  /* The block tree of the page's one parse, by the Markdown stage; a page
   * without a body has none. */
  static mdt_block *no_blocks[1];
  static const mdt_block empty = {.kind = MDT_DOCUMENT, .children = no_blocks};
  const mdt_block *doc = model_page_md(k->s, p)->tree;
  if (!doc) doc = &empty;
  ctx c = {0};
  c.para = BL_P;
  bool has_h1 = doc->nchildren && doc->children[0]->kind == MDT_HEADING &&
                doc->children[0]->level == 1;
  size_t first = k->content.n;
  if (!has_h1 && p->title) {
    mdt_run r = {MDR_TEXT, 0, p->title, NULL, 0};
    mdt_block h = {0};
    h.kind = MDT_HEADING;
    h.level = 1;
    if (k->L->title_if) { /* any of the fields named, split by blanks */
      char *fs = arena_strdup(k->a, k->L->title_if);
      for (char *save = NULL, *f = strtok_r(fs, " ", &save); f; f = strtok_r(NULL, " ", &save))
        if (val_get(p->fm, f)) h.level = k->L->title_level;
    }
    /* Its position is the title's in the front matter, for messages. */
    const val *tv = val_get(p->fm, "title");
    if (tv) {
      h.line = tv->key_line ? tv->key_line : tv->line;
      h.col = tv->key_line ? tv->key_col : tv->col;
    }
    h.id = "top";
    h.runs = &r;
    h.nruns = 1;
    heading_box(k, &c, &h);
  }
  size_t nbody = doc->nchildren, nfoot = 0;
  while (nbody && doc->children[nbody - 1]->kind == MDT_FOOTNOTE) nbody--, nfoot++;
  if (has_h1) {
    blocks(k, &c, doc->children, 1);
    template_blocks(k, &c, p, false);
    blocks(k, &c, doc->children + 1, nbody - 1);
  } else {
    template_blocks(k, &c, p, false);
    blocks(k, &c, doc->children, nbody);
  }
  template_blocks(k, &c, p, true);
  matrix_boxes(k, &c, p);
  if (nfoot && k->L->notes_on_page) {
    foot_notes(k, &c, doc->children + nbody, nfoot, first);
  } else if (nfoot) {
    rule_box(k, &c);
    k->last->sa = 1.5 * MM;
    k->last->w = k->colw / 3;
    blocks(k, &c, doc->children + nbody, nfoot);
  }
  if (k->content.n > first) {
    box *b0 = k->content.items[first];
    b0->anchor = arena_printf(k->a, "p%d", index);
    map_set(&k->known, b0->anchor, b0);
  }
}

/* A link to a heading or page that is not in the booklet goes to the site. */
void bk_fix_links(bk *k, text *t) {
  for (int i = 0; i < t->nlinks; i++) {
    link_span *ls = &t->links[i];
    if (ls->dest && !map_has(&k->known, ls->dest)) {
      ls->uri = ls->fallback;
      ls->dest = NULL;
    }
  }
}

