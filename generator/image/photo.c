/* photo: libjpeg and libwebp behind the functions of photo.h. */
#include "photo.h"
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <webp/encode.h>

typedef struct jerr {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
} jerr;

/* libjpeg's default error handler exits the process: jump back instead. */
static void on_error(j_common_ptr c) { longjmp(((jerr *)c->err)->jump, 1); }
static void no_message(j_common_ptr c) { (void)c; }

photo *photo_decode(const char *data, size_t n) {
  struct jpeg_decompress_struct c;
  jerr e;
  c.err = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = on_error;
  e.mgr.output_message = no_message;
  photo *volatile p = NULL;
  if (setjmp(e.jump)) {
    jpeg_destroy_decompress(&c);
    if (p) photo_free(p);
    return NULL;
  }
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, (const unsigned char *)data, (unsigned long)n);
  jpeg_read_header(&c, TRUE);
  c.out_color_space = JCS_RGB;
  jpeg_start_decompress(&c);
  p = xmalloc(sizeof *p);
  p->w = (int)c.output_width;
  p->h = (int)c.output_height;
  p->rgb = xmalloc((size_t)p->w * p->h * 3);
  while (c.output_scanline < c.output_height) {
    unsigned char *row = p->rgb + (size_t)c.output_scanline * p->w * 3;
    jpeg_read_scanlines(&c, &row, 1);
  }
  jpeg_finish_decompress(&c);
  jpeg_destroy_decompress(&c);
  return p;
}

bool photo_size(const char *data, size_t n, int *w, int *h) {
  struct jpeg_decompress_struct c;
  jerr e;
  c.err = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = on_error;
  e.mgr.output_message = no_message;
  if (setjmp(e.jump)) {
    jpeg_destroy_decompress(&c);
    return false;
  }
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, (const unsigned char *)data, (unsigned long)n);
  jpeg_read_header(&c, TRUE);
  *w = (int)c.image_width;
  *h = (int)c.image_height;
  jpeg_destroy_decompress(&c);
  return true;
}

photo *photo_scaled(const photo *p, int w) {
  photo *q = xmalloc(sizeof *q);
  q->w = w;
  q->h = (int)((long long)p->h * w / p->w);
  if (q->h < 1) q->h = 1;
  q->rgb = xmalloc((size_t)q->w * q->h * 3);
  /* A box filter: each target pixel averages the source rectangle it
   * covers, which is exact enough for halving and thirding photographs. */
  for (int y = 0; y < q->h; y++) {
    int y0 = (int)((long long)y * p->h / q->h), y1 = (int)((long long)(y + 1) * p->h / q->h);
    if (y1 <= y0) y1 = y0 + 1;
    for (int x = 0; x < q->w; x++) {
      int x0 = (int)((long long)x * p->w / q->w), x1 = (int)((long long)(x + 1) * p->w / q->w);
      if (x1 <= x0) x1 = x0 + 1;
      unsigned long sum[3] = {0, 0, 0}, cnt = 0;
      for (int yy = y0; yy < y1; yy++)
        for (int xx = x0; xx < x1; xx++) {
          const unsigned char *s = p->rgb + ((size_t)yy * p->w + xx) * 3;
          sum[0] += s[0], sum[1] += s[1], sum[2] += s[2];
          cnt++;
        }
      unsigned char *d = q->rgb + ((size_t)y * q->w + x) * 3;
      for (int k = 0; k < 3; k++) d[k] = (unsigned char)((sum[k] + cnt / 2) / cnt);
    }
  }
  return q;
}

void photo_jpeg(const photo *p, sbuf *b) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr e;
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  unsigned char *mem = NULL;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &mem, &size);
  c.image_width = (JDIMENSION)p->w;
  c.image_height = (JDIMENSION)p->h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 82, TRUE);
  jpeg_simple_progression(&c);
  c.optimize_coding = TRUE;
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    unsigned char *row = p->rgb + (size_t)c.next_scanline * p->w * 3;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  sbuf_put(b, (const char *)mem, size);
  free(mem);
}

void photo_webp(const photo *p, sbuf *b) {
  uint8_t *out = NULL;
  size_t n = WebPEncodeRGB(p->rgb, p->w, p->h, p->w * 3, 78, &out);
  if (n) sbuf_put(b, (const char *)out, n);
  WebPFree(out);
}

void photo_free(photo *p) {
  if (!p) return;
  free(p->rgb);
  free(p);
}

/* ------------------------------------------------------------ orientation */

static unsigned get16(const unsigned char *p, bool le) { return le ? p[0] | p[1] << 8 : p[0] << 8 | p[1]; }
static unsigned long get32(const unsigned char *p, bool le) {
  return le ? (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24
            : (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

int photo_orientation(const char *data, size_t n) {
  const unsigned char *d = (const unsigned char *)data;
  if (n < 4 || d[0] != 0xff || d[1] != 0xd8) return 1;
  /* The markers before the image data; APP1 "Exif" holds a TIFF header
   * whose first directory may have tag 0x0112, Orientation. */
  for (size_t at = 2; at + 4 <= n && d[at] == 0xff;) {
    unsigned marker = d[at + 1], len = (unsigned)d[at + 2] << 8 | d[at + 3];
    if (marker == 0xda || len < 2 || at + 2 + len > n) break;
    const unsigned char *seg = d + at + 4;
    size_t sn = len - 2;
    if (marker == 0xe1 && sn >= 14 && !memcmp(seg, "Exif\0\0", 6)) {
      const unsigned char *t = seg + 6;
      size_t tn = sn - 6;
      bool le = t[0] == 'I';
      if ((t[0] != 'I' && t[0] != 'M') || t[1] != t[0] || get16(t + 2, le) != 42) return 1;
      unsigned long ifd = get32(t + 4, le);
      if (ifd + 2 > tn) return 1;
      unsigned count = get16(t + ifd, le);
      for (unsigned i = 0; i < count && ifd + 2 + 12 * (i + 1) <= tn; i++) {
        const unsigned char *e = t + ifd + 2 + 12 * i;
        if (get16(e, le) != 0x0112) continue;
        unsigned o = get16(e + 8, le);
        return o >= 1 && o <= 8 ? (int)o : 1;
      }
      return 1;
    }
    at += 2 + len;
  }
  return 1;
}

photo *photo_oriented(const photo *p, int o) {
  if (o < 2 || o > 8) return (photo *)p;
  bool swap = o >= 5;
  photo *q = xmalloc(sizeof *q);
  q->w = swap ? p->h : p->w;
  q->h = swap ? p->w : p->h;
  q->rgb = xmalloc((size_t)q->w * q->h * 3);
  /* For each pixel of the turned photo, the source pixel it shows
   * (EXIF's eight cases: mirror, turn 180, mirror vertically, transpose,
   * turn 90 clockwise, transverse, turn 90 anticlockwise). */
  for (int y = 0; y < q->h; y++)
    for (int x = 0; x < q->w; x++) {
      int sx, sy;
      switch (o) {
      case 2: sx = p->w - 1 - x, sy = y; break;
      case 3: sx = p->w - 1 - x, sy = p->h - 1 - y; break;
      case 4: sx = x, sy = p->h - 1 - y; break;
      case 5: sx = y, sy = x; break;
      case 6: sx = y, sy = p->h - 1 - x; break;
      case 7: sx = p->w - 1 - y, sy = p->h - 1 - x; break;
      default: sx = p->w - 1 - y, sy = x; break; /* 8 */
      }
      memcpy(q->rgb + ((size_t)y * q->w + x) * 3, p->rgb + ((size_t)sy * p->w + sx) * 3, 3);
    }
  return q;
}
