/* booklets: the booklet preview of `klar serve` (/_klar/booklets/). The
 * server's own build makes no PDFs (5.4 s an edit on the bundled site
 * against 0.6 s without); instead the booklets are drawn as PNG pages into
 * a folder of the server's beside the site's, all of them once the site is
 * served, and after an edit only those that use a changed file
 * (build_preview_changed decides). The drawing is build_site's preview
 * (model and Markdown again, then print), so it needs nothing of the
 * session's insides. */
#include "serve_int.h"
#include "../build/build.h"
#include "../build/preview.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What /_klar/booklets/ shows until the first preview is drawn, and with
 * -B instead of it. Replaced whole by the preview's own list. */
static const char drawing_page[] =
    "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Hæfterne tegnes…</title></head>\n<body><main><h1>Hæfterne tegnes…</h1>"
    "<p>klar serve tegner hæfternes sider, efter at siden er bygget. "
    "Denne side viser listen over hæfterne af sig selv, når de er tegnet.</p></main></body></html>\n";

static const char off_page[] =
    "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Hæfterne tegnes ikke</title></head>\n<body><main><h1>Hæfterne tegnes ikke</h1>"
    "<p>klar serve blev startet med <code>-B</code> (<code>--no-booklets</code>), så hæfterne vises ikke her. "
    "Start den uden, eller tegn dem med <code>klar booklets --preview MAPPE</code>.</p></main></body></html>\n";

bool serve_booklets_begin(const char *dir, bool on) {
  arena *a = arena_new();
  const char *index = fsx_join(a, fsx_join(a, dir, PREVIEW_DIR), "index.html");
  /* Marked as klar's, as build_site's preview marks a folder it makes, so
   * that the drawing lets itself into it. */
  bool ok = fsx_mkdirs(dir) && fsx_mark_output(dir);
  const char *text = on ? drawing_page : off_page;
  ok = ok && fsx_write(index, text, strlen(text));
  if (!ok) fprintf(stderr, "klar serve: cannot write the booklet preview into %s: %s\n", dir, strerror(errno));
  arena_free(a);
  return ok;
}

/* The changed files for the terminal: the first, and how many more. */
static void name_changed(sbuf *b, char **paths, size_t n) {
  if (n == (size_t)-1 || n == 0) return;
  sbuf_printf(b, " for %s", paths[0]);
  if (n > 1) sbuf_printf(b, " and %zu more", n - 1);
}

int serve_booklets_draw(const build_options *site_o, const char *dir, char **paths, size_t n) {
  build_options o = *site_o;
  o.only_booklets = true;
  o.no_booklets = false;
  o.quiet = true;
  o.preview = dir;
  o.out = NULL;
  bool all = n == 0 || n == (size_t)-1;
  o.names = all ? NULL : (const char **)paths;
  o.nnames = all ? 0 : (int)n;
  diag *d = diag_new();
  build_stats st;
  build_site(&o, d, &st);
  /* The overlay's JSON before the terminal's lines: printing empties d. */
  char *errors = diag_errors(d) ? serve_errors_json(d, site_o->root) : NULL;
  diag_print(d, stderr); /* overflow, blank pages, too many pages; errors */
  if (st.booklets || errors) {
    sbuf text = SBUF_INIT, json = SBUF_INIT;
    name_changed(&text, paths, n);
    printf("klar: drew the preview of %d booklet%s%s in %.0f ms (%d warning%s)\n", st.booklets,
           st.booklets == 1 ? "" : "s", sbuf_str(&text), st.seconds * 1000, st.warnings, st.warnings == 1 ? "" : "s");
    fflush(stdout);
    if (errors) {
      int count = diag_errors(d);
      fprintf(stderr, "klar: %d error%s in the booklet preview; it shows what could be drawn\n", count,
              count == 1 ? "" : "s");
    }
    sbuf_printf(&json, "\"ms\":%.1f,\"booklets\":%d", st.seconds * 1000, st.booklets);
    serve_live_drawn_ok(sbuf_str(&json), errors);
    sbuf_free(&text);
    sbuf_free(&json);
  }
  free(errors);
  diag_free(d);
  return st.booklets;
}
