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
    if (r->kind == MDR_TEXT && r->url && k->L->print_urls && strcmp(r->text, r->url) != 0 &&
        !bk_is_external(r->text) && web_url(r->url) &&
        (i + 1 == n || !runs[i + 1].url || strcmp(runs[i + 1].url, r->url) != 0)) {
      /* The last run of a link to the web: its address follows in print. */
      sbuf_printf(&tb->s, "%s(%s)", r->text[0] && r->text[strlen(r->text) - 1] == ' ' ? "" : "\xc2\xa0", web_url(r->url));
    }
    if (r->url) {
      /* Drawing colours links itself (blue for the screen, black in print:
       * see draw_linked_lines); these attributes also end Pango's runs at
       * the link's edges, which that drawing relies on. */
      tb_attr(tb, pango_attr_foreground_new(0x1f1f, 0x4e4e, 0x8c8c), start, end);
      tb_attr(tb, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start, end);
      link_span ls = {(int)start, (int)end, NULL, NULL, NULL};
      pdf_link(k, r->url, &ls);
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

