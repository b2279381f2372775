/* Unit tests of the build's speed shape: the pool, reading the content on
 * it (the same model and messages on any number of threads), output folders
 * made once each, and the old output removed on the pool. mkdir is counted
 * by a definition of its own here, which the build's calls reach through
 * the PLT and which forwards to libc's. */
#include "harness.h"
#include "build/build.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/pool.h"
#include "core/str.h"
#include "load/content.h"
#include "model/model.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------- counting mkdir */

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *count_under; /* count only calls for paths below this */
static int mkdir_calls, mkdir_failed;

int mkdir(const char *path, mode_t mode) {
  static int (*real)(const char *, mode_t);
  if (!real) real = (int (*)(const char *, mode_t))(uintptr_t)dlsym(RTLD_NEXT, "mkdir");
  int r = real(path, mode);
  int e = errno;
  pthread_mutex_lock(&count_lock);
  if (count_under && !strncmp(path, count_under, strlen(count_under))) {
    mkdir_calls++;
    if (r != 0) mkdir_failed++;
  }
  pthread_mutex_unlock(&count_lock);
  errno = e;
  return r;
}

static void count_from(const char *prefix) {
  pthread_mutex_lock(&count_lock);
  count_under = prefix;
  mkdir_calls = mkdir_failed = 0;
  pthread_mutex_unlock(&count_lock);
}

static const char *fixture(void) {
  return fsx_is_dir("tests/fixture") ? "tests/fixture" : "../../tests/fixture";
}

static char *temp_dir(arena *a) {
  char tmpl[] = "/tmp/klar-build-test.XXXXXX";
  char *d = mkdtemp(tmpl);
  return d ? arena_strdup(a, d) : NULL;
}

static void put(arena *a, const char *dir, const char *rel, const char *text) {
  fsx_write(fsx_join(a, dir, rel), text, strlen(text));
}

/* ----------------------------------------------------------------- pool */

typedef struct tally {
  atomic_int *seen;
  size_t n;
} tally;

static void count_item(void *sh, void *wk, size_t i) {
  tally *t = sh;
  atomic_fetch_add(&t->seen[i], 1);
  if (wk) (*(size_t *)wk)++;
}

TEST(pool_runs_every_item_once) {
  for (int jobs = 1; jobs <= 4; jobs++) {
    size_t n = 1000;
    atomic_int *seen = calloc(n, sizeof *seen);
    tally t = {seen, n};
    size_t per[4] = {0};
    void *workers[4] = {&per[0], &per[1], &per[2], &per[3]};
    pool_run(jobs, n, count_item, &t, workers);
    bool once = true;
    for (size_t i = 0; i < n; i++) once = once && atomic_load(&seen[i]) == 1;
    CHECK(once);
    CHECK(per[0] + per[1] + per[2] + per[3] == n);
    for (int k = jobs; k < 4; k++) CHECK(per[k] == 0);
    /* No worker state at all, and no items. */
    for (size_t i = 0; i < n; i++) atomic_store(&seen[i], 0);
    pool_run(jobs, n, count_item, &t, NULL);
    pool_run(jobs, 0, count_item, &t, NULL);
    once = true;
    for (size_t i = 0; i < n; i++) once = once && atomic_load(&seen[i]) == 1;
    CHECK(once);
    free(seen);
  }
}

/* ------------------------------------------------------ reading content */

/* Broken pages of every kind the reader reports, and good ones between. */
static char *broken_site(arena *a) {
  char *root = temp_dir(a);
  if (!root) return NULL;
  put(a, root, "content/site.yaml", "title: T\nbaseURL: https://example.org/\n");
  for (int i = 0; i < 40; i++) {
    char *rel = arena_printf(a, "content/s%d/p%02d.md", i % 3, i);
    switch (i % 5) {
    case 0: put(a, root, rel, "---\ntitle: [unclosed\n---\nx\n"); break;
    case 1: put(a, root, rel, "---\ntitle: ok\nbody never closes\n"); break;
    case 2: put(a, root, rel, "---\ntitle: \"x\xff\"\n---\n"); break;
    case 3: put(a, root, rel, "---\n- a list\n---\n"); break;
    default: put(a, root, rel, arena_printf(a, "---\ntitle: Side %d\n---\nTekst.\n", i)); break;
    }
  }
  return root;
}

TEST(content_same_on_any_threads) {
  arena *a = arena_new();
  char *root = broken_site(a);
  CHECK(root != NULL);
  if (!root) return;
  char *dir = fsx_join(a, root, "content");
  char *first = NULL;
  size_t first_n = 0;
  for (int jobs = 1; jobs <= 4; jobs++) {
    diag *d = diag_new();
    content c;
    content_load(a, dir, "content", jobs, &c, d);
    sbuf b = SBUF_INIT;
    for (size_t i = 0; i < c.pages.n; i++) {
      page *p = c.pages.items[i];
      sbuf_printf(&b, "%s %d %d %zu %s\n", p->src, p->broken, p->body_line, p->body_len,
                  val_as_str(val_get(p->fm, "title")) ? val_as_str(val_get(p->fm, "title")) : "-");
    }
    char *msgs = diag_text(d);
    sbuf_puts(&b, msgs);
    free(msgs);
    CHECK(c.pages.n == 40);
    CHECK(diag_errors(d) == 32);
    if (!first) {
      first = sbuf_dup(&b, a);
      first_n = b.len;
    } else {
      CHECK(b.len == first_n && !strcmp(sbuf_str(&b), first));
    }
    sbuf_free(&b);
    diag_free(d);
  }
  fsx_rmtree(root);
  arena_free(a);
}

/* The cache of klar serve's session gives the pages and messages reading
 * gives, takes every unchanged file that passed the checks from memory,
 * and reads a file again when it changed or was forgotten. */
static char *load_text(arena *a, content_cache *cache, const char *dir, size_t *hits) {
  diag *d = diag_new();
  content c;
  content_load_cached(a, dir, "content", 2, cache, &c, d);
  sbuf b = SBUF_INIT;
  for (size_t i = 0; i < c.pages.n; i++) {
    page *p = c.pages.items[i];
    sbuf_printf(&b, "%s %d %d %zu %s\n", p->src, p->broken, p->body_line, p->body_len,
                val_as_str(val_get(p->fm, "title")) ? val_as_str(val_get(p->fm, "title")) : "-");
  }
  char *msgs = diag_text(d);
  sbuf_puts(&b, msgs);
  free(msgs);
  diag_free(d);
  char *text = sbuf_dup(&b, a);
  sbuf_free(&b);
  *hits = content_cache_hits(cache);
  return text;
}

TEST(content_cache_reads_what_changed) {
  arena *a = arena_new();
  char *root = broken_site(a);
  CHECK(root != NULL);
  if (!root) return;
  char *dir = fsx_join(a, root, "content");
  content_cache *cache = content_cache_new();
  size_t hits;
  char *plain = load_text(a, NULL, dir, &hits);
  CHECK_STR(load_text(a, cache, dir, &hits), plain);
  CHECK(hits == 0);
  /* 40 files, 8 of them not UTF-8: never kept, read and reported each time. */
  CHECK_STR(load_text(a, cache, dir, &hits), plain);
  CHECK(hits == 32);
  put(a, root, "content/s1/p04.md", "---\ntitle: Ny titel\n---\nTekst.\n");
  char *edited = load_text(a, cache, dir, &hits);
  CHECK(strstr(edited, "s1/p04.md 0 4 7 Ny titel\n") != NULL);
  CHECK(hits == 31);
  /* The same size, written at once: its stamp may be the same (the file
   * system's clock ticks every few milliseconds; here the loads between
   * usually take longer), so the watcher's word that it changed makes the
   * load read it. */
  put(a, root, "content/s1/p04.md", "---\ntitle: Ny tekst\n---\nTekst.\n");
  content_cache_forget(cache, "s1/p04.md");
  CHECK(strstr(load_text(a, cache, dir, &hits), "s1/p04.md 0 4 7 Ny tekst\n") != NULL);
  CHECK(hits == 31);
  /* A file removed leaves the cache; the rest stays. */
  unlink(fsx_join(a, root, "content/s1/p04.md"));
  CHECK(strstr(load_text(a, cache, dir, &hits), "s1/p04.md") == NULL);
  CHECK(hits == 31);
  content_cache_free(cache);
  content_cache_free(NULL);
  fsx_rmtree(root);
  arena_free(a);
}

/* --------------------------------------------------------- output folders */

TEST(mkdir_tree_makes_each_folder_once) {
  arena *a = arena_new();
  char *root = temp_dir(a);
  CHECK(root != NULL);
  if (!root) return;
  const char *rels[] = {"b/c/d", "a", "", "b/c", "a/x", "b/c/e", "a", "b/c/d"};
  count_from(root);
  CHECK(fsx_mkdir_tree(root, rels, sizeof rels / sizeof *rels, NULL));
  /* a, a/x, b, b/c, b/c/d, b/c/e */
  CHECK(mkdir_calls == 6 && mkdir_failed == 0);
  CHECK(fsx_is_dir(fsx_join(a, root, "b/c/e")) && fsx_is_dir(fsx_join(a, root, "a/x")));
  /* Folders that are there already are fine. */
  CHECK(fsx_mkdir_tree(root, rels, 2, NULL));
  /* A file in the way fails, naming the folder. */
  put(a, root, "f", "x");
  const char *bad[] = {"f/g"};
  char *failed = NULL;
  CHECK(!fsx_mkdir_tree(root, bad, 1, &failed));
  CHECK(failed && str_ends(failed, "/f/g"));
  free(failed);
  count_from(NULL);
  fsx_rmtree(root);
  arena_free(a);
}

/* The number `find DIR ARGS | wc -l` prints: entries of a tree. */
static int count_found(const char *dir, const char *args) {
  int n = -1;
  sbuf cmd = SBUF_INIT;
  sbuf_printf(&cmd, "find '%s' %s | wc -l", dir, args);
  FILE *f = popen(sbuf_str(&cmd), "r");
  if (f) {
    if (fscanf(f, "%d", &n) != 1) n = -1;
    pclose(f);
  }
  sbuf_free(&cmd);
  return n;
}

/* A build makes every folder of its output with one mkdir that succeeds,
 * and a rebuild over it leaves no old tree behind. Before, each file's
 * write tried every parent folder again (for the fixture: 3 failing calls
 * a page inside the stage alone). */
TEST(build_makes_each_folder_once) {
  arena *a = arena_new();
  char *tmp = temp_dir(a);
  CHECK(tmp != NULL);
  if (!tmp) return;
  char *out = fsx_join(a, tmp, "public");
  build_options o = {.root = fixture(), .out = out, .jobs = 2, .quiet = true, .no_booklets = true};
  build_stats st;
  for (int run = 0; run < 2; run++) {
    diag *d = diag_new();
    count_from(arena_printf(a, "%s.tmp-", out));
    bool ok = build_site(&o, d, &st);
    int calls = mkdir_calls, failed = mkdir_failed;
    count_from(NULL);
    CHECK(ok && diag_errors(d) == 0);
    if (!ok) {
      diag_print(d, stderr);
      diag_free(d);
      break;
    }
    /* One call per folder of the output (the stage itself included). */
    int dirs = count_found(out, "-type d");
    CHECK(failed == 0);
    CHECK(calls == dirs);
    if (failed || calls != dirs) fprintf(stderr, "run %d: %d mkdir calls, %d failed, %d folders\n", run, calls, failed, dirs);
    /* Only the output is left beside it: no .tmp- or .old- folder. */
    CHECK(count_found(tmp, "") == count_found(out, "") + 1);
    diag_free(d);
  }
  fsx_rmtree(tmp);
  arena_free(a);
}

TEST(rmtree_jobs_removes_without_following_links) {
  arena *a = arena_new();
  char *tmp = temp_dir(a);
  CHECK(tmp != NULL);
  if (!tmp) return;
  char *keep = fsx_join(a, tmp, "keep");
  put(a, keep, "precious.txt", "x");
  char *old = fsx_join(a, tmp, "old");
  for (int i = 0; i < 30; i++) put(a, old, arena_printf(a, "s%d/p%d/index.html", i % 4, i), "<p>x</p>");
  put(a, old, "top.html", "x");
  CHECK(symlink(keep, fsx_join(a, old, "s1/link")) == 0);
  CHECK(symlink(keep, fsx_join(a, old, "toplink")) == 0);
  for (int jobs = 1; jobs <= 2; jobs++) {
    CHECK(fsx_rmtree_jobs(old, jobs));
    CHECK(!fsx_is_dir(old));
    CHECK(fsx_is_file(fsx_join(a, keep, "precious.txt")));
    put(a, old, "a/b/c.html", "x");
  }
  CHECK(fsx_rmtree_jobs(fsx_join(a, tmp, "nothing-here"), 2));
  fsx_rmtree(tmp);
  arena_free(a);
}

int main(void) {
  RUN(pool_runs_every_item_once);
  RUN(content_same_on_any_threads);
  RUN(content_cache_reads_what_changed);
  RUN(mkdir_tree_makes_each_folder_once);
  RUN(build_makes_each_folder_once);
  RUN(rmtree_jobs_removes_without_following_links);
  return harness_done("build");
}
