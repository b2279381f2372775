/* print: booklets. Turns a list of pages into print-ready PDF through a print
 * layout (layouts/print/NAME.xml, see booklayout.h): paragraphs shaped by
 * Pango with Danish hyphenation, pages broken by klar (widows and orphans,
 * headings kept with what follows, images never split, tables split with
 * their header rows repeated), PDF written by Cairo and finished with qpdf.
 * The only module that includes Cairo, Pango, libhyphen and qpdf.
 * Thread-safe: booklets may be made in parallel (each call has its own font
 * map and memory); md_init must have run. */
#ifndef KLAR_PRINT_H
#define KLAR_PRINT_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/diag.h"
#include "../core/val.h"
#include "../model/model.h"

/* What to make: the pages, in reading order, and the layout to set them in. */
typedef struct booklet_spec {
  const char *name;     /* output base name ("pixi-0-1-aar"): NAME.pdf, NAME-tryk.pdf, NAME-ark.pdf */
  const char *layout;   /* print layout name ("pixi" → layouts/print/pixi.xml) */
  const char *title;    /* PDF title and the cover's "title" field; NULL: the first page's title */
  const char *subtitle; /* the cover's "subtitle" field, may be NULL */
  const char *author;   /* PDF author, may be NULL (then site->title) */
  const char *subject;  /* PDF subject, may be NULL */
  const val *fields;    /* more fields for cover texts (a map), may be NULL; a field not
                           here is looked up in the first page's front matter */
  page **pages;         /* the content, each page starting with its title as a heading */
  size_t npages;
  bool impose;          /* also write NAME-ark.pdf: printer spreads for saddle stitching */
  const char *file;     /* where the booklet was declared (site.yaml), for messages; may be NULL */
  int line;
} booklet_spec;

/* The spec of booklet k as site.yaml declares it. */
booklet_spec print_spec(const booklet *k);

/* Figures of one made booklet, for the command line and tests. */
typedef struct booklet_info {
  int pages;            /* pages of the reader PDF */
  int printer_pages;    /* pages of the printer PDF (a multiple of 4) */
  int problems;         /* pages marked in the preview (see print_problem_kind) */
  double seconds;       /* wall time of print_booklet */
} booklet_info;

/* What a page of a booklet can show wrong; the preview marks each on its
 * page and reports them as warnings; print_booklet (and so klar build and
 * check) reports the first three as errors, the rest as warnings, each with
 * the position of the content concerned:
 *   PRINT_OVERFLOW  content that does not fit its page: a line or table row
 *                   taller than the text area, cover texts taller than the
 *                   page, or, where the layout plans the pages (fit="page"),
 *                   text that runs on to the next page
 *   PRINT_BLANK     a page of content with nothing on it that the layout did
 *                   not ask for
 *   PRINT_OVERRUN   a page past the layout's fixed page count (pages="24")
 *   PRINT_NEARLY_EMPTY  the last page of a text before a page break, filled
 *                   less than the layout's <content min-fill>
 *   PRINT_HEADING   a heading at the foot of a page, less than two lines of
 *                   its text under it
 *   PRINT_SPLIT     a hyphenated word whose halves a leaf turn parts (the
 *                   last line of a right-hand page)
 *   PRINT_LONELY    one line of a paragraph alone at the foot of a page (an
 *                   orphan) or at the head of the next (a widow) */
typedef enum { PRINT_OVERFLOW, PRINT_BLANK, PRINT_OVERRUN, PRINT_NEARLY_EMPTY, PRINT_HEADING, PRINT_SPLIT,
               PRINT_LONELY, PRINT_NKINDS } print_problem_kind;

/* Makes the booklet b of site s into folder outdir (created if missing):
 *   NAME.pdf       the reader PDF: trim-size pages, bookmarks, links, labels, tags
 *   NAME-tryk.pdf  the printer PDF: bleed, crop marks, TrimBox/BleedBox, pages
 *                  padded to a multiple of 4, no links
 *   NAME-ark.pdf   with b->impose: the printer pages imposed two by two
 * Each file is written to a temporary name and renamed, so no half-written
 * PDF is ever left. s supplies root (for layouts/print/), content_dir (for
 * images), baseurl (links to pages outside the booklet) and build_date (the
 * PDF dates, for reproducible output). Returns true on success; on errors
 * (layout, missing font or image, content too long for a fixed page count,
 * I/O) reports them to d with positions and returns false, writing nothing.
 * With outdir NULL (klar check) the booklet is laid out, which finds every
 * error but I/O, and nothing is drawn or written. info may be NULL. */
bool print_booklet(const site *s, const booklet_spec *b, const char *outdir, diag *d,
                   booklet_info *info);

/* Returns the number of pages of a PDF klar made earlier (the reader PDF of
 * a booklet kept by klar build --no-booklets), or -1 when the file cannot
 * be read as a PDF, with qpdf's message in err (size errlen). */
int print_pdf_pages(const char *path, char *err, size_t errlen);

/* The live preview of booklet b: its reader pages drawn by the same code as
 * the reader PDF onto Cairo image surfaces, written into dir/NAME/ (dir is
 * OUT/_klar/booklets, created if missing):
 *   pNN.png     page NN at twice CSS pixel size (a 100 mm page: 756 px)
 *   index.html  the pages as reader spreads (1, 2–3, …), each image's URL
 *               carrying a hash of its bytes, so a browser reloads only
 *               changed pages; overflows, blank pages and pages past the
 *               layout's count outlined in red and labelled
 *   summary     title, pages and problems, for print_preview_index
 * Only files whose bytes changed are rewritten (by rename, never half
 * written); page images past the booklet's end are removed. Problems are
 * reported to d as warnings; a booklet past its page count is drawn whole.
 * Returns false when the booklet could not be laid out or written, or has
 * a line the flow could not set (drawn and marked all the same); the
 * errors are in d. Needs what print_booklet needs: the site and its Markdown stage's
 * results (model_page_md). Thread-safe like print_booklet. info may be NULL. */
bool print_preview(const site *s, const booklet_spec *b, const char *dir, diag *d, booklet_info *info);

/* Writes dir/index.html: the booklets of s, each with its title, page
 * count and problems as its last print_preview left them (read from
 * dir/NAME/summary; a booklet not drawn yet is listed as such). Returns
 * false after reporting a write error. */
bool print_preview_index(const site *s, const char *dir, diag *d);

#endif
