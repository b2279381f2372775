/* md: Markdown for klar. The only module that includes cmark-gfm. Parses a
 * page body once with the GFM extensions (table, strikethrough, autolink,
 * tagfilter, tasklist) and footnotes, runs klar's AST passes (heading ids,
 * link and image resolution through a callback, Danish typography,
 * shortcodes) and makes from that one tree the HTML body and, for print,
 * klar's own block tree. Guards against inputs on which Debian's cmark-gfm
 * 0.29.0.gfm.6 is quadratic: such a body is refused with an error naming
 * the file, never a hang.
 * Thread-safe: each call uses only its own memory, and the cmark parse
 * itself runs under a lock, because gfm.6 switches its table of special
 * inline characters on and off globally during every parse. */
#ifndef KLAR_MD_H
#define KLAR_MD_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/str.h"

/* Registers the cmark-gfm extensions. Call once, in main, before any thread
 * starts (cmark-gfm's registry is process-global). */
void md_init(void);

/* Lets parses run in parallel: Debian's cmark-gfm switches a process-wide
 * table of special characters on and off around every parse, so by default
 * md serialises parsing. After this call the table is set once for all
 * extensions and stays, and every parse attaches all of them (a site build
 * does anyway; the spec runner, which varies extensions per example, must
 * not call it). Call once, before threads start. Returns false when the
 * library's function cannot be found; parsing then stays serialised. */
bool md_pin_extensions(void);

/* The link resolver: given a link or image destination as written in the
 * Markdown, writes the URL to use into out and returns MD_LINK_OK. It
 * reports nothing itself when the target is broken; md then reports at the
 * link's position:
 *   MD_LINK_BROKEN  "broken link to 'x'", with "did you mean 'y'?" when the
 *                   resolver wrote a likely meant destination y into out
 *                   (leave out empty for none);
 *   MD_LINK_DRAFT   that the page is a draft left out of the site, and how
 *                   to publish or preview it (out is not read);
 *   MD_LINK_FUTURE  that the page is held back until a later day, which the
 *                   resolver wrote into out ("2027-02-01");
 *   MD_LINK_OUTSIDE that the image's path climbs above the content folder
 *                   ("../../../x.jpg"), where no file of the site lies.
 * A resolver that returns true/false means OK/BROKEN. Destinations that are
 * absolute URLs (scheme:, //, /, #, mailto:) are not passed to it. */
typedef enum { MD_LINK_BROKEN = 0, MD_LINK_OK = 1, MD_LINK_DRAFT = 2, MD_LINK_FUTURE = 3, MD_LINK_OUTSIDE = 4 } md_link;
typedef md_link (*md_resolve_fn)(void *ctx, bool is_image, const char *dest, sbuf *out);

/* Shortcodes: a fenced code block whose info string starts with a name
 * (```video) is offered to this callback with the name, the whole info
 * string and the block's text. It returns 0 when the name is not a
 * shortcode (the block stays a code block), 1 after appending the HTML that
 * replaces the block to out, or -1 after appending an error message to out
 * (md reports it at the block's position). */
typedef int (*md_shortcode_fn)(void *ctx, const char *name, const char *info, const char *text,
                               sbuf *out);

/* Pictures: with site_passes, every image of a body is offered, after the
 * walk, to o->picture with what md knows of it. An image whose destination
 * the resolver refused was reported already and is not offered. The
 * callback returns 0 to leave the image as cmark renders it, 1 after
 * appending the HTML that replaces it (a <picture>) to out, or -1 after
 * reporting an error itself at file:line:col (md then fails the page). The
 * block tree is not touched: print reads the file itself. */
typedef struct md_picture {
  const char *dest;  /* as written in the Markdown */
  const char *alt;   /* plain text, typography applied; "" for a decorative image */
  const char *title; /* NULL for none */
  const char *url;   /* what the resolver made of dest; NULL when dest was not given
                      * to it (an absolute URL or path) */
  const char *file;  /* opts->file */
  int line, col;     /* the image's position in file, as messages give it */
} md_picture;
typedef int (*md_picture_fn)(void *ctx, const md_picture *pic, sbuf *out);

/* The alternative text that marks an image as decoration, ![pynt](streg.png):
 * Markdown cannot tell an empty alt text written on purpose from one
 * forgotten, and a forgotten one is an error (opts->checks). Such an image
 * gets alt="" on the site and is no Figure in print (block tree alt ""). */
#define MD_DECORATIVE "pynt"

typedef struct md_options {
  bool site_passes;   /* heading ids, link resolution, typography; false = plain cmark-gfm */
  bool unsafe;        /* keep raw HTML (the spec expects it); the site sets it too */
  bool smart;         /* CMARK_OPT_SMART */
  bool footnotes;     /* footnote extension */
  const char *extensions; /* space-separated names to attach ("footnotes" counts
                           * as one); NULL = all six; "" = none */
  bool full_info_string, table_style_attrs; /* spec-only cmark options */
  const char *quote_open, *quote_close;     /* Danish typography quotes, default » « */
  md_resolve_fn resolve;  void *resolve_ctx;
  md_shortcode_fn shortcode; void *shortcode_ctx; /* with site_passes */
  md_picture_fn picture; void *picture_ctx;       /* with site_passes */
  const char *file;   /* for messages */
  int line_offset;    /* added to cmark's line numbers (front matter lines) */
  size_t max_nesting; /* refuse deeper nesting of containers/brackets; 0 = default 100 */
  size_t max_columns; /* refuse wider tables; 0 = default 200 */
  bool tree;          /* md_render also makes the block tree (for print) */
  bool checks;        /* with site_passes: also report what an editor should fix in the
                       * body (md/lint.c): images without alternative text, empty links,
                       * headings that skip a level; and collect the links with a
                       * fragment (res->anchors) for the cross-page anchor check */
} md_options;

typedef struct md_heading {
  int level;
  const char *id, *text; /* text: plain text of the heading */
  int line, col;         /* in opts->file (line_offset added), character column */
} md_heading;

/* A link whose destination has a fragment ("robusthed.md#pejlemaerker",
 * "#det-kan-i-goere"), as written, with its position: the model checks the
 * fragment against the target page's heading ids once every page is parsed. */
typedef struct md_anchor {
  const char *dest;
  int line, col;
} md_anchor;

typedef struct md_result {
  const char *html;          /* the rendered body (arena) */
  const char *summary;       /* first paragraph as plain text (arena), "" if none */
  md_heading *headings; size_t nheadings;
  int words;
  md_anchor *anchors; size_t nanchors; /* with opts->checks: links with a fragment */
  const struct mdt_block *tree; /* with opts->tree: the block tree (arena), else NULL;
                                 * the footnote definitions come last, numbered in
                                 * order of first reference */
} md_result;

/* Parses and renders src (n bytes, must be valid UTF-8: the caller checks)
 * with opts (NULL: site passes on, raw HTML kept, all extensions). Returns
 * true and fills *res (memory in arena a); on refusal or errors reports to d
 * and returns false; res->html is still set where rendering was possible.
 * Messages, at opts->file with line + line_offset and a character column:
 *   "broken link to 'x'" / "broken image link to 'x'" (the HTML keeps x);
 *   "nesting too deep (over 100 levels of lists and block quotes); klar
 *   refuses it so the build cannot hang" (likewise "... of brackets or
 *   emphasis", "table too wide (over 200 columns)"): nothing is rendered,
 *   res->html is "" and res->tree NULL. Heading ids and typography apply only
 *   with site_passes; headings, summary, words and (with opts->tree) the
 *   block tree are filled either way, from the one parse. With opts->checks
 *   also (md/lint.c): "an image needs alternative text ..." and "a link needs
 *   text ..."/"a link needs a destination ..." (errors: the reader meets an
 *   empty or dead spot) and "heading level N follows level M ..." (a
 *   warning). */
bool md_render(const char *src, size_t n, const md_options *opts, arena *a, diag *d,
               md_result *res);

/* Renders a short inline Markdown string (front matter text) to HTML without
 * a wrapping <p> (text of several paragraphs keeps its <p>s); used by the
 * `markdown` template helper. The result is in arena a. Typography and link
 * resolution as in md_render; with no diag here, a broken link keeps its
 * destination, and input the guard refuses comes back as escaped text. */
const char *md_inline(const char *src, const md_options *opts, arena *a);

/* Returns s with klar's Danish typography applied (quotes from opts, or » «;
 * no-break spaces in "10 kr." and "27. maj 2014"): for titles and other
 * front matter text shown as plain text. Returns s itself when nothing
 * changes, else a copy in arena a. */
const char *md_typography(const char *s, const md_options *opts, arena *a);

/* ------------------------------------------------------------------------ */
/* The block tree: the print stage's view of a parsed page, in klar's own    */
/* types, so print/ never touches cmark. md_render makes it (opts->tree) from */
/* the same cmark tree as the HTML, after the passes: its text has the        */
/* typography, its links are resolved and its heading ids are the HTML's.     */
/* Blocks are arena-allocated; inline content is a flat list of styled runs;  */
/* every block keeps its source line (shifted by the front matter). Fenced    */
/* blocks a shortcode handles stay code blocks here: print has its own form   */
/* of them (a video becomes a QR code).                                       */

typedef enum {
  MDT_DOCUMENT,
  MDT_HEADING,    /* level, id, runs */
  MDT_PARAGRAPH,  /* runs */
  MDT_LIST,       /* ordered, start, tight; children: MDT_ITEM */
  MDT_ITEM,       /* task; children: blocks */
  MDT_QUOTE,      /* children: blocks */
  MDT_CODE,       /* info, text */
  MDT_TABLE,      /* ncols, align; children: MDT_ROW */
  MDT_ROW,        /* header; children: MDT_CELL */
  MDT_CELL,       /* runs */
  MDT_BREAK,      /* thematic break */
  MDT_IMAGE,      /* src, alt, title: an image alone in its paragraph */
  MDT_FOOTNOTE,   /* label, number; children: blocks */
  MDT_HTML        /* raw HTML block: text kept, print skips it */
} mdt_kind;

/* Run styles, combined as bits. */
enum {
  MDS_EMPH = 1,
  MDS_STRONG = 2,
  MDS_CODE = 4,
  MDS_STRIKE = 8
};

typedef enum {
  MDR_TEXT,      /* text */
  MDR_SOFTBREAK, /* a line end inside a paragraph: a space in print */
  MDR_HARDBREAK, /* a forced line break */
  MDR_FOOTREF    /* a footnote reference: number, text = label */
} mdr_kind;

/* One styled stretch of inline content. Inline images that share their
 * paragraph with text become their alt text in emphasis. */
typedef struct mdt_run {
  mdr_kind kind;
  unsigned style;   /* MDS_* bits */
  const char *text; /* UTF-8, never NULL ("" for breaks) */
  const char *url;  /* inside a link: its destination as the HTML has it (a relative
                     * link resolved to a site URL by the passes), else NULL */
  int number;       /* MDR_FOOTREF: the footnote's number (1-based) */
} mdt_run;

typedef struct mdt_block mdt_block;
struct mdt_block {
  mdt_kind kind;
  int line, col;           /* in the page's file (front matter included) */
  int level;               /* heading 1..6 */
  const char *id;          /* heading: slug id, unique within the document */
  bool ordered, tight;     /* list */
  int start;               /* ordered list: first number */
  int task;                /* item: -1 not a task, 0 open, 1 done */
  const char *info, *text; /* code: info string and contents; html: text */
  const char *src, *alt, *title; /* image: src as written in the Markdown (the file,
                                  * relative to the page); alt: plain text, "" for a
                                  * decorative image (MD_DECORATIVE); title may be NULL */
  const char *label;       /* footnote definition */
  int number;              /* footnote definition: its number */
  bool header;             /* row: a header row */
  int ncols;               /* table */
  const char *align;       /* table: one of 'l' 'c' 'r' '-' (none) per column */
  mdt_run *runs; size_t nruns;           /* heading, paragraph, cell */
  mdt_block **children; size_t nchildren;
};

/* Returns the plain text of a block's runs (breaks as spaces), in arena a. */
const char *md_tree_plain(arena *a, const mdt_block *b);

/* Returns a readable name of a block kind ("paragraph"), for messages and tests. */
const char *md_tree_kind_name(mdt_kind k);


#endif
