/* unsafe: the content filter for scripts. Raw HTML stays possible for the
 * site's editors (a <details>, a <figure>, a table cell's span), but nothing
 * in content may run a script in a parent's browser: links and images to
 * javascript:, vbscript: and data: URLs and event-handler attributes
 * (onclick=, onload=, any on*) are errors at their position, and are
 * filtered from the HTML (the URL emptied, the tag shown as text) for the
 * callers that have no diag. <script>, <iframe>, <style> and the like are
 * escaped by GFM's tagfilter extension already. See docs/reference.md. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../core/scheme.h"
#include "md_int.h"
#include "../core/msg.h"

/* cmark-gfm gives an autolink (<javascript:x>) the column where its line's
 * inlines end; the link's own column is where "<URL>" is written. Returns
 * the byte column of node on 1-based line `line` of the body. */
static int autolink_column(walk *w, cmark_node *node, int line, const char *url) {
  int col = cmark_node_get_start_column(node);
  size_t p = 0;
  for (int k = 1; k < line && p < w->n; p++)
    if (w->src[p] == '\n') k++;
  size_t len = 0;
  while (p + len < w->n && w->src[p + len] != '\n') len++;
  if (col >= 1 && (size_t)col <= len && w->src[p + col - 1] == '[') return col;
  size_t ul = strlen(url);
  for (size_t i = 0; i + ul + 2 <= len; i++)
    if (w->src[p + i] == '<' && !memcmp(w->src + p + i + 1, url, ul) && w->src[p + i + 1 + ul] == '>')
      return (int)i + 1;
  return col;
}

void md_check_link(walk *w, cmark_node *node) {
  const char *url = cmark_node_get_url(node);
  const char *scheme = url ? scheme_unsafe(url, strlen(url)) : NULL;
  if (!scheme) return;
  bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
  if (w->d) {
    int line = cmark_node_get_start_line(node);
    int col = md_char_column(w->src, w->n, line, autolink_column(w, node, line, url));
    /* Two whole sentences, not a word put into one, so each translates. */
    if (image)
      diag_error(w->d, w->o->file, line + w->o->line_offset, col,
                 "an image from a %s URL is not allowed in content: %s", scheme, scheme_advice(scheme));
    else
      diag_error(w->d, w->o->file, line + w->o->line_offset, col,
                 "a link to a %s URL is not allowed in content: %s", scheme, scheme_advice(scheme));
  }
  w->ok = false;
  cmark_node_set_url(node, "");
}

/* The attributes whose value a browser loads or follows as a URL. */
static bool is_url_attr(const char *name, size_t n) {
  static const char *const names[] = {"href",   "src",      "action", "formaction", "xlink:href",
                                      "poster", "data",     "background", "cite", "longdesc",
                                      "srcset", "imagesrcset", "lowsrc", "dynsrc", "manifest",
                                      "codebase", "ping",   "icon",
                                      /* SVG animation sets an href from these:
                                       * <animate attributeName="href"
                                       * values="javascript:…"> */
                                      "to", "from", "by", "values", NULL};
  for (const char *const *p = names; *p; p++)
    if (strlen(*p) == n && !strncasecmp(*p, name, n)) return true;
  return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* The position in the page's file of byte `off` of an HTML node's literal.
 * A line of the literal is the end of its line in the source (cmark strips
 * only the prefixes of block quotes and lists), except the first line of
 * inline HTML, which starts at the node's column. */
static void place(walk *w, cmark_node *node, const char *lit, size_t off, int *line, int *col) {
  int l = cmark_node_get_start_line(node);
  size_t ls = 0;
  for (size_t i = 0; i < off; i++)
    if (lit[i] == '\n') l++, ls = i + 1;
  int bytecol;
  if (ls == 0 && cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
    bytecol = cmark_node_get_start_column(node) + (int)off;
  } else {
    size_t ll = strcspn(lit + ls, "\n");
    size_t p = 0;
    for (int k = 1; k < l && p < w->n; p++)
      if (w->src[p] == '\n') k++;
    size_t sl = 0;
    while (p + sl < w->n && w->src[p + sl] != '\n') sl++;
    if (sl && w->src[p + sl - 1] == '\r') sl--;
    bytecol = (int)(sl >= ll ? sl - ll : 0) + (int)(off - ls) + 1;
  }
  *line = l;
  *col = md_char_column(w->src, w->n, l, bytecol);
}

static void report(walk *w, cmark_node *node, const char *lit, size_t off, const char *msg) {
  w->ok = false;
  if (!w->d) return;
  int line, col;
  place(w, node, lit, off, &line, &col);
  diag_error(w->d, w->o->file, line + w->o->line_offset, col, "%s", msg);
}

/* Reads the attributes of the start tag whose name ends at s[i]; returns the
 * offset after the tag and whether an attribute was refused. */
static size_t check_tag(walk *w, cmark_node *node, const char *s, size_t n, size_t i, bool *bad) {
  for (;;) {
    while (i < n && (is_space(s[i]) || s[i] == '/')) i++;
    if (i >= n || s[i] == '>') return i + 1;
    size_t name = i;
    i++; /* a first '=' belongs to the name, as in a browser */
    while (i < n && !is_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') i++;
    size_t nlen = i - name;
    while (i < n && is_space(s[i])) i++;
    size_t val = i, vlen = 0;
    if (i < n && s[i] == '=') {
      i++;
      while (i < n && is_space(s[i])) i++;
      if (i < n && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        val = i;
        while (i < n && s[i] != q) i++;
        vlen = i - val;
        if (i < n) i++;
      } else {
        val = i;
        while (i < n && !is_space(s[i]) && s[i] != '>') i++;
        vlen = i - val;
      }
    }
    char an[64];
    snprintf(an, sizeof an, "%.*s", (int)(nlen < 63 ? nlen : 63), s + name);
    if (nlen > 2 && !strncasecmp(an, "on", 2)) {
      char msg[256];
      snprintf(msg, sizeof msg,
               msg_tr("raw HTML may not have event-handler attributes like '%s' (they run a script in the "
                      "reader's browser); remove it"),
               an);
      report(w, node, s, name, msg);
      *bad = true;
    } else if (vlen && is_url_attr(s + name, nlen)) {
      /* srcset, ping and values hold several URLs: each is checked */
      bool values = !strcasecmp(an, "values");
      for (size_t p = val, e; p < val + vlen; p = e + 1) {
        e = p;
        while (e < val + vlen && s[e] != ',' && !(s[e] == ';' && values) &&
               !(s[e] == ' ' && !strncasecmp(an, "ping", 4)))
          e++;
        const char *scheme = scheme_unsafe_attr(s + p, e - p);
        if (!scheme) continue;
        char msg[320];
        snprintf(msg, sizeof msg, msg_tr("%s in raw HTML is a %s URL, which is not allowed in content: %s"), an,
                 scheme, scheme_advice(scheme));
        report(w, node, s, val, msg);
        *bad = true;
        break;
      }
    }
  }
}

/* The offset after the comment whose text starts at s[i] (after "<!--"),
 * where a browser ends it: "<!-->" and "<!--->" are empty comments, and
 * "--!>" closes one as "-->" does. Skipping to the first "-->" hid
 * <!--><img src=x onerror=alert(1)>--> from the check while the browser ran
 * it. */
static size_t comment_end(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '>') return i + 1;
  if (i + 1 < n && s[i] == '-' && s[i + 1] == '>') return i + 2;
  for (; i + 2 < n; i++)
    if (s[i] == '-' && s[i + 1] == '-') {
      if (s[i + 2] == '>') return i + 3;
      if (s[i + 2] == '!' && i + 3 < n && s[i + 3] == '>') return i + 4;
    }
  return n;
}

void md_check_html(walk *w, cmark_node *node) {
  const char *s = cmark_node_get_literal(node);
  if (!s) return;
  size_t n = strlen(s);
  bool bad = false;
  for (size_t i = 0; i < n;) {
    if (s[i] != '<') {
      i++;
    } else if (!strncmp(s + i, "<!--", 4)) {
      i = comment_end(s, n, i + 4);
    } else if (i + 1 < n && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z')) {
      size_t tag = i++;
      while (i < n && !is_space(s[i]) && s[i] != '/' && s[i] != '>') i++;
      i = check_tag(w, node, s, n, i, &bad);
      /* A tag left open at the end of an HTML block (a blank line ends the
       * block) goes on in the browser into whatever follows: the text after
       * <div title="x and a blank line is read as that attribute's value up
       * to the next quote, so <div id=" onclick=alert(1) "> in the next block
       * gave the first div an onclick this check never saw. */
      if (i > n) {
        report(w, node, s, tag,
               msg_tr("raw HTML has a tag that is not closed before the HTML ends (a quote or the "
                      "'>' is missing, or a blank line cuts the tag); close it on the same lines"));
        bad = true;
      }
    } else {
      i++;
    }
  }
  if (!bad) return;
  /* Shown as text where there is no diag to stop the build. */
  sbuf b = SBUF_INIT;
  sbuf_put_html(&b, s, n);
  cmark_node_set_literal(node, sbuf_str(&b));
  sbuf_free(&b);
}
