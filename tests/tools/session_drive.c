/* session_drive: drives a build session (generator/build/session.h) the way
 * `klar serve` does, for tests/session and for timing.
 *
 *   session_drive [-j N] ROOT OUT < SCRIPT
 *     opens a session on the site ROOT writing into OUT, then reads lines:
 *       update PATH...   update after these changed files (none: everything)
 *       $ COMMAND        runs COMMAND with sh in ROOT's parent folder
 *     and prints, after opening and after every update, one line
 *       "open|update: ok|failed rebuilt=N written=N full=0|1 ms=T"
 *     with the update's diagnostics, gcc-style, on stderr.
 *
 *   session_drive --time ROOT OUT FILE N
 *     edits FILE (below ROOT) N times, each time changing one text inside
 *     it (the first "@@" is replaced by a counter; a Markdown file
 *     without it gets a counter line appended to its body instead), calls
 *     the update, and prints the median, minimum and maximum of the time
 *     from the update's call to its return, and what it rebuilt.
 *
 * -j N renders on N threads (default: the number of cores), as klar -j. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "build/session.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "layout/layout.h"
#include "md/md.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show(const char *what, const session_result *r) {
  printf("%s: %s rebuilt=%d written=%d full=%d ms=%.1f\n", what, r->ok ? "ok" : "failed", r->rebuilt,
         r->written, r->full ? 1 : 0, r->seconds * 1000);
  fflush(stdout);
}

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Writes FILE's text with edit number i: "@@" (or, in the copy of the
 * original kept in orig, the counter line) replaced. */
static void edit_file(const char *path, const char *orig, size_t len, int i) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(2);
  }
  const char *at = strstr(orig, "@@");
  if (at) {
    fwrite(orig, 1, (size_t)(at - orig), f);
    fprintf(f, "edit%d", i);
    fputs(at + 2, f);
  } else {
    fwrite(orig, 1, len, f);
    fprintf(f, "\nRedigeret %d gange.\n", i);
  }
  fclose(f);
}

static int jobs;

static int timing(const char *root, const char *out, const char *file, int n) {
  build_options o = {.root = root, .out = out, .jobs = jobs, .no_booklets = true, .quiet = true};
  diag *d = diag_new();
  session_result r;
  build_session *bs = build_session_open(&o, d, &r);
  show("open", &r);
  diag_print(d, stderr);
  if (!bs || !r.ok) return 1;
  arena *a = arena_new();
  const char *path = fsx_join(a, root, file);
  size_t len;
  char *orig = fsx_read(a, path, &len);
  if (!orig) {
    perror(path);
    return 2;
  }
  double *t = calloc((size_t)n, sizeof *t), *cpu = calloc((size_t)n, sizeof *cpu);
  int rebuilt = 0, written = 0, full = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    edit_file(path, orig, len, i + 1);
    diag *e = diag_new();
    const char *changed[] = {file};
    double t0 = now_seconds(), c0 = cpu_seconds();
    bool ok = build_session_update(bs, changed, 1, e, &r);
    t[i] = now_seconds() - t0;
    cpu[i] = cpu_seconds() - c0;
    /* With the session's step times (KLAR_SESSION_TRACE), each edit's. */
    if (getenv("KLAR_SESSION_TRACE")) fprintf(stderr, "edit %d: %.1f ms, CPU %.1f ms\n", i + 1, t[i] * 1000, cpu[i] * 1000);
    if (!ok) {
      failed++;
      diag_print(e, stderr);
    }
    rebuilt = r.rebuilt;
    written = r.written;
    full += r.full;
    diag_free(e);
  }
  /* The file as it was. */
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(orig, 1, len, f);
    fclose(f);
  }
  const char *back[] = {file};
  diag *e = diag_new();
  build_session_update(bs, back, 1, e, &r);
  diag_free(e);
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  qsort(cpu, (size_t)n, sizeof *cpu, cmp_double);
  double med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
  double cmed = n % 2 ? cpu[n / 2] : (cpu[n / 2 - 1] + cpu[n / 2]) / 2;
  printf("%s: %d edits, update median %.1f ms (min %.1f, max %.1f), CPU time of all threads median "
         "%.1f ms; last rebuilt %d pages, wrote %d files; %d full, %d failed\n",
         file, n, med * 1000, t[0] * 1000, t[n - 1] * 1000, cmed * 1000, rebuilt, written, full, failed);
  free(t);
  free(cpu);
  arena_free(a);
  build_session_close(bs);
  diag_free(d);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  md_init();
  layout_init();
  if (argc > 2 && !strcmp(argv[1], "-j")) {
    jobs = atoi(argv[2]);
    argv += 2;
    argc -= 2;
  }
  if (argc == 6 && !strcmp(argv[1], "--time")) return timing(argv[2], argv[3], argv[4], atoi(argv[5]));
  if (argc != 3) {
    fprintf(stderr, "usage: session_drive [-j N] ROOT OUT < SCRIPT\n"
                    "       session_drive [-j N] --time ROOT OUT FILE N\n");
    return 2;
  }
  build_options o = {.root = argv[1], .out = argv[2], .jobs = jobs, .no_booklets = true, .quiet = true};
  diag *d = diag_new();
  session_result r;
  build_session *bs = build_session_open(&o, d, &r);
  show("open", &r);
  diag_print(d, stderr);
  diag_free(d);
  if (!bs) return 1;
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (line[0] == '$') {
      fflush(stdout);
      int rc = system(line + 1);
      (void)rc;
      fflush(stdout);
      continue;
    }
    if (strncmp(line, "update", 6)) continue;
    const char *changed[64];
    size_t n = 0;
    for (char *tok = strtok(line + 6, " \t"); tok && n < 64; tok = strtok(NULL, " \t")) changed[n++] = tok;
    d = diag_new();
    build_session_update(bs, changed, n, d, &r);
    show("update", &r);
    diag_print(d, stderr);
    fflush(stderr);
    diag_free(d);
  }
  build_session_close(bs);
  return 0;
}
