/* pdfpost: libqpdf behind klar's interface (see pdfpost.h). Every qpdf_oh_*
 * call takes the qpdf_data first; errors are collected by qpdf and read
 * once at the end. */
#include "pdfpost.h"
#include "pdftag.h"
#include <qpdf/qpdf-c.h>
#include "pdfx.h"
#include <stdio.h>
#include <string.h>

static qpdf_oh box_array(qpdf_data q, const double b[4]) {
  char buf[160];
  snprintf(buf, sizeof buf, "[%.3f %.3f %.3f %.3f]", b[0], b[1], b[2], b[3]);
  return qpdf_oh_parse(q, buf);
}

static bool failed(qpdf_data q, char *err, size_t errlen) {
  if (!qpdf_has_error(q)) return false;
  qpdf_error e = qpdf_get_error(q);
  snprintf(err, errlen, "%s", e ? qpdf_get_error_full_text(q, e) : "qpdf failed");
  return true;
}

/* Info's CreationDate and ModDate as PDF dates ("D:20261203000000Z") from
 * "2026-12-03T00:00:00": Cairo 1.16 writes "(20261203000000)", which
 * readers show as no date or a wrong one. */
static void set_info_dates(qpdf_data q, const char *date) {
  char d[32];
  snprintf(d, sizeof d, "D:%.4s%.2s%.2s%.2s%.2s%.2sZ", date, date + 5, date + 8, date + 11, date + 14, date + 17);
  qpdf_oh trailer = qpdf_get_trailer(q);
  if (!qpdf_oh_has_key(q, trailer, "/Info")) return;
  qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
  qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, d));
  qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, d));
}

bool pdfpost_finish(const char *in, const char *out, const char *lang,
                    const pdfpost_boxes *boxes, const pdfpost_tags *tags, const pdfpost_press *press,
                    char *err, size_t errlen) {
  qpdf_data q = qpdf_init();
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  bool ok = false;
  if (qpdf_read(q, in, NULL) & QPDF_ERRORS) goto done;
  qpdf_oh root = qpdf_get_root(q);
  qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
  /* The reader PDF: what no structure element holds is an artifact; each
   * Figure gets its alternative text. */
  if (tags && (!pdftag_artifacts(q) || !pdftag_set_alts(q, tags->alts, tags->nalts))) goto done;
  if (tags && tags->date && strlen(tags->date) == 19) set_info_dates(q, tags->date);
  if (boxes && boxes->on) {
    int n = qpdf_get_num_pages(q);
    if (n < 0) goto done;
    for (int i = 0; i < n; i++) {
      qpdf_oh pg = qpdf_get_page_n(q, (size_t)i);
      qpdf_oh_replace_key(q, pg, "/TrimBox", box_array(q, boxes->trim));
      qpdf_oh_replace_key(q, pg, "/BleedBox", box_array(q, boxes->bleed));
    }
  }
  if (failed(q, err, errlen)) goto done;
  if (qpdf_init_write(q, out) & QPDF_ERRORS) goto done;
  qpdf_set_deterministic_ID(q, QPDF_TRUE);
  qpdf_set_object_stream_mode(q, qpdf_o_generate);
  /* After init_write: the press file sets its own version and streams. */
  if (press && press->on && !pdfx_convert(q, press, err, errlen)) {
    qpdf_cleanup(&q);
    return false;
  }
  if (failed(q, err, errlen)) goto done;
  if (qpdf_write(q) & QPDF_ERRORS) goto done;
  ok = true;
done:
  if (!ok && !failed(q, err, errlen)) snprintf(err, errlen, "qpdf could not rewrite %s", in);
  qpdf_cleanup(&q);
  return ok;
}

int pdfpost_count_pages(const char *path, char *err, size_t errlen) {
  qpdf_data q = qpdf_init();
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  int n = -1;
  if (!(qpdf_read(q, path, NULL) & QPDF_ERRORS)) n = qpdf_get_num_pages(q);
  if (failed(q, err, errlen)) n = -1;
  else if (n < 0) snprintf(err, errlen, "qpdf could not count the pages of %s", path);
  qpdf_cleanup(&q);
  return n;
}
