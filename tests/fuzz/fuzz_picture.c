/* libFuzzer entry: the image files a page's Markdown names, as the build
 * reads them before any pixel is decoded (image/picture.c): the JPEG
 * header through libjpeg, the PNG header and chunk list, the SVG root
 * element's width, height and viewBox. The first byte picks the file's
 * name (.jpg, .png or .svg), the rest is the file. A size it accepts is
 * positive. */
#include "image/picture.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  if (!n) return 0;
  static const char *names[] = {"billede.jpg", "billede.png", "billede.svg"};
  const char *name = names[data[0] % 3];
  /* A copy of exactly the file's bytes, so that ASan sees a read before
   * or after them (the build reads files into buffers of their size). */
  char *file = malloc(n - 1 ? n - 1 : 1);
  if (!file) return 0;
  memcpy(file, data + 1, n - 1);
  int w = 0, h = 0;
  if (picture_probe(name, file, n - 1, &w, &h) && (w < 1 || h < 1)) abort();
  free(file);
  return 0;
}
