/* picture: the Markdown images of the pages (see picture.h).
 *
 * What counts as a photo. A JPEG is a photo. A PNG is a photo only when
 * it has no transparency (no alpha channel, no tRNS chunk) and its file
 * holds at least a third of its raw pixel bytes: deflate packs the flat
 * colours and sharp edges of a logo, a chart or a screenshot far below
 * that, while the noise of a photograph keeps it large. A photo gets JPEG
 * and WebP files (lossy, small); anything else stays PNG, lossless, with
 * its transparency, and gets no WebP. The PNG's header and chunk list
 * decide, so no pixel is decoded to build a page.
 *
 * The widths: 480, 800 and 1200 pixels, those narrower than the picture,
 * and the picture's own width when it is below 1200; never wider than the
 * source. A drawing is offered as the one file it is, at its own width:
 * made smaller, its antialiased edges add colours that deflate packs
 * worse, and the PNG grew (a 1500 px drawing of 263 KB gave 635, 467 and
 * 265 KB at 1200, 800 and 480 px; a 900 px logo of 3 KB, 4 KB at 480). The sizes attribute says the picture is as wide as the text
 * column (.prose, at most 65ch) or the screen less its margins. */
#include "picture.h"
#include "image.h"
#include "photo.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../site/site.h"
#include <cairo.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const int widths[] = {480, 800, 1200};

/* A drawing larger than this gets a warning: it is offered as it is. */
enum { LARGE_DRAWING = 1024 * 1024 };

/* The text column of the pages: .prose is at most 65ch of the body font
 * (669 px measured in Chromium, about 42rem), and on a phone the screen
 * less main's padding of 1rem each side. */
static const char sizes_attr[] = "(min-width: 44rem) 42rem, calc(100vw - 2rem)";

typedef enum { PIC_PHOTO, PIC_DRAWING, PIC_SVG } pic_kind;

/* Why a picture could not be measured. */
typedef enum { PIC_OK, PIC_UNREADABLE, PIC_BAD_JPEG, PIC_BAD_PNG, PIC_SVG_NO_SIZE, PIC_NOT_IMAGE } pic_fault;

typedef struct item {
  char *key;      /* "content/REL" or "assets/REL": the set's key */
  char *path;     /* the source file */
  char *stem;     /* the output path without its extension ("nyheder/x/billede") */
  pic_kind kind;
  bool png;       /* the source is a PNG */
  int orient;     /* a JPEG's EXIF orientation (photo_orientation) */
  int w, h;       /* as shown, turned upright */
  size_t bytes;   /* the file's size */
  uint64_t hash;
  pic_fault fault;
  int err;        /* errno of PIC_UNREADABLE */
} item;

struct picture_set {
  pthread_mutex_t lock;
  map by_key;          /* key → item* */
  VEC(item *) all;      /* in the order first met */
};

static void set_free(void *p) {
  picture_set *ps = p;
  for (size_t i = 0; i < ps->all.n; i++) {
    item *x = ps->all.items[i];
    free(x->key);
    free(x->path);
    free(x->stem);
    free(x);
  }
  vec_free(&ps->all);
  map_free(&ps->by_key);
  pthread_mutex_destroy(&ps->lock);
  free(ps);
}

picture_set *picture_set_new(site *s) {
  picture_set *ps = xcalloc(1, sizeof *ps);
  pthread_mutex_init(&ps->lock, NULL);
  arena_defer(s->arena, set_free, ps);
  return ps;
}

/* ----------------------------------------------------------- measuring */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a PNG's size from its header and decides whether it is a photo
 * (see the top of the file). False when it is no PNG. */
static bool png_head(const unsigned char *d, size_t n, int *w, int *h, bool *is_photo) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n < 33 || memcmp(d, sig, 8) || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4)) return false;
  uint32_t pw = be32(d + 16), ph = be32(d + 20);
  int depth = d[24], type = d[25];
  if (!pw || !ph || pw > 100000 || ph > 100000) return false;
  bool trns = false;
  for (size_t at = 33; at + 8 <= n;) {
    uint32_t len = be32(d + at);
    if (!memcmp(d + at + 4, "tRNS", 4)) trns = true;
    if (!memcmp(d + at + 4, "IDAT", 4) || len > n) break;
    at += 12 + (size_t)len;
  }
  int channels = type == 2 ? 3 : type == 0 ? 1 : 0; /* opaque grey or colour */
  unsigned long long raw = (unsigned long long)pw * ph * channels * (depth > 8 ? 2 : 1);
  *w = (int)pw;
  *h = (int)ph;
  *is_photo = channels && !trns && depth >= 8 && (unsigned long long)n * 3 >= raw;
  return true;
}

/* A length of SVG: a number in px (or none), pt, pc, mm, cm or in, as CSS
 * pixels; 0 for anything else (%, em). */
static double svg_length(const char *v, size_t n) {
  char buf[64];
  if (n >= sizeof buf) return 0;
  memcpy(buf, v, n);
  buf[n] = 0;
  char *end;
  double x = strtod(buf, &end);
  while (*end == ' ') end++;
  static const struct { const char *unit; double px; } units[] = {
      {"", 1}, {"px", 1}, {"pt", 96 / 72.0}, {"pc", 16}, {"mm", 96 / 25.4}, {"cm", 96 / 2.54}, {"in", 96}};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (!strcmp(end, units[i].unit)) return x > 0 ? x * units[i].px : 0;
  return 0;
}

/* Finds attribute name in the tag [p, end), p at its '<'; its value's
 * span in *v, *vn. */
static bool svg_attr(const char *p, const char *end, const char *name, const char **v, size_t *vn) {
  size_t nl = strlen(name);
  for (const char *q = p + 1; q + nl + 2 < end; q++) { /* q[-1]: the byte before a name */
    if ((q[-1] != ' ' && q[-1] != '\n' && q[-1] != '\t' && q[-1] != '\r') || strncmp(q, name, nl)) continue;
    const char *r = q + nl;
    while (r < end && *r == ' ') r++;
    if (r >= end || *r != '=') continue;
    r++;
    while (r < end && *r == ' ') r++;
    if (r >= end || (*r != '"' && *r != '\'')) continue;
    const char *close = memchr(r + 1, *r, (size_t)(end - r - 1));
    if (!close) return false;
    *v = r + 1;
    *vn = (size_t)(close - r - 1);
    return true;
  }
  return false;
}

/* The size of an SVG in CSS pixels from its root element: width and
 * height, else the viewBox (one of width and height scales the other by
 * the viewBox's aspect). False when it has none of them or no <svg>. */
static bool svg_size(const char *d, size_t n, int *w, int *h) {
  const char *end = d + n, *p = d;
  for (;;) {
    p = memmem(p, (size_t)(end - p), "<svg", 4);
    if (!p || p + 4 >= end) return false;
    if (p[4] == ' ' || p[4] == '\n' || p[4] == '\t' || p[4] == '\r' || p[4] == '>') break;
    p += 4;
  }
  const char *close = memchr(p, '>', (size_t)(end - p));
  if (!close) return false;
  const char *v;
  size_t vn;
  double sw = 0, sh = 0, vw = 0, vh = 0;
  if (svg_attr(p, close, "width", &v, &vn)) sw = svg_length(v, vn);
  if (svg_attr(p, close, "height", &v, &vn)) sh = svg_length(v, vn);
  if (svg_attr(p, close, "viewBox", &v, &vn) && vn < 200) {
    char buf[200];
    memcpy(buf, v, vn);
    buf[vn] = 0;
    for (char *c = buf; *c; c++)
      if (*c == ',') *c = ' ';
    double x, y;
    if (sscanf(buf, "%lf %lf %lf %lf", &x, &y, &vw, &vh) != 4 || vw <= 0 || vh <= 0) vw = vh = 0;
  }
  if (!sw && sh && vw) sw = sh * vw / vh;
  if (!sh && sw && vw) sh = sw * vh / vw;
  if (!sw || !sh) {
    sw = vw;
    sh = vh;
  }
  /* Written so NaN and infinities fail too; no page shows a picture
   * wider than a hundred thousand pixels. */
  if (!(sw >= 0.5 && sh >= 0.5 && sw <= 100000 && sh <= 100000)) return false;
  *w = (int)(sw + 0.5);
  *h = (int)(sh + 0.5);
  return true;
}

/* Fills in x's kind, size and hash (or fault) from the n bytes of its
 * file; its name (x->path) says what the file should be. */
static void measure_bytes(item *x, const char *data, size_t n) {
  const unsigned char *u = (const unsigned char *)data;
  bool named_png = str_ends(x->path, ".png") || str_ends(x->path, ".PNG");
  bool named_svg = str_ends(x->path, ".svg") || str_ends(x->path, ".SVG");
  /* The version in front names new files when what is made of a source
   * changes (widths, quality, filter): count it up then. */
  x->hash = image_hash(image_hash(IMAGE_HASH_START, "picture 1", 9), data, n);
  x->bytes = n;
  bool is_photo = false;
  if (n >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff && !named_png && !named_svg) {
    x->kind = PIC_PHOTO;
    x->orient = photo_orientation(data, n);
    if (!photo_size(data, n, &x->w, &x->h)) x->fault = PIC_BAD_JPEG;
    if (x->orient >= 5) { /* shown turned a quarter */
      int t = x->w;
      x->w = x->h;
      x->h = t;
    }
  } else if (n >= 8 && !memcmp(data, "\x89PNG", 4) && named_png) {
    x->png = true;
    if (!png_head(u, n, &x->w, &x->h, &is_photo)) x->fault = PIC_BAD_PNG;
    x->kind = is_photo ? PIC_PHOTO : PIC_DRAWING;
  } else if (named_svg) {
    x->kind = PIC_SVG;
    if (!svg_size(data, n, &x->w, &x->h)) x->fault = PIC_SVG_NO_SIZE;
  } else {
    x->fault = PIC_NOT_IMAGE;
  }
}

/* Reads the file of x and measures it. */
static void measure(item *x) {
  size_t n = 0;
  char *data = fsx_read_heap(x->path, &n);
  if (!data) {
    x->fault = PIC_UNREADABLE;
    x->err = errno;
    return;
  }
  measure_bytes(x, data, n);
  free(data);
}

int picture_probe(const char *name, const char *data, size_t n, int *w, int *h) {
  item x = {0};
  x.path = (char *)name;
  measure_bytes(&x, data, n);
  *w = x.w;
  *h = x.h;
  return x.fault != PIC_OK ? 0 : x.kind == PIC_PHOTO ? 1 : x.kind == PIC_DRAWING ? 2 : 3;
}

/* Returns the set's picture of key, measuring it on first use. The lock
 * is not held while the file is read: two pages may measure one file at
 * once, and the first to come back is kept. */
static const item *lookup(picture_set *ps, const char *key, const char *path, const char *out_path) {
  pthread_mutex_lock(&ps->lock);
  item *have = map_get(&ps->by_key, key);
  pthread_mutex_unlock(&ps->lock);
  if (have) return have;
  item *x = xcalloc(1, sizeof *x);
  x->key = xstrdup(key);
  x->path = xstrdup(path);
  const char *slash = strrchr(out_path, '/'), *dot = strrchr(out_path, '.');
  size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - out_path) : strlen(out_path);
  x->stem = strndup(out_path, stem);
  if (!x->stem) klar_oom();
  measure(x);
  pthread_mutex_lock(&ps->lock);
  have = map_get(&ps->by_key, key);
  if (!have) {
    map_set(&ps->by_key, x->key, x);
    vec_push(&ps->all, x);
  }
  pthread_mutex_unlock(&ps->lock);
  if (have) {
    free(x->key);
    free(x->path);
    free(x->stem);
    free(x);
    return have;
  }
  return x;
}

/* ------------------------------------------------------------- markup */

/* The widths x is made in (see the top of the file) into ws; returns how
 * many. */
static int variant_widths(const item *x, int ws[PICTURE_MAX_WIDTHS]) {
  if (x->kind == PIC_DRAWING) {
    ws[0] = x->w;
    return 1;
  }
  int n = 0, top = x->w < 1200 ? x->w : 1200;
  for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
    if (widths[i] < x->w) ws[n++] = widths[i];
  if (!n || ws[n - 1] != top) ws[n++] = top;
  return n;
}

/* The height of x made w wide, as photo_scaled makes it. */
static int height_at(const item *x, int w) {
  if (w == x->w) return x->h;
  int h = (int)((long long)x->h * w / x->w);
  return h < 1 ? 1 : h;
}

/* The file of x at width w with extension ext, below the output. */
static char *variant_file(arena *a, const item *x, int w, const char *ext) {
  return arena_printf(a, "%s-%d.%010llx.%s", x->stem, w, (unsigned long long)(x->hash & 0xffffffffffULL), ext);
}

static void put_srcset(const site *s, arena *a, sbuf *out, const item *x, const int *ws, int n, const char *ext) {
  for (int i = 0; i < n; i++) {
    sbuf u = SBUF_INIT;
    site_url_put(s, &u, variant_file(a, x, ws[i], ext));
    sbuf_printf(&u, " %dw", ws[i]);
    if (i) sbuf_puts(out, ", ");
    sbuf_put_html(out, u.data, u.len);
    sbuf_free(&u);
  }
}

/* The attributes every <img> of a picture ends with. */
static void put_img_tail(sbuf *out, const md_picture *mp, int w, int h) {
  sbuf_printf(out, " width=\"%d\" height=\"%d\" alt=\"", w, h);
  sbuf_put_html(out, mp->alt, strlen(mp->alt));
  sbuf_putc(out, '"');
  if (mp->title) {
    sbuf_puts(out, " title=\"");
    sbuf_put_html(out, mp->title, strlen(mp->title));
    sbuf_putc(out, '"');
  }
  sbuf_puts(out, " loading=\"lazy\" decoding=\"async\">");
}

static void put_markup(const site *s, arena *a, sbuf *out, const item *x, const char *url, const md_picture *mp) {
  if (x->kind == PIC_SVG) {
    sbuf_puts(out, "<img src=\"");
    sbuf_put_html(out, url, strlen(url));
    sbuf_putc(out, '"');
    put_img_tail(out, mp, x->w, x->h);
    return;
  }
  int ws[PICTURE_MAX_WIDTHS], n = variant_widths(x, ws);
  int top = ws[n - 1], fallback = n > 1 ? ws[n - 2] : top;
  const char *ext = x->kind == PIC_PHOTO ? "jpg" : "png";
  if (x->kind == PIC_PHOTO) {
    sbuf_puts(out, "<picture><source type=\"image/webp\" srcset=\"");
    put_srcset(s, a, out, x, ws, n, "webp");
    sbuf_printf(out, "\" sizes=\"%s\">", sizes_attr);
  }
  sbuf_puts(out, "<img src=\"");
  sbuf u = SBUF_INIT;
  site_url_put(s, &u, variant_file(a, x, fallback, ext));
  sbuf_put_html(out, u.data, u.len);
  sbuf_free(&u);
  sbuf_putc(out, '"');
  if (n > 1) {
    sbuf_puts(out, " srcset=\"");
    put_srcset(s, a, out, x, ws, n, ext);
    sbuf_printf(out, "\" sizes=\"%s\"", sizes_attr);
  }
  put_img_tail(out, mp, top, height_at(x, top));
  if (x->kind == PIC_PHOTO) sbuf_puts(out, "</picture>");
}

/* True for a destination with a scheme ("https:") or "//host". */
static bool is_remote(const char *u) {
  if (u[0] == '/' && u[1] == '/') return true;
  size_t n = strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
  return n > 0 && u[n] == ':';
}

static bool has_ext(const char *path, const char *const *exts) {
  const char *dot = strrchr(path, '.');
  if (!dot) return false;
  for (size_t i = 0; exts[i]; i++)
    if (!strcasecmp(dot + 1, exts[i])) return true;
  return false;
}

int picture_md(void *ctx, const md_picture *mp, sbuf *out) {
  picture_ctx *c = ctx;
  const site *s = c->s;
  const char *dest = mp->dest;
  if (!*dest) return 0; /* emptied by the URL check, which reported it */
  if (is_remote(dest)) {
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' is on another site: the reader's browser would fetch it from there, telling "
               "that site about the visit before anyone agreed to it; save the image beside the page and "
               "write its file name instead",
               dest);
    return -1;
  }
  const char *key, *path, *out_path, *url;
  size_t n = strcspn(dest, "?#");
  if (mp->url) {
    /* Resolved by the link resolver to a static file below content/. */
    char *rel = model_resolve_path(c->p, dest, c->a);
    out_path = rel ? map_get(&s->statics, rel) : NULL;
    if (!out_path) return 0;
    key = arena_printf(c->a, "content/%s", rel);
    path = fsx_join(c->a, s->content_dir, rel);
    url = mp->url;
  } else if (str_starts(dest, "/assets/") && n > 8) {
    const char *rel = arena_strndup(c->a, dest + 8, n - 8);
    url = map_get(&s->assets, rel);
    if (!url) {
      diag_error(c->d, mp->file, mp->line, mp->col,
                 "broken image link to '%s': there is no such file in assets/ (a path that starts with /assets/ "
                 "names a file of the site's assets folder)",
                 dest);
      return -1;
    }
    key = arena_printf(c->a, "assets/%s", rel);
    path = fsx_join(c->a, s->assets_dir, rel);
    out_path = rel;
  } else {
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' is written as a path from the top of the site: write its path from this page "
               "(like billede.jpg beside it), or /assets/… for a file of the assets folder",
               dest);
    return -1;
  }
  static const char *const ours[] = {"jpg", "jpeg", "png", "svg", NULL};
  if (!has_ext(path, ours)) return 0;
  /* Links inside the folders were checked before the build; this keeps a
   * file that became a link since then from publishing what lies outside. */
  const char *real = fsx_resolve(c->a, path);
  const char *top = fsx_resolve(c->a, mp->url ? s->content_dir : s->assets_dir);
  if (!real || !top || !fsx_within(real, top)) {
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' lies outside the site's folders (a link leads out of them); put the image "
               "itself below content/ or assets/",
               dest);
    return -1;
  }
  if (!s->pictures) return 0;
  const item *x = lookup(s->pictures, key, path, out_path);
  switch (x->fault) {
  case PIC_OK:
    break;
  case PIC_UNREADABLE:
    diag_error(c->d, mp->file, mp->line, mp->col, "cannot read the image '%s': %s", dest, strerror(x->err));
    return -1;
  case PIC_BAD_JPEG:
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' cannot be read as a JPEG file; save it again as JPEG or PNG", dest);
    return -1;
  case PIC_BAD_PNG:
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' cannot be read as a PNG file; save it again as PNG or JPEG", dest);
    return -1;
  case PIC_SVG_NO_SIZE:
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the SVG image '%s' gives no size: give its <svg> element a viewBox, or a width and a height", dest);
    return -1;
  case PIC_NOT_IMAGE:
    diag_error(c->d, mp->file, mp->line, mp->col,
               "the image '%s' is not the kind of file its name says (JPEG, PNG or SVG); save it again in one "
               "of those",
               dest);
    return -1;
  }
  if (x->kind == PIC_DRAWING && x->bytes > LARGE_DRAWING)
    diag_warning(c->d, mp->file, mp->line, mp->col,
                 "the PNG image '%s' is %zu kB, and a PNG with transparency or few colours is offered as it is "
                 "(only photos are made smaller): save it smaller, or as JPEG if it is a photo",
                 dest, x->bytes / 1024);
  put_markup(s, c->a, out, x, url, mp);
  return 1;
}

/* -------------------------------------------------------------- files */

typedef struct write_shared {
  const site *s;
  const item *const *pics;
  const char *out, *prev;
  bool only_new;
  diag *d;
  atomic_bool ok;
} write_shared;

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int len) {
  const char **at = closure; /* [0] the next byte, [1] the end */
  if ((size_t)(at[1] - at[0]) < len) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, at[0], len);
  at[0] += len;
  return CAIRO_STATUS_SUCCESS;
}

/* The source of one picture, decoded on first need. */
typedef struct source {
  const item *x;
  char *data;              /* the file's bytes */
  size_t n;
  photo *ph;               /* the photo's pixels, upright */
  bool tried, failed;
} source;

/* A PNG photo's pixels (Cairo's RGB24, which it gives a PNG without
 * transparency) as a photo (RGB rows). */
static photo *photo_of_surface(cairo_surface_t *sf) {
  photo *p = xmalloc(sizeof *p);
  p->w = cairo_image_surface_get_width(sf);
  p->h = cairo_image_surface_get_height(sf);
  p->rgb = xmalloc((size_t)p->w * p->h * 3);
  const unsigned char *px = cairo_image_surface_get_data(sf);
  int stride = cairo_image_surface_get_stride(sf);
  for (int y = 0; y < p->h; y++)
    for (int x = 0; x < p->w; x++) {
      uint32_t v = ((const uint32_t *)(px + (size_t)y * stride))[x];
      unsigned char *d = p->rgb + ((size_t)y * p->w + x) * 3;
      d[0] = (unsigned char)(v >> 16);
      d[1] = (unsigned char)(v >> 8);
      d[2] = (unsigned char)v;
    }
  return p;
}

static bool decode(source *src) {
  if (src->tried) return !src->failed;
  src->tried = true;
  const item *x = src->x;
  if (x->png) {
    const char *at[2] = {src->data, src->data + src->n};
    cairo_surface_t *sf = cairo_image_surface_create_from_png_stream(read_mem, at);
    if (cairo_surface_status(sf) == CAIRO_STATUS_SUCCESS) {
      cairo_surface_flush(sf);
      src->ph = photo_of_surface(sf);
    }
    cairo_surface_destroy(sf);
  } else {
    src->ph = photo_decode(src->data, src->n);
    photo *up = src->ph ? photo_oriented(src->ph, x->orient) : NULL;
    if (up != src->ph) {
      photo_free(src->ph);
      src->ph = up;
    }
  }
  src->failed = !src->ph;
  return !src->failed;
}

/* Makes one file of a picture: width w as ext ("jpg", "webp", "png"). */
static bool make_file(write_shared *ws, arena *a, source *src, int w, const char *ext) {
  const item *x = src->x;
  const char *file = variant_file(a, x, w, ext);
  if (ws->only_new && ws->prev && fsx_is_file(fsx_join(a, ws->prev, file))) return true;
  if (image_link_prev(a, ws->out, ws->prev, file)) return true;
  sbuf b = SBUF_INIT;
  if (!strcmp(ext, "png")) {
    /* A drawing is the author's file as it is. */
    sbuf_put(&b, src->data, src->n);
  } else if (!decode(src)) {
    diag_error(ws->d, x->path, 0, 0, "cannot decode the image: the file is damaged or not a %s file klar can read",
               x->png ? "PNG" : "JPEG");
    return false;
  } else {
    photo *sized = w == src->ph->w ? NULL : photo_scaled(src->ph, w);
    const photo *use = sized ? sized : src->ph;
    if (!strcmp(ext, "jpg")) photo_jpeg(use, &b);
    else photo_webp(use, &b);
    photo_free(sized);
  }
  bool ok = fsx_write(fsx_join(a, ws->out, file), b.data, b.len);
  if (!ok) diag_error(ws->d, NULL, 0, 0, "cannot write %s in the output folder: %s", file, strerror(errno));
  sbuf_free(&b);
  return ok;
}

static void write_one(void *shared, void *worker, size_t i) {
  (void)worker;
  write_shared *ws = shared;
  const item *x = ws->pics[i];
  if (x->fault != PIC_OK || x->kind == PIC_SVG) return;
  arena *a = arena_new();
  source src = {x, NULL, 0, NULL, false, false};
  src.data = fsx_read_heap(x->path, &src.n);
  bool ok = src.data != NULL;
  if (!ok) diag_error(ws->d, x->path, 0, 0, "cannot read the image: %s", strerror(errno));
  int wv[PICTURE_MAX_WIDTHS], n = ok ? variant_widths(x, wv) : 0;
  for (int k = 0; k < n && ok; k++) {
    if (x->kind == PIC_PHOTO) ok = make_file(ws, a, &src, wv[k], "jpg") && make_file(ws, a, &src, wv[k], "webp");
    else ok = make_file(ws, a, &src, wv[k], "png");
  }
  if (!ok) atomic_store(&ws->ok, false);
  photo_free(src.ph);
  free(src.data);
  arena_free(a);
}

bool picture_write(const site *s, const char *out, const char *prev, bool only_new, int jobs, diag *d) {
  picture_set *ps = s->pictures;
  if (!out || !ps || !ps->all.n) return true;
  write_shared ws = {s, (const item *const *)ps->all.items, out, prev, only_new, d, true};
  pool_run(jobs, ps->all.n, write_one, &ws, NULL);
  return atomic_load(&ws.ok);
}
