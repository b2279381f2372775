/* pdfx: the printer PDF as a press file (see pdfx.h).
 *
 * What Cairo 1.16 writes, measured with qpdf --qdf: page content with
 * "r g b rg" for fills and "r g b RG" for strokes (six significant digits,
 * so the 8-bit colour of the layout is recovered by rounding), an ExtGState
 * /a0 with /CA 1 /ca 1 (opaque), image XObjects in DeviceRGB with Flate,
 * and a transparency group in DeviceRGB on every page, needed or not. */
#include "pdfx.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../core/str.h"
#include "colour.h"

typedef struct cx {
  qpdf_data q;
  const pdfpost_press *p;
  char *err;
  size_t errlen;
  bool failed;
  int seen[256];      /* object ids of forms and images already converted */
  int nseen;
  qpdf_oh all;        /* the All separation colour space, made on first use */
} cx;

static bool fail(cx *c, const char *msg) {
  if (!c->failed) snprintf(c->err, c->errlen, "%s", msg);
  c->failed = true;
  return false;
}

/* True the first time an indirect object is met: shared images and forms
 * are converted once. */
static bool first_visit(cx *c, qpdf_oh oh) {
  int id = qpdf_oh_get_object_id(c->q, oh);
  if (id <= 0) return true;
  for (int i = 0; i < c->nseen; i++)
    if (c->seen[i] == id) return false;
  if (c->nseen < (int)(sizeof c->seen / sizeof *c->seen)) c->seen[c->nseen++] = id;
  return true;
}

/* ------------------------------------------------------------------------ */
/* Content streams                                                           */

static bool is_space(unsigned char ch) {
  return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f' || ch == 0;
}
static bool is_delim(unsigned char ch) { return strchr("()<>[]{}/%", ch) != NULL; }

/* The press colour of an 8-bit RGB colour: the palette's as given, else
 * through the profile. */
static colour_cmyk press_of(cx *c, unsigned rgb) {
  for (size_t i = 0; i < c->p->npalette; i++)
    if (c->p->palette[i].rgb == rgb) {
      const double *v = c->p->palette[i].cmyk;
      return (colour_cmyk){v[0], v[1], v[2], v[3]};
    }
  /* A patch of the colour bar: one process ink at its tint. */
  if ((rgb >> 16) == 2 && ((rgb >> 8) & 0xff) < 4 && (rgb & 0xff) <= 100) {
    double v[4] = {0, 0, 0, 0};
    v[(rgb >> 8) & 0xff] = (rgb & 0xff) / 100.0;
    return (colour_cmyk){v[0], v[1], v[2], v[3]};
  }
  return colour_press(rgb);
}

static void put_num(sbuf *o, double v) {
  v = round(v * 10000) / 10000;
  if (v == floor(v)) sbuf_printf(o, "%d", (int)v);
  else {
    char b[32];
    snprintf(b, sizeof b, "%.4f", v);
    size_t n = strlen(b);
    while (n && b[n - 1] == '0') b[--n] = 0;
    sbuf_puts(o, b[0] == '0' ? b + 1 : b);
  }
}

static void put_cmyk(sbuf *o, colour_cmyk k, bool stroke) {
  put_num(o, k.c), sbuf_putc(o, ' ');
  put_num(o, k.m), sbuf_putc(o, ' ');
  put_num(o, k.y), sbuf_putc(o, ' ');
  put_num(o, k.k);
  sbuf_puts(o, stroke ? " K" : " k");
}

/* Rewrites the content stream in (n bytes) into o. Numbers are kept as
 * operands until an operator takes them; rg and RG (and sc/scn after an
 * RGB cs/CS) are replaced with their press colour, everything else is
 * copied as it was. *uses_all is set when the All separation is used. */
static bool rewrite_content(cx *c, const unsigned char *in, size_t n, sbuf *o, bool *uses_all) {
  size_t done = 0;          /* bytes of in copied to o */
  size_t ops_at = 0;        /* where the operands of the next operator begin */
  double nums[8];
  int nnum = 0;
  bool rgb_space[2] = {false, false}; /* fill, stroke set to DeviceRGB by cs/CS */
  const char *last_name = NULL;
  size_t last_name_len = 0;
  size_t i = 0;
  bool have_ops = false;
  while (i < n) {
    unsigned char ch = in[i];
    if (is_space(ch)) {
      i++;
      continue;
    }
    size_t start = i;
    if (!have_ops) {
      ops_at = start;
      have_ops = true;
    }
    if (ch == '%') {
      while (i < n && in[i] != '\n' && in[i] != '\r') i++;
      continue;
    }
    if (ch == '(') {
      int depth = 0;
      for (; i < n; i++) {
        if (in[i] == '\\') i++;
        else if (in[i] == '(') depth++;
        else if (in[i] == ')' && --depth == 0) break;
      }
      i++;
      nnum = 9; /* not a colour's operands */
      continue;
    }
    if (ch == '<' && i + 1 < n && in[i + 1] != '<') {
      while (i < n && in[i] != '>') i++;
      i++;
      nnum = 9;
      continue;
    }
    if (ch == '<' || ch == '>') { /* << >> */
      i += 2;
      nnum = 9;
      continue;
    }
    if (ch == '[' || ch == ']' || ch == '{' || ch == '}') {
      i++;
      nnum = 9;
      continue;
    }
    if (ch == '/') {
      i++;
      while (i < n && !is_space(in[i]) && !is_delim(in[i])) i++;
      last_name = (const char *)in + start;
      last_name_len = i - start;
      nnum = 9;
      continue;
    }
    if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.') {
      while (i < n && !is_space(in[i]) && !is_delim(in[i])) i++;
      if (nnum < 8) {
        char b[40];
        size_t len = i - start < sizeof b - 1 ? i - start : sizeof b - 1;
        memcpy(b, in + start, len);
        b[len] = 0;
        nums[nnum++] = strtod(b, NULL);
      } else nnum = 9;
      continue;
    }
    /* An operator. */
    while (i < n && !is_space(in[i]) && !is_delim(in[i])) i++;
    size_t oplen = i - start;
    const char *op = (const char *)in + start;
#define OP(s) (oplen == sizeof s - 1 && memcmp(op, s, oplen) == 0)
    if (OP("BI")) return fail(c, "the printer PDF has an inline image, which klar cannot convert to CMYK");
    bool stroke = op[0] >= 'A' && op[0] <= 'Z';
    bool colour = (OP("rg") || OP("RG")) && nnum == 3;
    if ((OP("sc") || OP("scn") || OP("SC") || OP("SCN")) && nnum == 3 && rgb_space[stroke]) colour = true;
    if (OP("cs") || OP("CS")) {
      bool rgb = last_name && last_name_len == 10 && memcmp(last_name, "/DeviceRGB", 10) == 0;
      rgb_space[stroke] = rgb;
      if (rgb) {
        sbuf_put(o, (const char *)in + done, ops_at - done);
        sbuf_puts(o, stroke ? "/DeviceCMYK CS" : "/DeviceCMYK cs");
        done = i;
      } else if (last_name && !(last_name_len == 11 && memcmp(last_name, "/DeviceGray", 11) == 0) &&
                 !(last_name_len == 11 && memcmp(last_name, "/DeviceCMYK", 11) == 0) &&
                 !(last_name_len == 8 && memcmp(last_name, "/Pattern", 8) == 0)) {
        return fail(c, "the printer PDF sets a colour space klar cannot convert to CMYK");
      }
    }
    if (OP("sh")) return fail(c, "the printer PDF has a shading, which klar cannot convert to CMYK");
    if (colour) {
      unsigned rgb = 0;
      for (int j = 0; j < 3; j++) {
        double v = nums[j] < 0 ? 0 : nums[j] > 1 ? 1 : nums[j];
        rgb = rgb << 8 | (unsigned)lround(v * 255);
      }
      sbuf_put(o, (const char *)in + done, ops_at - done);
      if (rgb == PDFPOST_REGISTRATION && (OP("rg") || OP("RG"))) {
        sbuf_puts(o, stroke ? "/KlarAll CS 1 SCN" : "/KlarAll cs 1 scn");
        *uses_all = true;
      } else {
        put_cmyk(o, press_of(c, rgb), stroke);
        if (OP("sc") || OP("scn") || OP("SC") || OP("SCN")) {
          o->len -= 2;
          sbuf_puts(o, stroke ? " SC" : " sc");
        }
      }
      done = i;
    }
#undef OP
    nnum = 0;
    have_ops = false;
    last_name = NULL;
  }
  sbuf_put(o, (const char *)in + done, n - done);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Resources                                                                 */

static qpdf_oh name(cx *c, const char *s) { return qpdf_oh_new_name(c->q, s); }

static bool key_is(cx *c, qpdf_oh d, const char *key, const char *value) {
  return qpdf_oh_has_key(c->q, d, key) && qpdf_oh_is_name_and_equals(c->q, qpdf_oh_get_key(c->q, d, key), value);
}

/* An RGB image becomes DeviceGray when every pixel is grey (the QR codes:
 * black ink only, a third of the size) and DeviceCMYK otherwise. */
static bool convert_image(cx *c, qpdf_oh img) {
  qpdf_data q = c->q;
  qpdf_oh d = qpdf_oh_get_dict(q, img);
  if (!key_is(c, d, "/ColorSpace", "/DeviceRGB")) {
    if (key_is(c, d, "/ColorSpace", "/DeviceGray") || key_is(c, d, "/ColorSpace", "/DeviceCMYK") ||
        (qpdf_oh_has_key(q, d, "/ImageMask") && qpdf_oh_get_bool_value(q, qpdf_oh_get_key(q, d, "/ImageMask"))))
      return true;
    return fail(c, "the printer PDF has an image in a colour space klar cannot convert to CMYK");
  }
  if (qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, d, "/BitsPerComponent")) != 8)
    return fail(c, "the printer PDF has an RGB image that is not 8 bits a colour");
  unsigned char *buf = NULL;
  size_t len = 0;
  QPDF_BOOL filtered = QPDF_FALSE;
  /* qpdf_dl_all: a photo of the content is embedded as its JPEG
   * (DCTDecode), which only the "all" level decodes. */
  if (qpdf_oh_get_stream_data(q, img, qpdf_dl_all, &filtered, &buf, &len) & QPDF_ERRORS || !filtered) {
    free(buf);
    return fail(c, "the printer PDF has an RGB image klar cannot decode");
  }
  size_t npx = len / 3;
  bool grey = true;
  for (size_t i = 0; i < npx && grey; i++) grey = buf[3 * i] == buf[3 * i + 1] && buf[3 * i] == buf[3 * i + 2];
  unsigned char *out = malloc(grey ? npx : 4 * npx + 1);
  if (!out) abort();
  if (grey) {
    for (size_t i = 0; i < npx; i++) out[i] = buf[3 * i];
  } else {
    colour_press_pixels(buf, npx, out);
  }
  qpdf_oh_replace_stream_data(q, img, out, grey ? npx : 4 * npx, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
  d = qpdf_oh_get_dict(q, img);
  qpdf_oh_replace_key(q, d, "/ColorSpace", name(c, grey ? "/DeviceGray" : "/DeviceCMYK"));
  qpdf_oh_remove_key(q, d, "/DecodeParms");
  free(buf);
  free(out);
  return true;
}

/* Whether an ExtGState makes anything transparent: constant alpha below
 * 1, a soft mask, or a blend mode other than Normal. */
static bool gs_transparent(cx *c, qpdf_oh gs) {
  qpdf_data q = c->q;
  const char *alpha[2] = {"/CA", "/ca"};
  for (int i = 0; i < 2; i++)
    if (qpdf_oh_has_key(q, gs, alpha[i]) && qpdf_oh_get_numeric_value(q, qpdf_oh_get_key(q, gs, alpha[i])) < 1)
      return true;
  if (qpdf_oh_has_key(q, gs, "/SMask") && !key_is(c, gs, "/SMask", "/None")) return true;
  if (qpdf_oh_has_key(q, gs, "/BM") && !key_is(c, gs, "/BM", "/Normal") && !key_is(c, gs, "/BM", "/Compatible"))
    return true;
  return false;
}

static bool convert_resources(cx *c, qpdf_oh res, bool *transparent);

/* Converts one content stream (a page's or a form's) in place. */
static bool convert_stream(cx *c, qpdf_oh stream, const unsigned char *data, size_t len, qpdf_oh res) {
  sbuf o = SBUF_INIT;
  bool uses_all = false;
  bool ok = rewrite_content(c, data, len, &o, &uses_all);
  if (ok) qpdf_oh_replace_stream_data(c->q, stream, (const unsigned char *)sbuf_str(&o), o.len,
                                      qpdf_oh_new_null(c->q), qpdf_oh_new_null(c->q));
  sbuf_free(&o);
  if (ok && uses_all) {
    qpdf_data q = c->q;
    if (!c->all) {
      c->all = qpdf_make_indirect_object(
          q, qpdf_oh_parse(q, "[/Separation /All /DeviceCMYK << /FunctionType 2 /Domain [0 1] "
                              "/C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>]"));
    }
    if (!qpdf_oh_has_key(q, res, "/ColorSpace")) qpdf_oh_replace_key(q, res, "/ColorSpace", qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_key(q, res, "/ColorSpace"), "/KlarAll", c->all);
  }
  return ok;
}

/* A form XObject: its content, its resources, and its own group. */
static bool convert_form(cx *c, qpdf_oh form, bool *transparent) {
  qpdf_data q = c->q;
  unsigned char *buf = NULL;
  size_t len = 0;
  QPDF_BOOL filtered = QPDF_FALSE;
  if (qpdf_oh_get_stream_data(q, form, qpdf_dl_generalized, &filtered, &buf, &len) & QPDF_ERRORS || !filtered) {
    free(buf);
    return fail(c, "the printer PDF has a form klar cannot decode");
  }
  qpdf_oh d = qpdf_oh_get_dict(q, form);
  if (!qpdf_oh_has_key(q, d, "/Resources")) qpdf_oh_replace_key(q, d, "/Resources", qpdf_oh_new_dictionary(q));
  qpdf_oh res = qpdf_oh_get_key(q, d, "/Resources");
  bool own = false;
  bool ok = convert_stream(c, form, buf, len, res) && convert_resources(c, res, &own);
  free(buf);
  d = qpdf_oh_get_dict(q, form);
  if (ok && qpdf_oh_has_key(q, d, "/Group")) {
    if (own || !key_is(c, qpdf_oh_get_key(q, d, "/Group"), "/S", "/Transparency"))
      qpdf_oh_replace_key(q, qpdf_oh_get_key(q, d, "/Group"), "/CS", name(c, "/DeviceCMYK"));
    else qpdf_oh_remove_key(q, d, "/Group");
  }
  if (own) *transparent = true;
  return ok;
}

static bool convert_resources(cx *c, qpdf_oh res, bool *transparent) {
  qpdf_data q = c->q;
  if (qpdf_oh_has_key(q, res, "/Shading")) return fail(c, "the printer PDF has a shading, which klar cannot convert to CMYK");
  if (qpdf_oh_has_key(q, res, "/ExtGState")) {
    qpdf_oh gss = qpdf_oh_get_key(q, res, "/ExtGState");
    qpdf_oh_begin_dict_key_iter(q, gss);
    while (qpdf_oh_dict_more_keys(q))
      if (gs_transparent(c, qpdf_oh_get_key(q, gss, qpdf_oh_dict_next_key(q)))) *transparent = true;
  }
  if (qpdf_oh_has_key(q, res, "/Pattern")) {
    /* Cairo paints images through tiling patterns: their forms are converted
     * like any other. */
    qpdf_oh ps = qpdf_oh_get_key(q, res, "/Pattern");
    qpdf_oh_begin_dict_key_iter(q, ps);
    size_t nk = 0;
    char *keys[64];
    while (qpdf_oh_dict_more_keys(q) && nk < 64) keys[nk++] = strdup(qpdf_oh_dict_next_key(q));
    bool ok = true;
    for (size_t i = 0; i < nk; i++) {
      qpdf_oh p = qpdf_oh_get_key(q, ps, keys[i]);
      if (!ok || !first_visit(c, p)) continue;
      if (!qpdf_oh_is_stream(q, p)) ok = fail(c, "the printer PDF has a shading pattern, which klar cannot convert to CMYK");
      else ok = convert_form(c, p, transparent);
    }
    for (size_t i = 0; i < nk; i++) free(keys[i]);
    if (!ok) return false;
  }
  if (!qpdf_oh_has_key(q, res, "/XObject")) return true;
  qpdf_oh xs = qpdf_oh_get_key(q, res, "/XObject");
  /* The key iterator is one per qpdf_data: collect the keys first. */
  qpdf_oh_begin_dict_key_iter(q, xs);
  size_t nk = 0;
  char *keys[256];
  while (qpdf_oh_dict_more_keys(q) && nk < 256) keys[nk++] = strdup(qpdf_oh_dict_next_key(q));
  bool ok = true;
  for (size_t i = 0; i < nk && ok; i++) {
    qpdf_oh x = qpdf_oh_get_key(q, xs, keys[i]);
    qpdf_oh d = qpdf_oh_get_dict(q, x);
    bool image = key_is(c, d, "/Subtype", "/Image");
    if (image && qpdf_oh_has_key(q, d, "/SMask")) *transparent = true;
    if (!first_visit(c, x)) continue;
    if (image) ok = convert_image(c, x);
    else if (key_is(c, d, "/Subtype", "/Form")) ok = convert_form(c, x, transparent);
  }
  for (size_t i = 0; i < nk; i++) free(keys[i]);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* The document: output intent, Info, XMP                                    */

/* The XMP packet: what PDF/X-4 asks of the metadata (ISO 15930-7, 6.7.2):
 * the PDF/X version, title, dates, trapping, document and version ids. */
static void xmp(sbuf *o, const pdfpost_press *p, const char *title, const char *date, const char *version,
                const char *docid) {
  sbuf_puts(o, "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
               "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
               "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
               "<rdf:Description rdf:about=\"\"\n"
               "  xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
               "  xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
               "  xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
               "  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
               "  xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"\n"
               "  xmlns:pdfx=\"http://ns.adobe.com/pdfx/1.3/\">\n"
               "<dc:format>application/pdf</dc:format>\n"
               "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
  sbuf_put_xml(o, title, strlen(title));
  sbuf_printf(o, "</rdf:li></rdf:Alt></dc:title>\n"
                 "<xmp:CreateDate>%sZ</xmp:CreateDate>\n"
                 "<xmp:ModifyDate>%sZ</xmp:ModifyDate>\n"
                 "<xmp:MetadataDate>%sZ</xmp:MetadataDate>\n"
                 "<xmp:CreatorTool>klar</xmp:CreatorTool>\n"
                 "<pdf:Producer>klar</pdf:Producer>\n"
                 "<pdf:Trapped>False</pdf:Trapped>\n"
                 "<xmpMM:DocumentID>uuid:%s</xmpMM:DocumentID>\n"
                 "<xmpMM:InstanceID>uuid:%s</xmpMM:InstanceID>\n"
                 "<xmpMM:VersionID>1</xmpMM:VersionID>\n"
                 "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
                 "<pdfxid:GTS_PDFXVersion>%s</pdfxid:GTS_PDFXVersion>\n",
              date, date, date, docid, docid, version);
  if (p->x1a) sbuf_printf(o, "<pdfx:GTS_PDFXConformance>%s</pdfx:GTS_PDFXConformance>\n", version);
  sbuf_puts(o, "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
}

/* A uuid made from the title and date (FNV-1a), so the same booklet gives
 * the same bytes. */
static void doc_uuid(char out[37], const char *title, const char *date) {
  unsigned long long h[2] = {1469598103934665603ULL, 1099511628211ULL * 31};
  for (int r = 0; r < 2; r++)
    for (const char *s = title; s && *s; s++) h[r] = (h[r] ^ (unsigned char)*s) * 1099511628211ULL;
  for (const char *s = date; *s; s++) h[1] = (h[1] ^ (unsigned char)*s) * 1099511628211ULL;
  snprintf(out, 37, "%08llx-%04llx-4%03llx-8%03llx-%012llx", h[0] >> 32, (h[0] >> 16) & 0xffff, h[0] & 0xfff,
           (h[1] >> 48) & 0xfff, h[1] & 0xffffffffffffULL);
}

static void document(cx *c) {
  qpdf_data q = c->q;
  const pdfpost_press *p = c->p;
  const char *version = p->x1a ? "PDF/X-1a:2003" : "PDF/X-4";
  char date[32];
  if (p->date && strlen(p->date) == 19) snprintf(date, sizeof date, "%s", p->date);
  else {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  }
  char pdfdate[32]; /* D:YYYYMMDDHHmmSSZ */
  snprintf(pdfdate, sizeof pdfdate, "D:%.4s%.2s%.2s%.2s%.2s%.2sZ", date, date + 5, date + 8, date + 11, date + 14,
           date + 17);
  /* The title Cairo wrote (each booklet's own, see draw.c) is kept; the
   * press's title only stands in for a missing one. */
  qpdf_oh trailer = qpdf_get_trailer(q);
  if (!qpdf_oh_has_key(q, trailer, "/Info"))
    qpdf_oh_replace_key(q, trailer, "/Info", qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q)));
  qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
  const char *title = p->title ? p->title : "";
  if (qpdf_oh_has_key(q, info, "/Title")) {
    const char *t = qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, info, "/Title"));
    if (t && *t) title = t;
  }
  char *title_copy = strdup(title); /* qpdf's string lives only to its next call */
  if (!title_copy) abort();
  char docid[37];
  doc_uuid(docid, title_copy, date);

  qpdf_oh root = qpdf_get_root(q);
  size_t icc_len;
  const unsigned char *icc = colour_profile_deflated(&icc_len);
  qpdf_oh prof = qpdf_oh_new_stream(q);
  /* Given compressed, qpdf writes it as it is (it recompresses no Flate). */
  qpdf_oh_replace_stream_data(q, prof, icc, icc_len, name(c, "/FlateDecode"), qpdf_oh_new_null(q));
  qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, prof), "/N", qpdf_oh_new_integer(q, 4));
  qpdf_oh oi = qpdf_oh_new_dictionary(q);
  qpdf_oh_replace_key(q, oi, "/Type", name(c, "/OutputIntent"));
  qpdf_oh_replace_key(q, oi, "/S", name(c, "/GTS_PDFX"));
  qpdf_oh_replace_key(q, oi, "/OutputConditionIdentifier", qpdf_oh_new_string(q, COLOUR_CONDITION_ID));
  qpdf_oh_replace_key(q, oi, "/OutputCondition", qpdf_oh_new_string(q, COLOUR_CONDITION_INFO));
  qpdf_oh_replace_key(q, oi, "/Info", qpdf_oh_new_string(q, COLOUR_CONDITION_INFO));
  qpdf_oh_replace_key(q, oi, "/RegistryName", qpdf_oh_new_string(q, COLOUR_REGISTRY));
  qpdf_oh_replace_key(q, oi, "/DestOutputProfile", prof);
  qpdf_oh_replace_key(q, root, "/OutputIntents", qpdf_oh_wrap_in_array(q, qpdf_make_indirect_object(q, oi)));

  sbuf x = SBUF_INIT;
  xmp(&x, p, title_copy, date, version, docid);
  qpdf_oh meta = qpdf_oh_new_stream(q);
  qpdf_oh_replace_stream_data(q, meta, (const unsigned char *)sbuf_str(&x), x.len, qpdf_oh_new_null(q),
                              qpdf_oh_new_null(q));
  sbuf_free(&x);
  qpdf_oh md = qpdf_oh_get_dict(q, meta);
  qpdf_oh_replace_key(q, md, "/Type", name(c, "/Metadata"));
  qpdf_oh_replace_key(q, md, "/Subtype", name(c, "/XML"));
  qpdf_oh_replace_key(q, root, "/Metadata", meta);

  qpdf_oh_replace_key(q, info, "/Title", qpdf_oh_new_unicode_string(q, title_copy));
  free(title_copy);
  qpdf_oh_replace_key(q, info, "/Creator", qpdf_oh_new_string(q, "klar"));
  qpdf_oh_replace_key(q, info, "/Producer", qpdf_oh_new_string(q, "klar"));
  qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, pdfdate));
  qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, pdfdate));
  qpdf_oh_replace_key(q, info, "/Trapped", name(c, "/False"));
  qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion", qpdf_oh_new_string(q, version));
  if (p->x1a) qpdf_oh_replace_key(q, info, "/GTS_PDFXConformance", qpdf_oh_new_string(q, version));
}

bool pdfx_convert(qpdf_data q, const pdfpost_press *press, char *err, size_t errlen) {
  cx c = {.q = q, .p = press, .err = err, .errlen = errlen};
  if (!colour_ready()) return fail(&c, "the built-in colour profile cannot be read");
  int n = qpdf_get_num_pages(q);
  for (int i = 0; i < n && !c.failed; i++) {
    qpdf_oh pg = qpdf_get_page_n(q, (size_t)i);
    unsigned char *buf = NULL;
    size_t len = 0;
    if (qpdf_oh_get_page_content_data(q, pg, &buf, &len) & QPDF_ERRORS) {
      free(buf);
      return fail(&c, "cannot read a page's content");
    }
    /* The page's streams, joined, become one stream. */
    qpdf_oh content = qpdf_oh_new_stream(q);
    if (!qpdf_oh_has_key(q, pg, "/Resources")) qpdf_oh_replace_key(q, pg, "/Resources", qpdf_oh_new_dictionary(q));
    qpdf_oh res = qpdf_oh_get_key(q, pg, "/Resources");
    bool transparent = false;
    bool ok = convert_stream(&c, content, buf, len, res) && convert_resources(&c, res, &transparent);
    free(buf);
    if (!ok) break;
    qpdf_oh_replace_key(q, pg, "/Contents", content);
    if (transparent && press->x1a)
      return fail(&c, "PDF/X-1a allows no transparency, but a page of the printer PDF has some; "
                      "use PDF/X-4 or draw it opaque");
    /* A transparency group only where something is transparent, blended
     * in the press's colour space. */
    if (!transparent) qpdf_oh_remove_key(q, pg, "/Group");
    else if (qpdf_oh_has_key(q, pg, "/Group"))
      qpdf_oh_replace_key(q, qpdf_oh_get_key(q, pg, "/Group"), "/CS", name(&c, "/DeviceCMYK"));
  }
  if (c.failed) return false;
  document(&c);
  if (press->x1a) {
    qpdf_force_pdf_version(q, "1.4");
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
  } else {
    qpdf_set_minimum_pdf_version(q, "1.6");
  }
  return true;
}
