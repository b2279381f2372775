/* mdtree: a page body as klar's own block tree, for the print stage. Parses
 * Markdown with cmark-gfm (table, strikethrough, autolink, tasklist,
 * footnotes) and converts the result into arena-allocated blocks whose
 * inline content is a flat list of styled runs, so print/ never touches
 * cmark. Every block keeps its source line (shifted by the front matter).
 * Thread-safe after md_init (cmark-gfm's extension registry is global). */
#ifndef KLAR_MDTREE_H
#define KLAR_MDTREE_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"

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
  const char *url;  /* destination when inside a link, else NULL */
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
  const char *src, *alt, *title; /* image (alt: plain text; title may be NULL) */
  const char *label;       /* footnote definition */
  int number;              /* footnote definition: its number */
  bool header;             /* row: a header row */
  int ncols;               /* table */
  const char *align;       /* table: one of 'l' 'c' 'r' '-' (none) per column */
  mdt_run *runs; size_t nruns;           /* heading, paragraph, cell */
  mdt_block **children; size_t nchildren;
};

/* Parses n bytes of Markdown (valid UTF-8) and returns the document block,
 * allocated in arena a. file names the source for messages; line_offset is
 * added to cmark's line numbers (the front matter's lines). The footnote
 * definitions come last among the document's children, numbered in order of
 * first reference. Never NULL: cmark accepts any input. */
mdt_block *mdtree_parse(arena *a, const char *src, size_t n, const char *file,
                        int line_offset, diag *d);

/* Returns the plain text of a block's runs (breaks as spaces), in arena a. */
const char *mdtree_plain(arena *a, const mdt_block *b);

/* Returns a readable name of a block kind ("paragraph"), for messages and tests. */
const char *mdtree_kind_name(mdt_kind k);

#endif
