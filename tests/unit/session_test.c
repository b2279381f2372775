/* Unit tests of the session's output folder (generator/build/session_out.c):
 * byte sums, and the update transaction that writes only changed files,
 * by rename, removes what a whole-site update no longer makes, and leaves
 * the output as it was when thrown away. */
#include "harness.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "build/session_int.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"

static char dir[64];

static const char *in(arena *a, const char *rel) {
  return fsx_join(a, dir, rel);
}

static bool put(arena *a, out_txn *t, const char *kind, const char *rel, const char *text) {
  return fsx_write(fsx_join(a, out_txn_dir(t, kind), rel), text, strlen(text));
}

TEST(sums) {
  out_sum a, b, c, e;
  out_sum_of("<p>Robusthed</p>\n", 17, &a);
  out_sum_of("<p>Robusthed</p>\n", 17, &b);
  out_sum_of("<p>Robusthad</p>\n", 17, &c);
  out_sum_of("<p>Robusthed</p>", 16, &e);
  CHECK(out_sum_eq(&a, &b));
  CHECK(!out_sum_eq(&a, &c));
  CHECK(!out_sum_eq(&a, &e));
  /* Every byte counts, also in the tail that is not a whole word. */
  char x[23], y[23];
  memset(x, 'a', sizeof x);
  memcpy(y, x, sizeof y);
  y[22] = 'b';
  out_sum_of(x, sizeof x, &a);
  out_sum_of(y, sizeof y, &b);
  CHECK(!out_sum_eq(&a, &b));
}

TEST(writes_only_changes) {
  arena *a = arena_new();
  diag *d = diag_new();
  out_manifest m = {0};
  const char *out = in(a, "out");
  fsx_mkdirs(out);
  out_txn t;
  CHECK(out_txn_begin(&t, a, out, d));
  CHECK(put(a, &t, "other", "sitemap.xml", "<urlset/>\n"));
  CHECK(put(a, &t, "assets", "css/site.css", "body{}\n"));
  CHECK(out_txn_commit(&t, &m, d) == 2);
  size_t n;
  CHECK_STR(fsx_read(a, in(a, "out/css/site.css"), &n), "body{}\n");
  /* The private folder is gone. */
  CHECK(!fsx_is_dir(t.scratch ? t.scratch : arena_printf(a, "%s.session-%ld", out, (long)getpid())));
  /* The same bytes again: nothing written, the file is the one of before. */
  struct stat st1, st2;
  stat(in(a, "out/sitemap.xml"), &st1);
  CHECK(out_txn_begin(&t, a, out, d));
  CHECK(put(a, &t, "other", "sitemap.xml", "<urlset/>\n"));
  CHECK(out_txn_commit(&t, &m, d) == 0);
  stat(in(a, "out/sitemap.xml"), &st2);
  CHECK(st1.st_ino == st2.st_ino);
  /* A whole-site update that no longer makes site.css removes it, and its
   * folder. */
  CHECK(out_txn_begin(&t, a, out, d));
  t.all = true;
  CHECK(put(a, &t, "other", "sitemap.xml", "<urlset/>\n"));
  CHECK(out_txn_commit(&t, &m, d) == 0);
  CHECK(!fsx_is_file(in(a, "out/css/site.css")));
  CHECK(!fsx_is_dir(in(a, "out/css")));
  CHECK(fsx_is_file(in(a, "out/sitemap.xml")));
  CHECK(diag_errors(d) == 0);
  out_manifest_free(&m);
  diag_free(d);
  arena_free(a);
}

TEST(pages_and_abort) {
  arena *a = arena_new();
  diag *d = diag_new();
  out_manifest m = {0};
  const char *out = in(a, "out2");
  fsx_mkdirs(out);
  out_txn t;
  out_sum s;
  CHECK(out_txn_begin(&t, a, out, d));
  CHECK(fsx_write(out_page_tmp(a, out, "temaer/robusthed/index.html"), "v1\n", 3));
  out_sum_of("v1\n", 3, &s);
  out_txn_page(&t, "temaer/robusthed/index.html", &s, true);
  CHECK(out_txn_commit(&t, &m, d) == 1);
  size_t n;
  CHECK_STR(fsx_read(a, in(a, "out2/temaer/robusthed/index.html"), &n), "v1\n");
  CHECK(out_manifest_same(&m, "temaer/robusthed/index.html", &s));
  /* Thrown away: the page stays at v1, its hidden new bytes and a new
   * page's folder go. */
  CHECK(out_txn_begin(&t, a, out, d));
  CHECK(fsx_write(out_page_tmp(a, out, "temaer/robusthed/index.html"), "v2\n", 3));
  CHECK(fsx_write(out_page_tmp(a, out, "ny/side/index.html"), "ny\n", 3));
  out_sum_of("v2\n", 3, &s);
  out_txn_page(&t, "temaer/robusthed/index.html", &s, true);
  out_sum_of("ny\n", 3, &s);
  out_txn_page(&t, "ny/side/index.html", &s, true);
  out_txn_abort(&t);
  CHECK_STR(fsx_read(a, in(a, "out2/temaer/robusthed/index.html"), &n), "v1\n");
  CHECK(!fsx_is_file(out_page_tmp(a, out, "temaer/robusthed/index.html")));
  CHECK(!fsx_is_dir(in(a, "out2/ny")));
  out_manifest_free(&m);
  diag_free(d);
  arena_free(a);
}

int main(void) {
  strcpy(dir, "/tmp/klar-session-test.XXXXXX");
  if (!mkdtemp(dir)) return 2;
  RUN(sums);
  RUN(writes_only_changes);
  RUN(pages_and_abort);
  fsx_rmtree(dir);
  return harness_done("session");
}
