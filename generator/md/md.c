/* md: the entry points of the Markdown stage (see md.h; md_int.h lists the
 * files of each step).
 */
#include <string.h>
#include "md_int.h"

static const md_options default_options = {.site_passes = true, .unsafe = true};

bool md_render(const char *src, size_t n, const md_options *opts, arena *a, diag *d,
               md_result *res) {
  const md_options *o = opts ? opts : &default_options;
  memset(res, 0, sizeof *res);
  res->html = "";
  res->summary = "";
  if (!md_guard_check(o, src, n, d)) return false;

  cmark_parser *p;
  cmark_node *doc = md_cmark_parse(o, src, n, &p);
  walk w = {.o = o, .a = a, .d = d, .src = src, .n = n, .ok = true};
  md_walk_tree(&w, doc);
  /* The block tree before the shortcodes become HTML: print has its own
   * form of them. */
  if (o->tree) res->tree = md_tree_make(doc, o->line_offset, a);
  md_walk_replace_shortcodes(&w);
  md_walk_replace_pictures(&w);
  res->html = md_html_render(doc, p, o, a);
  res->summary = w.summary ? w.summary : "";
  res->nheadings = w.headings.n;
  if (w.headings.n) {
    res->headings = arena_alloc(a, w.headings.n * sizeof *res->headings);
    memcpy(res->headings, w.headings.items, w.headings.n * sizeof *res->headings);
  }
  res->words = w.words;
  res->nanchors = w.anchors.n;
  if (w.anchors.n) {
    res->anchors = arena_alloc(a, w.anchors.n * sizeof *res->anchors);
    memcpy(res->anchors, w.anchors.items, w.anchors.n * sizeof *res->anchors);
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  md_walk_done(&w);
  return w.ok;
}

const char *md_inline(const char *src, const md_options *opts, arena *a) {
  const md_options *o = opts ? opts : &default_options;
  size_t n = strlen(src);
  if (!md_guard_check(o, src, n, NULL)) {
    sbuf b = SBUF_INIT;
    sbuf_put_html(&b, src, n);
    char *r = sbuf_dup(&b, a);
    sbuf_free(&b);
    return r;
  }
  cmark_parser *p;
  cmark_node *doc = md_cmark_parse(o, src, n, &p);
  /* no diag here: a broken link in front matter text keeps its destination */
  walk w = {.o = o, .a = a, .d = NULL, .src = src, .n = n, .ok = true};
  md_walk_tree(&w, doc);
  cmark_node *first = cmark_node_first_child(doc);
  char *html;
  if (first && !cmark_node_next(first) && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH) {
    /* One paragraph: drop its <p> and </p>\n. */
    html = md_html_render(doc, p, o, a);
    size_t len = strlen(html);
    if (len >= 8 && strncmp(html, "<p>", 3) == 0 && strcmp(html + len - 5, "</p>\n") == 0) {
      html[len - 5] = 0;
      html += 3;
    }
  } else {
    html = md_html_render(doc, p, o, a);
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  md_walk_done(&w);
  return html;
}

