/* bk: the print engine's own types and the functions its files share.
 * Private to generator/print/: nothing outside this folder includes it (the
 * public API is print.h). One booklet is made by one bk, which belongs to
 * the thread making it: the files below share no state but that. Files:
 *   text.c    fonts and text: Pango layouts of styled runs, hyphenated; a
 *             link's site URL becomes a PDF link by pdf_link
 *   boxes.c   boxes from each page's block tree (the Markdown stage's, see
 *             model_page_md), and the layout's templates (through md too)
 *   table.c   tables set to fit (smaller, or on a page turned sideways),
 *             and the interface matrix as a table
 *   flow.c    boxes into columns and pages
 *   draw.c    pages drawn with Cairo; the reader and printer PDFs
 *   marks.c   the printer's marks round the pages and on imposed sheets
 *   print.c   the booklet: generated parts, page sequence, files
 *   check.c   what a booklet's pages show wrong: overflow, blank, overrun
 *   preview.c the pages as PNG images and HTML for the live preview */
#ifndef KLAR_PRINT_BK_H
#define KLAR_PRINT_BK_H
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/map.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../md/md.h"
#include "../model/model.h"
#include "booklayout.h"
#include "print.h"

#define MM BL_MM

/* ------------------------------------------------------------------------ */
/* Types                                                                     */


typedef struct link_span {
  int start, end;       /* byte range in the layout's text, its page reference included */
  const char *uri;      /* external, or NULL */
  const char *dest;     /* internal destination name, or NULL */
  const char *fallback; /* dest: the site URL to use when no heading has that name */
  int ref;              /* dest: its index among the booklet's page references
                           (bk->ref_pages), -1 when it has none */
  int ref_at;           /* where the page reference ("(se side 4)") begins: end
                           when none is printed */
} link_span;

typedef struct tline {
  double top, bottom, baseline, x; /* relative to the layout's top left */
  int start, len;                  /* bytes of the text */
} tline;

typedef struct text {
  PangoLayout *lay;
  tline *lines;
  int nlines;
  double h, w;
  link_span *links;
  int nlinks;
  unsigned color;
} text;

typedef enum { BX_TEXT, BX_IMAGE, BX_RULE, BX_TABLE } bx_kind;

typedef struct trow {
  text *cells;         /* ncols */
  double h;
  bool header;
  bool band;           /* a row across the table (a group's name, the sums): shaded */
} trow;

typedef struct box box;

/* A footnote set at the foot of a page (<footnotes place="page">): its
 * boxes, flowed as one block that is never split. */
typedef struct fnote {
  box **boxes;
  int nboxes;
  double h;            /* its boxes' height with the space between them, pt */
  int number;          /* the footnote's number on its booklet page */
  bool placed;         /* set on a page by the flow running now */
} fnote;

/* A footnote reference in a box: the line (text) or row (table) it is on. */
typedef struct fnref {
  int line;
  int number;
  fnote *note;         /* NULL until the booklet page's notes are made */
} fnref;

struct box {
  bx_kind kind;
  double x, w;         /* from the column's left edge, pt */
  double sb, sa;       /* space before and after, pt */
  bool keep, brk;
  int brk_side;         /* with brk: 1 start on a right-hand page, 2 on a left-hand one */
  const char *tag;     /* structure tag of the box ("P", "H2") */
  const char **open;   /* enclosing structure tags to open before it */
  int nopen, nclose;   /* ... and how many to close after it */
  text t;              /* BX_TEXT */
  double pad;          /* code: padding around the text */
  bool has_bg;
  unsigned bg;
  double bar_x;        /* quote: x of the bar, < 0 for none */
  text marker;         /* list marker, drawn left of the first line */
  double marker_x;
  bool has_marker;
  int level;           /* heading level, 0 otherwise */
  const char *dest;    /* heading: destination name */
  const char *anchor;  /* first box of a booklet page: the page's destination */
  const char *plain;   /* heading: text for the outline and contents */
  int src_page;        /* index of the booklet page it came from */
  const char *file;    /* ... and its file, line and column, for messages */
  int line, col;
  text num;            /* toc: the page number, right-aligned */
  bool has_num;
  const char *link_dest; /* toc: the whole entry links here */
  cairo_surface_t *img; /* BX_IMAGE */
  bool crisp;          /* image: scaled without smoothing (a QR code) */
  double ih;
  const char *alt;
  trow *rows;          /* BX_TABLE */
  int nrows, nheader, ncols;
  double *colx, *colw, cellpad;
  double table_size;   /* the size its body is set at, pt (smaller than the style's: made to fit) */
  bool landscape;      /* a table on pages of its own turned sideways (see table.c) */
  fnref *refs;         /* footnote references, when notes go on the page */
  int nrefs;
};

typedef struct frag {
  box *b;
  int from, to;        /* lines or rows */
  int col;
  double y;            /* from the top of the text area */
  bool first, last, rep_header;
} frag;

typedef enum { PG_COVER, PG_TOC, PG_CONTENT, PG_BACK, PG_BLANK, PG_NOTES } pg_kind;

typedef struct pnote {
  fnote *n;
  int col;             /* the column at whose foot it stands */
} pnote;

typedef struct bpage {
  pg_kind kind;
  const bl_part *part;
  VEC(frag) frags;
  VEC(pnote) notes;    /* footnotes at the foot of its columns, in order */
  const char *section;
  const char *subsection;
  int note;            /* notes: which of its part's pages */
  bool gap;            /* left empty by a left- or right-hand start (flow) */
  bool landscape;      /* holds a table turned sideways: drawn rotated a
                          quarter turn, its head and folio as on any page */
  const box *cut;      /* a box that did not fit the page (a line or table row
                          taller than the text area), reported by the flow */
} bpage;

typedef VEC(box *) box_vec;
typedef VEC(bpage *) page_vec;
typedef VEC(const char *) str_vec;

typedef struct heading_ref {
  box *b;
  int page;            /* 0-based index among all pages */
  double y;
} heading_ref;

typedef struct bk {
  arena *a;
  diag *d;
  const site *s;
  const booklet_spec *b;
  booklayout *L;
  PangoFontMap *fm;
  PangoContext *pc;
  const struct hyph_list *hyph; /* the site's hyphenation list, or NULL */
  double pw, ph;       /* trim size, pt */
  double colw, gap, frame_h;
  int ncols;
  box_vec content;
  str_vec pending;     /* structure tags waiting for the next box */
  str_vec alts;        /* the reader's Figures' alternative texts, in drawing order */
  box *last;           /* the last box made */
  int cur_page;        /* booklet page being converted */
  const page *cur_src;
  const char *cur_file;
  map dests;           /* page src → destination name of its start */
  map known;           /* destination names of headings and page starts */
  int hcount[7];       /* headings of each level since the last higher one */
  VEC(fnote *) notes;  /* every footnote set at the foot of a page */
  /* Page references: a link to a page or heading of the booklet is followed
   * by "(se side N)" (<links page-ref>). N is known only once the pages are
   * flowed: the boxes are made and flowed again until the numbers they
   * print are the numbers the flow gives (print.c, bk_settle_refs). */
  VEC(int) ref_pages;  /* the number each reference prints, in the order the
                          boxes make them: a page, or 0 for none (its target
                          on the link's own page, or not in the booklet);
                          empty before the first flow */
  int npage_refs;      /* page references made by the boxes so far */
  bool ok;
} bk;


/* A text being built: the string with soft hyphens, its Pango attributes,
 * links and footnote references (text.c). */
typedef struct tbuild {
  sbuf s;
  PangoAttrList *attrs;
  VEC(link_span) links;
  VEC(fnref) refs;     /* footnote references, line = byte offset in s */
} tbuild;

/* Footnotes at the foot of a frame: a short rule in NOTE_RULE above them,
 * the notes NOTE_GAP apart (the footnote style's space after). */
#define NOTE_RULE (3 * MM)
#define NOTE_GAP(k) ((k)->L->styles[BL_FOOTNOTE].space_after * MM)

/* Destructors for arena_defer. */
static inline void unref_obj(void *o) { g_object_unref(o); }
static inline void destroy_surface(void *s) { cairo_surface_destroy(s); }

/* A booklet laid out: its pages in reading order (with the flowed parts
 * they are assembled from) and its headings, for bookmarks. */
typedef struct bk_laid {
  page_vec content, toc, idx, pages;
  box_vec tocb, ixb;
  VEC(heading_ref) hs;
} bk_laid;

/* Something wrong that a page of a booklet shows (check.c). */
typedef struct bk_problem {
  print_problem_kind kind;
  int page;            /* 0-based index in the pages */
  int other;           /* overflow: the page the text runs on to; blank: the
                          page whose content was pushed past it; split: the
                          page after the turn; lonely: 0 an orphan, 1 a
                          widow; -1 none */
  const char *file;    /* the content concerned (or the booklet's declaration) */
  int line, col;
  bool reported;       /* already an error (a line taller than the page) */
} bk_problem;

typedef VEC(bk_problem) problem_vec;

/* ------------------------------------------------------------------------ */
/* print.c: one booklet from spec to pages                                   */

/* Starts booklet b: k gets its own arena, the layout, fonts and Pango
 * context. Returns false after reporting (layout, fonts, hyphenation);
 * bk_close must be called either way. */
bool bk_open(bk *k, const site *s, const booklet_spec *b, diag *d);

/* Makes the boxes and flows them into l->pages: the whole sequence, padded
 * to the layout's fixed page count unless it is past it (left long, for the
 * caller to refuse or show). Returns false when the boxes could not be made
 * (reported); text the flow could not set leaves k->ok false but every page
 * in place. */
bool bk_lay_out(bk *k, bk_laid *l);

/* The pages of the printer PDF: pages padded to a multiple of 4 (saddle
 * stitching) with notes pages where the layout has <notes pad="true">, else
 * blank pages before the back cover; or, for a layout with binding="none",
 * as they are. out is emptied first. */
void bk_printer_pages(bk *k, const page_vec *pages, page_vec *out);

/* Whether pg is empty because the layout asks for it: a <blank/> page, a
 * page of padding, or the page a left- or right-hand start leaves in a
 * layout that plans no pages. */
bool bk_meant_blank(const bpage *pg);

/* Frees l (may be NULL) and everything k holds. */
void bk_close(bk *k, bk_laid *l);

/* Seconds on the monotonic clock, for the timings in booklet_info. */
double bk_now(void);

/* ------------------------------------------------------------------------ */
/* check.c: problems of the pages                                            */

/* Appends to out what pages (laid out by k) show wrong, in page order:
 *   overflow  a line or table row taller than the text area (the flow's
 *             error), texts of a cover or text page taller than its area,
 *             and, in a part with fit="page", a stretch of text that runs
 *             on to the next page (marked on the page it runs over)
 *   blank     a flowed page with nothing on it, unless a left- or
 *             right-hand start in a layout that plans no pages left it so
 *   overrun   every page past the layout's fixed page count */
void bk_find_problems(bk *k, const page_vec *pages, problem_vec *out);

/* Reports the problems, those the flow reported excepted: with strict (the
 * PDF), overflows and blank pages as errors, the rest as warnings; without
 * (the preview, which draws the pages all the same), all as warnings. */
void bk_report_problems(bk *k, const page_vec *pages, const problem_vec *ps, bool strict);

/* ------------------------------------------------------------------------ */
/* text.c: fonts and text. Every text and layout lives in k->a.              */

/* Checks that fontconfig resolves family to itself, not to a fallback;
 * reports the family at the layout otherwise and returns false. */
bool bk_check_family(bk *k, const char *family);

/* Whether link u has a scheme ("https:", "mailto:") or is protocol-relative. */
bool bk_is_external(const char *u);
/* A QR code of s: an image surface owned by k's arena, one pixel per
 * module with a quiet zone of four; NULL when libqrencode fails. */
cairo_surface_t *bk_qr_surface(bk *k, const char *s);
/* Notes the alternative text of a Figure the reader PDF begins (other
 * outputs are not tagged: nothing is noted). */
void bk_alt_push(bk *k, int out, const char *alt);

/* A text builder: bk_tb_init, then bk_tb_runs, bk_make_text, bk_tb_free. */
void bk_tb_init(tbuild *tb);
void bk_tb_free(tbuild *tb);

/* Appends runs to tb: styles as attributes, links resolved for the current
 * page (k->cur_src), words hyphenated when hyphenate is set. */
void bk_tb_runs(bk *k, tbuild *tb, const mdt_run *runs, size_t n, bool hyphenate);

/* Makes a shaped text from a finished builder: width in pt (< 0: one line),
 * style st; wrap_chars breaks anywhere (table cells of code). */
text bk_make_text(bk *k, tbuild *tb, const bl_style *st, double width, bool wrap_chars);

/* Adds the footnote references of builder tb to box b when the layout sets
 * notes at the foot of the page: with t (the text made from tb), each at
 * the line of t that holds it; without, at row (a table's row). */
void bk_take_refs(bk *k, box *b, const tbuild *tb, const text *t, int row);

/* A text of one plain string, hyphenated when st says so. */
text bk_plain_text(bk *k, const char *s, const bl_style *st, double width);

/* After a flow of the booklet's pages: sets k->ref_pages to the page each
 * page reference's target lands on (its physical number, as the folios
 * print it; 0 for a target on the link's own page or not in the booklet).
 * Returns whether any number differs from those the boxes printed, i.e.
 * whether the boxes must be made and flowed again. */
bool bk_settle_refs(bk *k, const page_vec *pages);

/* ------------------------------------------------------------------------ */
/* boxes.c: boxes from the block tree                                        */

/* A new box of kind at indent x in style st (NULL: no spacing), for the
 * booklet page being converted. Not yet emitted. */
box *bk_new_box(bk *k, bx_kind kind, const bl_style *st, double x);

/* Appends the boxes of page p, booklet page index, to k->content. */
void bk_page_boxes(bk *k, const page *p, int index);

/* A link to a heading or page that is not in the booklet goes to the site. */
void bk_fix_links(bk *k, text *t);

/* ------------------------------------------------------------------------ */
/* table.c: tables                                                           */

/* The box of table blk at indent x, not yet emitted: at the table style's
 * size when its words fit the column, else smaller (to the style's
 * min-size), else on a landscape page (landscape, brk), else squeezed with
 * words broken and a warning at the table. band: rows to shade, or NULL. */
box *bk_table_box(bk *k, double x, const mdt_block *blk, const bool *band);

/* The text area of a landscape page: its width (the portrait text area's
 * height) and height (the portrait text area's whole width), pt. */
double bk_landscape_w(const bk *k);
double bk_landscape_h(const bk *k);

/* For a page with `layout: matrix` in a layout with <matrix>: the
 * interface matrix (model_matrix) as a table block, *band the rows to shade
 * (the groups' names, the sums), all in k's arena. Else NULL. */
const mdt_block *bk_matrix_table(bk *k, const page *p, bool **band);

/* ------------------------------------------------------------------------ */
/* flow.c: boxes into columns and pages                                      */

/* The height of lines from..to of a text box; of the whole box. */
double bk_text_h(const box *b, int from, int to);
double bk_full_h(const box *b);

/* Flows boxes onto pages appended to pages; base is the physical number
 * of the first of them (odd: a right-hand page). */
void bk_flow_boxes(bk *k, page_vec *pages, pg_kind kind, box **bs, size_t n, int base);

/* Flows the content like bk_flow_boxes, then mends what it can by
 * squeezing a page's spacing (down to 0.4 of the styles'): a page of a
 * planned part (fit="page") that runs over, and the nearly empty last page
 * of a text before a page break, filled less than the part's min-fill
 * (its lines pulled back on to the page before). What it cannot mend, check.c reports. */
void bk_flow_content(bk *k, page_vec *pages, box **bs, size_t n, int base);

/* Whether line of t ends at one of hyph's breaks (with a hyphen drawn). */
bool bk_line_hyphenated(const text *t, int line);

/* The height of a fragment; the first fragment of column col of pg (or
 * NULL); how full column col of pg is, as a share of the text area. */
double bk_frag_h(const frag *fr);
const frag *bk_column_start(const bpage *pg, int col);
double bk_column_fill(const bk *k, const bpage *pg, int col);

/* ------------------------------------------------------------------------ */
/* draw.c: drawing and the PDFs                                              */

/* Writes the reader PDF of pages to path (bookmarks from hs). Returns false
 * after reporting a write error. */
bool bk_write_reader(bk *k, page_vec *pages, const char *path, heading_ref *hs, size_t nh);

/* Writes the printer PDF to path; imposed: the press sheets. */
bool bk_write_printer(bk *k, page_vec *pages, const char *path, bool imposed);

/* Where the imposed spread sits on the press sheet (see draw.c). */
bool bk_sheet_offset(bk *k, double *ox, double *oy);
/* The PDFs' creation date, "YYYY-MM-DDTHH:MM:SS" UTC (see draw.c), in k's
 * arena. */
const char *bk_pdf_date(bk *k);

/* ------------------------------------------------------------------------ */
/* marks.c: the printer's marks (crop, fold, targets, colour bar, slug line) */

/* The slug: the strip past the bleed that holds the crop marks (none when
 * the layout has marks="false"); on an imposed sheet, the band past it
 * that holds the targets, the colour bar and the slug line. */
#define BK_SLUG(k) ((k)->L->marks ? 8 * MM : 0)
#define BK_MARK_BAND (10 * MM)
#define BK_BAND(k) ((k)->L->marks ? BK_MARK_BAND : 0)
#define BK_TARGET_R (2.5 * MM) /* a registration target's outer ring */
#define BK_PATCH (5 * MM)      /* a colour bar patch's side, at most */

/* A side of an imposed sheet: side (0-based, even the front) of nsides,
 * with pages left and right on it (1-based). */
typedef struct bk_sheet_side {
  int side, nsides;
  int left, right;
} bk_sheet_side;

/* Crop marks at the corners of the trim x0, y0, w, h (pt, Cairo's
 * coordinates), from 0.5 mm past the bleed to the end of the slug. */
void bk_crop_marks(cairo_t *cr, double x0, double y0, double w, double h, double bleed, double slug);

/* Every mark of an imposed sheet side around the spread trimmed at x0, y0,
 * w, h: crop and fold marks in the slug, registration targets, colour bar
 * and slug line in the band past it. Nothing when the layout has no marks. */
void bk_sheet_marks(bk *k, cairo_t *cr, double x0, double y0, double w, double h, const bk_sheet_side *s);

/* Draws page i of pages onto a new image surface at scale pixels per point,
 * white where nothing is drawn: the same drawing as the reader PDF's page,
 * without its links and tags. The caller destroys the surface. */
cairo_surface_t *bk_draw_image(bk *k, const page_vec *pages, size_t i, double scale);

/* The height of the texts of a cover, back or text page, pt: taller than
 * the text area, they run off the page. *tallest gets the layout's text
 * that is tallest on the page (NULL when there is none). */
double bk_cover_h(bk *k, const bpage *pg, const bl_text **tallest);

#endif
