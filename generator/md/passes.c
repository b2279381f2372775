/* passes: the walk over a parsed document that does klar's site passes
 * (heading ids, link resolution, Danish typography, shortcodes) and
 * collects the headings, the summary and the word count. */
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "md_int.h"

/* ===================================================================== */
/* The tree walk                                                          */
/* ===================================================================== */


static bool is_block(cmark_node *n) {
  return (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
}

/* A destination that klar resolves: relative paths only. Absolute URLs
 * (any scheme, including mailto:), "//host", "/path", "#frag" and empty
 * destinations are left as written. */
static bool is_relative(const char *u) {
  if (!u || !*u || u[0] == '/' || u[0] == '#' || u[0] == '?') return false;
  const char *p = u;
  if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
      p++;
    if (*p == ':') return false;
  }
  return true;
}

/* Converts cmark's byte column on a 1-based line of src to a character
 * column, which is what editors show. */
int md_char_column(const char *src, size_t n, int line, int bytecol) {
  size_t p = 0;
  for (int l = 1; l < line && p < n; p++)
    if (src[p] == '\n') l++;
  int col = 1;
  for (size_t k = 0; (int)k < bytecol - 1 && p + k < n && src[p + k] != '\n'; k++)
    if (((unsigned char)src[p + k] & 0xC0) != 0x80) col++;
  return col;
}

static void count_words(walk *w, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    if (*p == 0xC2 && p[1] == 0xA0) { space = true; p++; }
    if (space) w->in_word = false;
    else if (!w->in_word) { w->in_word = true; w->words++; }
  }
}

/* Resolves a relative destination through o->resolve. Returns false when
 * it is broken (reported). */
static bool resolve_link(walk *w, cmark_node *node) {
  const md_options *o = w->o;
  bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
  const char *url = cmark_node_get_url(node);
  if (!o->resolve || !is_relative(url)) return true;
  sbuf out = SBUF_INIT;
  md_link r = o->resolve(o->resolve_ctx, image, url, &out);
  if (r == MD_LINK_OK) {
    /* Print reads an image from its file: the block tree takes the
     * destination as written from the user data. */
    if (image) cmark_node_set_user_data(node, arena_strdup(w->a, url));
    cmark_node_set_url(node, sbuf_str(&out));
  } else if (w->d) {
    int line = cmark_node_get_start_line(node);
    int col = md_char_column(w->src, w->n, line, cmark_node_get_start_column(node));
    /* Two whole sentences, not a word put into one, so each translates. */
    const char *near = out.len ? sbuf_str(&out) : NULL;
    if (r == MD_LINK_DRAFT)
      diag_error(w->d, o->file, line + o->line_offset, col,
                 "broken link to '%s': that page is a draft (draft: true) and is left out of the site; publish "
                 "it first (remove draft: true from its front matter), or build with --drafts to preview",
                 url);
    else if (r == MD_LINK_FUTURE)
      diag_error(w->d, o->file, line + o->line_offset, col,
                 "broken link to '%s': that page is held back until %s (its publish day) and is left out of "
                 "the site until then; link to it from that day on, or build with --future to preview",
                 url, sbuf_str(&out));
    else if (r == MD_LINK_OUTSIDE)
      diag_error(w->d, o->file, line + o->line_offset, col,
                 "the image '%s' lies outside the content folder (its ../ climb above content/), and klar "
                 "publishes only the site's own files; put the image below content/, beside the page",
                 url);
    else if (image && near)
      diag_error(w->d, o->file, line + o->line_offset, col, "broken image link to '%s'; did you mean '%s'?", url, near);
    else if (image)
      diag_error(w->d, o->file, line + o->line_offset, col,
                 "broken image link to '%s': there is no such file (put the image beside the page, or write "
                 "its path from this page)",
                 url);
    else if (near)
      diag_error(w->d, o->file, line + o->line_offset, col, "broken link to '%s'; did you mean '%s'?", url, near);
    else
      diag_error(w->d, o->file, line + o->line_offset, col,
                 "broken link to '%s': there is no such page or file (link to a page by the path of its .md file "
                 "from this page, like ../temaer/robusthed.md)",
                 url);
    w->ok = false;
  }
  sbuf_free(&out);
  return r == MD_LINK_OK;
}

/* Joins runs of adjacent text nodes (cmark splits text at characters that
 * might start markup), so that typography sees "10 kr." whole. */
static void merge_text(walk *w, cmark_node *node) {
  cmark_node *nx = cmark_node_next(node);
  if (!nx || cmark_node_get_type(nx) != CMARK_NODE_TEXT) return;
  sbuf_clear(&w->tmp);
  sbuf_puts(&w->tmp, cmark_node_get_literal(node));
  while (nx && cmark_node_get_type(nx) == CMARK_NODE_TEXT) {
    sbuf_puts(&w->tmp, cmark_node_get_literal(nx));
    cmark_node *dead = nx;
    nx = cmark_node_next(nx);
    cmark_node_free(dead); /* unlinks it */
  }
  cmark_node_set_literal(node, sbuf_str(&w->tmp));
}

static const char *unique_id(walk *w, const char *text) {
  char *base = dk_slug(w->a, text);
  if (!*base) base = "afsnit";
  const char *id = base;
  for (int k = 2; map_has(&w->ids, id); k++) id = arena_printf(w->a, "%s-%d", base, k);
  map_set(&w->ids, id, (void *)id);
  return id;
}

/* Cuts plain text at a word boundary before SUMMARY_CHARS characters. */
static const char *make_summary(arena *a, const char *s) {
  size_t chars = 0, cut = 0, len = strlen(s);
  for (size_t k = 0; k < len; k++) {
    if (((unsigned char)s[k] & 0xC0) == 0x80) continue;
    if (chars == SUMMARY_CHARS) {
      size_t end = cut ? cut : k;
      while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',' || s[end - 1] == ';' ||
                         s[end - 1] == ':'))
        end--;
      sbuf b = SBUF_INIT;
      sbuf_put(&b, s, end);
      sbuf_puts(&b, "\xE2\x80\xA6");
      char *r = sbuf_dup(&b, a);
      sbuf_free(&b);
      return r;
    }
    if (s[k] == ' ') cut = k;
    chars++;
  }
  return arena_strdup(a, s);
}

/* Offers a fenced block with an info string to the shortcode callback; a
 * block it handles is replaced after the walk (the iterator must not see
 * the tree change under it). */
static void run_shortcode(walk *w, cmark_node *node) {
  const char *info = cmark_node_get_fence_info(node);
  if (!info || !*info) return;
  size_t n = strcspn(info, " \t{");
  if (!n) return;
  char *name = arena_strndup(w->a, info, n);
  sbuf out = SBUF_INIT;
  int r = w->o->shortcode(w->o->shortcode_ctx, name, info, cmark_node_get_literal(node), &out);
  if (r > 0) {
    vec_push(&w->shortcodes, node);
    vec_push(&w->shortcode_html, sbuf_dup(&out, w->a));
  } else if (r < 0) {
    int line = cmark_node_get_start_line(node);
    int col = md_char_column(w->src, w->n, line, cmark_node_get_start_column(node));
    if (w->d) diag_error(w->d, w->o->file, line + w->o->line_offset, col, "%s", sbuf_str(&out));
    w->ok = false;
  }
  sbuf_free(&out);
}

void md_walk_replace_shortcodes(walk *w) {
  for (size_t i = 0; i < w->shortcodes.n; i++) {
    cmark_node *html = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(html, w->shortcode_html.items[i]);
    cmark_node_replace(w->shortcodes.items[i], html);
    cmark_node_free(w->shortcodes.items[i]);
  }
  vec_free(&w->shortcodes);
  vec_free(&w->shortcode_html);
}

/* True for an image in another's alternative text (![a ![b](x)](y)):
 * only the outer one is a picture, and replacing it frees the inner. */
static bool inside_image(cmark_node *node) {
  for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p))
    if (cmark_node_get_type(p) == CMARK_NODE_IMAGE) return true;
  return false;
}

void md_walk_tree(walk *w, cmark_node *doc) {
  const md_options *o = w->o;
  const char *qo = o->quote_open ? o->quote_open : "\xC2\xBB";
  const char *qc = o->quote_close ? o->quote_close : "\xC2\xAB";
  uint32_t prev = 0;
  sbuf typo = SBUF_INIT;
  cmark_iter *it = cmark_iter_new(doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(node);
    if (is_block(node)) {
      prev = 0;
      w->in_word = false;
      if (ev == CMARK_EVENT_ENTER) {
        if (t == CMARK_NODE_HEADING && o->site_passes && o->checks) md_lint_heading(w, node);
        if (t == CMARK_NODE_HEADING ||
            (t == CMARK_NODE_PARAGRAPH && !w->summary_done && cmark_node_parent(node) == doc)) {
          w->collecting = node;
          sbuf_clear(&w->plain);
        } else if (t == CMARK_NODE_CODE_BLOCK) {
          count_words(w, cmark_node_get_literal(node));
          if (o->site_passes && o->shortcode) run_shortcode(w, node);
        } else if (t == CMARK_NODE_HTML_BLOCK && o->site_passes) {
          md_check_html(w, node);
        }
      } else if (node == w->collecting) {
        const char *text = sbuf_dup(&w->plain, w->a);
        w->collecting = NULL;
        if (t == CMARK_NODE_HEADING) {
          md_heading h = {cmark_node_get_heading_level(node), unique_id(w, text), text, 0, 0};
          md_node_pos(w, node, &h.line, &h.col);
          vec_push(&w->headings, h);
          /* The id stays on the node for the block tree; the extension
           * writes it into the HTML, a site pass only. */
          cmark_node_set_user_data(node, (void *)h.id);
          if (o->site_passes) cmark_node_set_syntax_extension(node, md_heading_ext);
        } else {
          w->summary = make_summary(w->a, text);
          w->summary_done = true;
        }
      }
      continue;
    }
    if (ev != CMARK_EVENT_ENTER) continue;
    switch (t) {
    case CMARK_NODE_TEXT: {
      if (o->site_passes) {
        merge_text(w, node);
        if (md_typo_text(cmark_node_get_literal(node), &typo, &prev, qo, qc))
          cmark_node_set_literal(node, sbuf_str(&typo));
      }
      const char *lit = cmark_node_get_literal(node);
      count_words(w, lit);
      if (w->collecting) sbuf_puts(&w->plain, lit);
      break;
    }
    case CMARK_NODE_CODE: {
      const char *lit = cmark_node_get_literal(node);
      prev = md_last_cp(lit, strlen(lit));
      count_words(w, lit);
      if (w->collecting) sbuf_puts(&w->plain, lit);
      break;
    }
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      prev = ' ';
      w->in_word = false;
      if (w->collecting) sbuf_putc(&w->plain, ' ');
      break;
    case CMARK_NODE_HTML_INLINE:
      if (o->site_passes) md_check_html(w, node);
      break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
      if (o->site_passes) {
        if (o->checks) md_lint_link(w, node);
        md_check_link(w, node);
        if (resolve_link(w, node) && t == CMARK_NODE_IMAGE && o->picture && !inside_image(node))
          vec_push(&w->pictures, node);
      }
      break;
    default:
      break;
    }
  }
  cmark_iter_free(it);
  sbuf_free(&typo);
}


/* The alternative text of an image as cmark's HTML would write it: the
 * text of everything below it. */
static void alt_text(cmark_node *n, sbuf *out) {
  for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
    cmark_node_type t = cmark_node_get_type(ch);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_HTML_INLINE) {
      const char *s = cmark_node_get_literal(ch);
      if (s) sbuf_puts(out, s);
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      sbuf_putc(out, ' ');
    } else {
      alt_text(ch, out);
    }
  }
}

void md_walk_replace_pictures(walk *w) {
  sbuf alt = SBUF_INIT, out = SBUF_INIT;
  for (size_t i = 0; i < w->pictures.n; i++) {
    cmark_node *node = w->pictures.items[i];
    sbuf_clear(&alt);
    alt_text(node, &alt);
    const char *written = cmark_node_get_user_data(node), *url = cmark_node_get_url(node);
    const char *title = cmark_node_get_title(node);
    /* The resolver keeps the destination as written in the user data
     * when it rewrote it; an absolute one was not given to it. */
    const char *dest = written ? written : url;
    md_picture pic = {dest ? dest : "", strcmp(sbuf_str(&alt), MD_DECORATIVE) ? sbuf_str(&alt) : "",
                      title && *title ? title : NULL, written ? url : NULL, w->o->file, 0, 0};
    md_node_pos(w, node, &pic.line, &pic.col);
    sbuf_clear(&out);
    int r = w->o->picture(w->o->picture_ctx, &pic, &out);
    if (r > 0) {
      cmark_node *html = cmark_node_new(CMARK_NODE_HTML_INLINE);
      cmark_node_set_literal(html, sbuf_str(&out));
      cmark_node_replace(node, html);
      cmark_node_free(node);
    } else if (r < 0) {
      w->ok = false;
    }
  }
  sbuf_free(&alt);
  sbuf_free(&out);
  vec_free(&w->pictures);
}

void md_walk_done(walk *w) {
  vec_free(&w->pictures);
  vec_free(&w->headings);
  vec_free(&w->anchors);
  vec_free(&w->line_starts);
  map_free(&w->ids);
  sbuf_free(&w->tmp);
  sbuf_free(&w->plain);
}
