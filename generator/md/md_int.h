/* md_int.h: the parts of md/ shared between its files; private to md/,
 * nothing outside the folder includes it. The stages of one page's Markdown,
 * in the order md_render runs them:
 *   guard.c   the pathological-input guard (before cmark sees the text)
 *   parse.c   cmark-gfm's process-wide state, its lock and the parse itself
 *   passes.c  the tree walk: heading ids, links, typography, shortcodes,
 *             summary and word count
 *   typo.c    Danish typography on text
 *   unsafe.c  the filter for scripts: javascript:/data: URLs, on* attributes
 *   html.c    the HTML body
 *   tree.c    the block tree for print
 *   md.c      the entry points */
#ifndef KLAR_MD_INT_H
#define KLAR_MD_INT_H
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <stdint.h>
#include "../core/map.h"
#include "../core/vec.h"
#include "md.h"

enum { DEFAULT_MAX_NESTING = 100, DEFAULT_MAX_COLUMNS = 200, SUMMARY_CHARS = 300 };

/* parse.c */
/* The private syntax extension whose HTML renderer writes heading ids. */
extern cmark_syntax_extension *md_heading_ext;
/* The cmark option bits for o. */
int md_cmark_options(const md_options *o);
/* Parses n bytes under the lock when the special-character table is not
 * pinned. Returns the document; *pp gets the parser (the HTML renderer
 * needs its extension list); the caller frees both. */
cmark_node *md_cmark_parse(const md_options *o, const char *src, size_t n, cmark_parser **pp);

/* guard.c */
/* Returns true when src may be given to cmark; else reports the refusal to
 * d (when not NULL) at its position and returns false. */
bool md_guard_check(const md_options *o, const char *src, size_t n, diag *d);

/* typo.c */
/* Rewrites one text's literal into out (see typo.c); prev carries the code
 * point before it across the texts of one block. Returns true if anything
 * changed (out then holds the new text). */
bool md_typo_text(const char *s, sbuf *out, uint32_t *prev, const char *qo, const char *qc);
/* Returns the last code point of the n bytes at s (0 for none). */
uint32_t md_last_cp(const char *s, size_t n);

/* passes.c */
/* Converts cmark's byte column on a 1-based line of src to a character column. */
int md_char_column(const char *src, size_t n, int line, int bytecol);

/* The state of one walk over a parsed document. */
typedef struct walk {
  const md_options *o;
  arena *a;
  diag *d;
  const char *src;
  size_t n;
  bool ok;
  map ids;
  VEC(md_heading) headings;
  sbuf tmp, plain;
  cmark_node *collecting; /* heading or summary paragraph whose text is gathered */
  bool summary_done;
  const char *summary;
  bool in_word;
  int words;
  VEC(cmark_node *) shortcodes; /* code blocks to replace by their HTML after the walk */
  VEC(const char *) shortcode_html;
  VEC(size_t) line_starts;      /* lint.c: offset of each line of src, made on first use */
  int last_level;               /* lint.c: the level of the previous heading, 0 before the first */
  VEC(md_anchor) anchors;       /* lint.c: links with a fragment */
  VEC(cmark_node *) pictures;   /* images for o->picture, offered after the walk */
} walk;

/* Runs the passes over doc (o->site_passes decides which), collecting
 * headings, summary and words in w; shortcodes found are replaced only by
 * md_walk_replace_shortcodes. */
void md_walk_tree(walk *w, cmark_node *doc);
void md_walk_replace_shortcodes(walk *w);
/* Offers the images the walk found to o->picture and puts the HTML it
 * returns in their place (after the block tree is made). */
void md_walk_replace_pictures(walk *w);
/* Frees what the walk holds outside the arena. */
void md_walk_done(walk *w);

/* unsafe.c */
/* Reports a link or image to a javascript:, vbscript: or data: URL at its
 * position (when w->d) and empties the URL. */
void md_check_link(walk *w, cmark_node *node);
/* Reports event-handler attributes (on*) and such URLs in raw HTML (an
 * HTML_BLOCK or HTML_INLINE node) at their position (when w->d), and turns
 * the node's HTML into escaped text. */
void md_check_html(walk *w, cmark_node *node);

/* lint.c */
/* The editorial checks of o->checks, called by the walk: on entering a
 * heading (its level against the one before), a link or an image (its
 * text, alternative text and destination, before resolution). */
void md_lint_heading(walk *w, cmark_node *node);
void md_lint_link(walk *w, cmark_node *node);
/* The node's position as the editor sees it: line in the file (front
 * matter included) and character column. Every heading and every link with
 * a fragment asks, so the lines are indexed once per walk (md_char_column
 * counts from the start of the text each time: quadratic here). */
void md_node_pos(walk *w, cmark_node *node, int *line, int *col);

/* tree.c */
/* Converts doc (after md_walk_tree, before the shortcodes are replaced)
 * into the block tree, in arena a; line_offset is added to cmark's lines. */
const mdt_block *md_tree_make(cmark_node *doc, int line_offset, arena *a);

/* html.c */
/* Renders doc as HTML into arena a (cmark's buffer is freed). */
char *md_html_render(cmark_node *doc, cmark_parser *p, const md_options *o, arena *a);

#endif
