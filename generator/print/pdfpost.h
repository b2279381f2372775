/* pdfpost: what Cairo 1.16 cannot write, added afterwards with libqpdf's C
 * API: the document language (/Lang) in the catalog, and TrimBox and
 * BleedBox on every page of a printer PDF. The result gets a deterministic
 * /ID, so the same input gives the same bytes. */
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
} pdfpost_tags;

/* Reads the PDF at in, sets /Lang to lang (e.g. "da-DK") and, when
 * boxes->on, the page boxes of every page; with tags (the reader), marks
 * what no structure element holds as artifacts and sets the Figures' /Alt;
 * and writes the result to out.
 * Returns true on success; on failure returns false and copies qpdf's
 * message into err (size errlen). in and out must differ. */
bool pdfpost_finish(const char *in, const char *out, const char *lang,
                    const pdfpost_boxes *boxes, const pdfpost_tags *tags, char *err, size_t errlen);

/* Returns the number of pages of the PDF at path, or -1 when it cannot be
 * read as a PDF (message in err, size errlen). */
int pdfpost_count_pages(const char *path, char *err, size_t errlen);

#endif
