/* print: booklets (see print.h). The work is done in four steps:
 *
 *   1. boxes    each page's block tree (the Markdown stage's) becomes boxes: text
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
#include "bk.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "../core/dk.h"
#include "../core/fsx.h"
#include "fonts.h"
#include "hyph.h"
#include "pdfpost.h"

/* ------------------------------------------------------------------------ */
/* The booklet                                                               */

/* The heading of a generated part (contents, index): an H1 kept with what
 * follows, with dest as its link target. */
static box *part_title_box(bk *k, const bl_part *part, const char *dest) {
  const bl_style *tt = &k->L->styles[BL_TOC_TITLE];
  box *t = bk_new_box(k, BX_TEXT, tt, 0);
  t->t = bk_plain_text(k, part->title, tt, t->w);
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
    box *b = bk_new_box(k, BX_TEXT, &es, indent);
    bl_style ns = es;
    ns.align = BL_LEFT;
    const char *num = placeholder ? "000" : arena_printf(k->a, "%d", hs[i].page + first_page);
    b->num = bk_plain_text(k, num, &ns, -1);
    b->has_num = true;
    b->t = bk_plain_text(k, hs[i].b->plain, &es, b->w - 12 * MM);
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
    box *h = bk_new_box(k, BX_TEXT, &hs, 0);
    h->brk = false;
    h->keep = true;
    h->t = bk_plain_text(k, gs.items[g].title, &hs, h->w);
    h->tag = "H2";
    vec_push(out, h);
    for (size_t m = 0; m < gs.items[g].members.n; m++) {
      int pi = gs.items[g].members.items[m];
      bl_style es = *st;
      es.hyphenate = false;
      es.align = BL_LEFT;
      box *b = bk_new_box(k, BX_TEXT, &es, 3 * MM);
      int pn = start[pi] ? start[pi] - 1 + first_page : 0;
      b->num = bk_plain_text(k, placeholder || !pn ? "000" : arena_printf(k->a, "%d", pn), &es, -1);
      b->has_num = true;
      b->t = bk_plain_text(k, k->b->pages[pi]->title ? k->b->pages[pi]->title : "", &es, b->w - 12 * MM);
      b->tag = "P";
      b->link_dest = arena_printf(k->a, "p%d", pi);
      vec_push(out, b);
    }
    vec_free(&gs.items[g].members);
  }
  vec_free(&gs);
}

static bool check_fonts(bk *k) {
  bool ok = bk_check_family(k, k->L->family);
  for (int i = 0; i < BL_NSTYLES && ok; i++) {
    const char *f = k->L->styles[i].family;
    if (f && strcasecmp(f, k->L->family) != 0) ok = bk_check_family(k, f);
  }
  if (ok && strcasecmp(k->L->mono, k->L->family) != 0) ok = bk_check_family(k, k->L->mono);
  return ok;
}

double bk_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pads pages to target, to the layout's fixed count or, for print, to a
 * multiple of 4. Where the layout has a notes part with pad="true", the
 * padding is notes pages ("Noter") in its place in the sequence, after its
 * own pages and before the next part's, so never inside a section; else
 * blank pages just before the back cover, where a print shop wants them. */
static void pad_pages(bk *k, page_vec *pages, int target) {
  const bl_part *np = NULL;
  for (size_t i = 0; i < k->L->nparts && !np; i++)
    if (k->L->parts[i].kind == BL_PART_NOTES && k->L->parts[i].pad) np = &k->L->parts[i];
  size_t at = pages->n;
  int note = 0;
  if (np) {
    at = 0;
    while (at < pages->n && !(pages->items[at]->part && pages->items[at]->part > np)) {
      if (pages->items[at]->part == np) note++;
      at++;
    }
  } else {
    while (at > 0 && pages->items[at - 1]->kind == PG_BACK) at--;
  }
  while ((int)pages->n < target) {
    bpage *b = arena_calloc(k->a, 1, sizeof *b);
    b->kind = np ? PG_NOTES : PG_BLANK;
    b->part = np;
    b->note = note++;
    vec_push(pages, b);
    for (size_t i = pages->n - 1; i > at; i--) pages->items[i] = pages->items[i - 1];
    pages->items[at] = b;
    at++;
  }
}

void bk_printer_pages(bk *k, const page_vec *pages, page_vec *out) {
  out->n = 0;
  for (size_t i = 0; i < pages->n; i++) vec_push(out, pages->items[i]);
  if (!k->L->loose) pad_pages(k, out, (int)((pages->n + 3) / 4 * 4));
}

bool bk_meant_blank(const bpage *pg) {
  return pg->kind == PG_BLANK || (pg->gap && !(pg->part && pg->part->fit));
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
    /* Flowed pages learn their part here (the flow makes them without),
     * so that the problems found on them can ask what it planned. */
    case BL_PART_TOC:
    case BL_PART_INDEX:
    case BL_PART_CONTENT: {
      page_vec *from = p->kind == BL_PART_TOC ? toc : p->kind == BL_PART_INDEX ? idx : content;
      if (p->kind == BL_PART_CONTENT) first_content = (int)out->n;
      for (size_t j = 0; j < from->n; j++) {
        from->items[j]->part = p;
        vec_push(out, from->items[j]);
      }
      break;
    }
    }
  }
  return first_content;
}

booklet_spec print_spec(const booklet *k) {
  booklet_spec spec = {.name = k->name, .layout = k->layout, .title = k->title, .subtitle = k->subtitle,
                       .author = k->author, .subject = k->subject, .fields = k->decl,
                       .pages = k->pages.items, .npages = k->pages.n, .impose = k->impose,
                       .file = k->file, .line = k->line};
  return spec;
}

bool bk_open(bk *k, const site *s, const booklet_spec *b, diag *d) {
  memset(k, 0, sizeof *k);
  k->a = arena_new();
  k->d = d;
  k->s = s;
  k->b = b;
  k->ok = true;
  arena *a = k->a;
  k->L = booklayout_load(a, s ? s->root : NULL, b->layout, d);
  if (!k->L) return false;
  if (!hyph_load()) {
    diag_error(d, k->L->file, 0, 0,
               "the Danish hyphenation patterns (%s) are missing; install the package hyphen-da",
               HYPH_DA_DICT);
    return false;
  }
  {
    const char *rel = "layouts/print/hyphenation-da.txt";
    k->hyph = hyph_list_load(a, s && s->root && *s->root ? fsx_join(a, s->root, rel) : rel, rel, d);
  }
  {
    const char *assets = s && s->assets_dir ? s->assets_dir : fsx_join(a, s && s->root ? s->root : ".", "assets");
    k->fm = fonts_map_new(a, fsx_join(a, assets, "fonts"), k->L->file, d);
    if (!k->fm) return false;
  }
  k->pc = pango_font_map_create_context(k->fm);
  arena_defer(a, unref_obj, k->pc);
  pango_cairo_context_set_resolution(k->pc, 72);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(k->pc, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(k->pc, FALSE);
  pango_context_set_language(k->pc, pango_language_from_string(k->L->lang));
  if (!check_fonts(k)) return false;

  k->pw = k->L->width * MM;
  k->ph = k->L->height * MM;
  k->ncols = k->L->columns;
  k->gap = k->L->gap * MM;
  double area_w = k->pw - (k->L->inner + k->L->outer) * MM;
  k->colw = (area_w - (k->ncols - 1) * k->gap) / k->ncols;
  k->frame_h = k->ph - (k->L->top + k->L->bottom) * MM;
  return true;
}

/* Reports an error of a later pass of make_boxes to the build's diag. */
static void pass_error(const diag_item *m, void *d) {
  if (m->level == DIAG_ERROR) diag_report(d, DIAG_ERROR, m->file, m->line, m->col, "%s", m->text);
}

/* Makes the boxes of the booklet's pages (1. boxes) and sends links to
 * pages and headings it does not hold to the site. Pass 0 reports to k->d;
 * a later pass makes the same boxes with other page references, and its
 * warnings, the same as pass 0's, are dropped. Returns false after
 * reporting an error. */
static bool make_boxes(bk *k, int pass) {
  diag *d = k->d, *again = NULL;
  if (pass > 0) {
    k->content.n = 0;
    k->pending.n = 0;
    k->notes.n = 0;
    k->last = NULL;
    memset(k->hcount, 0, sizeof k->hcount);
    again = diag_new();
    k->d = again;
  }
  int errors_before = diag_errors(k->d);
  k->npage_refs = 0;
  for (size_t i = 0; i < k->b->npages; i++) bk_page_boxes(k, k->b->pages[i], (int)i);
  bool ok = k->ok && diag_errors(k->d) == errors_before;
  k->d = d;
  if (again && !ok) diag_each(again, pass_error, d);
  diag_free(again);
  if (!ok) return false;
  for (size_t i = 0; i < k->content.n; i++) {
    box *bx = k->content.items[i];
    bk_fix_links(k, &bx->t);
    for (int r = 0; r < bx->nrows; r++)
      for (int c = 0; c < bx->ncols; c++) bk_fix_links(k, &bx->rows[r].cells[c]);
  }
  for (size_t i = 0; i < k->notes.n; i++)
    for (int m = 0; m < k->notes.items[i]->nboxes; m++) bk_fix_links(k, &k->notes.items[i]->boxes[m]->t);
  return true;
}

/* 2. Flows the content, then the contents with real page numbers. The
 * content is flowed again when the pages before it turn out to move its
 * first page from a right-hand to a left-hand side (left/right breaks). */
static void flow_parts(bk *k, bk_laid *l) {
  const bl_part *tp = toc_part(k), *ip = NULL;
  for (size_t i = 0; i < k->L->nparts; i++)
    if (k->L->parts[i].kind == BL_PART_INDEX) ip = &k->L->parts[i];
  int first_content = 0, base = 1;
  for (size_t i = 0; i < k->L->nparts && k->L->parts[i].kind != BL_PART_CONTENT; i++)
    base += k->L->parts[i].kind == BL_PART_NOTES ? k->L->parts[i].count : 1;
  for (int round = 0; round < 3; round++) {
    l->content.n = 0;
    l->hs.n = 0;
    bk_flow_content(k, &l->content, k->content.items, k->content.n, base);
    for (size_t i = 0; i < l->content.n; i++)
      for (size_t j = 0; j < l->content.items[i]->frags.n; j++) {
        frag *fr = &l->content.items[i]->frags.items[j];
        if (fr->first && fr->b->level) {
          heading_ref h = {fr->b, (int)i, fr->y};
          vec_push(&l->hs, h);
        }
      }
    for (int pass = 0; pass < 3; pass++) {
      l->toc.n = 0;
      if (tp) {
        toc_boxes(k, tp, l->hs.items, l->hs.n, first_content + 1, &l->tocb, pass == 0);
        bk_flow_boxes(k, &l->toc, PG_TOC, l->tocb.items, l->tocb.n, 1);
      }
      l->idx.n = 0;
      if (ip) {
        index_boxes(k, ip, &l->content, first_content + 1, &l->ixb, pass == 0);
        if (l->ixb.n > 1) bk_flow_boxes(k, &l->idx, PG_TOC, l->ixb.items, l->ixb.n, 1);
      }
      int fc = assemble(k, &l->pages, &l->content, &l->toc, &l->idx);
      if (pass > 0 && fc == first_content) break;
      first_content = fc;
    }
    if ((first_content + 1) % 2 == base % 2) break;
    base = first_content + 1;
  }
}

bool bk_lay_out(bk *k, bk_laid *l) {
  arena *a = k->a;
  const booklet_spec *b = k->b;
  /* Links arrive as site URLs (see pdf_link): the booklet's pages are
   * found by theirs. */
  for (size_t i = 0; i < b->npages; i++)
    if (b->pages[i]->src && b->pages[i]->url)
      map_set(&k->dests, arena_printf(a, "#%s", b->pages[i]->url), (void *)(long)(i + 1));
  /* The destinations of page starts are known only once made; links to a
   * later page of the booklet resolve through the names set here. */
  for (size_t i = 0; i < b->npages; i++)
    if (b->pages[i]->src && b->pages[i]->url)
      map_set(&k->dests, b->pages[i]->url, arena_printf(a, "p%zu", i));
  /* Page references print the pages the previous pass found; a pass whose
   * references moved text is followed by another. A reference's number
   * changes the flow only when its width does (a line more or less), so
   * the second pass nearly always settles; the fourth ends it. */
  for (int pass = 0;; pass++) {
    if (!make_boxes(k, pass)) return false;
    flow_parts(k, l);
    if (!k->ok || !bk_settle_refs(k, &l->pages)) break;
    if (pass == 3) {
      diag_warning(k->d, b->file ? b->file : k->L->file, b->file ? b->line : 0, 0,
                   "the page references of booklet '%s' do not settle: each layout of its pages moves "
                   "a reference's target to another page; check them in the PDF, or reword the text around them",
                   b->name);
      break;
    }
  }
  page_vec *pages = &l->pages;
  /* A notes part with fill takes the pages a fixed page count leaves. */
  for (size_t i = 0; i < pages->n && k->L->pages && (int)pages->n < k->L->pages; i++) {
    bpage *np = pages->items[i];
    if (np->kind != PG_NOTES || !np->part->fill) continue;
    if (i + 1 < pages->n && pages->items[i + 1]->kind == PG_NOTES && pages->items[i + 1]->part == np->part) continue;
    while ((int)pages->n < k->L->pages) {
      bpage *pg = arena_calloc(a, 1, sizeof *pg);
      pg->kind = PG_NOTES;
      pg->part = np->part;
      pg->note = np->note + 1;
      vec_push(pages, pg);
      for (size_t j = pages->n - 1; j > i + 1; j--) pages->items[j] = pages->items[j - 1];
      pages->items[i + 1] = pg;
      np = pg;
      i++;
    }
  }
  /* Running sections: the last first-level heading begun on or before a page. */
  const char *section = NULL, *subsection = NULL;
  for (size_t i = 0; i < pages->n; i++) {
    bpage *pg = pages->items[i];
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
  /* Padded to a fixed page count; a booklet past it is left as long as it
   * is, for the caller to refuse (the PDF) or show (the preview). */
  if (k->L->pages && (int)pages->n <= k->L->pages) pad_pages(k, pages, k->L->pages);
  return true;
}

void bk_close(bk *k, bk_laid *l) {
  if (l) {
    vec_free(&l->content);
    vec_free(&l->toc);
    vec_free(&l->idx);
    vec_free(&l->pages);
    vec_free(&l->tocb);
    vec_free(&l->ixb);
    vec_free(&l->hs);
  }
  vec_free(&k->content);
  vec_free(&k->pending);
  vec_free(&k->alts);
  vec_free(&k->notes);
  vec_free(&k->ref_pages);
  map_free(&k->dests);
  map_free(&k->known);
  arena_free(k->a);
  k->a = NULL;
}

bool print_booklet(const site *s, const booklet_spec *b, const char *outdir, diag *d,
                   booklet_info *info) {
  double t0 = bk_now();
  bk k;
  bk_laid l = {0};
  bool ok = false;
  str_vec temps = {0}, finals = {0};
  page_vec printer = {0};
  page_vec *pages = &l.pages;

  if (!bk_open(&k, s, b, d) || !bk_lay_out(&k, &l)) goto done;
  arena *a = k.a;
  if (!k.ok) goto done; /* text that cannot be set, reported by the flow */
  if (k.L->pages && (int)pages->n > k.L->pages) {
    diag_error(d, b->file ? b->file : k.L->file, b->file ? b->line : 0,
               b->file && b->fields ? b->fields->col : 0,
               "booklet '%s' needs %zu pages, but layout %s has room for %d; shorten the "
               "text or choose another layout",
               b->name, pages->n, k.L->file, k.L->pages);
    goto done;
  }
  if (b->impose && k.L->loose) {
    diag_error(d, b->file ? b->file : k.L->file, b->file ? b->line : 0, b->file && b->fields ? b->fields->col : 0,
               "booklet '%s' asks for printer spreads (impose: true), but layout %s is not saddle-stitched "
               "(binding=\"none\"); remove impose or choose another layout",
               b->name, k.L->file);
    goto done;
  }
  /* What the preview marks on the pages: errors and warnings here. */
  {
    problem_vec ps = {0};
    bk_find_problems(&k, pages, &ps);
    bk_report_problems(&k, pages, &ps, true);
    if (info) info->problems = (int)ps.n;
    bool lost = false;
    for (size_t i = 0; i < ps.n; i++)
      lost |= (ps.items[i].kind == PRINT_OVERFLOW || ps.items[i].kind == PRINT_BLANK) && !ps.items[i].reported;
    vec_free(&ps);
    if (lost) goto done; /* reported as errors: no PDF with text run off or a stray empty page */
  }
  bk_printer_pages(&k, pages, &printer);

  /* klar check: laid out, so every print error is found; nothing drawn. */
  if (!outdir) {
    if (info) {
      info->pages = (int)pages->n;
      info->printer_pages = (int)printer.n;
    }
    ok = true;
    goto done;
  }
  /* 3. draw; 4. finish */
  if (!fsx_mkdirs(outdir) || !fsx_is_dir(outdir)) {
    diag_error(d, NULL, 0, 0, "cannot create folder %s: %s", outdir, strerror(errno));
    goto done;
  }
  /* The printer PDFs are press files: CMYK, PDF/X (pdfx.c). */
  pdfpost_press press = {.on = true, .x1a = k.L->pdfx_1a, .date = bk_pdf_date(&k), .npalette = k.L->npalette};
  press.title = b->title ? b->title : b->npages && b->pages[0]->title ? b->pages[0]->title : b->name;
  pdfpost_ink *inks = arena_alloc(a, (k.L->npalette ? k.L->npalette : 1) * sizeof *inks);
  for (size_t i = 0; i < k.L->npalette; i++) {
    inks[i].rgb = k.L->palette[i].rgb;
    memcpy(inks[i].cmyk, k.L->palette[i].cmyk, sizeof inks[i].cmyk);
  }
  press.palette = inks;
  const char *kinds[3] = {"", "-tryk", "-ark"};
  int nout = b->impose ? 3 : 2;
  for (int o = 0; o < nout; o++) {
    const char *final = arena_printf(a, "%s/%s%s.pdf", outdir, b->name, kinds[o]);
    const char *raw = arena_printf(a, "%s.cairo-%d", final, (int)getpid());
    const char *tmp = arena_printf(a, "%s.tmp-%d", final, (int)getpid());
    vec_push(&temps, raw);
    vec_push(&temps, tmp);
    bool wrote = o == 0 ? bk_write_reader(&k, pages, raw, l.hs.items, l.hs.n)
                        : bk_write_printer(&k, &printer, raw, o == 2);
    if (!wrote) goto done;
    pdfpost_boxes bx = {0};
    if (o > 0) {
      double bleed = k.L->bleed * MM, slug = BK_SLUG(&k), m = bleed + slug;
      double w = o == 2 ? 2 * k.pw : k.pw;
      double ox = 0, oy = 0;
      if (o == 2) bk_sheet_offset(&k, &ox, &oy); /* checked when the sheet was written */
      bx.on = true;
      double trim[4] = {ox + m, oy + m, ox + m + w, oy + m + k.ph};
      double bl[4] = {ox + slug, oy + slug, ox + m + w + bleed, oy + m + k.ph + bleed};
      memcpy(bx.trim, trim, sizeof trim);
      memcpy(bx.bleed, bl, sizeof bl);
    }
    char err[512];
    pdfpost_tags tags = {k.alts.items, k.alts.n, bk_pdf_date(&k)};
    if (!pdfpost_finish(raw, tmp, k.L->lang, &bx, o == 0 ? &tags : NULL, o > 0 ? &press : NULL, err,
                        sizeof err)) {
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
    info->pages = (int)pages->n;
    info->printer_pages = (int)printer.n;
  }
  ok = true;
done:
  for (size_t i = 0; i < temps.n; i++) unlink(temps.items[i]);
  vec_free(&temps);
  vec_free(&finals);
  vec_free(&printer);
  bk_close(&k, &l);
  if (info) info->seconds = bk_now() - t0;
  return ok;
}


int print_pdf_pages(const char *path, char *err, size_t errlen) { return pdfpost_count_pages(path, err, errlen); }
