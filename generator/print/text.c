/* print, fonts and text: styled runs into shaped Pango layouts (see bk.h). */
#include "bk.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../model/model.h"
#include "fonts.h"
#include "hyph.h"

/* ------------------------------------------------------------------------ */
/* Fonts and text                                                            */

static PangoFontDescription *style_font(bk *k, const bl_style *st, double scale) {
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, st->family ? st->family : k->L->family);
  pango_font_description_set_absolute_size(fd, st->size * scale * PANGO_SCALE);
  pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  return fd;
}

/* Checks that fontconfig resolves family to itself, not to a fallback. */
bool bk_check_family(bk *k, const char *family) {
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

static void tb_attr(tbuild *tb, PangoAttribute *at, size_t start, size_t end) {
  at->start_index = (guint)start;
  at->end_index = (guint)end;
  pango_attr_list_insert(tb->attrs, at);
}

bool bk_is_external(const char *u) {
  const char *p = u;
  while (*p && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '+' || *p == '-' ||
                *p == '.'))
    p++;
  return (*p == ':' && p > u) || str_starts(u, "//");
}

/* The base URL without its trailing slash, for joining a path to it. */
static const char *base_url(bk *k, int *len) {
  const char *base = k->s && k->s->baseurl ? k->s->baseurl : "";
  size_t bl = strlen(base);
  *len = (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl);
  return base;
}

/* Turns a link's URL, as the Markdown stage resolved it for the site (a
 * page's or file's site URL with the base path, "#frag", or an address),
 * into a link span of the PDF: a page printed in this booklet becomes a
 * destination inside it (with the page's address on the site as the
 * fallback, see bk_fix_links), anything else an absolute address. This
 * maps URLs; the destinations written in Markdown were resolved once, by
 * model_link_resolve. */
static void pdf_link(bk *k, const char *url, link_span *ls) {
  ls->uri = NULL;
  ls->dest = NULL;
  if (bk_is_external(url)) {
    ls->uri = url;
    return;
  }
  int bl;
  const char *base = base_url(k, &bl);
  if (url[0] == '#') {
    ls->dest = arena_printf(k->a, "p%d-%s", k->cur_page, url + 1);
    const char *pu = k->cur_src && k->cur_src->url ? k->cur_src->url : "/";
    ls->fallback = arena_printf(k->a, "%.*s%s%s", bl, base, pu, url);
    return;
  }
  if (url[0] != '/') {
    /* Not resolved (no site to resolve against): relative to the page. */
    const char *pu = k->cur_src && k->cur_src->url ? k->cur_src->url : "/";
    ls->uri = arena_printf(k->a, "%.*s%s%s", bl, base, pu, url);
    return;
  }
  /* A site URL: below the base path it names a page by its URL. */
  const char *bp = k->s && k->s->basepath ? k->s->basepath : "/";
  const char *path = str_starts(url, bp) ? url + strlen(bp) - 1 : url;
  ls->uri = arena_printf(k->a, "%.*s%s", bl, base, path);
  const char *hash = strchr(path, '#');
  const char *at = hash ? arena_strndup(k->a, path, (size_t)(hash - path)) : path;
  const page *target = k->s && k->s->by_url.n ? map_get(&k->s->by_url, at) : NULL;
  const char *d = target ? map_get(&k->dests, target->url) : NULL;
  if (!d) return;
  int idx = (int)(long)map_get(&k->dests, arena_printf(k->a, "#%s", target->url)) - 1;
  ls->dest = hash ? arena_printf(k->a, "p%d-%s", idx, hash + 1) : d;
  ls->fallback = ls->uri;
  ls->uri = NULL;
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

/* A printed address, breakable only after its slashes: a word joiner
 * (U+2060, drawn as nothing) after each hyphen, since an address broken
 * at "fordybelse-" reads as a hyphenated word, and the reader would type
 * it without the hyphen. */
static void put_address(tbuild *tb, const char *u) {
  for (; *u; u++) {
    sbuf_putc(&tb->s, *u);
    if (*u == '-') sbuf_puts(&tb->s, "\xe2\x81\xa0");
  }
}

/* The page reference after the last run of a link to a page or heading of
 * the booklet (ls, whose words are words): " (se side 12)" as the layout's
 * page-ref words it, one unbreakable unit glued to the link's last word
 * (its spaces no-break spaces: "(se" alone at a line's end reads badly).
 * The number is the one the previous flow found (k->ref_pages); before the
 * first flow, a two-digit stand-in holds its place. Nothing is printed for a reference that has no number (its target
 * on the link's own page, or not in the booklet), but it keeps its index,
 * so the references are counted alike in every pass. */
static void put_page_ref(bk *k, tbuild *tb, const char *words, link_span *ls) {
  const char *fmt = k->L->page_ref;
  if (!fmt) return;
  ls->ref = k->npage_refs++;
  int pg = (size_t)ls->ref < k->ref_pages.n ? k->ref_pages.items[ls->ref] : 88;
  if (pg <= 0) return;
  size_t tl = strlen(words);
  sbuf_puts(&tb->s, tl && words[tl - 1] == ' ' ? "(" : "\xc2\xa0(");
  for (const char *p = fmt; *p;) {
    if (str_starts(p, "{page}")) {
      sbuf_printf(&tb->s, "%d", pg);
      p += 6;
    } else if (*p == ' ') {
      sbuf_puts(&tb->s, "\xc2\xa0");
      p++;
    } else {
      sbuf_putc(&tb->s, *p++);
    }
  }
  sbuf_putc(&tb->s, ')');
  ls->end = (int)tb->s.len;
}

void bk_tb_runs(bk *k, tbuild *tb, const mdt_run *runs, size_t n, bool hyphenate) {
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
      bool plain_url = r->url && (strcmp(r->text, r->url) == 0 || bk_is_external(r->text));
      if (hyphenate && !(r->style & MDS_CODE) && !plain_url)
        hyph_put_list(k->hyph, &tb->s, r->text, strlen(r->text));
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
    link_span ls = {(int)start, (int)end, NULL, NULL, NULL, -1, (int)end};
    if (r->url) pdf_link(k, r->url, &ls);
    if (r->kind == MDR_TEXT && ls.uri && k->L->print_urls && strcmp(r->text, r->url) != 0 &&
        !bk_is_external(r->text) && web_url(ls.uri) &&
        (i + 1 == n || !runs[i + 1].url || strcmp(runs[i + 1].url, r->url) != 0)) {
      /* The last run of a link to the web, or to a page of the site that
       * is not in this booklet (ls.uri is its address on the site): the
       * address follows in print, where a reader cannot click. */
      sbuf_printf(&tb->s, "%s(", r->text[0] && r->text[strlen(r->text) - 1] == ' ' ? "" : "\xc2\xa0");
      put_address(tb, web_url(ls.uri));
      sbuf_putc(&tb->s, ')');
    }
    if (r->url) {
      if (ls.dest && (i + 1 == n || !runs[i + 1].url || strcmp(runs[i + 1].url, r->url) != 0))
        put_page_ref(k, tb, r->text, &ls);
      /* Drawing colours links itself (blue for the screen, black in print:
       * see draw_linked_lines) and underlines the link's text, not its page
       * reference; these attributes also end Pango's runs at those edges,
       * which that drawing relies on. */
      tb_attr(tb, pango_attr_foreground_new(0x1f1f, 0x4e4e, 0x8c8c), start, (size_t)ls.end);
      tb_attr(tb, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start, end);
      link_span *prev = tb->links.n ? &tb->links.items[tb->links.n - 1] : NULL;
      if (prev && prev->end == ls.start &&
          ((ls.uri && prev->uri && strcmp(ls.uri, prev->uri) == 0) ||
           (ls.dest && prev->dest && strcmp(ls.dest, prev->dest) == 0))) {
        /* One link of several runs (a word in bold inside it): one span. */
        prev->end = ls.end;
        prev->ref = ls.ref;
        prev->ref_at = ls.ref_at;
      } else {
        vec_push(&tb->links, ls);
      }
    }
  }
}

/* Makes a shaped text from a finished builder: width in pt, style st. */
text bk_make_text(bk *k, tbuild *tb, const bl_style *st, double width, bool wrap_chars) {
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
  fonts_prepare_layout(lay);
  measure(k, &t, st->size * st->leading);
  t.nlinks = (int)tb->links.n;
  t.links = arena_alloc(k->a, (tb->links.n ? tb->links.n : 1) * sizeof *t.links);
  if (tb->links.n) memcpy(t.links, tb->links.items, tb->links.n * sizeof *t.links);
  return t;
}

void bk_tb_init(tbuild *tb) {
  memset(tb, 0, sizeof *tb);
  tb->attrs = pango_attr_list_new();
}

void bk_tb_free(tbuild *tb) {
  sbuf_free(&tb->s);
  pango_attr_list_unref(tb->attrs);
  vec_free(&tb->links);
  vec_free(&tb->refs);
}

/* Adds the footnote references of builder tb to box b when the layout sets
 * notes at the foot of the page: with t (the text made from tb), each at
 * the line of t that holds it; without, at row (a table's row). */
void bk_take_refs(bk *k, box *b, const tbuild *tb, const text *t, int row) {
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
text bk_plain_text(bk *k, const char *s, const bl_style *st, double width) {
  tbuild tb;
  bk_tb_init(&tb);
  if (st->hyphenate) hyph_put_list(k->hyph, &tb.s, s, strlen(s));
  else sbuf_puts(&tb.s, s);
  text t = bk_make_text(k, &tb, st, width, false);
  bk_tb_free(&tb);
  return t;
}

/* ------------------------------------------------------------------------ */
/* Page references                                                           */

/* Notes, for each page reference of t whose link ends on lines from..to,
 * that it stands on page pg (0-based) unless a fragment before placed it. */
static void refs_on_page(bk *k, const text *t, int from, int to, int pg, int *link_page) {
  for (int li = 0; li < t->nlinks; li++) {
    const link_span *ls = &t->links[li];
    if (ls->ref < 0 || ls->ref >= k->npage_refs || link_page[ls->ref]) continue;
    int byte = ls->ref_at > ls->start ? ls->ref_at - 1 : ls->start, line = 0;
    while (line + 1 < t->nlines && t->lines[line + 1].start <= byte) line++;
    if (line >= from && line < to) link_page[ls->ref] = pg + 1;
  }
}

/* The page references of box b, whose lines (or rows) from..to fr holds. */
static void box_refs(bk *k, const box *b, int from, int to, bool first, int pg, int *link_page) {
  if (b->kind == BX_TEXT) {
    refs_on_page(k, &b->t, from, to, pg, link_page);
    return;
  }
  if (b->kind != BX_TABLE) return;
  for (int r = 0; r < b->nrows; r++)
    if ((r >= from && r < to) || (first && r < b->nheader))
      for (int c = 0; c < b->ncols; c++) refs_on_page(k, &b->rows[r].cells[c], 0, b->rows[r].cells[c].nlines, pg, link_page);
}

/* Notes the destination of each page reference of t. */
static void ref_dests(const bk *k, const text *t, const char **dest) {
  for (int li = 0; li < t->nlinks; li++)
    if (t->links[li].ref >= 0 && t->links[li].ref < k->npage_refs) dest[t->links[li].ref] = t->links[li].dest;
}

bool bk_settle_refs(bk *k, const page_vec *pages) {
  if (!k->npage_refs) return false;
  map at = MAP_INIT; /* destination name → its page, 1-based */
  int *link_page = arena_calloc(k->a, (size_t)k->npage_refs, sizeof *link_page);
  const char **dest = arena_calloc(k->a, (size_t)k->npage_refs, sizeof *dest);
  for (size_t i = 0; i < pages->n; i++) {
    const bpage *pg = pages->items[i];
    for (size_t j = 0; j < pg->frags.n; j++) {
      const frag *fr = &pg->frags.items[j];
      const box *b = fr->b;
      if (fr->first && b->anchor && !map_has(&at, b->anchor)) map_set(&at, b->anchor, (void *)(long)(i + 1));
      if (fr->first && b->dest && !map_has(&at, b->dest)) map_set(&at, b->dest, (void *)(long)(i + 1));
      box_refs(k, b, fr->from, fr->to, fr->first, (int)i, link_page);
    }
    for (size_t j = 0; j < pg->notes.n; j++)
      for (int m = 0; m < pg->notes.items[j].n->nboxes; m++) {
        const box *b = pg->notes.items[j].n->boxes[m];
        box_refs(k, b, 0, b->kind == BX_TABLE ? b->nrows : b->t.nlines, true, (int)i, link_page);
      }
  }
  /* The destinations, from the texts (a reference's span may have been
   * sent to the site by bk_fix_links: then it has none). */
  for (size_t i = 0; i < k->content.n; i++) {
    const box *b = k->content.items[i];
    ref_dests(k, &b->t, dest);
    for (int r = 0; r < b->nrows; r++)
      for (int c = 0; c < b->ncols; c++) ref_dests(k, &b->rows[r].cells[c], dest);
  }
  for (size_t i = 0; i < k->notes.n; i++)
    for (int m = 0; m < k->notes.items[i]->nboxes; m++) ref_dests(k, &k->notes.items[i]->boxes[m]->t, dest);
  bool changed = k->ref_pages.n != (size_t)k->npage_refs;
  if (changed) {
    k->ref_pages.n = 0;
    for (int r = 0; r < k->npage_refs; r++) vec_push(&k->ref_pages, -1);
  }
  for (int r = 0; r < k->npage_refs; r++) {
    int to = dest[r] ? (int)(long)map_get(&at, dest[r]) : 0;
    int n = to && to != link_page[r] ? to : 0;
    changed |= k->ref_pages.items[r] != n;
    k->ref_pages.items[r] = n;
  }
  map_free(&at);
  return changed;
}
