/* libFuzzer entry: the print-layout parser (layouts/print/NAME.xml into a
 * booklayout). Any input must give a layout or a diagnostic, never a crash,
 * leak or hang; and a layout the parser accepts must be one the print
 * engine can set: a text area and columns of positive size, a sane page
 * count, every style with a positive size and leading, exactly one content
 * part. An accepted layout that breaks these aborts, as a crash would. */
#include "core/arena.h"
#include "core/diag.h"
#include "print/booklayout.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void check(bool ok, const char *what) {
  if (ok) return;
  fprintf(stderr, "fuzz_booklayout: accepted a layout with %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  if (n > 1 << 20) return 0;
  arena *a = arena_new();
  diag *d = diag_new();
  booklayout *L = booklayout_parse(a, (const char *)data, n, "layouts/print/fuzz.xml", d);
  if (L) {
    check(diag_errors(d) == 0, "errors reported");
    double area_w = L->width - L->inner - L->outer, area_h = L->height - L->top - L->bottom;
    check(area_w > 0 && area_h > 0, "no text area");
    check(L->columns >= 1, "no columns");
    check(area_w - (L->columns - 1) * L->gap > 0, "columns of no width");
    check(L->pages >= 0 && L->pages % 4 == 0, "a page count that is not a multiple of 4");
    for (int i = 0; i < BL_NSTYLES; i++)
      check(L->styles[i].size > 0 && L->styles[i].leading > 0, "a style of no size");
    int content = 0;
    for (size_t i = 0; i < L->nparts; i++) content += L->parts[i].kind == BL_PART_CONTENT;
    check(content == 1, "not exactly one content part");
  }
  diag_free(d);
  arena_free(a);
  return 0;
}
