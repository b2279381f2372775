/* booklayout: print layouts, layouts/print/NAME.xml in the namespace
 * urn:klar:print. A layout declares the trim size, bleed and crop marks,
 * margins, columns, the font family, a style per Markdown element, the
 * running header and footer and the page sequence of a booklet. Lengths are
 * millimetres, font sizes points. A mistake (unknown element or attribute, a
 * bad number) is reported with the layout's file:line. */
#ifndef KLAR_BOOKLAYOUT_H
#define KLAR_BOOKLAYOUT_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"

#define BL_MM 2.834645669291339 /* points per millimetre */

typedef enum { BL_LEFT, BL_CENTER, BL_RIGHT, BL_JUSTIFY, BL_INSIDE, BL_OUTSIDE } bl_align;

/* The styled elements. */
typedef enum {
  BL_H1, BL_H2, BL_H3, BL_H4, BL_P, BL_LI, BL_BLOCKQUOTE, BL_CODE, BL_TABLE, BL_TH,
  BL_CAPTION, BL_FOOTNOTE, BL_TOC, BL_TOC_TITLE, BL_HEADER, BL_FOOTER, BL_COVER_TITLE,
  BL_COVER_TEXT, BL_NSTYLES
} bl_element;

typedef struct bl_style {
  const char *family;       /* font family; the layout's when not given */
  double size;              /* pt */
  double leading;           /* line height as a multiple of the size */
  bool bold, italic;
  unsigned color;           /* 0xRRGGBB */
  bool has_background;
  unsigned background;      /* 0xRRGGBB (code blocks, table headers) */
  double space_before, space_after; /* mm */
  double indent;            /* mm: left indent of lists and quotes per level */
  bl_align align;           /* left, center, right, justify */
  bool hyphenate;
  bool keep_with_next;      /* headings: never last on a page */
  bool break_before;        /* start on a new page */
  int break_side;           /* with break_before: 0 any page, 1 a right-hand (odd)
                               page, 2 a left-hand (even) page */
  bool break_between;       /* break before every such heading but the first
                               of its section ("between") */
  double min_size;          /* table: the least size a table too wide for its
                               column is set at before it goes on a landscape
                               page, pt (0: 6.5, or the size when smaller) */
} bl_style;

/* cover, toc, content, back, blank; notes: ruled pages for the reader's
 * notes (a title per page from its texts, more pages to fill a fixed page
 * count with fill="true", the padding pages of a saddle-stitched printer
 * PDF with pad="true"). <page> is a text page like back, anywhere. */
typedef enum { BL_PART_COVER, BL_PART_TOC, BL_PART_CONTENT, BL_PART_BACK, BL_PART_BLANK,
               BL_PART_NOTES, BL_PART_INDEX } bl_part_kind;

/* What a cover or back page shows, top to bottom: texts, pictures (an SVG
 * or PNG file of the site) and QR codes. */
typedef enum { BL_ITEM_TEXT, BL_ITEM_IMAGE, BL_ITEM_QR } bl_item_kind;

/* An item of a cover or back page: a booklet field or fixed text; for
 * <image> the file (src, or a field naming it), for <qr> the address (a
 * field: "url" is the booklet's first page on the site). */
typedef struct bl_text {
  bl_item_kind kind;
  const char *field;        /* booklet field ("title", "subtitle", a front matter key) or NULL */
  const char *text;         /* fixed text when field is NULL; image: the file (src) */
  const char *alt;          /* image, qr: alternative text (image without: decoration) */
  double height;            /* image, qr: mm */
  bl_element style;         /* BL_COVER_TITLE or BL_COVER_TEXT by default */
  int line;
} bl_text;

typedef struct bl_part {
  bl_part_kind kind;
  int line;
  const char *title;        /* toc: its heading ("Indhold") */
  int depth;                /* toc: heading levels listed */
  bool has_background;
  unsigned background, color;
  const char *background_field; /* cover/back: a booklet field with the background ("#rrggbb"),
                                   the background attribute when the booklet has none */
  const char *valign;       /* cover/back: "top", "middle", "bottom" */
  bl_text *texts; size_t ntexts;
  int count;                /* notes: pages at least (default 1) */
  bool fill;                /* notes: take up the pages a fixed count leaves */
  bool pad;                 /* notes: pad="true", the printer PDF's padding to a multiple
                               of 4 is notes pages here (none of its own unless pages=) */
  bool text_page;           /* <page>: texts keep their styles' alignment */
  double line_gap;          /* notes: mm between the ruled lines (0: none) */
  const char *field;        /* index: the front matter field whose values group the
                               booklet's pages ("stages"); title is its heading */
  bool fit;                 /* content, toc: fit="page", each stretch between page breaks
                               is planned onto one page; running on is an overflow */
  double min_fill;          /* content: min-fill="0.3", the least share of its text area
                               the last page of a text running on before a page break
                               may fill (a nearly empty page is pulled back or warned about); 0: any */
} bl_part;

/* A Markdown template set before or after the body of every booklet page
 * that has the field cond (all pages when NULL): {key}, {key.sub} (through
 * references to other pages), {a/b} (the first that is set) and {key:date}
 * (27. maj 2014) are replaced from the page's front matter; an <each
 * field="list"> segment repeats once per item, its keys read from the item
 * first. Each line's leading blanks are dropped (the XML indentation). */
typedef struct bl_segment {
  const char *text;
  const char *each;         /* NULL: plain text */
} bl_segment;

typedef struct bl_template {
  bool after;               /* place="after" the body, else before it */
  const char *cond;
  bl_segment *segs; size_t nsegs;
  int line;
} bl_template;

typedef struct bl_running {
  bool on;
  const char *text;         /* "{page}", "{section}", "{subsection}", "{title}" placeholders */
  bl_align align;           /* left, center, right, inside, outside */
  bool rule;                /* a hairline between it and the text area */
} bl_running;

/* A colour of the layout's palette (<color name cmyk rgb>): the press
 * colour is printed as given; rgb is what the reader PDF shows (given, or
 * the press colour's look through the profile). */
typedef struct bl_ink {
  const char *name;
  unsigned rgb;             /* 0xRRGGBB */
  double cmyk[4];           /* 0..1 */
} bl_ink;

typedef struct booklayout {
  const char *name;         /* "pixi" */
  const char *file;         /* "layouts/print/pixi.xml", for messages */
  double width, height;     /* trim size, mm */
  double bleed;             /* mm, default 3 */
  bool marks;               /* crop marks on the printer PDF */
  double creep;             /* <impose creep>: mm the innermost sheet's pages of the
                               imposed PDF move toward the fold (0: none) */
  const char *sheet;        /* <impose sheet>: the press sheet of the imposed PDF as
                               written ("A4", "SRA3", "320x225"), NULL: the spread's own size */
  double sheet_w, sheet_h;  /* its size in mm, landscape (wider than high) */
  int sheet_line, sheet_col; /* where sheet= is written, for messages */
  int pages;                /* a fixed page count (pixi: 24), 0 = as many as needed */
  bool loose;               /* <page binding="none">: single sheets or a stapled memo, the
                               printer PDF not padded; else saddle-stitched, padded to a
                               multiple of 4 with blank pages before the back cover */
  double inner, outer, top, bottom; /* margins, mm */
  int columns;
  double gap;               /* between columns, mm */
  const char *family;       /* "Noto Sans" */
  const char *mono;         /* "Noto Sans Mono" */
  const char *lang;         /* "da-DK" */
  bl_style styles[BL_NSTYLES];
  bl_running header, footer;
  bl_part *parts; size_t nparts;
  bl_template *templates; size_t ntemplates;
  bool print_urls;          /* <links print-url>: a web link's URL after its text (default true) */
  const char *page_ref;     /* <links page-ref>: what follows a link to a page or heading of the
                               booklet, in brackets, "{page}" its page number ("se side {page}",
                               the default); NULL: nothing */
  bool video_qr;            /* <video qr="true">: a video block as a QR code beside its URL */
  bool notes_on_page;       /* <footnotes place="page">: a footnote at the foot of the column
                               where its reference falls; else ("section", the default)
                               after the body of its booklet page */
  bl_ink *palette; size_t npalette; /* <color>: named colours, style colours may name them */
  bool pdfx_1a;             /* <press standard="PDF/X-1a">: the printer PDF as PDF/X-1a:2003,
                               else PDF/X-4 */
  /* <matrix corner total legend/>: a page with `layout: matrix` (the
   * interface matrix on the site) prints the matrix as a table after its
   * body: corner heads the proposals' column, total the row of sums, the
   * legend explains the marks (● own group, × an interface). */
  bool matrix;
  const char *matrix_corner, *matrix_total, *matrix_legend;
  const char *title_if;     /* <page-title if="group" level="2"/>: pages with this field */
  int title_level;          /* have their title as a heading of this level, not h1 */
} booklayout;

/* Loads layouts/print/NAME.xml below root (NAME without .xml). Returns the
 * layout in arena a, or NULL after reporting to d (file missing, not
 * well-formed, unknown element or attribute, bad value). */
booklayout *booklayout_load(arena *a, const char *root, const char *name, diag *d);

/* Parses a layout from memory; file is the name used in messages. */
booklayout *booklayout_parse(arena *a, const char *xml, size_t n, const char *file, diag *d);

/* Returns the element name of a style ("h1", "cover-title"). */
const char *booklayout_element_name(bl_element e);

#endif
