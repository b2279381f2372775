/* pngcmp: PNG images for tests/preview, decoded by Cairo (libpng), a
 * decoder other than the encoder under test.
 *   pngcmp size FILE...   prints "WIDTH HEIGHT" for each file; exit 1 when
 *                         one cannot be decoded
 *   pngcmp diff A B       prints "MEAN FAR" for two images of one size:
 *                         MEAN the mean absolute difference of the colour
 *                         channels (0-255), FAR the share of pixels (0-1)
 *                         whose channels differ by more than 64 anywhere;
 *                         exit 2 when the sizes differ, 1 when undecodable
 * The preview's pages and pdftoppm's rendering of the reader PDF come from
 * different rasterisers, so they differ a little along the edges of glyphs:
 * FAR says whether anything moved. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_surface_t *load(const char *path) {
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "pngcmp: cannot decode %s: %s\n", path, cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return NULL;
  }
  /* The pixels in one format, whatever the file's colour type. */
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  cairo_surface_t *rgb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(rgb);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  cairo_surface_flush(rgb);
  return rgb;
}

static int diff(const char *a, const char *b) {
  cairo_surface_t *x = load(a), *y = load(b);
  if (!x || !y) return 1;
  int w = cairo_image_surface_get_width(x), h = cairo_image_surface_get_height(x);
  if (w != cairo_image_surface_get_width(y) || h != cairo_image_surface_get_height(y)) {
    printf("size %dx%d != %dx%d\n", w, h, cairo_image_surface_get_width(y), cairo_image_surface_get_height(y));
    return 2;
  }
  double sum = 0;
  long far = 0;
  for (int r = 0; r < h; r++) {
    const uint32_t *p = (const uint32_t *)(const void *)(cairo_image_surface_get_data(x) + (size_t)r * cairo_image_surface_get_stride(x));
    const uint32_t *q = (const uint32_t *)(const void *)(cairo_image_surface_get_data(y) + (size_t)r * cairo_image_surface_get_stride(y));
    for (int c = 0; c < w; c++) {
      int most = 0;
      for (int sh = 0; sh < 24; sh += 8) {
        int d = abs((int)((p[c] >> sh) & 255) - (int)((q[c] >> sh) & 255));
        sum += d;
        if (d > most) most = d;
      }
      if (most > 64) far++;
    }
  }
  printf("%.3f %.5f\n", sum / (3.0 * w * h), (double)far / ((double)w * h));
  cairo_surface_destroy(x);
  cairo_surface_destroy(y);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "size")) {
    int rc = 0;
    for (int i = 2; i < argc; i++) {
      cairo_surface_t *s = load(argv[i]);
      if (!s) {
        rc = 1;
        continue;
      }
      printf("%d %d\n", cairo_image_surface_get_width(s), cairo_image_surface_get_height(s));
      cairo_surface_destroy(s);
    }
    return rc;
  }
  if (argc == 4 && !strcmp(argv[1], "diff")) return diff(argv[2], argv[3]);
  fprintf(stderr, "usage: pngcmp size FILE... | pngcmp diff A B\n");
  return 2;
}
