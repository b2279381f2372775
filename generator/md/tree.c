/* tree: the cmark tree of a page, after the passes, → klar's block tree
 * for print (see md.h). The conversion is one recursive walk; inline
 * content is flattened into runs with the style bits of the enclosing
 * emphasis, strong, code, strike and link nodes. It copies what it keeps
 * into the arena, so the cmark tree can be freed (or changed by the
 * shortcode replacement) afterwards. */
#include <stdlib.h>
#include <string.h>
#include "md_int.h"

typedef VEC(mdt_run) run_vec;
typedef VEC(mdt_block *) block_vec;

typedef struct conv {
  arena *a;
  int line_offset;
  map footnotes;  /* label → number (as (void*)(long)) */
  int nfootnotes;
  int ndefs;        /* footnote definitions seen */
} conv;

/* Returns cmark's type string for extension nodes ("table", "strikethrough"). */
static const char *ext_type(cmark_node *n) { return cmark_node_get_type_string(n); }

static mdt_block *new_block(conv *c, mdt_kind k, cmark_node *n) {
  mdt_block *b = arena_calloc(c->a, 1, sizeof *b);
  b->kind = k;
  b->task = -1;
  b->line = cmark_node_get_start_line(n) + c->line_offset;
  b->col = cmark_node_get_start_column(n);
  return b;
}

static void plain_text(cmark_node *n, sbuf *out) {
  for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
    cmark_node_type t = cmark_node_get_type(ch);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      const char *s = cmark_node_get_literal(ch);
      if (s) sbuf_puts(out, s);
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      sbuf_putc(out, ' ');
    } else {
      plain_text(ch, out);
    }
  }
}

static int footnote_number(conv *c, const char *label) {
  void *v = map_get(&c->footnotes, label);
  if (v) return (int)(long)v;
  c->nfootnotes++;
  map_set(&c->footnotes, arena_strdup(c->a, label), (void *)(long)c->nfootnotes);
  return c->nfootnotes;
}

static void push_run(conv *c, run_vec *runs, mdr_kind k, unsigned style, const char *text,
                     const char *url) {
  /* Merge with the previous text run of the same style and link. */
  if (k == MDR_TEXT && runs->n) {
    mdt_run *last = &runs->items[runs->n - 1];
    if (last->kind == MDR_TEXT && last->style == style &&
        (last->url == url || (last->url && url && strcmp(last->url, url) == 0))) {
      last->text = arena_printf(c->a, "%s%s", last->text, text);
      return;
    }
  }
  mdt_run r = {k, style, arena_strdup(c->a, text ? text : ""), url, 0};
  vec_push(runs, r);
}

static void inlines(conv *c, cmark_node *parent, unsigned style, const char *url, run_vec *runs) {
  for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    cmark_node_type t = cmark_node_get_type(n);
    switch (t) {
    case CMARK_NODE_TEXT:
      push_run(c, runs, MDR_TEXT, style, cmark_node_get_literal(n), url);
      break;
    case CMARK_NODE_CODE:
      push_run(c, runs, MDR_TEXT, style | MDS_CODE, cmark_node_get_literal(n), url);
      break;
    case CMARK_NODE_SOFTBREAK:
      push_run(c, runs, MDR_SOFTBREAK, style, "", url);
      break;
    case CMARK_NODE_LINEBREAK:
      push_run(c, runs, MDR_HARDBREAK, style, "", url);
      break;
    case CMARK_NODE_EMPH:
      inlines(c, n, style | MDS_EMPH, url, runs);
      break;
    case CMARK_NODE_STRONG:
      inlines(c, n, style | MDS_STRONG, url, runs);
      break;
    case CMARK_NODE_LINK: {
      const char *u = arena_strdup(c->a, cmark_node_get_url(n));
      inlines(c, n, style, u, runs);
      break;
    }
    case CMARK_NODE_IMAGE: {
      sbuf alt = SBUF_INIT;
      plain_text(n, &alt);
      push_run(c, runs, MDR_TEXT, style | MDS_EMPH, sbuf_str(&alt), url);
      sbuf_free(&alt);
      break;
    }
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
      const char *label = cmark_node_get_literal(n);
      mdt_run r = {MDR_FOOTREF, style, arena_strdup(c->a, label ? label : ""), url, 0};
      /* cmark-gfm has already replaced the label by the footnote's number. */
      r.number = atoi(r.text) > 0 ? atoi(r.text) : footnote_number(c, r.text);
      vec_push(runs, r);
      break;
    }
    case CMARK_NODE_HTML_INLINE:
      break; /* raw HTML has no print form */
    default:
      if (strcmp(ext_type(n), "strikethrough") == 0)
        inlines(c, n, style | MDS_STRIKE, url, runs);
      else
        inlines(c, n, style, url, runs);
      break;
    }
  }
}

static void set_runs(conv *c, mdt_block *b, cmark_node *n) {
  run_vec runs = {0};
  inlines(c, n, 0, NULL, &runs);
  b->runs = arena_alloc(c->a, (runs.n ? runs.n : 1) * sizeof *b->runs);
  if (runs.n) memcpy(b->runs, runs.items, runs.n * sizeof *b->runs);
  b->nruns = runs.n;
  vec_free(&runs);
}

static void set_children(conv *c, mdt_block *b, block_vec *v) {
  b->children = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof *b->children);
  if (v->n) memcpy(b->children, v->items, v->n * sizeof *b->children);
  b->nchildren = v->n;
  vec_free(v);
}

/* A paragraph that holds one image and nothing but blank text around it. */
static cmark_node *lone_image(cmark_node *para) {
  cmark_node *img = NULL;
  for (cmark_node *n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_IMAGE && !img) {
      img = n;
    } else if (t == CMARK_NODE_SOFTBREAK) {
      continue;
    } else if (t == CMARK_NODE_TEXT) {
      const char *s = cmark_node_get_literal(n);
      if (s && s[strspn(s, " \t")] != '\0') return NULL;
    } else {
      return NULL;
    }
  }
  return img;
}

static mdt_block *convert(conv *c, cmark_node *n);

static void convert_children(conv *c, cmark_node *n, mdt_block *b) {
  block_vec v = {0};
  for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
    mdt_block *cb = convert(c, ch);
    if (cb) vec_push(&v, cb);
  }
  set_children(c, b, &v);
}

static mdt_block *convert(conv *c, cmark_node *n) {
  mdt_block *b;
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_DOCUMENT:
    b = new_block(c, MDT_DOCUMENT, n);
    convert_children(c, n, b);
    return b;
  case CMARK_NODE_HEADING: {
    b = new_block(c, MDT_HEADING, n);
    b->level = cmark_node_get_heading_level(n);
    set_runs(c, b, n);
    /* The id the walk gave it: the HTML's (the walk always sets one). */
    const char *id = cmark_node_get_user_data(n);
    b->id = id ? id : "";
    return b;
  }
  case CMARK_NODE_PARAGRAPH: {
    cmark_node *img = lone_image(n);
    if (img) {
      b = new_block(c, MDT_IMAGE, img);
      b->line = cmark_node_get_start_line(n) + c->line_offset;
      /* The link pass keeps the destination as written (the file) in the
       * node's user data when it rewrites the URL. */
      const char *written = cmark_node_get_user_data(img);
      b->src = arena_strdup(c->a, written ? written : cmark_node_get_url(img));
      const char *title = cmark_node_get_title(img);
      b->title = title && *title ? arena_strdup(c->a, title) : NULL;
      sbuf alt = SBUF_INIT;
      plain_text(img, &alt);
      b->alt = strcmp(sbuf_str(&alt), MD_DECORATIVE) ? sbuf_dup(&alt, c->a) : "";
      sbuf_free(&alt);
      return b;
    }
    b = new_block(c, MDT_PARAGRAPH, n);
    set_runs(c, b, n);
    return b;
  }
  case CMARK_NODE_LIST:
    b = new_block(c, MDT_LIST, n);
    b->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    b->start = b->ordered ? cmark_node_get_list_start(n) : 0;
    b->tight = cmark_node_get_list_tight(n) != 0;
    convert_children(c, n, b);
    return b;
  case CMARK_NODE_ITEM:
    b = new_block(c, MDT_ITEM, n);
    if (strcmp(ext_type(n), "tasklist") == 0)
      b->task = cmark_gfm_extensions_get_tasklist_item_checked(n) ? 1 : 0;
    convert_children(c, n, b);
    return b;
  case CMARK_NODE_BLOCK_QUOTE:
    b = new_block(c, MDT_QUOTE, n);
    convert_children(c, n, b);
    return b;
  case CMARK_NODE_CODE_BLOCK: {
    b = new_block(c, MDT_CODE, n);
    b->info = arena_strdup(c->a, cmark_node_get_fence_info(n));
    const char *lit = cmark_node_get_literal(n);
    size_t len = lit ? strlen(lit) : 0;
    while (len && lit[len - 1] == '\n') len--; /* the last line end is not content */
    b->text = arena_strndup(c->a, lit ? lit : "", len);
    return b;
  }
  case CMARK_NODE_THEMATIC_BREAK:
    return new_block(c, MDT_BREAK, n);
  case CMARK_NODE_HTML_BLOCK:
    b = new_block(c, MDT_HTML, n);
    b->text = arena_strdup(c->a, cmark_node_get_literal(n));
    return b;
  case CMARK_NODE_FOOTNOTE_DEFINITION: {
    b = new_block(c, MDT_FOOTNOTE, n);
    /* cmark-gfm keeps no label on a definition; it has moved the
     * definitions to the end in the order of their first reference. */
    b->number = ++c->ndefs;
    b->label = arena_printf(c->a, "%d", b->number);
    convert_children(c, n, b);
    return b;
  }
  default:
    break;
  }
  const char *t = ext_type(n);
  if (strcmp(t, "table") == 0) {
    b = new_block(c, MDT_TABLE, n);
    b->ncols = cmark_gfm_extensions_get_table_columns(n);
    uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
    char *align = arena_alloc(c->a, (size_t)b->ncols + 1);
    for (int i = 0; i < b->ncols; i++)
      align[i] = al && (al[i] == 'l' || al[i] == 'c' || al[i] == 'r') ? (char)al[i] : '-';
    align[b->ncols] = '\0';
    b->align = align;
    convert_children(c, n, b);
    return b;
  }
  if (strcmp(t, "table_row") == 0 || strcmp(t, "table_header") == 0) {
    b = new_block(c, MDT_ROW, n);
    b->header = strcmp(t, "table_header") == 0 || cmark_gfm_extensions_get_table_row_is_header(n);
    convert_children(c, n, b);
    return b;
  }
  if (strcmp(t, "table_cell") == 0) {
    b = new_block(c, MDT_CELL, n);
    set_runs(c, b, n);
    return b;
  }
  return NULL; /* nothing else carries block content */
}

/* Moves the footnote definitions after the other blocks (cmark-gfm puts
 * them there already; this keeps the promise of md.h whatever it does). */
static void footnotes_last(conv *c, mdt_block *doc) {
  block_vec body = {0};
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < doc->nchildren; i++)
      if ((doc->children[i]->kind == MDT_FOOTNOTE) == (pass == 1)) vec_push(&body, doc->children[i]);
  set_children(c, doc, &body);
}

const mdt_block *md_tree_make(cmark_node *doc, int line_offset, arena *a) {
  conv c = {a, line_offset, MAP_INIT, 0, 0};
  mdt_block *root = convert(&c, doc);
  footnotes_last(&c, root);
  map_free(&c.footnotes);
  return root;
}

const char *md_tree_plain(arena *a, const mdt_block *b) {
  sbuf s = SBUF_INIT;
  for (size_t i = 0; i < b->nruns; i++) {
    const mdt_run *r = &b->runs[i];
    if (r->kind == MDR_TEXT) sbuf_puts(&s, r->text);
    else if (r->kind != MDR_FOOTREF) sbuf_putc(&s, ' ');
  }
  char *out = sbuf_dup(&s, a);
  sbuf_free(&s);
  return out;
}

const char *md_tree_kind_name(mdt_kind k) {
  static const char *const names[] = {"document", "heading", "paragraph", "list", "item",
                                      "quote", "code", "table", "row", "cell", "break",
                                      "image", "footnote", "html"};
  return (size_t)k < sizeof names / sizeof *names ? names[k] : "?";
}
