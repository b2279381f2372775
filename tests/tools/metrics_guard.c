/* metrics_guard: does klar let Pango work out a font's first metrics
 * anywhere but under the fonts lock? (the `same` suite runs it; see
 * print/fonts.c).
 *
 *   metrics_guard ROOT OUT [NAME...]
 *
 * makes the booklets of the site in ROOT (all, or those named) into OUT
 * as `klar booklets -j 2` does, and counts the fonts whose first metrics
 * were made while the thread did not hold the lock of
 * fonts_prepare_layout. Pango 1.50 sets a process-wide flag while it lays
 * out a sample text for a font's first metrics, and a font of another
 * booklet first measured meanwhile keeps an approximate width of 0: its
 * lines break elsewhere, in one run of many. Waiting for that race is
 * waiting for luck; an unguarded first measurement is seen in every run.
 * (The slug line of an imposed sheet, print/marks.c, measured its font
 * unguarded, and now and then another booklet of the same build came out
 * different.)
 *
 * This program defines pango_layout_get_extents, which pangocairo calls
 * (on its sample layout) only while it works out a font's first metrics;
 * a call from pangocairo on a thread without the lock is counted. Prints
 * one line; exit status 0 when none was, 1 when some were, 2 when the
 * booklets could not be made. */
#include <dlfcn.h>
#include <execinfo.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "build/build.h"
#include "core/msg.h"
#include "layout/layout.h"
#include "md/md.h"
#include "print/fonts.h"

static atomic_int unguarded;

void pango_layout_get_extents(PangoLayout *lay, PangoRectangle *ink, PangoRectangle *logical) {
  static void (*real)(PangoLayout *, PangoRectangle *, PangoRectangle *);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "pango_layout_get_extents");
  Dl_info di;
  if (dladdr(__builtin_return_address(0), &di) && di.dli_fname && strstr(di.dli_fname, "libpangocairo") &&
      !fonts_lock_held() && atomic_fetch_add(&unguarded, 1) == 0) {
    /* The first one's stack, for whoever looks for the caller (addr2line
     * names klar's frames). */
    fputs("metrics_guard: a font's first metrics outside the fonts lock, from:\n", stderr);
    void *fr[32];
    backtrace_symbols_fd(fr, backtrace(fr, 32), STDERR_FILENO);
  }
  real(lay, ink, logical);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: metrics_guard ROOT OUT [NAME...]\n");
    return 2;
  }
  msg_set_lang(MSG_EN);
  md_init();
  layout_init();
  md_pin_extensions();
  build_options o = {.root = argv[1], .out = argv[2], .jobs = 2, .quiet = true, .only_booklets = true};
  o.names = (const char **)(argv + 3);
  o.nnames = argc - 3;
  diag *d = diag_new();
  build_stats st;
  bool ok = build_site(&o, d, &st);
  if (!ok) {
    diag_print(d, stderr);
    diag_free(d);
    return 2;
  }
  diag_free(d);
  int n = atomic_load(&unguarded);
  printf("metrics_guard: %d booklets, %d fonts first measured outside the fonts lock\n", st.booklets, n);
  return n ? 1 : 0;
}
