/* patho: feeds Markdown from stdin through klar's md module and writes the
 * HTML to stdout, for tests/spec/patho.py (the pathological-input lists).
 *   patho [--ext "table strikethrough ..."] [--site] [--repeat N] < in.md
 * --ext names the extensions to attach (default none, as the lists expect);
 * --site turns on klar's site passes. Exit status: 0 rendered, 3 refused by
 * the guard (the message goes to stderr), 1 other errors. --repeat N renders
 * N times and prints the mean time per render to stderr (the benchmark of a
 * page body). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/diag.h"
#include "core/str.h"
#include "md/md.h"

static md_link resolve_same(void *ctx, bool is_image, const char *dest, sbuf *out) {
  sbuf_puts(out, dest);
  return true;
}

int main(int argc, char **argv) {
  md_options o = {.unsafe = true, .extensions = "", .file = "<stdin>"};
  long repeat = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--ext") && i + 1 < argc) {
      o.extensions = argv[++i];
    } else if (!strcmp(argv[i], "--site")) {
      o.site_passes = true;
      o.extensions = NULL;
      o.resolve = resolve_same;
    } else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = strtol(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "usage: patho [--ext LIST] [--site] [--repeat N] < input\n");
      return 1;
    }
  }
  sbuf in = SBUF_INIT;
  char buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, stdin)) > 0) sbuf_put(&in, buf, got);

  md_init();
  arena *a = arena_new();
  diag *d = diag_new();
  md_result res;
  if (repeat > 0) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long k = 0; k < repeat; k++) {
      md_render(sbuf_str(&in), in.len, &o, a, d, &res);
      arena_reset(a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / repeat;
    fprintf(stderr, "patho: %zu bytes, %.1f us per render (mean of %ld)\n", in.len, us, repeat);
  }
  bool ok = md_render(sbuf_str(&in), in.len, &o, a, d, &res);
  fputs(res.html, stdout);
  int rc = 0;
  if (!ok) {
    char *msg = diag_text(d);
    fputs(msg, stderr);
    rc = strstr(msg, "klar refuses it") ? 3 : 1;
    free(msg);
  }
  diag_free(d);
  arena_free(a);
  sbuf_free(&in);
  return rc;
}
