/* print, preview: a booklet's pages as PNG images and an HTML page of
 * reader spreads, for the live preview at /_klar/booklets/ (see print.h).
 * The images come from the very drawing code of the reader PDF (draw.c's
 * bk_draw_image), so what the editor sees is what the print shop gets;
 * the problems check.c finds are marked on the pages in the HTML, never
 * drawn into the images, which stay the PDF's pages pixel for pixel. */
#include "bk.h"
#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../core/fsx.h"

/* Pixels per point of the images: twice the CSS pixel (96 per inch), so a
 * 100 mm pixi page is 756 pixels square and sharp on a high-density screen
 * at its printed size. */
#define PX_PER_PT (2.0 * 96.0 / 72.0)

/* The page's size in CSS pixels, for the img's width and height. */
static int css_px(double pt) { return (int)(pt * 96.0 / 72.0 + 0.5); }

static void png_put(png_structp png, png_bytep data, size_t n) {
  sbuf_put(png_get_io_ptr(png), (const char *)data, n);
}

static void png_flush(png_structp png) { (void)png; }

/* Encodes the image surface img (CAIRO_FORMAT_RGB24) as an RGB PNG into
 * out. Cairo's own writer (cairo_surface_write_to_png_stream) spent four
 * fifths of a pixi's preview choosing libpng's filters and compressing
 * hard; pages are mostly white, so no filter and the fastest zlib level
 * give files of about the same size in a fraction of the time. Returns
 * false when libpng fails. */
static bool encode_png(cairo_surface_t *img, sbuf *out) {
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img);
  unsigned char *data = cairo_image_surface_get_data(img);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  png_bytep *rows = NULL;
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : NULL);
    free(rows);
    return false;
  }
  png_set_write_fn(png, out, png_put, png_flush);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_compression_level(png, 1);
  png_write_info(png, info);
  /* Cairo's pixels are 32-bit words 0xXXRRGGBB in the machine's order. */
  const unsigned one = 1;
  if (*(const unsigned char *)&one) {
    png_set_bgr(png);
    png_set_filler(png, 0, PNG_FILLER_AFTER);
  } else {
    png_set_filler(png, 0, PNG_FILLER_BEFORE);
  }
  rows = malloc((size_t)h * sizeof *rows);
  for (int y = 0; y < h; y++) rows[y] = data + (size_t)y * stride;
  png_write_image(png, rows);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  free(rows);
  return true;
}

/* A hash of the image's pixels: the image URL's version, so a browser asks
 * for a page again exactly when it changed, and the test of whether to
 * encode it again (encoding is most of a preview's time; an edit changes a
 * page or two). FNV-1a's step on words of two pixels, in four lanes so the
 * multiplications overlap: one lane was a fifth of a pixi's whole redraw. */
static uint64_t pixels_hash(cairo_surface_t *img) {
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img);
  const unsigned char *data = cairo_image_surface_get_data(img);
  const uint64_t prime = 1099511628211ULL;
  /* The pixel's unused top byte is whatever Cairo left there: masked, in
   * each 32-bit pixel whatever the byte order. */
  const uint64_t mask = 0x00ffffff00ffffffULL;
  uint64_t l[4] = {1469598103934665603ULL, 1, 2, 3};
  for (int y = 0; y < h; y++) {
    const unsigned char *p = data + (size_t)y * stride;
    int x = 0;
    for (; x + 8 <= w; x += 8) {
      uint64_t v[4];
      memcpy(v, p + (size_t)x * 4, sizeof v);
      for (int k = 0; k < 4; k++) l[k] = (l[k] ^ (v[k] & mask)) * prime;
    }
    for (; x < w; x++) {
      uint32_t v;
      memcpy(&v, p + (size_t)x * 4, 4);
      l[0] = (l[0] ^ (v & 0xffffffu)) * prime;
    }
  }
  uint64_t hash = (uint64_t)w << 32 | (uint64_t)h;
  for (int k = 0; k < 4; k++) hash = (hash ^ l[k]) * prime;
  return hash;
}

/* The pixel hash page no had when its image was last written, from the
 * summary of the previous preview (NULL: none), or 0. */
static uint64_t old_hash(const char *summary, int no) {
  char key[16];
  snprintf(key, sizeof key, "\np%02d ", no);
  const char *at = summary ? strstr(summary, key) : NULL;
  return at ? strtoull(at + strlen(key), NULL, 16) : 0;
}

/* Writes data to path unless the file holds these bytes already, through
 * a temporary file renamed into place: the server may be sending the old
 * file while it is replaced. Returns false after reporting. */
static bool put_file(arena *a, diag *d, const char *path, const char *data, size_t n) {
  size_t len = 0;
  char *old = fsx_read_heap(path, &len);
  bool same = old && len == n && memcmp(old, data, n) == 0;
  free(old);
  if (same) return true;
  const char *tmp = arena_printf(a, "%s.tmp-%d", path, (int)getpid());
  if (!fsx_write(tmp, data, n) || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    diag_error(d, NULL, 0, 0, "cannot write %s: %s", path, strerror(e));
    return false;
  }
  return true;
}

/* Removes the page images of dir past page n (the booklet got shorter). */
static void remove_stale(bk *k, const char *dir, int n) {
  DIR *dh = opendir(dir);
  if (!dh) return;
  struct dirent *e;
  while ((e = readdir(dh))) {
    int no;
    char rest[8];
    if (sscanf(e->d_name, "p%d.pn%7s", &no, rest) == 2 && !strcmp(rest, "g") && no > n)
      unlink(fsx_join(k->a, dir, e->d_name));
  }
  closedir(dh);
}

/* ------------------------------------------------------------------------ */
/* The HTML                                                                  */

/* The page's own small style sheet: spreads side by side on a grey desk,
 * a red outline and label on a page with a problem. */
static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1c2430;background:#e6e8eb}"
    "header,main{max-width:72rem;margin:0 auto;padding:1rem}"
    "header{padding-bottom:0}"
    "h1{font-size:1.6rem;margin:.2rem 0}"
    "a{color:#0d4f6e}"
    ".facts{margin:.2rem 0 0}"
    ".problems{background:#fff;border-left:6px solid #b00020;padding:.5rem 1rem;margin:0 0 1rem}"
    ".problems h2{font-size:1.1rem;margin:.3rem 0}"
    ".ok{background:#fff;border-left:6px solid #1d7a3e;padding:.5rem 1rem}"
    ".spread{display:flex;justify-content:center;margin:0 0 1.5rem}"
    ".page{margin:0;position:relative;flex:0 1 var(--w)}"
    ".page img{display:block;width:100%;height:auto;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.3)}"
    ".page figcaption{text-align:center;font-size:.9rem}"
    ".spacer{flex:0 1 var(--w)}"
    ".problem img{outline:4px solid #b00020;outline-offset:0}"
    ".label{position:absolute;top:.5rem;left:.5rem;background:#b00020;color:#fff;font-weight:700;"
    "padding:.1rem .5rem;border-radius:.2rem;font-size:.9rem}"
    ".label+.label{top:2.2rem}"
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    "table{border-collapse:collapse;background:#fff;width:100%}"
    "th,td{text-align:left;padding:.4rem .8rem;border-bottom:1px solid #ccd}"
    "td.n{text-align:right}"
    ".name{display:block;font-size:.85rem;color:#4a5563}"
    "@media (max-width:40rem){header,main{padding:.5rem}th,td{padding:.3rem .3rem}}";

static void html_head(sbuf *h, const char *title) {
  sbuf_puts(h, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  sbuf_put_html(h, title, strlen(title));
  sbuf_printf(h, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

static const char *label_of(print_problem_kind kind) {
  switch (kind) {
  case PRINT_OVERFLOW: return "Løber over";
  case PRINT_BLANK: return "Tom side";
  case PRINT_OVERRUN: return "For mange sider";
  case PRINT_NEARLY_EMPTY: return "Næsten tom";
  case PRINT_HEADING: return "Overskrift nederst";
  case PRINT_SPLIT: return "Orddeling ved bladvending";
  case PRINT_LONELY: return "Enlig linje";
  case PRINT_NKINDS: break;
  }
  return "";
}

/* The source position in a problem's description: "fil:linje". */
static void put_where(sbuf *h, const bk_problem *p) {
  if (!p->file) return;
  sbuf_puts(h, "<code>");
  sbuf_put_html(h, p->file, strlen(p->file));
  if (p->line) sbuf_printf(h, ":%d", p->line);
  sbuf_puts(h, "</code>");
}

/* One problem in words, for the list above the pages. */
static void describe(bk *k, sbuf *h, const bk_problem *p, size_t npages) {
  sbuf_printf(h, "<li><a href=\"#side-%d\">Side %d</a>: <strong>%s</strong> – ", p->page + 1, p->page + 1,
              label_of(p->kind));
  switch (p->kind) {
  case PRINT_OVERFLOW:
    if (p->other >= 0) {
      sbuf_puts(h, "teksten fra ");
      put_where(h, p);
      sbuf_printf(h, " er der ikke plads til på siden; den fortsætter på side %d.", p->other + 1);
    } else if (p->reported) {
      sbuf_puts(h, "en linje eller tabelrække i ");
      put_where(h, p);
      sbuf_puts(h, " er højere end sidens tekstområde.");
    } else {
      sbuf_puts(h, "sidens tekster er højere end siden og løber ud over kanten (");
      put_where(h, p);
      sbuf_puts(h, ").");
    }
    break;
  case PRINT_BLANK:
    if (p->other >= 0) {
      sbuf_puts(h, "der står intet på siden; teksten fra ");
      put_where(h, p);
      sbuf_printf(h, " begynder først på side %d.", p->other + 1);
    } else {
      sbuf_puts(h, "der står intet på siden.");
    }
    break;
  case PRINT_OVERRUN:
    sbuf_printf(h, "layoutet <code>%s</code> har plads til %d sider, men hæftet fylder %zu.", k->L->name,
                k->L->pages, npages);
    break;
  case PRINT_NEARLY_EMPTY:
    sbuf_puts(h, "siden rummer kun de sidste linjer af teksten fra ");
    put_where(h, p);
    sbuf_puts(h, " før et sideskift.");
    break;
  case PRINT_HEADING:
    sbuf_puts(h, "overskriften ");
    put_where(h, p);
    sbuf_puts(h, " står nederst på siden med under to linjer tekst efter sig.");
    break;
  case PRINT_SPLIT:
    sbuf_puts(h, "et ord i teksten fra ");
    put_where(h, p);
    sbuf_printf(h, " er delt med bindestreg, så resten står på side %d, når man vender bladet.", p->other + 1);
    break;
  case PRINT_LONELY:
    sbuf_puts(h, p->other == 0 ? "afsnittets første linje fra " : "afsnittets sidste linje fra ");
    put_where(h, p);
    sbuf_puts(h, p->other == 0 ? " står alene nederst på siden." : " står alene øverst på siden.");
    break;
  case PRINT_NKINDS: break;
  }
  sbuf_puts(h, "</li>\n");
}

static const char *booklet_title(const booklet_spec *b, arena *a) {
  const char *t = b->title ? b->title : b->npages && b->pages[0]->title ? b->pages[0]->title : b->name;
  return b->subtitle ? arena_printf(a, "%s – %s", t, b->subtitle) : t;
}

static void put_page(sbuf *h, int no, const char *side, uint64_t v, int w, int hgt, const problem_vec *ps) {
  bool marked = false;
  for (size_t i = 0; i < ps->n; i++) marked |= ps->items[i].page == no - 1;
  sbuf_printf(h, "<figure class=\"page %s%s\" id=\"side-%d\" style=\"--w:%dpx\">", side, marked ? " problem" : "",
              no, w);
  sbuf_printf(h, "<img src=\"p%02d.png?v=%012llx\" alt=\"Side %d\" width=\"%d\" height=\"%d\">", no,
              (unsigned long long)(v & 0xffffffffffffULL), no, w, hgt);
  /* One label per kind of problem the page has. */
  bool seen[PRINT_NKINDS] = {false};
  for (size_t i = 0; i < ps->n; i++) {
    const bk_problem *p = &ps->items[i];
    if (p->page != no - 1 || seen[p->kind]) continue;
    seen[p->kind] = true;
    sbuf_printf(h, "<span class=\"label\">%s</span>", label_of(p->kind));
  }
  sbuf_printf(h, "<figcaption>Side %d</figcaption></figure>", no);
}

/* The booklet's page: the problems in words, then the pages as a reader
 * sees them: page 1 alone on the right, then 2–3, 4–5 …, the last page
 * alone on the left when the count is even. */
static void booklet_html(bk *k, sbuf *h, const page_vec *pages, const uint64_t *vs, const problem_vec *ps) {
  const char *title = booklet_title(k->b, k->a);
  html_head(h, arena_printf(k->a, "%s – forhåndsvisning af hæftet", title));
  sbuf_puts(h, "<header>\n<p><a href=\"../\">Alle hæfter</a></p>\n<h1>");
  sbuf_put_html(h, title, strlen(title));
  sbuf_printf(h, "</h1>\n<p class=\"facts\">%zu sider", pages->n);
  if (k->L->pages) sbuf_printf(h, " (layoutet <code>%s</code> har plads til %d)", k->L->name, k->L->pages);
  sbuf_puts(h, " · trykt med samme motor som PDF-filen</p>\n</header>\n<main>\n");
  if (ps->n) {
    sbuf_printf(h, "<section class=\"problems\" aria-labelledby=\"problemer\">\n<h2 id=\"problemer\">%zu %s</h2>\n<ul>\n",
                ps->n, ps->n == 1 ? "problem" : "problemer");
    for (size_t i = 0; i < ps->n; i++) describe(k, h, &ps->items[i], pages->n);
    sbuf_puts(h, "</ul>\n</section>\n");
  } else {
    sbuf_puts(h, "<p class=\"ok\">Ingen problemer: ingen sider løber over, ingen er tomme.</p>\n");
  }
  sbuf_puts(h, "<h2 class=\"visually-hidden\">Siderne som opslag</h2>\n");
  int n = (int)pages->n, w = css_px(k->pw), hgt = css_px(k->ph);
  for (int first = 1; first <= n; first = first == 1 ? 2 : first + 2) {
    int last = first == 1 || first == n ? first : first + 1;
    if (first == last) sbuf_printf(h, "<div class=\"spread\" role=\"group\" aria-label=\"Side %d\">", first);
    else sbuf_printf(h, "<div class=\"spread\" role=\"group\" aria-label=\"Side %d–%d\">", first, last);
    if (first % 2 == 1) sbuf_printf(h, "<div class=\"spacer\" style=\"--w:%dpx\"></div>", w);
    for (int no = first; no <= last; no++)
      put_page(h, no, no % 2 ? "right" : "left", vs[no - 1], w, hgt, ps);
    if (first == last && first % 2 == 0) sbuf_printf(h, "<div class=\"spacer\" style=\"--w:%dpx\"></div>", w);
    sbuf_puts(h, "</div>\n");
  }
  sbuf_puts(h, "</main>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------------ */

bool print_preview(const site *s, const booklet_spec *b, const char *dir, diag *d, booklet_info *info) {
  double t0 = bk_now();
  bk k;
  bk_laid l = {0};
  problem_vec ps = {0};
  uint64_t *vs = NULL;
  bool ok = false;
  sbuf png = SBUF_INIT, html = SBUF_INIT;
  if (!bk_open(&k, s, b, d) || !bk_lay_out(&k, &l)) {
    /* The list says so, rather than showing the last good figures; the
     * pages of the last good preview stay for reference. */
    const char *failed = "pages -1\nproblems 0\nfailed\n";
    const char *bdir = fsx_join(k.a, dir, b->name);
    if (fsx_mkdirs(bdir)) put_file(k.a, d, fsx_join(k.a, bdir, "summary"), failed, strlen(failed));
    goto done;
  }
  const page_vec *pages = &l.pages;
  bk_find_problems(&k, pages, &ps);
  bk_report_problems(&k, pages, &ps, false);
  const char *bdir = fsx_join(k.a, dir, b->name);
  if (!fsx_mkdirs(bdir) || !fsx_is_dir(bdir)) {
    diag_error(d, NULL, 0, 0, "cannot create folder %s: %s", bdir, strerror(errno));
    goto done;
  }
  const char *sumpath = fsx_join(k.a, bdir, "summary");
  const char *before = fsx_read(k.a, sumpath, NULL);
  vs = calloc(pages->n ? pages->n : 1, sizeof *vs);
  for (size_t i = 0; i < pages->n; i++) {
    cairo_surface_t *img = bk_draw_image(&k, pages, i, PX_PER_PT);
    vs[i] = pixels_hash(img);
    const char *path = arena_printf(k.a, "%s/p%02zu.png", bdir, i + 1);
    if (vs[i] == old_hash(before, (int)i + 1) && fsx_is_file(path)) {
      cairo_surface_destroy(img);
      continue;
    }
    sbuf_clear(&png);
    bool encoded = encode_png(img, &png);
    cairo_surface_destroy(img);
    if (!encoded) {
      diag_error(d, NULL, 0, 0, "cannot write %s: %s", path, "libpng failed to encode the page");
      goto done;
    }
    if (!put_file(k.a, d, path, png.data, png.len)) goto done;
  }
  remove_stale(&k, bdir, (int)pages->n);
  booklet_html(&k, &html, pages, vs, &ps);
  if (!put_file(k.a, d, fsx_join(k.a, bdir, "index.html"), html.data, html.len)) goto done;
  sbuf_clear(&html);
  sbuf_printf(&html, "pages %zu\nproblems %zu\n", pages->n, ps.n);
  for (size_t i = 0; i < pages->n; i++) sbuf_printf(&html, "p%02zu %016llx\n", i + 1, (unsigned long long)vs[i]);
  /* The pages the layout leaves empty on purpose, of both PDFs: a test
   * that finds an empty page in them asks here whether it was meant. */
  page_vec printer = {0};
  bk_printer_pages(&k, pages, &printer);
  const page_vec *both[2] = {pages, &printer};
  for (int w = 0; w < 2; w++) {
    sbuf_puts(&html, w ? "printer-blank" : "blank");
    for (size_t i = 0; i < both[w]->n; i++)
      if (bk_meant_blank(both[w]->items[i])) sbuf_printf(&html, " %zu", i + 1);
    sbuf_puts(&html, "\n");
  }
  vec_free(&printer);
  if (!put_file(k.a, d, sumpath, html.data, html.len)) goto done;
  if (info) {
    info->pages = (int)pages->n;
    info->problems = (int)ps.n;
  }
  /* Text the flow could not set is an error, shown on its page all the same. */
  ok = k.ok;
done:
  free(vs);
  sbuf_free(&png);
  sbuf_free(&html);
  vec_free(&ps);
  bk_close(&k, &l);
  if (info) info->seconds = bk_now() - t0;
  return ok;
}

bool print_preview_index(const site *s, const char *dir, diag *d) {
  arena *a = arena_new();
  sbuf h = SBUF_INIT;
  html_head(&h, "Hæfterne – forhåndsvisning");
  sbuf_puts(&h, "<header>\n<h1>Hæfterne</h1>\n<p class=\"facts\">Siderne tegnet af den samme motor som "
                "PDF-filerne. Siden opdateres, når I gemmer en fil.</p>\n</header>\n<main>\n");
  sbuf_puts(&h, "<table>\n<thead><tr><th scope=\"col\">Hæfte</th><th scope=\"col\">Sider</th>"
                "<th scope=\"col\">Problemer</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < s->nbooklets; i++) {
    const booklet *bl = &s->booklets[i];
    int pages = -1, problems = 0;
    char *sum = fsx_read(a, fsx_join(a, fsx_join(a, dir, bl->name), "summary"), NULL);
    if (sum) sscanf(sum, "pages %d\nproblems %d", &pages, &problems);
    const char *t = bl->title ? bl->title : bl->pages.n && bl->pages.items[0]->title ? bl->pages.items[0]->title
                                                                                      : bl->name;
    if (bl->subtitle) t = arena_printf(a, "%s – %s", t, bl->subtitle);
    sbuf_printf(&h, "<tr><td><a href=\"%s/\">", bl->name);
    sbuf_put_html(&h, t, strlen(t));
    sbuf_printf(&h, "</a> <code class=\"name\">%s</code></td>", bl->name);
    if (sum && strstr(sum, "\nfailed\n"))
      sbuf_puts(&h, "<td colspan=\"2\"><strong>kunne ikke tegnes</strong>: se fejlen i terminalen</td></tr>\n");
    else if (pages < 0) sbuf_puts(&h, "<td colspan=\"2\">ikke tegnet endnu</td></tr>\n");
    else if (!problems) sbuf_printf(&h, "<td class=\"n\">%d</td><td>ingen</td></tr>\n", pages);
    else sbuf_printf(&h, "<td class=\"n\">%d</td><td><strong>%d</strong></td></tr>\n", pages, problems);
  }
  sbuf_puts(&h, "</tbody>\n</table>\n</main>\n</body>\n</html>\n");
  bool ok = put_file(a, d, fsx_join(a, dir, "index.html"), h.data, h.len);
  sbuf_free(&h);
  arena_free(a);
  return ok;
}
