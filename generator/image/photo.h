/* photo: JPEG photographs decoded, made smaller and encoded again as JPEG
 * and WebP, for the responsive images of the site (image.c). The only
 * place that includes libjpeg and libwebp. Deterministic: the same bytes
 * in give the same bytes out. */
#ifndef KLAR_PHOTO_H
#define KLAR_PHOTO_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/str.h"

typedef struct photo {
  int w, h;
  unsigned char *rgb; /* w * h * 3 bytes, rows top to bottom */
} photo;

/* Decodes the JPEG in data (n bytes). Returns a photo the caller frees
 * with photo_free, or NULL when it is no JPEG libjpeg can read. */
photo *photo_decode(const char *data, size_t n);
/* Reads only the size of the JPEG in data into *w and *h; false when it
 * is no JPEG libjpeg can read. */
bool photo_size(const char *data, size_t n, int *w, int *h);
/* Returns a new photo of width w (w < p->w), the height to scale, each
 * pixel the average of the source pixels it covers. */
photo *photo_scaled(const photo *p, int w);
/* Appends the photo as a JPEG (quality 82) or a WebP (quality 78) to b. */
void photo_jpeg(const photo *p, sbuf *b);
void photo_webp(const photo *p, sbuf *b);
void photo_free(photo *p);

/* The EXIF orientation of the JPEG in data (1 to 8; 1, upright, when it
 * has none): a phone stores a photo as its sensor saw it and says in this
 * tag how to turn it, which browsers obey for the JPEG itself, so the
 * files made from it must be turned the same way. 5 to 8 swap width and
 * height. */
int photo_orientation(const char *data, size_t n);
/* Returns p turned upright from orientation o (a new photo; p itself, not
 * copied, for 1 or an unknown value). The caller frees both. */
photo *photo_oriented(const photo *p, int o);

#endif
