/* pdfpost: what Cairo 1.16 cannot write, added afterwards with libqpdf's C
 * API: the document language (/Lang) in the catalog, TrimBox and BleedBox
 * on every page of a printer PDF, and the printer PDF's press colour and
 * PDF/X keys (pdfx.c). The result gets a deterministic /ID, so the same
 * input gives the same bytes. */
#ifndef KLAR_PDFPOST_H
#define KLAR_PDFPOST_H
#include <stdbool.h>
#include <stddef.h>

typedef struct pdfpost_boxes {
  bool on;               /* set TrimBox and BleedBox */
  double trim[4];        /* x0 y0 x1 y1 in PDF points, origin bottom left */
  double bleed[4];
} pdfpost_boxes;

/* What the reader PDF's structure tree needs besides what Cairo wrote:
 * the alternative text of each Figure element, in the order the Figures
 * were begun (Cairo 1.16 drops "alt"). */
typedef struct pdfpost_tags {
  const char *const *alts;
  size_t nalts;
  const char *date;     /* "YYYY-MM-DDThh:mm:ss" (UTC): Info's dates, which Cairo 1.16
                           writes without their "D:" (NULL: left as written) */
} pdfpost_tags;

/* A colour of the layout's palette: what the drawing used (0xRRGGBB) and
 * the press colour it prints in, as given (0..1 each), never converted. */
typedef struct pdfpost_ink {
  unsigned rgb;
  double cmyk[4];
} pdfpost_ink;

/* The printer PDF as a press file (see pdfx.h). */
typedef struct pdfpost_press {
  bool on;
  bool x1a;                  /* PDF/X-1a:2003 (no transparency, PDF 1.4); else PDF/X-4 */
  const char *title;         /* Info /Title and dc:title (required by PDF/X) when the
                                PDF has none of its own */
  const char *date;          /* "YYYY-MM-DDTHH:MM:SS" UTC, or NULL for now */
  const pdfpost_ink *palette;
  size_t npalette;
} pdfpost_press;

/* The colour the printer drawing strokes and fills its crop, fold and
 * registration marks and its slug line with; it becomes 100 % of the All
 * separation (every plate). */
#define PDFPOST_REGISTRATION 0x010203u

/* The colour bar's process patches: a fill in PDFPOST_PROCESS(ink, pct)
 * prints as pct % (0..100) of the one process ink (0 C, 1 M, 2 Y, 3 K) and
 * nothing on the other plates, where a colour of the drawing would go
 * through the profile. The values (#02 0i pp, a near-black blue) are
 * reserved for the marks, as the registration colour is. */
#define PDFPOST_PROCESS(ink, pct) (0x020000u | (unsigned)(ink) << 8 | (unsigned)(pct))

/* Reads the PDF at in, sets /Lang to lang (e.g. "da-DK") and, when
 * boxes->on, the page boxes of every page; with tags (the reader), marks
 * what no structure element holds as artifacts and sets the Figures' /Alt;
 * converts it to a press file when press && press->on; and writes the
 * result to out.
 * Returns true on success; on failure returns false and copies qpdf's
 * message into err (size errlen). in and out must differ. */
bool pdfpost_finish(const char *in, const char *out, const char *lang,
                    const pdfpost_boxes *boxes, const pdfpost_tags *tags, const pdfpost_press *press,
                    char *err, size_t errlen);

/* Returns the number of pages of the PDF at path, or -1 when it cannot be
 * read as a PDF (message in err, size errlen). */
int pdfpost_count_pages(const char *path, char *err, size_t errlen);

#endif
