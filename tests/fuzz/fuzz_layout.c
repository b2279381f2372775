/* libFuzzer entry: the XML layout compiler and renderer. The input is a
 * layouts folder in one file: the text up to the first line "%%file NAME"
 * is layouts/fuzz.xml, and each such line starts another layout NAME
 * (a base it extends, a partial it includes; at most eight, names of
 * [a-z0-9_-./] ending in .xml). The folder also holds the site's real
 * layouts/lua/ helpers and i18n.yaml and the unit tests' helpers, so
 * expressions can call them; the fixture site knows every file of assets/.
 * layout_load compiles the folder (libxml2, directives, every expression
 * compile-checked in Lua); then fuzz.xml, and its own pick for the page, are
 * rendered for a proposal and the front page of the unit tests' fixture site,
 * whatever the load reported (a bad layout must be refused, not crash).
 * Any input must end in HTML or diagnostics: never a crash, leak or hang.
 *
 * The instruction budget of the render worker is lowered (the engine's own
 * is fifty million per expression; an expression in a loop may spend it per
 * item), so an input that merely spins costs milliseconds, not seconds.
 * Lua and libxml2 are the system's uninstrumented libraries: ASan sees only
 * klar's own accesses. */
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/str.h"
#include "layout/layout.h"
#include "layout/layout_int.h"
#include "md/md.h"
#include "../layout/site_fixture.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 8

static char dir[256];
static arena *fx_arena;
static fixture F;

/* The site's helpers and strings, and the unit tests' helpers (as
 * lua/test.lua), written into the fresh folder of each input. */
static char *helpers, *test_helpers, *strings;
static size_t nhelpers, ntest_helpers, nstrings;

/* FUZZ_SHOW=1 in the environment prints the HTML and the diagnostics of
 * each input (to see what a seed or a finding does). */
static bool show;

static void cleanup(void) {
  if (dir[0]) fsx_rmtree(dir);
}

static void put(const char *rel, size_t nrel, const char *text, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "%s/%.*s", dir, (int)nrel, rel);
  fsx_write(path, text, n);
}

static void add_asset(const char *rel, void *ctx) {
  (void)ctx;
  map_set(&F.s->assets, arena_strdup(fx_arena, rel), arena_printf(fx_arena, "/%s", rel));
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* Run from the repository (the helpers and strings are read from
   * layouts/); tests/fuzz/run.sh does. */
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir, sizeof dir, "%s/klar-fuzz-layout-XXXXXX", base);
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    exit(2);
  }
  atexit(cleanup);
  helpers = fsx_read_heap("layouts/lua/helpers.lua", &nhelpers);
  test_helpers = fsx_read_heap("tests/layout/good/lua/helpers.lua", &ntest_helpers);
  strings = fsx_read_heap("layouts/i18n.yaml", &nstrings);
  if (!helpers || !test_helpers || !strings) {
    fprintf(stderr, "fuzz_layout: run me from the repository (no layouts/lua/helpers.lua)\n");
    exit(2);
  }
  show = getenv("FUZZ_SHOW") != NULL;
  layout_init();
  md_init();
  fx_arena = arena_new();
  F = fx_build(fx_arena, dir);
  /* Every file of the site's assets/, so asset() in the real layouts finds
   * what it asks for and rendering goes on past it. */
  fsx_walk("assets", add_asset, NULL);
  return 0;
}

static bool name_ok(const char *s, size_t n) {
  if (n < 5 || n > 60 || s[0] == '/' || s[0] == '.' || memcmp(s + n - 4, ".xml", 4) != 0) return false;
  if (n == 8 && !memcmp(s, "fuzz.xml", 8)) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '/'))
      return false;
    if (c == '.' && i + 1 < n && s[i + 1] == '.') return false;
    if (c == '/' && i + 1 < n && s[i + 1] == '/') return false;
  }
  /* print layouts and Lua helpers are not the compiler's */
  return strncmp(s, "print/", 6) && strncmp(s, "lua/", 4);
}

/* Renders layout name, then the page's own pick, for page p. */
static void render(layout_worker *w, const layout_set *ls, const page *p, const char *name, diag *d) {
  sbuf out = SBUF_INIT;
  layout_render(w, p, name, &out, d);
  if (show) printf("%s", sbuf_str(&out));
  const char *picked = layout_pick(ls, p, d);
  if (picked) {
    out.len = 0;
    layout_render(w, p, picked, &out, d);
  }
  sbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  const char *text = (const char *)data, *end = text + n;
  /* A fresh folder per input: nothing of the previous one stays. */
  fsx_rmtree(dir);
  put("lua/helpers.lua", 15, helpers, nhelpers);
  put("lua/test.lua", 12, test_helpers, ntest_helpers);
  put("i18n.yaml", 9, strings, nstrings);
  int files = 0;
  /* Split into files at each line "%%file NAME". */
  const char *name = "fuzz.xml";
  size_t nlen = 8;
  const char *start = text;
  for (const char *p = text; p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *next = eol ? eol + 1 : end;
    if ((p == text || p[-1] == '\n') && end - p > 7 && !memcmp(p, "%%file ", 7)) {
      const char *nm = p + 7, *ne = eol ? eol : end;
      if (files < MAX_FILES && name_ok(nm, (size_t)(ne - nm))) {
        put(name, nlen, start, (size_t)(p - start));
        files++;
        name = nm;
        nlen = (size_t)(ne - nm);
        start = next;
      }
    }
    p = next;
  }
  put(name, nlen, start, (size_t)(end - start));

  arena *a = arena_new();
  diag *d = diag_new();
  layout_set *ls = layout_load(a, F.s, d);
  /* One worker for both pages, as a build's worker renders many. */
  layout_worker *w = layout_worker_new(ls, d);
  klua_set_budget(w->k, 200000);
  render(w, ls, F.p1, "fuzz.xml", d);
  render(w, ls, F.home, "fuzz.xml", d);
  layout_worker_free(w);
  if (show) {
    char *t = diag_text(d);
    printf("%s", t);
    free(t);
  }
  diag_free(d);
  arena_free(a);
  return 0;
}
