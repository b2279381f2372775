/* booklayout: reads layouts/print/NAME.xml with libxml2 (no network, no entity
 * substitution, no DOCTYPE) into a booklayout. Every element and attribute
 * is checked against the tables below, so a misspelt name is an error with
 * the line rather than a silently ignored setting. */
#include "booklayout.h"
#include <ctype.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../core/fsx.h"
#include "../core/xmlpos.h"
#include "../core/vec.h"
#include "../core/msg.h"
#include "colour.h"

#define NS "urn:klar:print"

static const char *const element_names[BL_NSTYLES] = {
    "h1", "h2", "h3", "h4", "p", "li", "blockquote", "code", "table", "th",
    "caption", "footnote", "toc", "toc-title", "header", "footer", "cover-title", "cover-text"};

const char *booklayout_element_name(bl_element e) {
  return (unsigned)e < BL_NSTYLES ? element_names[e] : "?";
}

typedef struct rd {
  arena *a;
  const char *file;
  diag *d;
  booklayout *L;
  bool ok;
  xmlpos *pos; /* where the source's start tags and attributes stand */
} rd;

static int line_of(xmlNode *n) { return (int)xmlGetLineNo(n); }

/* Numbers the elements below n in document order (from 1, in _private, which
 * libxml2 leaves to the application) to find them in the xmlpos scan. */
static void number_elements(xmlNode *n, size_t *k) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    n->_private = (void *)(uintptr_t)++*k;
    number_elements(n->children, k);
  }
}

/* The position of element n's attribute attr (NULL: of its '<'), or of n's
 * line without a column when the scan cannot tell. */
static void where(rd *r, xmlNode *n, const char *attr, int *line, int *col) {
  *line = n ? line_of(n) : 0;
  *col = 0;
  if (!n || !n->_private || !r->pos) return;
  size_t k = (size_t)(uintptr_t)n->_private - 1;
  int l, c;
  if (attr ? xmlpos_attr(r->pos, k, *line, attr, &l, &c) : xmlpos_element(r->pos, k, *line, &l, &c)) {
    *line = l;
    *col = c;
  }
}

/* Reports a mistake in attribute attr of n (NULL: in n itself); fmt takes
 * two strings. */
static void aerr(rd *r, xmlNode *n, const char *attr, const char *fmt, const char *x, const char *y) {
  char buf[512];
  snprintf(buf, sizeof buf, msg_tr(fmt), x ? x : "", y ? y : ""); /* the English format is the key of its Danish */
  int line, col;
  where(r, n, attr, &line, &col);
  diag_error(r->d, r->file, line, col, "%s", buf);
  r->ok = false;
}

static void err(rd *r, xmlNode *n, const char *fmt, const char *x, const char *y) { aerr(r, n, NULL, fmt, x, y); }

static const char *name_of(xmlNode *n) { return (const char *)n->name; }

/* The press sheet of the imposed PDF: a name print shops use, or WxH in
 * millimetres; kept landscape, since a spread is wider than high. */
static void read_sheet(rd *r, xmlNode *n, booklayout *L, const char *sheet) {
  static const struct { const char *name; double w, h; } sizes[] = {
      {"A4", 297, 210}, {"A3", 420, 297}, {"SRA4", 320, 225}, {"SRA3", 450, 320}, {"A5", 210, 148}};
  double w = 0, h = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    if (!strcasecmp(sheet, sizes[i].name)) {
      w = sizes[i].w;
      h = sizes[i].h;
    }
  char rest;
  if (!w && sscanf(sheet, "%lfx%lf%c", &w, &h, &rest) != 2) w = h = 0;
  if (w < h) {
    double t = w;
    w = h;
    h = t;
  }
  if (w <= 0 || h <= 0 || w > 2000) {
    aerr(r, n, "sheet", "sheet='%s' is not a sheet size: write A4, A3, SRA4, SRA3, A5 or WIDTHxHEIGHT in mm (320x225)%s",
        sheet, NULL);
    return;
  }
  L->sheet = sheet;
  L->sheet_w = w;
  L->sheet_h = h;
  where(r, n, "sheet", &L->sheet_line, &L->sheet_col);
}

static bool is_el(xmlNode *n) { return n->type == XML_ELEMENT_NODE; }

/* Checks that every attribute of n is one of the NULL-terminated list. */
static void check_attrs(rd *r, xmlNode *n, const char *const *allowed) {
  for (xmlAttr *at = n->properties; at; at = at->next) {
    const char *an = (const char *)at->name;
    bool found = false;
    for (const char *const *p = allowed; *p; p++)
      if (strcmp(*p, an) == 0) found = true;
    if (at->ns) found = false; /* no foreign attributes */
    if (!found) aerr(r, n, an, "unknown attribute '%s' on <%s>", an, name_of(n));
  }
}

/* Returns the attribute's value copied into the arena, or NULL. */
static const char *attr(rd *r, xmlNode *n, const char *name) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
  if (!v) return NULL;
  char *s = arena_strdup(r->a, (const char *)v);
  xmlFree(v);
  return s;
}

static void num_attr(rd *r, xmlNode *n, const char *name, double *out, double lo, double hi) {
  const char *v = attr(r, n, name);
  if (!v) return;
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (end == v || *end || errno || !isfinite(x) || x < lo || x > hi) {
    char msg[160];
    snprintf(msg, sizeof msg, msg_tr("%g and %g"), lo, hi);
    int line, col;
    where(r, n, name, &line, &col);
    diag_error(r->d, r->file, line, col,
               "attribute '%s' of <%s> must be a number between %s, not '%s'", name,
               name_of(n), msg, v);
    r->ok = false;
    return;
  }
  *out = x;
}

static void bool_attr(rd *r, xmlNode *n, const char *name, bool *out) {
  const char *v = attr(r, n, name);
  if (!v) return;
  if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) *out = true;
  else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) *out = false;
  else aerr(r, n, name, "attribute '%s' must be true or false, not '%s'", name, v);
}

static void color_attr(rd *r, xmlNode *n, const char *name, unsigned *out, bool *has) {
  const char *v = attr(r, n, name);
  if (!v) return;
  if (strcmp(v, "none") == 0 && has) {
    *has = false;
    return;
  }
  for (size_t i = 0; i < r->L->npalette; i++)
    if (strcmp(v, r->L->palette[i].name) == 0) {
      *out = r->L->palette[i].rgb;
      if (has) *has = true;
      return;
    }
  /* Six hex digits exactly: strtoul alone also takes a sign, blanks and
   * "0x", so "#-fffff" and "# 0xfff" passed as colours. */
  bool hex = v[0] == '#' && strlen(v) == 7;
  for (int i = 1; hex && i < 7; i++) hex = isxdigit((unsigned char)v[i]);
  unsigned long x = hex ? strtoul(v + 1, NULL, 16) : 0;
  if (!hex) {
    aerr(r, n, name, "attribute '%s' must be a colour #RRGGBB or the name of a <color>, not '%s'", name, v);
    return;
  }
  *out = (unsigned)x;
  if (has) *has = true;
}

typedef VEC(bl_ink) ink_vec;

/* <color name="rød" cmyk="0 95 85 10" rgb="#b3202e"/>: a palette colour,
 * its press colour in percent of each ink. Without rgb the reader PDF
 * shows how the ink prints. */
static void read_color(rd *r, xmlNode *n, ink_vec *pal) {
  static const char *const ok[] = {"name", "cmyk", "rgb", NULL};
  check_attrs(r, n, ok);
  bl_ink ink = {attr(r, n, "name"), 0, {0}};
  const char *v = attr(r, n, "cmyk");
  if (!ink.name || !*ink.name || !v) {
    err(r, n, "<color> needs a name and a cmyk value (four percentages: cmyk=\"0 95 85 10\")%s%s", NULL, NULL);
    return;
  }
  const char *p = v;
  for (int i = 0; i < 4; i++) {
    char *end;
    double x = strtod(p, &end);
    if (end == p || !isfinite(x) || x < 0 || x > 100) {
      p = NULL;
      break;
    }
    ink.cmyk[i] = x / 100;
    p = end;
  }
  if (p) while (isspace((unsigned char)*p)) p++;
  if (!p || *p) {
    aerr(r, n, "cmyk", "cmyk must be four percentages from 0 to 100 for cyan, magenta, yellow and black, not '%s'%s",
         v, NULL);
    return;
  }
  if (ink.cmyk[0] + ink.cmyk[1] + ink.cmyk[2] + ink.cmyk[3] > 3.0 + 1e-9)
    aerr(r, n, "cmyk", "the colour '%s' has more than 300 %% ink in all; the press condition allows 300 %%%s",
         ink.name, NULL);
  if (attr(r, n, "rgb")) color_attr(r, n, "rgb", &ink.rgb, NULL);
  else ink.rgb = colour_screen((colour_cmyk){ink.cmyk[0], ink.cmyk[1], ink.cmyk[2], ink.cmyk[3]});
  for (size_t i = 0; i < pal->n; i++)
    if (strcmp(pal->items[i].name, ink.name) == 0)
      aerr(r, n, "name", "the colour '%s' is named twice in this layout%s", ink.name, NULL);
  vec_push(pal, ink);
}

static bool parse_align(const char *v, bl_align *out, bool running) {
  static const char *const names[] = {"left", "center", "right", "justify", "inside", "outside"};
  for (int i = 0; i < 6; i++)
    if (strcmp(v, names[i]) == 0) {
      if (running ? i == BL_JUSTIFY : i >= BL_INSIDE) return false;
      *out = (bl_align)i;
      return true;
    }
  return false;
}

static void set_defaults(booklayout *L, double base, double leading) {
  bl_style s = {0};
  s.family = L->family;
  s.size = base;
  s.leading = leading;
  s.color = 0x1a1a1a;
  s.align = BL_LEFT;
  for (int i = 0; i < BL_NSTYLES; i++) L->styles[i] = s;
  static const double hs[] = {1.8, 1.4, 1.2, 1.0};
  for (int i = BL_H1; i <= BL_H4; i++) {
    bl_style *h = &L->styles[i];
    h->size = base * hs[i];
    h->leading = 1.2;
    h->bold = true;
    h->keep_with_next = true;
    h->space_before = i == BL_H1 ? 0 : 3;
    h->space_after = i == BL_H1 ? 3 : 1.5;
  }
  L->styles[BL_P].align = BL_JUSTIFY;
  L->styles[BL_P].hyphenate = true;
  L->styles[BL_P].space_after = 2;
  L->styles[BL_LI] = L->styles[BL_P];
  L->styles[BL_LI].space_after = 1;
  L->styles[BL_LI].indent = 5;
  L->styles[BL_BLOCKQUOTE] = L->styles[BL_P];
  L->styles[BL_BLOCKQUOTE].italic = true;
  L->styles[BL_BLOCKQUOTE].indent = 5;
  L->styles[BL_BLOCKQUOTE].space_before = 1.5;
  bl_style *c = &L->styles[BL_CODE];
  c->family = L->mono;
  c->size = base * 0.85;
  c->has_background = true;
  c->background = 0xf0f0f0;
  c->space_after = 2;
  L->styles[BL_TABLE].size = base * 0.9;
  L->styles[BL_TABLE].space_before = 2;
  L->styles[BL_TABLE].space_after = 3;
  L->styles[BL_TH] = L->styles[BL_TABLE];
  L->styles[BL_TH].bold = true;
  L->styles[BL_TH].has_background = true;
  L->styles[BL_TH].background = 0xe8e8e8;
  L->styles[BL_CAPTION].size = base * 0.85;
  L->styles[BL_CAPTION].italic = true;
  L->styles[BL_CAPTION].space_after = 3;
  L->styles[BL_FOOTNOTE].size = base * 0.8;
  L->styles[BL_FOOTNOTE].space_after = 1;
  L->styles[BL_TOC].space_after = 1;
  L->styles[BL_TOC_TITLE] = L->styles[BL_H1];
  L->styles[BL_HEADER].size = base * 0.75;
  L->styles[BL_FOOTER].size = base * 0.75;
  L->styles[BL_COVER_TITLE].size = base * 2.2;
  L->styles[BL_COVER_TITLE].bold = true;
  L->styles[BL_COVER_TITLE].leading = 1.15;
  L->styles[BL_COVER_TITLE].align = BL_CENTER;
  L->styles[BL_COVER_TITLE].space_after = 4;
  L->styles[BL_COVER_TEXT].size = base * 1.2;
  L->styles[BL_COVER_TEXT].align = BL_CENTER;
  L->styles[BL_COVER_TEXT].space_after = 2;
}

static void read_style(rd *r, xmlNode *n) {
  static const char *const ok[] = {"element", "family", "size", "leading", "weight", "style",
                                   "color", "background", "space-before", "space-after",
                                   "indent", "align", "hyphenate", "keep-with-next",
                                   "break-before", "min-size", NULL};
  check_attrs(r, n, ok);
  const char *el = attr(r, n, "element");
  if (!el) {
    err(r, n, "<style> needs an element attribute (h1, p, li, ...)%s%s", NULL, NULL);
    return;
  }
  int e = -1;
  for (int i = 0; i < BL_NSTYLES; i++)
    if (strcmp(el, element_names[i]) == 0) e = i;
  if (e < 0) {
    aerr(r, n, "element", "unknown element '%s' in <style>; known: h1 h2 h3 h4 p li blockquote code table "
              "th caption footnote toc toc-title header footer cover-title cover-text%s",
        el, NULL);
    return;
  }
  bl_style *s = &r->L->styles[e];
  const char *v;
  if ((v = attr(r, n, "family"))) s->family = v;
  num_attr(r, n, "size", &s->size, 2, 200);
  num_attr(r, n, "leading", &s->leading, 0.8, 4);
  num_attr(r, n, "min-size", &s->min_size, 2, 200);
  if ((v = attr(r, n, "weight"))) {
    if (strcmp(v, "bold") == 0) s->bold = true;
    else if (strcmp(v, "normal") == 0) s->bold = false;
    else aerr(r, n, "weight", "weight must be bold or normal, not '%s'%s", v, NULL);
  }
  if ((v = attr(r, n, "style"))) {
    if (strcmp(v, "italic") == 0) s->italic = true;
    else if (strcmp(v, "normal") == 0) s->italic = false;
    else aerr(r, n, "style", "style must be italic or normal, not '%s'%s", v, NULL);
  }
  color_attr(r, n, "color", &s->color, NULL);
  color_attr(r, n, "background", &s->background, &s->has_background);
  num_attr(r, n, "space-before", &s->space_before, 0, 100);
  num_attr(r, n, "space-after", &s->space_after, 0, 100);
  num_attr(r, n, "indent", &s->indent, 0, 100);
  if ((v = attr(r, n, "align")) && !parse_align(v, &s->align, false))
    aerr(r, n, "align", "align must be left, center, right or justify, not '%s'%s", v, NULL);
  bool_attr(r, n, "hyphenate", &s->hyphenate);
  bool_attr(r, n, "keep-with-next", &s->keep_with_next);
  if ((v = attr(r, n, "break-before"))) {
    s->break_before = true;
    s->break_side = 0;
    s->break_between = false;
    if (strcmp(v, "false") == 0) s->break_before = false;
    else if (strcmp(v, "right") == 0) s->break_side = 1;
    else if (strcmp(v, "left") == 0) s->break_side = 2;
    else if (strcmp(v, "between") == 0) s->break_between = true;
    else if (strcmp(v, "true") != 0 && strcmp(v, "page") != 0)
      aerr(r, n, "break-before", "break-before must be true, false, left, right or between, not '%s'%s", v, NULL);
  }
}

static void read_running(rd *r, xmlNode *n, bl_running *run) {
  static const char *const ok[] = {"text", "align", "rule", NULL};
  check_attrs(r, n, ok);
  run->on = true;
  run->text = "{page}";
  run->align = BL_OUTSIDE;
  const char *v;
  if ((v = attr(r, n, "text"))) run->text = v;
  if ((v = attr(r, n, "align")) && !parse_align(v, &run->align, true))
    aerr(r, n, "align", "align must be left, center, right, inside or outside, not '%s'%s", v, NULL);
  bool_attr(r, n, "rule", &run->rule);
}

static void no_children(rd *r, xmlNode *n) {
  for (xmlNode *c = n->children; c; c = c->next)
    if (is_el(c)) err(r, c, "<%s> cannot contain <%s>", name_of(n), name_of(c));
}

typedef VEC(bl_part) part_vec;
typedef VEC(bl_template) template_vec;
typedef VEC(bl_segment) segment_vec;

/* A template's text without each line's leading blanks. */
static const char *dedent(rd *r, const char *s) {
  char *out = arena_alloc(r->a, strlen(s) + 1), *o = out;
  bool bol = true;
  for (; *s; s++) {
    if (bol && (*s == ' ' || *s == '\t')) continue;
    bol = *s == '\n';
    *o++ = *s;
  }
  *o = '\0';
  return out;
}

static void read_template(rd *r, xmlNode *n, template_vec *ts) {
  static const char *const ok[] = {"place", "if", NULL};
  check_attrs(r, n, ok);
  bl_template t = {0};
  t.line = line_of(n);
  const char *pl = attr(r, n, "place");
  if (pl && strcmp(pl, "after") == 0) t.after = true;
  else if (pl && strcmp(pl, "before") != 0)
    aerr(r, n, "place", "place must be before or after, not '%s'%s", pl, NULL);
  t.cond = attr(r, n, "if");
  segment_vec segs = {0};
  for (xmlNode *c = n->children; c; c = c->next) {
    bl_segment sg = {0};
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      sg.text = dedent(r, (const char *)c->content);
    } else if (is_el(c) && strcmp(name_of(c), "each") == 0) {
      static const char *const eok[] = {"field", NULL};
      check_attrs(r, c, eok);
      no_children(r, c);
      sg.each = attr(r, c, "field");
      if (!sg.each) err(r, c, "<each> needs a field attribute%s%s", NULL, NULL);
      xmlChar *content = xmlNodeGetContent(c);
      sg.text = dedent(r, content ? (const char *)content : "");
      xmlFree(content);
    } else if (is_el(c)) {
      err(r, c, "unknown element <%s> in <template>; use text and <each>%s", name_of(c), NULL);
      continue;
    } else {
      continue;
    }
    vec_push(&segs, sg);
  }
  t.segs = arena_alloc(r->a, (segs.n ? segs.n : 1) * sizeof *t.segs);
  if (segs.n) memcpy(t.segs, segs.items, segs.n * sizeof *t.segs);
  t.nsegs = segs.n;
  vec_free(&segs);
  vec_push(ts, t);
}

/* fit="page" on <content> or <toc>: the layout plans each stretch of the
 * part between two page breaks onto one page (a pixi's spreads), so text
 * that runs on to the next page is a mistake to show, not a page to add. */
static void fit_attr(rd *r, xmlNode *n, bl_part *p) {
  const char *v = attr(r, n, "fit");
  if (!v) return;
  if (strcmp(v, "page") == 0) p->fit = true;
  else aerr(r, n, "fit", "fit must be 'page' (each stretch between page breaks fits on one page), not '%s'%s", v, NULL);
}

/* <image src="assets/print/x.svg" field="illustration" height="40" alt="…"/>
 * or <qr field="url" height="20" alt="…"/> on a cover or back page. */
static bl_text picture_item(rd *r, xmlNode *c) {
  bool qr = strcmp(name_of(c), "qr") == 0;
  static const char *const iok[] = {"src", "field", "height", "alt", NULL};
  static const char *const qok[] = {"field", "height", "alt", NULL};
  check_attrs(r, c, qr ? qok : iok);
  no_children(r, c);
  bl_text t = {0};
  t.kind = qr ? BL_ITEM_QR : BL_ITEM_IMAGE;
  t.line = line_of(c);
  t.field = attr(r, c, "field");
  t.text = qr ? NULL : attr(r, c, "src");
  t.alt = attr(r, c, "alt");
  t.height = qr ? 20 : 40;
  num_attr(r, c, "height", &t.height, 5, 400);
  if (qr && !t.field) t.field = "url";
  if (!qr && !t.field && !t.text) err(r, c, "<image> needs a src or a field attribute%s%s", NULL, NULL);
  return t;
}

static void read_part(rd *r, xmlNode *n, part_vec *parts) {
  bl_part p = {0};
  p.line = line_of(n);
  const char *nm = name_of(n);
  bool notes = strcmp(nm, "notes") == 0;
  if (strcmp(nm, "cover") == 0 || strcmp(nm, "back") == 0 || strcmp(nm, "page") == 0 || notes) {
    static const char *const ok[] = {"background", "background-field", "color", "valign", NULL};
    static const char *const nok[] = {"title", "pages", "fill", "pad", "lines", NULL};
    check_attrs(r, n, notes ? nok : ok);
    p.kind = nm[0] == 'c' ? BL_PART_COVER : notes ? BL_PART_NOTES : BL_PART_BACK;
    p.text_page = nm[0] == 'p';
    if (notes) {
      p.title = attr(r, n, "title");
      if (!p.title) p.title = "Noter";
      bool_attr(r, n, "fill", &p.fill);
      bool_attr(r, n, "pad", &p.pad);
      double cnt = p.pad ? 0 : 1; /* padding notes: only the pages the padding needs */
      num_attr(r, n, "pages", &cnt, 0, 100);
      p.count = (int)cnt;
      p.line_gap = 7;
      num_attr(r, n, "lines", &p.line_gap, 0, 50);
    }
    p.color = r->L->styles[BL_COVER_TITLE].color;
    color_attr(r, n, "background", &p.background, &p.has_background);
    color_attr(r, n, "color", &p.color, NULL);
    if (!notes) p.background_field = attr(r, n, "background-field");
    p.valign = notes ? "top" : attr(r, n, "valign");
    if (!p.valign) p.valign = "middle";
    if (strcmp(p.valign, "top") && strcmp(p.valign, "middle") && strcmp(p.valign, "bottom"))
      aerr(r, n, "valign", "valign must be top, middle or bottom, not '%s'%s", p.valign, NULL);
    VEC(bl_text) texts = {0};
    for (xmlNode *c = n->children; c; c = c->next) {
      if (!is_el(c)) continue;
      if (!notes && (strcmp(name_of(c), "image") == 0 || strcmp(name_of(c), "qr") == 0)) {
        vec_push(&texts, picture_item(r, c));
        continue;
      }
      if (strcmp(name_of(c), "text") != 0) {
        err(r, c, "unknown element <%s> in <%s>; use <text>", name_of(c), nm);
        continue;
      }
      static const char *const tok[] = {"field", "style", NULL};
      check_attrs(r, c, tok);
      no_children(r, c);
      bl_text t = {0};
      t.line = line_of(c);
      t.field = attr(r, c, "field");
      t.style = texts.n == 0 && p.kind == BL_PART_COVER ? BL_COVER_TITLE : BL_COVER_TEXT;
      const char *st = attr(r, c, "style");
      if (st) {
        int e = -1;
        for (int i = 0; i < BL_NSTYLES; i++)
          if (strcmp(st, element_names[i]) == 0) e = i;
        if (e < 0) aerr(r, c, "style", "unknown style '%s' on <text>%s", st, NULL);
        else t.style = (bl_element)e;
      }
      xmlChar *content = xmlNodeGetContent(c);
      const char *txt = (const char *)content;
      while (txt && (*txt == ' ' || *txt == '\n' || *txt == '\t')) txt++;
      if (txt && *txt) {
        size_t len = strlen(txt);
        while (len && (txt[len - 1] == ' ' || txt[len - 1] == '\n' || txt[len - 1] == '\t')) len--;
        t.text = arena_strndup(r->a, txt, len);
      }
      xmlFree(content);
      if (!t.field && !t.text) err(r, c, "<text> needs a field attribute or text%s%s", NULL, NULL);
      vec_push(&texts, t);
    }
    p.texts = arena_alloc(r->a, (texts.n ? texts.n : 1) * sizeof *p.texts);
    if (texts.n) memcpy(p.texts, texts.items, texts.n * sizeof *p.texts);
    p.ntexts = texts.n;
    vec_free(&texts);
  } else if (strcmp(nm, "toc") == 0) {
    static const char *const ok[] = {"title", "depth", "fit", NULL};
    check_attrs(r, n, ok);
    no_children(r, n);
    p.kind = BL_PART_TOC;
    fit_attr(r, n, &p);
    p.title = attr(r, n, "title");
    if (!p.title) p.title = "Indhold";
    double depth = 2;
    num_attr(r, n, "depth", &depth, 1, 4);
    p.depth = (int)depth;
  } else if (strcmp(nm, "index") == 0) {
    static const char *const ok[] = {"title", "field", NULL};
    check_attrs(r, n, ok);
    no_children(r, n);
    p.kind = BL_PART_INDEX;
    p.title = attr(r, n, "title");
    if (!p.title) p.title = "Register";
    p.field = attr(r, n, "field");
    if (!p.field) err(r, n, "<index> needs a field attribute (a front matter field, e.g. stages)%s%s", NULL, NULL);
  } else if (strcmp(nm, "content") == 0 || strcmp(nm, "blank") == 0) {
    static const char *const ok[] = {NULL}, *const cok[] = {"fit", "min-fill", NULL};
    check_attrs(r, n, nm[0] == 'c' ? cok : ok);
    no_children(r, n);
    p.kind = nm[0] == 'c' ? BL_PART_CONTENT : BL_PART_BLANK;
    fit_attr(r, n, &p);
    num_attr(r, n, "min-fill", &p.min_fill, 0, 1);
  } else {
    err(r, n, "unknown element <%s> in <sequence>; known: cover toc content blank page notes index back%s", nm,
        NULL);
    return;
  }
  vec_push(parts, p);
}

booklayout *booklayout_parse(arena *a, const char *xml, size_t n, const char *file, diag *d) {
  rd r = {a, file, d, NULL, true, NULL};
  xmlParserCtxtPtr ctx = xmlNewParserCtxt();
  if (!ctx) klar_oom();
  xmlDocPtr doc = xmlCtxtReadMemory(ctx, xml, (int)n, file, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    xmlErrorPtr e = xmlCtxtGetLastError(ctx);
    char msg[400];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "not well-formed XML");
    size_t len = strlen(msg);
    while (len && msg[len - 1] == '\n') msg[--len] = '\0';
    diag_error(d, file, e ? e->line : 0, e ? e->int2 : 0, "%s", msg);
    xmlFreeParserCtxt(ctx);
    return NULL;
  }
  xmlFreeParserCtxt(ctx);
  xmlNode *root = xmlDocGetRootElement(doc);
  if (doc->intSubset || doc->extSubset) {
    diag_error(d, file, 1, 1, "a print layout may not have a DOCTYPE");
    xmlFreeDoc(doc);
    return NULL;
  }
  size_t nel = 0;
  number_elements(root, &nel);
  r.pos = xmlpos_scan(a, xml, n);
  if (!root || strcmp(name_of(root), "print") != 0 || !root->ns ||
      strcmp((const char *)root->ns->href, NS) != 0) {
    int line = 1, col = 0;
    if (root) where(&r, root, NULL, &line, &col);
    diag_error(d, file, line, col, "a print layout's root must be <print xmlns=\"%s\">", NS);
    xmlFreeDoc(doc);
    return NULL;
  }
  booklayout *L = arena_calloc(a, 1, sizeof *L);
  r.L = L;
  L->file = arena_strdup(a, file);
  const char *base = fsx_basename(file);
  const char *dot = strrchr(base, '.');
  L->name = arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
  L->width = 148;
  L->height = 210;
  L->bleed = 3;
  L->marks = true;
  L->inner = L->outer = L->top = 15;
  L->bottom = 18;
  L->columns = 1;
  L->gap = 5;
  L->family = "Noto Sans";
  L->mono = "Noto Sans Mono";
  L->lang = "da-DK";
  L->print_urls = true;
  L->page_ref = "se side {page}";
  double size = 10, leading = 1.35;
  xmlNode *cols_el = root;
  static const char *const root_ok[] = {"name", NULL};
  check_attrs(&r, root, root_ok);
  const char *nm = attr(&r, root, "name");
  if (nm) L->name = nm;

  /* First pass: geometry, font and palette (the styles depend on them). */
  ink_vec pal = {0};
  for (xmlNode *c = root->children; c; c = c->next) {
    if (!is_el(c)) continue;
    if (!c->ns || strcmp((const char *)c->ns->href, NS) != 0) {
      err(&r, c, "element <%s> is not in the namespace %s", name_of(c), NS);
      continue;
    }
    const char *en = name_of(c);
    if (strcmp(en, "page") == 0) {
      static const char *const ok[] = {"width", "height", "bleed", "marks", "pages", "binding", NULL};
      check_attrs(&r, c, ok);
      const char *bind = attr(&r, c, "binding");
      if (bind && strcmp(bind, "none") == 0) L->loose = true;
      else if (bind && strcmp(bind, "saddle-stitch") != 0)
        aerr(&r, c, "binding", "binding must be saddle-stitch (pages padded to a multiple of 4) or none "
                               "(single sheets, not padded), not '%s'%s", bind, NULL);
      num_attr(&r, c, "width", &L->width, 20, 1000);
      num_attr(&r, c, "height", &L->height, 20, 1000);
      num_attr(&r, c, "bleed", &L->bleed, 0, 20);
      bool_attr(&r, c, "marks", &L->marks);
      double pages = 0;
      num_attr(&r, c, "pages", &pages, 0, 1000);
      L->pages = (int)pages;
      if (pages != floor(pages) || (L->pages && L->pages % 4 && !L->loose))
        err(&r, c, "pages must be a whole multiple of 4 (saddle stitching)%s%s", NULL, NULL);
    } else if (strcmp(en, "impose") == 0) {
      static const char *const ok[] = {"creep", "sheet", NULL};
      check_attrs(&r, c, ok);
      num_attr(&r, c, "creep", &L->creep, 0, 10);
      const char *sheet = attr(&r, c, "sheet");
      if (sheet) read_sheet(&r, c, L, sheet);
    } else if (strcmp(en, "margins") == 0) {
      static const char *const ok[] = {"inner", "outer", "top", "bottom", NULL};
      check_attrs(&r, c, ok);
      num_attr(&r, c, "inner", &L->inner, 0, 200);
      num_attr(&r, c, "outer", &L->outer, 0, 200);
      num_attr(&r, c, "top", &L->top, 0, 200);
      num_attr(&r, c, "bottom", &L->bottom, 0, 200);
    } else if (strcmp(en, "columns") == 0) {
      static const char *const ok[] = {"count", "gap", NULL};
      check_attrs(&r, c, ok);
      double cols = 1;
      num_attr(&r, c, "count", &cols, 1, 6);
      cols_el = c;
      L->columns = (int)cols;
      num_attr(&r, c, "gap", &L->gap, 0, 50);
    } else if (strcmp(en, "font") == 0) {
      static const char *const ok[] = {"family", "mono", "size", "leading", "lang", NULL};
      check_attrs(&r, c, ok);
      const char *v;
      if ((v = attr(&r, c, "family"))) L->family = v;
      if ((v = attr(&r, c, "mono"))) L->mono = v;
      if ((v = attr(&r, c, "lang"))) L->lang = v;
      num_attr(&r, c, "size", &size, 4, 48);
      num_attr(&r, c, "leading", &leading, 0.8, 4);
    } else if (strcmp(en, "color") == 0) {
      read_color(&r, c, &pal);
      L->palette = pal.items; /* the named colours are looked up as they come */
      L->npalette = pal.n;
    } else if (strcmp(en, "press") == 0) {
      static const char *const ok[] = {"standard", NULL};
      check_attrs(&r, c, ok);
      const char *v = attr(&r, c, "standard");
      if (v && strcmp(v, "PDF/X-1a") == 0) L->pdfx_1a = true;
      else if (v && strcmp(v, "PDF/X-4") != 0)
        aerr(&r, c, "standard", "standard must be PDF/X-4 or PDF/X-1a, not '%s'%s", v, NULL);
    } else if (strcmp(en, "style") && strcmp(en, "header") && strcmp(en, "footer") &&
               strcmp(en, "sequence") && strcmp(en, "template") && strcmp(en, "page-title") && strcmp(en, "links") &&
               strcmp(en, "video") && strcmp(en, "footnotes") && strcmp(en, "matrix") &&
               strcmp(en, "impose")) {
      err(&r, c, "unknown element <%s>; known: page margins columns font color press style header footer "
                 "links video footnotes matrix impose template page-title sequence%s",
          en, NULL);
    }
    if (strcmp(en, "style") && strcmp(en, "sequence") && strcmp(en, "template")) no_children(&r, c);
  }
  L->palette = arena_alloc(a, (pal.n ? pal.n : 1) * sizeof *L->palette);
  if (pal.n) memcpy(L->palette, pal.items, pal.n * sizeof *L->palette);
  vec_free(&pal);
  set_defaults(L, size, leading);
  if (L->width - L->inner - L->outer < 20 || L->height - L->top - L->bottom < 20) {
    err(&r, root, "the margins leave less than 20 mm for the text%s%s", NULL, NULL);
  } else if (L->columns > 1) {
    /* Columns narrower than this are no columns: with their gaps they could
     * even leave a negative width, and the text ran off the page. */
    double colw = (L->width - L->inner - L->outer - (L->columns - 1) * L->gap) / L->columns;
    if (colw < 20) {
      char msg[160];
      snprintf(msg, sizeof msg, "%d columns %g mm apart leave %.1f mm for each", L->columns, L->gap, colw);
      aerr(&r, cols_el, "count", "%s; a column needs 20 mm at least: fewer columns, a smaller gap or narrower margins%s",
          msg, NULL);
    }
  }

  part_vec parts = {0};
  template_vec tps = {0};
  for (xmlNode *c = root->children; c; c = c->next) {
    if (!is_el(c) || !c->ns || strcmp((const char *)c->ns->href, NS) != 0) continue;
    const char *en = name_of(c);
    if (strcmp(en, "style") == 0) {
      no_children(&r, c);
      read_style(&r, c);
    } else if (strcmp(en, "header") == 0) {
      read_running(&r, c, &L->header);
    } else if (strcmp(en, "footer") == 0) {
      read_running(&r, c, &L->footer);
    } else if (strcmp(en, "template") == 0) {
      read_template(&r, c, &tps);
    } else if (strcmp(en, "links") == 0) {
      static const char *const ok[] = {"print-url", "page-ref", NULL};
      check_attrs(&r, c, ok);
      bool_attr(&r, c, "print-url", &L->print_urls);
      const char *pr = attr(&r, c, "page-ref");
      if (pr && !*pr) {
        L->page_ref = NULL; /* page-ref="": links inside the booklet print nothing after them */
      } else if (pr) {
        const char *at = strstr(pr, "{page}");
        if (!at || strstr(at + 6, "{page}"))
          aerr(&r, c, "page-ref", "attribute '%s' must hold {page} once (where the page number goes), not '%s'",
               "page-ref", pr);
        else
          L->page_ref = pr;
      }
    } else if (strcmp(en, "video") == 0) {
      static const char *const ok[] = {"qr", NULL};
      check_attrs(&r, c, ok);
      bool_attr(&r, c, "qr", &L->video_qr);
    } else if (strcmp(en, "matrix") == 0) {
      static const char *const ok[] = {"corner", "total", "legend", NULL};
      check_attrs(&r, c, ok);
      L->matrix = true;
      L->matrix_corner = attr(&r, c, "corner");
      L->matrix_total = attr(&r, c, "total");
      L->matrix_legend = attr(&r, c, "legend");
    } else if (strcmp(en, "footnotes") == 0) {
      static const char *const ok[] = {"place", NULL};
      check_attrs(&r, c, ok);
      const char *v = attr(&r, c, "place");
      if (v && strcmp(v, "page") == 0) L->notes_on_page = true;
      else if (v && strcmp(v, "section") == 0) L->notes_on_page = false;
      else if (v) aerr(&r, c, "place", "place must be page or section, not '%s'%s", v, NULL);
    } else if (strcmp(en, "page-title") == 0) {
      static const char *const ok[] = {"if", "level", NULL};
      check_attrs(&r, c, ok);
      L->title_if = attr(&r, c, "if");
      double lv = 2;
      num_attr(&r, c, "level", &lv, 1, 4);
      L->title_level = (int)lv;
      if (!L->title_if) err(&r, c, "<page-title> needs an if attribute (a front matter field)%s%s", NULL, NULL);
    } else if (strcmp(en, "sequence") == 0) {
      check_attrs(&r, c, (const char *const[]){NULL});
      for (xmlNode *p = c->children; p; p = p->next)
        if (is_el(p)) read_part(&r, p, &parts);
    }
  }
  int ncontent = 0;
  for (size_t i = 0; i < parts.n; i++) ncontent += parts.items[i].kind == BL_PART_CONTENT;
  if (parts.n == 0) {
    bl_part p = {0};
    p.kind = BL_PART_CONTENT;
    vec_push(&parts, p);
  } else if (ncontent != 1) {
    err(&r, root, "the <sequence> must have exactly one <content/>%s%s", NULL, NULL);
  }
  L->parts = arena_alloc(a, parts.n * sizeof *L->parts);
  memcpy(L->parts, parts.items, parts.n * sizeof *L->parts);
  L->nparts = parts.n;
  vec_free(&parts);
  L->templates = arena_alloc(a, (tps.n ? tps.n : 1) * sizeof *L->templates);
  if (tps.n) memcpy(L->templates, tps.items, tps.n * sizeof *L->templates);
  L->ntemplates = tps.n;
  vec_free(&tps);
  xmlFreeDoc(doc);
  return r.ok ? L : NULL;
}

booklayout *booklayout_load(arena *a, const char *root, const char *name, diag *d) {
  const char *rel = arena_printf(a, "layouts/print/%s.xml", name);
  const char *path = root && *root ? fsx_join(a, root, rel) : rel;
  size_t len = 0;
  char *xml = fsx_read(a, path, &len);
  if (!xml) {
    diag_error(d, rel, 0, 0, "cannot read print layout '%s': %s", name, strerror(errno));
    return NULL;
  }
  return booklayout_parse(a, xml, len, rel, d);
}
