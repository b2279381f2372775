/* print: booklets (see print.h). The work is done in four steps:
 *
 *   1. boxes    each page's Markdown (mdtree) becomes a list of boxes: text
 *               boxes hold a PangoLayout shaped at the column width with
 *               soft hyphens from hyph; images, rules and tables have their
 *               own boxes. Structure tags to open and close ride on boxes.
 *   2. flow     klar breaks the boxes into columns and pages: orphans and
 *               widows of two lines, headings kept with what follows, images
 *               never split, tables split between rows with the header
 *               repeated. The table of contents is flowed after the content
 *               so it can show page numbers.
 *   3. draw     every page is drawn to Cairo: once for the reader PDF (links,
 *               bookmarks, tags, labels), once for the printer PDF (bleed,
 *               crop marks) and, on request, two per sheet for imposition.
 *   4. finish   pdfpost adds /Lang and the page boxes; files are renamed
 *               into place only when all of them succeeded.
 */
#include "print.h"
#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "../core/dk.h"
#include "../core/fsx.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../md/mdtree.h"
#include "booklayout.h"
#include "fonts.h"
#include "hyph.h"
#include "impose.h"
#include "pdfpost.h"

#define MM BL_MM

/* ------------------------------------------------------------------------ */
/* Types                                                                     */

typedef struct link_span {
  int start, end;       /* byte range in the layout's text */
  const char *uri;      /* external, or NULL */
  const char *dest;     /* internal destination name, or NULL */
  const char *fallback; /* dest: the site URL to use when no heading has that name */
} link_span;

typedef struct tline {
  double top, bottom, baseline, x; /* relative to the layout's top left */
  int start, len;                  /* bytes of the text */
} tline;

typedef struct text {
  PangoLayout *lay;
  tline *lines;
  int nlines;
  double h, w;
  link_span *links;
  int nlinks;
  unsigned color;
} text;

typedef enum { BX_TEXT, BX_IMAGE, BX_RULE, BX_TABLE } bx_kind;

typedef struct trow {
  text *cells;         /* ncols */
  double h;
  bool header;
} trow;

typedef struct box box;

/* A footnote set at the foot of a page (<footnotes place="page">): its
 * boxes, flowed as one block that is never split. */
typedef struct fnote {
  box **boxes;
  int nboxes;
  double h;            /* its boxes' height with the space between them, pt */
  int number;          /* the footnote's number on its booklet page */
  bool placed;         /* set on a page by the flow running now */
} fnote;

/* A footnote reference in a box: the line (text) or row (table) it is on. */
typedef struct fnref {
  int line;
  int number;
  fnote *note;         /* NULL until the booklet page's notes are made */
} fnref;

struct box {
  bx_kind kind;
  double x, w;         /* from the column's left edge, pt */
  double sb, sa;       /* space before and after, pt */
  bool keep, brk;
  int brk_side;         /* with brk: 1 start on a right-hand page, 2 on a left-hand one */
  const char *tag;     /* structure tag of the box ("P", "H2") */
  const char **open;   /* enclosing structure tags to open before it */
  int nopen, nclose;   /* ... and how many to close after it */
  text t;              /* BX_TEXT */
  double pad;          /* code: padding around the text */
  bool has_bg;
  unsigned bg;
  double bar_x;        /* quote: x of the bar, < 0 for none */
  text marker;         /* list marker, drawn left of the first line */
  double marker_x;
  bool has_marker;
  int level;           /* heading level, 0 otherwise */
  const char *dest;    /* heading: destination name */
  const char *anchor;  /* first box of a booklet page: the page's destination */
  const char *plain;   /* heading: text for the outline and contents */
  int src_page;        /* index of the booklet page it came from */
  const char *file;    /* ... and its file and line, for messages */
  int line;
  text num;            /* toc: the page number, right-aligned */
  bool has_num;
  const char *link_dest; /* toc: the whole entry links here */
  cairo_surface_t *img; /* BX_IMAGE */
  bool crisp;          /* image: scaled without smoothing (a QR code) */
  double ih;
  const char *alt;
  trow *rows;          /* BX_TABLE */
  int nrows, nheader, ncols;
  double *colx, *colw, cellpad;
  fnref *refs;         /* footnote references, when notes go on the page */
  int nrefs;
};

typedef struct frag {
  box *b;
  int from, to;        /* lines or rows */
  int col;
  double y;            /* from the top of the text area */
  bool first, last, rep_header;
} frag;

typedef enum { PG_COVER, PG_TOC, PG_CONTENT, PG_BACK, PG_BLANK, PG_NOTES } pg_kind;

typedef struct pnote {
  fnote *n;
  int col;             /* the column at whose foot it stands */
} pnote;

typedef struct bpage {
  pg_kind kind;
  const bl_part *part;
  VEC(frag) frags;
  VEC(pnote) notes;    /* footnotes at the foot of its columns, in order */
  const char *section;
  const char *subsection;
  int note;            /* notes: which of its part's pages */
} bpage;

typedef VEC(box *) box_vec;
typedef VEC(bpage *) page_vec;
typedef VEC(const char *) str_vec;

typedef struct heading_ref {
  box *b;
  int page;            /* 0-based index among all pages */
  double y;
} heading_ref;

typedef struct bk {
  arena *a;
  diag *d;
  const site *s;
  const booklet_spec *b;
  booklayout *L;
  PangoFontMap *fm;
  PangoContext *pc;
  double pw, ph;       /* trim size, pt */
  double colw, gap, frame_h;
  int ncols;
  box_vec content;
  str_vec pending;     /* structure tags waiting for the next box */
  box *last;           /* the last box made */
  int cur_page;        /* booklet page being converted */
  const page *cur_src;
  const char *cur_file;
  map dests;           /* page src → destination name of its start */
  map known;           /* destination names of headings and page starts */
  int hcount[7];       /* headings of each level since the last higher one */
  VEC(fnote *) notes;  /* every footnote set at the foot of a page */
  bool ok;
} bk;

/* ------------------------------------------------------------------------ */
/* Fonts and text                                                            */

static void unref_obj(void *o) { g_object_unref(o); }
static void destroy_surface(void *s) { cairo_surface_destroy(s); }

static PangoFontDescription *style_font(bk *k, const bl_style *st, double scale) {
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, st->family ? st->family : k->L->family);
  pango_font_description_set_absolute_size(fd, st->size * scale * PANGO_SCALE);
  pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  return fd;
}

/* Checks that fontconfig resolves family to itself, not to a fallback. */
static bool check_family(bk *k, const char *family) {
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, family);
  pango_font_description_set_absolute_size(fd, 10 * PANGO_SCALE);
  PangoFont *f = pango_font_map_load_font(k->fm, k->pc, fd);
  pango_font_description_free(fd);
  const char *got = NULL;
  PangoFontDescription *gd = NULL;
  if (f) {
    gd = pango_font_describe(f);
    got = pango_font_description_get_family(gd);
  }
  bool ok = got && strcasecmp(got, family) == 0;
  if (!ok)
    diag_error(k->d, k->L->file, 0, 0,
               "font family '%s' is not among the site's fonts in assets/fonts/ (they are %s); "
               "put its .ttf or .otf files there, or name one of those in <font> or <style family>",
               family, fonts_families(k->a, k->fm));
  if (gd) pango_font_description_free(gd);
  if (f) g_object_unref(f);
  return ok;
}

/* Measures the lines of a layout, placing baselines on a grid of
 * leading × size so that lines of one style are evenly spaced. */
static void measure(bk *k, text *t, double line_h) {
  PangoLayout *lay = t->lay;
  int n = pango_layout_get_line_count(lay);
  t->nlines = n;
  t->lines = arena_alloc(k->a, (size_t)(n ? n : 1) * sizeof *t->lines);
  PangoLayoutIter *it = pango_layout_get_iter(lay);
  double y = 0, maxw = 0;
  int i = 0;
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, NULL, &logical);
    PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
    double lh = logical.height / (double)PANGO_SCALE;
    double base = (pango_layout_iter_get_baseline(it) - logical.y) / (double)PANGO_SCALE;
    double h = lh > line_h ? lh : line_h;
    tline *l = &t->lines[i++];
    l->top = y;
    l->baseline = y + (h - lh) / 2 + base;
    l->bottom = y + h;
    l->x = logical.x / (double)PANGO_SCALE;
    l->start = ln->start_index;
    l->len = ln->length;
    double right = (logical.x + logical.width) / (double)PANGO_SCALE;
    if (right > maxw) maxw = right;
    y += h;
  } while (pango_layout_iter_next_line(it) && i < n);
  pango_layout_iter_free(it);
  t->nlines = i;
  t->h = y;
  t->w = maxw;
}

typedef struct tbuild {
  sbuf s;
  PangoAttrList *attrs;
  VEC(link_span) links;
  VEC(fnref) refs;     /* footnote references, line = byte offset in s */
} tbuild;

static void tb_attr(tbuild *tb, PangoAttribute *at, size_t start, size_t end) {
  at->start_index = (guint)start;
  at->end_index = (guint)end;
  pango_attr_list_insert(tb->attrs, at);
}

static bool is_external(const char *u) {
  const char *p = u;
  while (*p && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '+' || *p == '-' ||
                *p == '.'))
    p++;
  return (*p == ':' && p > u) || str_starts(u, "//");
}

/* Resolves a link destination written in the Markdown of the current page
 * into a link span's uri or dest. */
static void resolve_link(bk *k, const char *url, link_span *ls) {
  ls->uri = NULL;
  ls->dest = NULL;
  if (is_external(url)) {
    ls->uri = url;
    return;
  }
  const char *base = k->s && k->s->baseurl ? k->s->baseurl : "";
  if (url[0] == '#') {
    ls->dest = arena_printf(k->a, "p%d-%s", k->cur_page, url + 1);
    size_t bl = strlen(base);
    const char *pu = k->cur_src && k->cur_src->url ? k->cur_src->url : "/";
    ls->fallback = arena_printf(k->a, "%.*s%s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl),
                                base, pu, url);
    return;
  }
  if (url[0] == '/') {
    size_t bl = strlen(base);
    ls->uri = arena_printf(k->a, "%.*s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, url);
    return;
  }
  page *target = NULL;
  if (k->s && k->cur_src && k->s->by_src.n) target = model_resolve_link(k->s, k->cur_src, url, k->a);
  if (target) {
    const char *d = target->src ? map_get(&k->dests, target->src) : NULL;
    if (d) {
      const char *hash = strchr(url, '#');
      int idx = (int)(long)map_get(&k->dests, arena_printf(k->a, "#%s", target->src)) - 1;
      ls->dest = hash ? arena_printf(k->a, "p%d-%s", idx, hash + 1) : d;
      size_t bl = strlen(base);
      ls->fallback = arena_printf(k->a, "%.*s%s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl),
                                  base, target->url ? target->url : "/", hash ? hash : "");
      return;
    }
    const char *u = target->url ? target->url : "/";
    size_t bl = strlen(base);
    ls->uri = arena_printf(k->a, "%.*s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, u);
    return;
  }
  /* A relative link that is not a page: keep it relative to the page's URL. */
  const char *pu = k->cur_src && k->cur_src->url ? k->cur_src->url : "/";
  size_t bl = strlen(base);
  ls->uri = arena_printf(k->a, "%.*s%s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base,
                         pu, url);
}

/* A link written as a web address (http, https) as it is printed: without
 * the scheme and a trailing slash; NULL for other links. */
static const char *web_url(const char *u) {
  static __thread char buf[512];
  const char *p = str_starts(u, "https://") ? u + 8 : str_starts(u, "http://") ? u + 7 : NULL;
  if (!p) return NULL;
  snprintf(buf, sizeof buf, "%s", p);
  size_t n = strlen(buf);
  if (n && buf[n - 1] == '/') buf[n - 1] = '\0';
  return buf;
}

static void tb_runs(bk *k, tbuild *tb, const mdt_run *runs, size_t n, bool hyphenate) {
  for (size_t i = 0; i < n; i++) {
    const mdt_run *r = &runs[i];
    size_t start = tb->s.len;
    if (r->kind == MDR_SOFTBREAK) {
      sbuf_putc(&tb->s, ' ');
    } else if (r->kind == MDR_HARDBREAK) {
      sbuf_puts(&tb->s, "\xe2\x80\xa8"); /* U+2028 LINE SEPARATOR */
    } else if (r->kind == MDR_FOOTREF) {
      fnref fr = {(int)start, r->number, NULL};
      vec_push(&tb->refs, fr);
      sbuf_printf(&tb->s, "%d", r->number);
      size_t end = tb->s.len;
      tb_attr(tb, pango_attr_rise_new(4 * PANGO_SCALE), start, end);
      tb_attr(tb, pango_attr_scale_new(0.7), start, end);
      continue;
    } else {
      bool plain_url = r->url && (strcmp(r->text, r->url) == 0 || is_external(r->text));
      if (hyphenate && !(r->style & MDS_CODE) && !plain_url)
        hyph_put(&tb->s, r->text, strlen(r->text));
      else
        sbuf_puts(&tb->s, r->text);
    }
    size_t end = tb->s.len;
    if (end == start) continue;
    if (r->style & MDS_STRONG) tb_attr(tb, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
    if (r->style & MDS_EMPH) tb_attr(tb, pango_attr_style_new(PANGO_STYLE_ITALIC), start, end);
    if (r->style & MDS_STRIKE) tb_attr(tb, pango_attr_strikethrough_new(TRUE), start, end);
    if (r->style & MDS_CODE) {
      tb_attr(tb, pango_attr_family_new(k->L->mono), start, end);
      tb_attr(tb, pango_attr_scale_new(0.9), start, end);
    }
    if (r->kind == MDR_TEXT && r->url && k->L->print_urls && strcmp(r->text, r->url) != 0 &&
        !is_external(r->text) && web_url(r->url) &&
        (i + 1 == n || !runs[i + 1].url || strcmp(runs[i + 1].url, r->url) != 0)) {
      /* The last run of a link to the web: its address follows in print. */
      sbuf_printf(&tb->s, "%s(%s)", r->text[0] && r->text[strlen(r->text) - 1] == ' ' ? "" : "\xc2\xa0", web_url(r->url));
    }
    if (r->url) {
      tb_attr(tb, pango_attr_foreground_new(0x1f1f, 0x4e4e, 0x8c8c), start, end);
      tb_attr(tb, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start, end);
      link_span ls = {(int)start, (int)end, NULL, NULL, NULL};
      resolve_link(k, r->url, &ls);
      if (tb->links.n && tb->links.items[tb->links.n - 1].end == ls.start &&
          ((ls.uri && tb->links.items[tb->links.n - 1].uri &&
            strcmp(ls.uri, tb->links.items[tb->links.n - 1].uri) == 0)))
        tb->links.items[tb->links.n - 1].end = ls.end;
      else
        vec_push(&tb->links, ls);
    }
  }
}

/* Makes a shaped text from a finished builder: width in pt, style st. */
static text make_text(bk *k, tbuild *tb, const bl_style *st, double width, bool wrap_chars) {
  text t = {0};
  PangoLayout *lay = pango_layout_new(k->pc);
  arena_defer(k->a, unref_obj, lay);
  PangoFontDescription *fd = style_font(k, st, 1);
  pango_layout_set_font_description(lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(lay, sbuf_str(&tb->s), (int)tb->s.len);
  if (tb->attrs) pango_layout_set_attributes(lay, tb->attrs);
  pango_layout_set_width(lay, width > 0 ? (int)(width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(lay, wrap_chars ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
  switch (st->align) {
  case BL_CENTER: pango_layout_set_alignment(lay, PANGO_ALIGN_CENTER); break;
  case BL_RIGHT: pango_layout_set_alignment(lay, PANGO_ALIGN_RIGHT); break;
  case BL_JUSTIFY: pango_layout_set_justify(lay, TRUE); break;
  default: break;
  }
  t.lay = lay;
  t.color = st->color;
  measure(k, &t, st->size * st->leading);
  t.nlinks = (int)tb->links.n;
  t.links = arena_alloc(k->a, (tb->links.n ? tb->links.n : 1) * sizeof *t.links);
  if (tb->links.n) memcpy(t.links, tb->links.items, tb->links.n * sizeof *t.links);
  return t;
}

static void tb_init(tbuild *tb) {
  memset(tb, 0, sizeof *tb);
  tb->attrs = pango_attr_list_new();
}

static void tb_free(tbuild *tb) {
  sbuf_free(&tb->s);
  pango_attr_list_unref(tb->attrs);
  vec_free(&tb->links);
  vec_free(&tb->refs);
}

/* Adds the footnote references of builder tb to box b when the layout sets
 * notes at the foot of the page: with t (the text made from tb), each at
 * the line of t that holds it; without, at row (a table's row). */
static void take_refs(bk *k, box *b, const tbuild *tb, const text *t, int row) {
  if (!tb->refs.n || !k->L->notes_on_page) return;
  size_t n = (size_t)b->nrefs + tb->refs.n;
  fnref *all = arena_alloc(k->a, n * sizeof *all);
  if (b->nrefs) memcpy(all, b->refs, (size_t)b->nrefs * sizeof *all);
  for (size_t i = 0; i < tb->refs.n; i++) {
    fnref r = tb->refs.items[i];
    int line = row;
    if (t) {
      line = 0;
      while (line + 1 < t->nlines && t->lines[line + 1].start <= r.line) line++;
    }
    r.line = line;
    all[b->nrefs + (int)i] = r;
  }
  b->refs = all;
  b->nrefs = (int)n;
}

/* A text of one plain string. */
static text plain_text(bk *k, const char *s, const bl_style *st, double width) {
  tbuild tb;
  tb_init(&tb);
  if (st->hyphenate) hyph_put(&tb.s, s, strlen(s));
  else sbuf_puts(&tb.s, s);
  text t = make_text(k, &tb, st, width, false);
  tb_free(&tb);
  return t;
}

/* ------------------------------------------------------------------------ */
/* Boxes from the block tree                                                 */

static box *new_box(bk *k, bx_kind kind, const bl_style *st, double x) {
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
  b->marker = plain_text(k, c->marker, &ms, mw - 1.5 * MM);
  b->marker_x = b->x - mw;
  b->has_marker = true;
  c->marker = NULL;
}

static void text_box(bk *k, ctx *c, const mdt_block *blk, bl_element el, const char *tag) {
  const bl_style *st = &k->L->styles[el];
  box *b = new_box(k, BX_TEXT, st, c->x);
  tbuild tb;
  tb_init(&tb);
  tb_runs(k, &tb, blk->runs, blk->nruns, st->hyphenate);
  b->t = make_text(k, &tb, st, b->w, false);
  take_refs(k, b, &tb, &b->t, 0);
  tb_free(&tb);
  b->line = blk->line;
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
  box *b = new_box(k, BX_TEXT, st, c->x);
  /* "between": a break before every heading of this level but the first
   * one under its parent heading. */
  k->hcount[level]++;
  for (int i = level + 1; i < 7; i++) k->hcount[i] = 0;
  if (st->break_between && k->hcount[level] < 2) b->brk = false;
  tbuild tb;
  tb_init(&tb);
  tb_runs(k, &tb, blk->runs, blk->nruns, false);
  b->t = make_text(k, &tb, st, b->w, false);
  take_refs(k, b, &tb, &b->t, 0);
  tb_free(&tb);
  static const char *const tags[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
  b->line = blk->line;
  b->tag = tags[blk->level - 1];
  b->level = blk->level;
  b->dest = arena_printf(k->a, "p%d-%s", k->cur_page, blk->id);
  map_set(&k->known, b->dest, b);
  b->plain = mdtree_plain(k->a, blk);
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
  if (is_external(src) || src[0] == '/') {
    diag_error(k->d, k->cur_file, blk->line, blk->col,
               "image '%s' is not a file of the site; a booklet can only print local images", src);
    return NULL;
  }
  const char *dir = k->cur_src && k->cur_src->dir ? k->cur_src->dir : "";
  const char *cdir = k->s && k->s->content_dir ? k->s->content_dir : "content";
  char *rel = *dir ? fsx_join(k->a, dir, src) : arena_strdup(k->a, src);
  char *q = strpbrk(rel, "?#");
  if (q) *q = '\0';
  const char *path = fsx_join(k->a, cdir, rel);
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
  box *b = new_box(k, BX_IMAGE, st, c->x);
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
  b->tag = "Figure";
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
    text_box(k, &cc, &cap, BL_CAPTION, "Caption");
  }
}

/* A QR code of s as an image surface, one pixel per module and a quiet
 * zone of four; NULL when libqrencode fails. */
static cairo_surface_t *qr_surface(bk *k, const char *s) {
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
    cairo_surface_t *img = qr_surface(k, url);
    if (img) {
      box *b = new_box(k, BX_IMAGE, &k->L->styles[BL_P], c->x);
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
  text_box(k, &cc, &cap, BL_CAPTION, "Caption");
  return true;
}

static void code_box(bk *k, ctx *c, const mdt_block *blk) {
  if (video_box(k, c, blk)) return;
  const bl_style *st = &k->L->styles[BL_CODE];
  box *b = new_box(k, BX_TEXT, st, c->x);
  b->pad = 1.5 * MM;
  tbuild tb;
  tb_init(&tb);
  sbuf_puts(&tb.s, blk->text);
  b->t = make_text(k, &tb, st, b->w - 2 * b->pad, true);
  tb_free(&tb);
  b->has_bg = st->has_background;
  b->bg = st->background;
  b->tag = "Code";
  emit(k, b);
}

static void rule_box(bk *k, ctx *c) {
  box *b = new_box(k, BX_RULE, &k->L->styles[BL_P], c->x);
  b->sb = b->sa = 3 * MM;
  emit(k, b);
}

static void table_box(bk *k, ctx *c, const mdt_block *blk) {
  const bl_style *td = &k->L->styles[BL_TABLE], *th = &k->L->styles[BL_TH];
  box *b = new_box(k, BX_TABLE, td, c->x);
  b->line = blk->line;
  int nc = blk->ncols > 0 ? blk->ncols : 1;
  b->ncols = nc;
  b->cellpad = 1.2 * MM;
  b->tag = "Table";
  /* Column widths: in proportion to each column's natural width, all of
   * the column when the table is wider than it. */
  double *nat = arena_calloc(k->a, (size_t)nc, sizeof *nat);
  for (size_t r = 0; r < blk->nchildren; r++) {
    const mdt_block *row = blk->children[r];
    for (size_t ci = 0; ci < row->nchildren && (int)ci < nc; ci++) {
      tbuild tb;
      tb_init(&tb);
      tb_runs(k, &tb, row->children[ci]->runs, row->children[ci]->nruns, false);
      text t = make_text(k, &tb, row->header ? th : td, -1, false);
      tb_free(&tb);
      if (t.w > nat[ci]) nat[ci] = t.w;
    }
  }
  double avail = b->w - 2 * b->cellpad * nc, sum = 0;
  for (int i = 0; i < nc; i++) {
    if (nat[i] < 4 * MM) nat[i] = 4 * MM;
    sum += nat[i];
  }
  b->colw = arena_alloc(k->a, (size_t)nc * sizeof *b->colw);
  b->colx = arena_alloc(k->a, (size_t)nc * sizeof *b->colx);
  double floor_w = avail / nc * 0.4, fsum = 0;
  for (int i = 0; i < nc; i++) {
    double w = sum <= avail ? nat[i] + (avail - sum) * nat[i] / sum : avail * nat[i] / sum;
    if (w < floor_w) w = floor_w;
    b->colw[i] = w;
    fsum += w;
  }
  double x = 0;
  for (int i = 0; i < nc; i++) {
    b->colw[i] *= avail / fsum;
    b->colx[i] = x;
    x += b->colw[i] + 2 * b->cellpad;
  }
  b->nrows = (int)blk->nchildren;
  b->rows = arena_calloc(k->a, (size_t)(b->nrows ? b->nrows : 1), sizeof *b->rows);
  for (int r = 0; r < b->nrows; r++) {
    const mdt_block *row = blk->children[r];
    trow *tr = &b->rows[r];
    tr->header = row->header;
    if (row->header && r == b->nheader) b->nheader++;
    tr->cells = arena_calloc(k->a, (size_t)nc, sizeof *tr->cells);
    double h = 0;
    for (int ci = 0; ci < nc; ci++) {
      bl_style st = *(row->header ? th : td);
      char al = blk->align ? blk->align[ci] : '-';
      st.align = al == 'c' ? BL_CENTER : al == 'r' ? BL_RIGHT : BL_LEFT;
      tbuild tb;
      tb_init(&tb);
      if ((size_t)ci < row->nchildren)
        tb_runs(k, &tb, row->children[ci]->runs, row->children[ci]->nruns, true);
      tr->cells[ci] = make_text(k, &tb, &st, b->colw[ci], false);
      take_refs(k, b, &tb, NULL, r);
      tb_free(&tb);
      if (tr->cells[ci].h > h) h = tr->cells[ci].h;
    }
    tr->h = h + 2 * b->cellpad;
  }
  emit(k, b);
}

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
    if (item->task >= 0) ic.marker = item->task ? "[x]" : "[ ]";
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
    mdt_block *doc = mdtree_parse(k->a, s.len ? s.data : "", s.len, k->L->file, t->line - 1, k->d);
    sbuf_free(&s);
    blocks(k, c, doc->children, doc->nchildren);
  }
}

/* The footnotes of a booklet page for the foot of the page: each
 * definition's boxes are made as usual, then taken out of the content into
 * a note, and the references made since box first are tied to them. */
static double full_h(const box *b);

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
      y += (j ? fn->boxes[j - 1]->sa + b->sb : 0) + full_h(b);
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
static void page_boxes(bk *k, const page *p, int index) {
  k->cur_page = index;
  k->cur_src = p;
  k->cur_file = p->file ? p->file : p->src ? p->src : "(page)";
  mdt_block *doc = mdtree_parse(k->a, p->body ? p->body : "", p->body ? p->body_len : 0,
                                k->cur_file, p->body_line > 0 ? p->body_line - 1 : 0, k->d);
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
static void fix_links(bk *k, text *t) {
  for (int i = 0; i < t->nlinks; i++) {
    link_span *ls = &t->links[i];
    if (ls->dest && !map_has(&k->known, ls->dest)) {
      ls->uri = ls->fallback;
      ls->dest = NULL;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Flow: boxes into columns and pages                                        */

typedef struct flow {
  bk *k;
  page_vec *pages;
  pg_kind kind;
  bpage *pg;
  int col;
  double y;
  int base;            /* physical number of the first page flowed, for left/right breaks */
  size_t first;        /* its index in pages */
  double notes_h;      /* the footnotes at the foot of this frame, with their rule */
} flow;

static bpage *new_page(bk *k, page_vec *pages, pg_kind kind, const bl_part *part) {
  bpage *p = arena_calloc(k->a, 1, sizeof *p);
  p->kind = kind;
  p->part = part;
  vec_push(pages, p);
  return p;
}

static void page_free_frags(void *p) {
  vec_free(&((bpage *)p)->frags);
  vec_free(&((bpage *)p)->notes);
}

static void next_frame(flow *f) {
  f->y = 0;
  f->notes_h = 0;
  if (++f->col < f->k->ncols) return;
  f->col = 0;
  f->pg = new_page(f->k, f->pages, f->kind, NULL);
  arena_defer(f->k->a, page_free_frags, f->pg);
}

static void place(flow *f, box *b, int from, int to, double h, bool first, bool last, bool rep) {
  double sb = f->y > 0 ? b->sb : 0;
  frag fr = {b, from, to, f->col, f->y + sb, first, last, rep};
  vec_push(&f->pg->frags, fr);
  f->y += sb + h;
}

/* Footnotes at the foot of a frame: a short rule in NOTE_RULE above them,
 * the notes NOTE_GAP apart (the footnote style's space after). */
#define NOTE_RULE (3 * MM)
#define NOTE_GAP(k) ((k)->L->styles[BL_FOOTNOTE].space_after * MM)

/* The height of the frame the text may fill: what its footnotes leave. */
static double room(const flow *f) { return f->k->frame_h - f->notes_h; }

/* Whether reference i of b is the first in lines from..to to its note. */
static bool first_ref(const box *b, int i, int from, int to) {
  const fnref *r = &b->refs[i];
  if (!r->note || r->line < from || r->line >= to) return false;
  for (int j = 0; j < i; j++)
    if (b->refs[j].note == r->note && b->refs[j].line >= from && b->refs[j].line < to) return false;
  return true;
}

/* The height that the footnotes referred to in lines (or rows) from..to of
 * b add to the current frame: those not set yet, the first of the frame
 * with the rule above it. */
static double notes_need(const flow *f, const box *b, int from, int to) {
  double h = 0, have = f->notes_h;
  for (int i = 0; i < b->nrefs; i++) {
    if (!first_ref(b, i, from, to) || b->refs[i].note->placed) continue;
    double add = (have > 0 ? NOTE_GAP(f->k) : NOTE_RULE) + b->refs[i].note->h;
    h += add;
    have += add;
  }
  return h;
}

/* Sets the footnotes of lines (rows) from..to of b at the foot of the frame. */
static void place_notes(flow *f, const box *b, int from, int to) {
  for (int i = 0; i < b->nrefs; i++) {
    fnote *n = b->refs[i].note;
    if (!first_ref(b, i, from, to) || n->placed) continue;
    f->notes_h += (f->notes_h > 0 ? NOTE_GAP(f->k) : NOTE_RULE) + n->h;
    n->placed = true;
    pnote pn = {n, f->col};
    vec_push(&f->pg->notes, pn);
  }
}

static double text_h(const box *b, int from, int to) {
  if (to <= from) return 0;
  return b->t.lines[to - 1].bottom - b->t.lines[from].top + 2 * b->pad;
}

static double header_h(const box *b) {
  double h = 0;
  for (int i = 0; i < b->nheader; i++) h += b->rows[i].h;
  return h;
}

/* The height a box needs at least on the page where it starts. */
static double min_h(const box *b) {
  switch (b->kind) {
  case BX_TEXT: return text_h(b, 0, b->t.nlines < 2 ? b->t.nlines : 2);
  case BX_IMAGE: return b->ih;
  case BX_TABLE: return header_h(b) + (b->nrows > b->nheader ? b->rows[b->nheader].h : 0);
  default: return 1;
  }
}

static double full_h(const box *b) {
  switch (b->kind) {
  case BX_TEXT: return text_h(b, 0, b->t.nlines);
  case BX_IMAGE: return b->ih;
  case BX_TABLE: {
    double h = 0;
    for (int i = 0; i < b->nrows; i++) h += b->rows[i].h;
    return h;
  }
  default: return 1;
  }
}

static void flow_text(flow *f, box *b) {
  int n = b->t.nlines, from = 0;
  while (from < n) {
    double sb = f->y > 0 ? b->sb : 0;
    double avail = room(f) - f->y - sb;
    int k = from;
    /* A line goes where its footnotes fit below it too. */
    while (k < n && text_h(b, from, k + 1) + notes_need(f, b, from, k + 1) <= avail + 0.01) k++;
    if (k == n) {
      place(f, b, from, n, text_h(b, from, n), from == 0, true, false);
      place_notes(f, b, from, n);
      f->y += b->sa;
      return;
    }
    /* Split: two lines at least before the break (orphans) and after it
     * (widows); a frame that cannot hold them starts afresh. */
    if (n - k < 2) k = n - 2;
    if (k - from < 2 && !(f->y == 0 && k > from)) {
      if (f->y > 0 || k > from) {
        next_frame(f);
        continue;
      }
      /* A line taller than a frame cannot be set, nor one whose footnotes
       * leave it no room. */
      if (text_h(b, from, from + 1) <= avail + 0.01)
        diag_error(f->k->d, b->file, b->line, 0,
                   "the footnotes referred to in this text are too long to stand on one page "
                   "with their reference (%.0f mm); shorten them or set the layout's "
                   "<footnotes place=\"section\"/>",
                   f->k->frame_h / MM);
      else
        diag_error(f->k->d, b->file, b->line, 0,
                   "a line of this text is taller than the page's text area (%.0f mm); make "
                   "the text smaller or the layout's margins narrower",
                   f->k->frame_h / MM);
      f->k->ok = false;
      k = from + 1;
    }
    place(f, b, from, k, text_h(b, from, k), from == 0, false, false);
    place_notes(f, b, from, k);
    next_frame(f);
    from = k;
  }
  if (n == 0) place(f, b, 0, 0, 0, true, true, false);
}

static void flow_table(flow *f, box *b) {
  int r = b->nheader, n = b->nrows;
  bool first = true;
  double hh = header_h(b);
  while (true) {
    double sb = f->y > 0 ? b->sb : 0;
    double avail = room(f) - f->y - sb - hh;
    double used = 0;
    int k = r, lo = first ? 0 : r; /* the first fragment carries the header's references */
    while (k < n && used + b->rows[k].h + notes_need(f, b, lo, k + 1) <= avail + 0.01) {
      used += b->rows[k].h;
      k++;
    }
    if (k == r && r < n) {
      if (f->y > 0) {
        next_frame(f);
        continue;
      }
      diag_error(f->k->d, b->file, b->line, 0,
                 "a row of this table is taller than the page's text area (%.0f mm); shorten "
                 "the cell's text",
                 f->k->frame_h / MM);
      f->k->ok = false;
      k = r + 1, used = b->rows[r].h;
    }
    /* Fragments hold body rows from..to; the header rows are drawn above
     * each of them (first: as the table's own header). */
    place(f, b, r, k, hh + used, first, k == n, !first);
    place_notes(f, b, lo, k);
    if (k == n) {
      f->y += b->sa;
      return;
    }
    next_frame(f);
    first = false;
    r = k;
  }
}

/* Flows boxes onto pages appended to pages; base is the physical number
 * of the first of them (odd: a right-hand page). */
static void flow_boxes(bk *k, page_vec *pages, pg_kind kind, box **bs, size_t n, int base) {
  flow f = {k, pages, kind, NULL, 0, 0, base, pages->n, 0};
  for (size_t i = 0; i < k->notes.n; i++) k->notes.items[i]->placed = false;
  f.pg = new_page(k, pages, kind, NULL);
  arena_defer(k->a, page_free_frags, f.pg);
  for (size_t i = 0; i < n; i++) {
    box *b = bs[i];
    if (b->brk && (f.y > 0 || f.col > 0 || f.pg->frags.n)) {
      f.col = k->ncols - 1;
      next_frame(&f);
    }
    if (b->brk && b->brk_side) {
      /* A left- or right-hand start: leave the facing page empty. */
      int no = f.base + (int)(pages->n - 1 - f.first);
      bool right = no % 2 == 1;
      if (right != (b->brk_side == 1)) {
        f.col = k->ncols - 1;
        next_frame(&f);
      }
    }
    /* Keep with next: the box, every kept box after it and the start of
     * the first one not kept must fit together. */
    if (b->keep && f.y > 0) {
      double need = b->sb;
      size_t j = i;
      while (j < n && bs[j]->keep) {
        need += full_h(bs[j]) + bs[j]->sa + (j > i ? bs[j]->sb : 0);
        j++;
      }
      if (j < n) need += bs[j]->sb + min_h(bs[j]);
      if (f.y + need > room(&f) + 0.01 && need <= k->frame_h) next_frame(&f);
    }
    switch (b->kind) {
    case BX_TEXT: flow_text(&f, b); break;
    case BX_TABLE: flow_table(&f, b); break;
    default: {
      double h = full_h(b);
      if (f.y > 0 && f.y + b->sb + h > room(&f) + 0.01) next_frame(&f);
      place(&f, b, 0, 0, h, true, true, false);
      f.y += b->sa;
    }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

typedef enum { OUT_READER, OUT_PRINTER } out_kind;

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

static void draw_lines(draw *dr, const text *t, int from, int to, double x, double y) {
  if (to <= from) return;
  double top = t->lines[from].top;
  set_rgb(dr->cr, t->color);
  for (int i = from; i < to; i++) {
    PangoLayoutLine *ln = pango_layout_get_line_readonly(t->lay, i);
    cairo_move_to(dr->cr, x + t->lines[i].x, y + t->lines[i].baseline - top);
    pango_cairo_show_layout_line(dr->cr, ln);
  }
  if (dr->out != OUT_READER) return;
  for (int li = 0; li < t->nlinks; li++) {
    const link_span *ls = &t->links[li];
    sbuf rects = SBUF_INIT;
    for (int i = from; i < to; i++) {
      const tline *l = &t->lines[i];
      int a = ls->start > l->start ? ls->start : l->start;
      int b = ls->end < l->start + l->len ? ls->end : l->start + l->len;
      if (a >= b) continue;
      PangoLayoutLine *ln = pango_layout_get_line_readonly(t->lay, i);
      int xa, xb;
      pango_layout_line_index_to_x(ln, a, FALSE, &xa);
      pango_layout_line_index_to_x(ln, b, FALSE, &xb);
      if (b == l->start + l->len) pango_layout_line_index_to_x(ln, b - 1, TRUE, &xb);
      double x0 = x + l->x + (xa < xb ? xa : xb) / (double)PANGO_SCALE;
      double w = fabs((double)(xb - xa)) / PANGO_SCALE;
      sbuf_printf(&rects, "%.2f %.2f %.2f %.2f ", x0, y + l->top - top, w, l->bottom - l->top);
    }
    if (rects.len) {
      char *attrs;
      if (ls->uri) {
        sbuf esc = SBUF_INIT;
        for (const char *p = ls->uri; *p; p++) {
          if (*p == '\'' || *p == '\\') sbuf_putc(&esc, '\\');
          sbuf_putc(&esc, *p);
        }
        attrs = arena_printf(dr->k->a, "uri='%s' rect=[%s]", sbuf_str(&esc), sbuf_str(&rects));
        sbuf_free(&esc);
      } else {
        attrs = arena_printf(dr->k->a, "dest='%s' rect=[%s]", ls->dest, sbuf_str(&rects));
      }
      cairo_tag_begin(dr->cr, CAIRO_TAG_LINK, attrs);
      cairo_tag_end(dr->cr, CAIRO_TAG_LINK);
    }
    sbuf_free(&rects);
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
  if (fr->first) tag_begin(dr, b->tag);
  switch (b->kind) {
  case BX_TEXT: {
    double h = text_h(b, fr->from, fr->to);
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
    draw_lines(dr, &b->t, fr->from, fr->to, x + b->pad, y + b->pad);
    if (b->has_num && fr->last && b->t.nlines) {
      const tline *l = &b->t.lines[b->t.nlines - 1];
      double ny = y + l->baseline - b->t.lines[fr->from].top - b->num.lines[0].baseline;
      draw_lines(dr, &b->num, 0, b->num.nlines, x + b->w - b->num.w, ny);
    }
    if (b->link_dest && dr->out == OUT_READER) {
      char *attrs = arena_printf(k->a, "dest='%s' rect=[%.2f %.2f %.2f %.2f]", b->link_dest, x, y,
                                 b->w, h);
      cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
      cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
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
        if (tr->header && k->L->styles[BL_TH].has_background) {
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
    tag_end(dr);
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
      if (v && dk_parse_date(v, &y, &m, &d)) dk_date_put(&s, y, m, d, false);
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
  text t = plain_text(k, sbuf_str(&s), &st, width);
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

static void draw_cover(draw *dr, const bpage *pg, double bleed) {
  bk *k = dr->k;
  const bl_part *part = pg->part;
  if (part->has_background) {
    set_rgb(dr->cr, part->background);
    cairo_rectangle(dr->cr, -bleed, -bleed, k->pw + 2 * bleed, k->ph + 2 * bleed);
    cairo_fill(dr->cr);
  }
  double width = k->pw - (k->L->inner + k->L->outer) * MM;
  VEC(text) ts = {0};
  VEC(double) gaps = {0};
  VEC(const char *) tags = {0};
  double total = 0;
  for (size_t i = 0; i < part->ntexts; i++) {
    const bl_text *bt = &part->texts[i];
    const char *s = bt->field ? field_text(k, bt->field) : bt->text;
    if (!s || !*s) continue;
    bl_style st = k->L->styles[bt->style];
    st.color = part->color;
    st.hyphenate = false;
    /* Texts in a running style keep the cover's own alignment. */
    if (bt->style != BL_COVER_TITLE && bt->style != BL_COVER_TEXT && !part->text_page)
      st.align = k->L->styles[BL_COVER_TEXT].align;
    text t = plain_text(k, s, &st, width);
    vec_push(&ts, t);
    vec_push(&gaps, st.space_after * MM);
    vec_push(&tags, bt->style == BL_COVER_TITLE ? "H1" : "P");
    total += t.h + st.space_after * MM;
  }
  double area_top = k->L->top * MM, area_h = k->ph - (k->L->top + k->L->bottom) * MM;
  double y = area_top;
  if (strcmp(part->valign, "middle") == 0) y = area_top + (area_h - total) / 2;
  else if (strcmp(part->valign, "bottom") == 0) y = area_top + area_h - total;
  double left = col_left(k, dr->pageno, 0);
  for (size_t i = 0; i < ts.n; i++) {
    tag_begin(dr, tags.items[i]);
    draw_lines(dr, &ts.items[i], 0, ts.items[i].nlines, left, y);
    tag_end(dr);
    y += ts.items[i].h + gaps.items[i];
  }
  vec_free(&ts);
  vec_free(&gaps);
  vec_free(&tags);
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
  text t = plain_text(k, title, &st, width);
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
        y += full_h(b);
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
  for (size_t i = 0; i < pg->frags.n; i++) draw_frag(dr, &pg->frags.items[i], pageno);
  /* Close what is still open at the end of the page; keep the names. */
  size_t open = dr->tags.n;
  for (size_t i = open; i > 0; i--) cairo_tag_end(dr->cr, dr->tags.items[i - 1]);
  dr->tags.n = open;
  /* Footnotes last, outside what the page left open; each closes itself. */
  draw_foot_notes(dr, pg, pageno);
  assert(dr->tags.n == open);
}

static void crop_marks(cairo_t *cr, double x0, double y0, double w, double h, double bleed,
                       double slug) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
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

/* ------------------------------------------------------------------------ */

/* Ends a PDF drawn on cr/sf: flushes it to path and frees both. Returns
 * false after reporting a write error at the booklet's declaration. */
static bool finish_pdf(bk *k, cairo_t *cr, cairo_surface_t *sf, const char *path) {
  cairo_destroy(cr);
  cairo_surface_finish(sf);
  cairo_status_t st = cairo_surface_status(sf);
  cairo_surface_destroy(sf);
  if (st != CAIRO_STATUS_SUCCESS) {
    diag_error(k->d, k->b->file, k->b->line, 0, "cannot write %s: %s", path,
               cairo_status_to_string(st));
    return false;
  }
  return true;
}

/* Outputs                                                                   */

static const char *pdf_date(bk *k) {
  const char *d = k->s && k->s->build_date ? k->s->build_date : NULL;
  int y, m, dd;
  if (d && dk_parse_date(d, &y, &m, &dd)) return arena_printf(k->a, "%04d-%02d-%02dT00:00:00", y, m, dd);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    time_t t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    return arena_printf(k->a, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return NULL;
}

static const char *page_label(const bpage *p, int pageno, arena *a) {
  if (p->kind == PG_COVER) return "Forside";
  if (p->kind == PG_BACK) return "Bagside";
  return arena_printf(a, "%d", pageno);
}

static bool write_reader(bk *k, page_vec *pages, const char *path, heading_ref *hs, size_t nh) {
  cairo_surface_t *sf = cairo_pdf_surface_create(path, k->pw, k->ph);
  const char *title = k->b->title;
  if (!title && k->b->npages) title = k->b->pages[0]->title;
  if (title) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
  const char *author = k->b->author ? k->b->author : k->s ? k->s->title : NULL;
  if (author) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR, author);
  if (k->b->subject) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT, k->b->subject);
  cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "klar");
  const char *date = pdf_date(k);
  if (date) {
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, date);
  }
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
  return finish_pdf(k, cr, sf, path);
}

/* Where the imposed spread (two pages with bleed and slug) sits on the
 * layout's press sheet: centred, ox/oy from the sheet's lower left corner.
 * Without a named sheet the sheet is the spread itself (0, 0). Reports a
 * spread that does not fit the sheet. */
static bool sheet_offset(bk *k, double *ox, double *oy) {
  *ox = *oy = 0;
  if (!k->L->sheet) return true;
  double bleed = k->L->bleed * MM, slug = k->L->marks ? 8 * MM : 0, m = bleed + slug;
  double w = 2 * k->pw + 2 * m, h = k->ph + 2 * m;
  double sw = k->L->sheet_w * MM, sh = k->L->sheet_h * MM;
  if (w > sw + 0.01 || h > sh + 0.01) {
    diag_error(k->d, k->L->file, 0, 0,
               "the imposed spread with bleed and crop marks is %.0f x %.0f mm and does not fit on the sheet %s "
               "(%.0f x %.0f mm): name a larger sheet in <impose sheet>",
               w / MM, h / MM, k->L->sheet, k->L->sheet_w, k->L->sheet_h);
    return false;
  }
  *ox = (sw - w) / 2;
  *oy = (sh - h) / 2;
  return true;
}

/* The printer PDF: every page enlarged by bleed and slug; imposed: two
 * pages per sheet side in saddle-stitch order, on the layout's press sheet. */
static bool write_printer(bk *k, page_vec *pages, const char *path, bool imposed) {
  double bleed = k->L->bleed * MM, slug = k->L->marks ? 8 * MM : 0, m = bleed + slug;
  double sw = (imposed ? 2 * k->pw : k->pw) + 2 * m, sh = k->ph + 2 * m;
  double spread_h = sh, ox = 0, oy = 0;
  if (imposed && !sheet_offset(k, &ox, &oy)) return false;
  if (imposed && k->L->sheet) {
    sw = k->L->sheet_w * MM;
    sh = k->L->sheet_h * MM;
  }
  cairo_surface_t *sf = cairo_pdf_surface_create(path, sw, sh);
  cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "klar");
  const char *date = pdf_date(k);
  if (date) {
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, date);
  }
  const char *title = k->b->title ? k->b->title : k->b->npages ? k->b->pages[0]->title : NULL;
  if (title) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
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
      if (k->L->marks) crop_marks(cr, m, m, k->pw, k->ph, bleed, slug);
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
      if (k->L->marks) {
        crop_marks(cr, m, m, 2 * k->pw, k->ph, bleed, slug);
        /* The fold. */
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.25);
        cairo_move_to(cr, m + k->pw, 0);
        cairo_line_to(cr, m + k->pw, slug - 0.5 * MM);
        cairo_move_to(cr, m + k->pw, spread_h);
        cairo_line_to(cr, m + k->pw, spread_h - slug + 0.5 * MM);
        cairo_stroke(cr);
      }
      cairo_restore(cr);
    }
    cairo_show_page(cr);
  }
  vec_free(&dr.tags);
  return finish_pdf(k, cr, sf, path);
}

/* ------------------------------------------------------------------------ */
/* The booklet                                                               */

/* The heading of a generated part (contents, index): an H1 kept with what
 * follows, with dest as its link target. */
static box *part_title_box(bk *k, const bl_part *part, const char *dest) {
  const bl_style *tt = &k->L->styles[BL_TOC_TITLE];
  box *t = new_box(k, BX_TEXT, tt, 0);
  t->t = plain_text(k, part->title, tt, t->w);
  t->tag = "H1";
  t->keep = true;
  t->level = 1;
  t->plain = part->title;
  t->dest = dest;
  return t;
}

static void toc_boxes(bk *k, const bl_part *part, heading_ref *hs, size_t nh, int first_page,
                      box_vec *out, bool placeholder) {
  out->n = 0;
  vec_push(out, part_title_box(k, part, "indhold"));
  const bl_style *st = &k->L->styles[BL_TOC];
  size_t open_at = out->n;
  for (size_t i = 0; i < nh; i++) {
    if (hs[i].b->level > part->depth) continue;
    double indent = (hs[i].b->level - 1) * 4 * MM;
    bl_style es = *st;
    es.hyphenate = false;
    es.align = BL_LEFT;
    if (hs[i].b->level == 1) es.bold = true;
    box *b = new_box(k, BX_TEXT, &es, indent);
    bl_style ns = es;
    ns.align = BL_LEFT;
    const char *num = placeholder ? "000" : arena_printf(k->a, "%d", hs[i].page + first_page);
    b->num = plain_text(k, num, &ns, -1);
    b->has_num = true;
    b->t = plain_text(k, hs[i].b->plain, &es, b->w - 12 * MM);
    b->tag = "TOCI";
    b->link_dest = hs[i].b->dest;
    if (hs[i].b->level == 1 && out->n > open_at) b->sb = es.space_after * MM * 2;
    vec_push(out, b);
  }
  if (out->n > open_at) {
    const char **o = arena_alloc(k->a, sizeof *o);
    o[0] = "TOC";
    out->items[open_at]->open = o;
    out->items[open_at]->nopen = 1;
    out->items[out->n - 1]->nclose = 1;
  }
}

/* The index part: the booklet's pages grouped by the values of a front
 * matter field (references to pages, ordered by their weight, or plain
 * words), each entry with the page number where that page starts. */
typedef struct ix_group {
  const char *title;
  double weight;
  VEC(int) members;
} ix_group;

static int ix_cmp(const void *a, const void *b) {
  const ix_group *x = a, *y = b;
  if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
  return dk_collate(x->title, y->title);
}

static void index_boxes(bk *k, const bl_part *part, page_vec *content, int first_page,
                        box_vec *out, bool placeholder) {
  out->n = 0;
  int *start = arena_calloc(k->a, k->b->npages ? k->b->npages : 1, sizeof *start);
  for (size_t i = 0; i < content->n; i++)
    for (size_t j = 0; j < content->items[i]->frags.n; j++) {
      frag *fr = &content->items[i]->frags.items[j];
      if (fr->first && fr->b->anchor && !start[fr->b->src_page]) start[fr->b->src_page] = (int)i + 1;
    }
  VEC(ix_group) gs = {0};
  for (size_t i = 0; i < k->b->npages; i++) {
    const val *v = val_get(k->b->pages[i]->fm, part->field);
    if (!v) continue;
    size_t n = v->kind == VAL_LIST ? v->u.list.n : 1;
    for (size_t j = 0; j < n; j++) {
      const val *x = v->kind == VAL_LIST ? v->u.list.items[j] : v;
      const page *tp = x->kind == VAL_REF ? x->u.ref.page : NULL;
      const char *t = tp ? tp->title : val_as_str(x);
      if (!t) continue;
      size_t g = 0;
      while (g < gs.n && strcmp(gs.items[g].title, t) != 0) g++;
      if (g == gs.n) {
        ix_group ng = {t, tp ? tp->weight : 1e9, {0}};
        vec_push(&gs, ng);
      }
      vec_push(&gs.items[g].members, (int)i);
    }
  }
  if (gs.n) qsort(gs.items, gs.n, sizeof *gs.items, ix_cmp);
  box *t = part_title_box(k, part, "register");
  t->brk = true;
  vec_push(out, t);
  const bl_style *st = &k->L->styles[BL_TOC];
  for (size_t g = 0; g < gs.n; g++) {
    bl_style hs = k->L->styles[BL_H3];
    hs.break_before = false;
    box *h = new_box(k, BX_TEXT, &hs, 0);
    h->brk = false;
    h->keep = true;
    h->t = plain_text(k, gs.items[g].title, &hs, h->w);
    h->tag = "H2";
    vec_push(out, h);
    for (size_t m = 0; m < gs.items[g].members.n; m++) {
      int pi = gs.items[g].members.items[m];
      bl_style es = *st;
      es.hyphenate = false;
      es.align = BL_LEFT;
      box *b = new_box(k, BX_TEXT, &es, 3 * MM);
      int pn = start[pi] ? start[pi] - 1 + first_page : 0;
      b->num = plain_text(k, placeholder || !pn ? "000" : arena_printf(k->a, "%d", pn), &es, -1);
      b->has_num = true;
      b->t = plain_text(k, k->b->pages[pi]->title ? k->b->pages[pi]->title : "", &es, b->w - 12 * MM);
      b->tag = "P";
      b->link_dest = arena_printf(k->a, "p%d", pi);
      vec_push(out, b);
    }
    vec_free(&gs.items[g].members);
  }
  vec_free(&gs);
}

static bool check_fonts(bk *k) {
  bool ok = check_family(k, k->L->family);
  for (int i = 0; i < BL_NSTYLES && ok; i++) {
    const char *f = k->L->styles[i].family;
    if (f && strcasecmp(f, k->L->family) != 0) ok = check_family(k, f);
  }
  if (ok && strcasecmp(k->L->mono, k->L->family) != 0) ok = check_family(k, k->L->mono);
  return ok;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Builds the page sequence: cover, contents, content, blank, back; pads
 * with blank pages before the back cover to the layout's fixed count or,
 * for print, to a multiple of 4. */
static void pad_pages(bk *k, page_vec *pages, int target) {
  size_t tail = pages->n;
  while (tail > 0 && pages->items[tail - 1]->kind == PG_BACK) tail--;
  while ((int)pages->n < target) {
    bpage *b = arena_calloc(k->a, 1, sizeof *b);
    b->kind = PG_BLANK;
    vec_push(pages, b);
    for (size_t i = pages->n - 1; i > tail; i--) pages->items[i] = pages->items[i - 1];
    pages->items[tail] = b;
    tail++;
  }
}

static const bl_part *toc_part(bk *k) {
  for (size_t i = 0; i < k->L->nparts; i++)
    if (k->L->parts[i].kind == BL_PART_TOC) return &k->L->parts[i];
  return NULL;
}

/* Assembles pages: content pages already flowed in content; toc flowed from
 * hs with first_page numbers. Returns the index of the first content page. */
static int assemble(bk *k, page_vec *out, page_vec *content, page_vec *toc, page_vec *idx) {
  out->n = 0;
  int first_content = 0;
  for (size_t i = 0; i < k->L->nparts; i++) {
    const bl_part *p = &k->L->parts[i];
    switch (p->kind) {
    case BL_PART_COVER:
    case BL_PART_BACK:
    case BL_PART_BLANK: {
      bpage *pg = arena_calloc(k->a, 1, sizeof *pg);
      pg->kind = p->kind == BL_PART_COVER ? PG_COVER : p->kind == BL_PART_BACK ? PG_BACK : PG_BLANK;
      pg->part = p;
      vec_push(out, pg);
      break;
    }
    case BL_PART_NOTES:
      for (int j = 0; j < p->count; j++) {
        bpage *pg = arena_calloc(k->a, 1, sizeof *pg);
        pg->kind = PG_NOTES;
        pg->part = p;
        pg->note = j;
        vec_push(out, pg);
      }
      break;
    case BL_PART_TOC:
      for (size_t j = 0; j < toc->n; j++) vec_push(out, toc->items[j]);
      break;
    case BL_PART_INDEX:
      for (size_t j = 0; j < idx->n; j++) vec_push(out, idx->items[j]);
      break;
    case BL_PART_CONTENT:
      first_content = (int)out->n;
      for (size_t j = 0; j < content->n; j++) vec_push(out, content->items[j]);
      break;
    }
  }
  return first_content;
}

bool print_booklet(const site *s, const booklet_spec *b, const char *outdir, diag *d,
                   booklet_info *info) {
  double t0 = now();
  arena *a = arena_new();
  int errors_before = diag_errors(d);
  bk k = {0};
  k.a = a;
  k.d = d;
  k.s = s;
  k.b = b;
  k.ok = true;
  bool ok = false;
  str_vec temps = {0}, finals = {0};
  page_vec content = {0}, toc = {0}, idx = {0}, pages = {0}, printer = {0};
  box_vec tocb = {0}, ixb = {0};
  VEC(heading_ref) hs = {0};

  k.L = booklayout_load(a, s ? s->root : NULL, b->layout, d);
  if (!k.L) goto done;
  if (!hyph_load()) {
    diag_error(d, k.L->file, 0, 0,
               "the Danish hyphenation patterns (%s) are missing; install the package hyphen-da",
               HYPH_DA_DICT);
    goto done;
  }
  {
    const char *assets = s && s->assets_dir ? s->assets_dir : fsx_join(a, s && s->root ? s->root : ".", "assets");
    k.fm = fonts_map_new(a, fsx_join(a, assets, "fonts"), k.L->file, d);
    if (!k.fm) goto done;
  }
  k.pc = pango_font_map_create_context(k.fm);
  arena_defer(a, unref_obj, k.pc);
  pango_cairo_context_set_resolution(k.pc, 72);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(k.pc, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(k.pc, FALSE);
  pango_context_set_language(k.pc, pango_language_from_string(k.L->lang));
  if (!check_fonts(&k)) goto done;

  k.pw = k.L->width * MM;
  k.ph = k.L->height * MM;
  k.ncols = k.L->columns;
  k.gap = k.L->gap * MM;
  double area_w = k.pw - (k.L->inner + k.L->outer) * MM;
  k.colw = (area_w - (k.ncols - 1) * k.gap) / k.ncols;
  k.frame_h = k.ph - (k.L->top + k.L->bottom) * MM;

  /* 1. boxes */
  for (size_t i = 0; i < b->npages; i++)
    if (b->pages[i]->src) map_set(&k.dests, arena_printf(a, "#%s", b->pages[i]->src), (void *)(long)(i + 1));
  /* The destinations of page starts are known only once made; links to a
   * later page of the booklet resolve through the names set here. */
  for (size_t i = 0; i < b->npages; i++)
    if (b->pages[i]->src) map_set(&k.dests, b->pages[i]->src, arena_printf(a, "p%zu", i));
  for (size_t i = 0; i < b->npages; i++) page_boxes(&k, b->pages[i], (int)i);
  if (!k.ok || diag_errors(d) > errors_before) goto done;
  for (size_t i = 0; i < k.content.n; i++) {
    box *bx = k.content.items[i];
    fix_links(&k, &bx->t);
    for (int r = 0; r < bx->nrows; r++)
      for (int c = 0; c < bx->ncols; c++) fix_links(&k, &bx->rows[r].cells[c]);
  }

  /* 2. flow the content, then the contents with real page numbers. The
   * content is flowed again when the pages before it turn out to move its
   * first page from a right-hand to a left-hand side (left/right breaks). */
  const bl_part *tp = toc_part(&k), *ip = NULL;
  for (size_t i = 0; i < k.L->nparts; i++)
    if (k.L->parts[i].kind == BL_PART_INDEX) ip = &k.L->parts[i];
  int first_content = 0, base = 1;
  for (size_t i = 0; i < k.L->nparts && k.L->parts[i].kind != BL_PART_CONTENT; i++)
    base += k.L->parts[i].kind == BL_PART_NOTES ? k.L->parts[i].count : 1;
  for (int round = 0; round < 3; round++) {
    content.n = 0;
    hs.n = 0;
    flow_boxes(&k, &content, PG_CONTENT, k.content.items, k.content.n, base);
    for (size_t i = 0; i < content.n; i++)
      for (size_t j = 0; j < content.items[i]->frags.n; j++) {
        frag *fr = &content.items[i]->frags.items[j];
        if (fr->first && fr->b->level) {
          heading_ref h = {fr->b, (int)i, fr->y};
          vec_push(&hs, h);
        }
      }
    for (int pass = 0; pass < 3; pass++) {
      toc.n = 0;
      if (tp) {
        toc_boxes(&k, tp, hs.items, hs.n, first_content + 1, &tocb, pass == 0);
        flow_boxes(&k, &toc, PG_TOC, tocb.items, tocb.n, 1);
      }
      idx.n = 0;
      if (ip) {
        index_boxes(&k, ip, &content, first_content + 1, &ixb, pass == 0);
        if (ixb.n > 1) flow_boxes(&k, &idx, PG_TOC, ixb.items, ixb.n, 1);
      }
      int fc = assemble(&k, &pages, &content, &toc, &idx);
      if (pass > 0 && fc == first_content) break;
      first_content = fc;
    }
    if ((first_content + 1) % 2 == base % 2) break;
    base = first_content + 1;
  }
  /* A notes part with fill takes the pages a fixed page count leaves. */
  for (size_t i = 0; i < pages.n && k.L->pages && (int)pages.n < k.L->pages; i++) {
    bpage *np = pages.items[i];
    if (np->kind != PG_NOTES || !np->part->fill) continue;
    if (i + 1 < pages.n && pages.items[i + 1]->kind == PG_NOTES && pages.items[i + 1]->part == np->part) continue;
    while ((int)pages.n < k.L->pages) {
      bpage *pg = arena_calloc(a, 1, sizeof *pg);
      pg->kind = PG_NOTES;
      pg->part = np->part;
      pg->note = np->note + 1;
      vec_push(&pages, pg);
      for (size_t j = pages.n - 1; j > i + 1; j--) pages.items[j] = pages.items[j - 1];
      pages.items[i + 1] = pg;
      np = pg;
      i++;
    }
  }
  if (!k.ok) goto done; /* text that cannot be set, reported by the flow */
  /* Running sections: the last first-level heading begun on or before a page. */
  const char *section = NULL, *subsection = NULL;
  for (size_t i = 0; i < pages.n; i++) {
    bpage *pg = pages.items[i];
    const char *first_on_page = NULL, *sub_on_page = NULL;
    for (size_t j = 0; j < pg->frags.n; j++) {
      frag *fr = &pg->frags.items[j];
      if (fr->first && fr->b->level == 1 && fr->b->plain) {
        if (!first_on_page) first_on_page = fr->b->plain;
        section = fr->b->plain;
        subsection = NULL;
      }
      if (fr->first && fr->b->level == 2 && fr->b->plain) {
        if (!sub_on_page) sub_on_page = fr->b->plain;
        subsection = fr->b->plain;
      }
    }
    pg->section = first_on_page ? first_on_page : section;
    pg->subsection = sub_on_page ? sub_on_page : subsection;
  }
  if (k.L->pages) {
    if ((int)pages.n > k.L->pages) {
      diag_error(d, b->file ? b->file : k.L->file, b->file ? b->line : 0, 0,
                 "booklet '%s' needs %zu pages, but layout %s has room for %d; shorten the "
                 "text or choose another layout",
                 b->name, pages.n, k.L->file, k.L->pages);
      goto done;
    }
    pad_pages(&k, &pages, k.L->pages);
  }
  for (size_t i = 0; i < pages.n; i++) vec_push(&printer, pages.items[i]);
  pad_pages(&k, &printer, (int)((pages.n + 3) / 4 * 4));

  /* 3. draw; 4. finish */
  if (!fsx_mkdirs(outdir) || !fsx_is_dir(outdir)) {
    diag_error(d, NULL, 0, 0, "cannot create folder %s: %s", outdir, strerror(errno));
    goto done;
  }
  const char *kinds[3] = {"", "-tryk", "-ark"};
  int nout = b->impose ? 3 : 2;
  for (int o = 0; o < nout; o++) {
    const char *final = arena_printf(a, "%s/%s%s.pdf", outdir, b->name, kinds[o]);
    const char *raw = arena_printf(a, "%s.cairo-%d", final, (int)getpid());
    const char *tmp = arena_printf(a, "%s.tmp-%d", final, (int)getpid());
    vec_push(&temps, raw);
    vec_push(&temps, tmp);
    bool wrote = o == 0 ? write_reader(&k, &pages, raw, hs.items, hs.n)
                        : write_printer(&k, &printer, raw, o == 2);
    if (!wrote) goto done;
    pdfpost_boxes bx = {0};
    if (o > 0) {
      double bleed = k.L->bleed * MM, slug = k.L->marks ? 8 * MM : 0, m = bleed + slug;
      double w = o == 2 ? 2 * k.pw : k.pw;
      double ox = 0, oy = 0;
      if (o == 2) sheet_offset(&k, &ox, &oy); /* checked when the sheet was written */
      bx.on = true;
      double trim[4] = {ox + m, oy + m, ox + m + w, oy + m + k.ph};
      double bl[4] = {ox + slug, oy + slug, ox + m + w + bleed, oy + m + k.ph + bleed};
      memcpy(bx.trim, trim, sizeof trim);
      memcpy(bx.bleed, bl, sizeof bl);
    }
    char err[512];
    if (!pdfpost_finish(raw, tmp, k.L->lang, &bx, err, sizeof err)) {
      diag_error(d, NULL, 0, 0, "cannot finish %s: %s", final, err);
      goto done;
    }
    vec_push(&finals, final);
  }
  for (size_t i = 0; i < finals.n; i++) {
    const char *tmp = arena_printf(a, "%s.tmp-%d", finals.items[i], (int)getpid());
    if (rename(tmp, finals.items[i]) != 0) {
      diag_error(d, NULL, 0, 0, "cannot write %s: %s", finals.items[i], strerror(errno));
      goto done;
    }
  }
  if (info) {
    info->pages = (int)pages.n;
    info->printer_pages = (int)printer.n;
  }
  ok = true;
done:
  for (size_t i = 0; i < temps.n; i++) unlink(temps.items[i]);
  vec_free(&temps);
  vec_free(&finals);
  vec_free(&content);
  vec_free(&toc);
  vec_free(&pages);
  vec_free(&printer);
  vec_free(&tocb);
  vec_free(&ixb);
  vec_free(&idx);
  vec_free(&hs);
  vec_free(&k.content);
  vec_free(&k.pending);
  vec_free(&k.notes);
  map_free(&k.dests);
  map_free(&k.known);
  arena_free(a);
  if (info) info->seconds = now() - t0;
  return ok;
}
