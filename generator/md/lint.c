/* lint: what an editor should fix in a body and what the site's readers
 * would otherwise meet, found during the one walk of the parse (o->checks):
 * an image without alternative text (a screen reader says nothing, or the
 * file name), a link without text (an invisible link) or without a
 * destination (a link to nowhere), and a heading that skips a level (the
 * outline screen-reader users move by has a hole). The first three are
 * errors, the last a warning: the page still reads. Links with a fragment
 * are collected for the model, which alone knows the other pages' ids. */
#include <string.h>
#include "md_int.h"

void md_node_pos(walk *w, cmark_node *node, int *line, int *col) {
  if (!w->line_starts.n) {
    vec_push(&w->line_starts, 0);
    for (size_t i = 0; i < w->n; i++)
      if (w->src[i] == '\n') vec_push(&w->line_starts, i + 1);
  }
  int l = cmark_node_get_start_line(node), bytecol = cmark_node_get_start_column(node);
  *line = l + w->o->line_offset;
  *col = 1;
  if (l < 1 || (size_t)l > w->line_starts.n) return;
  /* Characters, not bytes, up to the column: what editors show. */
  const char *p = w->src + w->line_starts.items[l - 1], *end = w->src + w->n;
  for (int k = 0; k < bytecol - 1 && p + k < end && p[k] != '\n'; k++)
    if (((unsigned char)p[k] & 0xC0) != 0x80) ++*col;
}

/* True when the node has any text, code or image below it that is not
 * only white space. */
static bool has_text(cmark_node *node) {
  for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_IMAGE || t == CMARK_NODE_HTML_INLINE) return true;
    const char *lit = (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) ? cmark_node_get_literal(c) : NULL;
    if (lit && lit[strspn(lit, " \t\n")]) return true;
    if (has_text(c)) return true;
  }
  return false;
}

/* A destination with a scheme ("https:", "mailto:") or "//host" points
 * outside the site: its fragment is not klar's to check. */
static bool is_external(const char *u) {
  if (u[0] == '/' && u[1] == '/') return true;
  size_t n = strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
  return n > 0 && u[n] == ':';
}

void md_lint_heading(walk *w, cmark_node *node) {
  int level = cmark_node_get_heading_level(node);
  /* The layout gives the page's title the level-1 heading, so the body
   * starts below it. */
  int before = w->last_level ? w->last_level : 1;
  bool first = !w->last_level;
  w->last_level = level;
  if (level <= before + 1 || !w->d) return;
  int line, col;
  md_node_pos(w, node, &line, &col);
  if (first)
    diag_warning(w->d, w->o->file, line, col,
                 "the body's first heading is level %d, which skips a level: the page's title is the level-1 "
                 "heading, so the outline screen readers navigate by has a hole; start with ## here",
                 level);
  else
    diag_warning(w->d, w->o->file, line, col,
                 "a level-%d heading right after a level-%d heading skips a level, which leaves a hole in "
                 "the outline screen readers navigate by; use %.*s here (or add the heading between)",
                 level, before, before + 1, "#######");
}

void md_lint_link(walk *w, cmark_node *node) {
  bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
  const char *url = cmark_node_get_url(node);
  if (!url) url = "";
  int line, col;
  if (!image && strchr(url, '#') && !is_external(url)) {
    md_anchor an = {arena_strdup(w->a, url), 0, 0};
    md_node_pos(w, node, &an.line, &an.col);
    vec_push(&w->anchors, an);
  }
  if (!w->d) return;
  bool no_text = !has_text(node);
  if (!no_text && (image || *url)) return;
  md_node_pos(w, node, &line, &col);
  if (image)
    diag_error(w->d, w->o->file, line, col,
               "an image needs alternative text for readers who cannot see it: describe it between the "
               "brackets, like ![Børn leger i sandkassen](%s); an image that is only decoration is written "
               "![pynt](%s)",
               url, url);
  else if (no_text)
    diag_error(w->d, w->o->file, line, col,
               "a link needs text: [](%s) shows nothing to click; write the words readers should see "
               "between the brackets",
               url);
  else
    diag_error(w->d, w->o->file, line, col,
               "a link needs a destination: the parentheses after the link text are empty; write the "
               "page (like ../temaer/robusthed.md) or the web address it should open");
  w->ok = false;
}
