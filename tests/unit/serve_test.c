/* Unit tests of klar serve's pure parts: the request path's cleaning (every
 * spelling of a way out refused before any look-up), content types, the
 * script's injection, JSON strings, and diag_each, which the error overlay
 * reads the messages through. */
#include "harness.h"
#include "core/diag.h"
#include "core/str.h"
#include "serve/serve_int.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

static int clean(const char *raw, char *out) { return serve_path_clean(raw, out, 256); }

TEST(paths_that_are_looked_up) {
  char out[256];
  CHECK(clean("/", out) == 0);
  CHECK_STR(out, "");
  CHECK(clean("/temaer/", out) == 0);
  CHECK_STR(out, "temaer/");
  CHECK(clean("/temaer", out) == 0);
  CHECK_STR(out, "temaer");
  CHECK(clean("/css/site.css", out) == 0);
  CHECK_STR(out, "css/site.css");
  CHECK(clean("//a///b/", out) == 0);
  CHECK_STR(out, "a/b/");
  CHECK(clean("/b%C3%B8rn/x%20y", out) == 0);
  CHECK_STR(out, "b\xc3\xb8rn/x y");
  CHECK(clean("/%252e%252e/", out) == 0); /* decoded once: "%2e%2e", a plain name */
  CHECK_STR(out, "%2e%2e/");
  CHECK(clean("/a..b/c.d", out) == 0);
  CHECK_STR(out, "a..b/c.d");
}

TEST(paths_that_are_refused) {
  char out[256];
  const char *forbidden[] = {"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/%2E%2e/x", "/.%2e/x",
                             "/a%2f..%2fb", "/a%2Fb", "/..%5cx", "/a\\b", "/a%00b", "/%00", "/./x", "/a/.",
                             "http://h/../x", "../x", "", "*", "/%", "/%2", "/%zz", "/%g0"};
  for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++) {
    int code = clean(forbidden[i], out);
    if (code != 403) fprintf(stderr, "  %s gave %d\n", forbidden[i], code);
    CHECK(code == 403);
  }
  CHECK(clean("/.klar-output", out) == 404);
  CHECK(clean("/a/.git/config", out) == 404);
  char small[8];
  CHECK(serve_path_clean("/abcdefghij", small, sizeof small) == 404);
}

TEST(content_types) {
  CHECK_STR(serve_content_type("index.html"), "text/html; charset=utf-8");
  CHECK_STR(serve_content_type("css/site.5a.css"), "text/css; charset=utf-8");
  CHECK_STR(serve_content_type("js/site.js"), "text/javascript; charset=utf-8");
  CHECK_STR(serve_content_type("a.svg"), "image/svg+xml");
  CHECK_STR(serve_content_type("a.PNG"), "image/png");
  CHECK_STR(serve_content_type("a.jpg"), "image/jpeg");
  CHECK_STR(serve_content_type("a.webp"), "image/webp");
  CHECK_STR(serve_content_type("f.woff2"), "font/woff2");
  CHECK_STR(serve_content_type("b.pdf"), "application/pdf");
  CHECK_STR(serve_content_type("sitemap.xml"), "application/xml");
  CHECK_STR(serve_content_type("x.json"), "application/json");
  CHECK_STR(serve_content_type("robots.txt"), "text/plain; charset=utf-8");
  CHECK_STR(serve_content_type("a.b/noext"), "application/octet-stream");
}

TEST(inject_before_the_last_body_end) {
  size_t n;
  const char *html = "<p>&lt;/body&gt; </body></p></BODY>\n</html>";
  char *out = serve_inject(html, strlen(html), 7, &n);
  CHECK_STR(out, "<p>&lt;/body&gt; </body></p><script src=\"/_klar/live.js\" data-build=\"7\" defer></script></BODY>\n</html>");
  CHECK(n == strlen(out));
  free(out);
  out = serve_inject("<p>x", 4, 1, &n);
  CHECK_STR(out, "<p>x<script src=\"/_klar/live.js\" data-build=\"1\" defer></script>");
  free(out);
}

TEST(json_strings) {
  sbuf b = SBUF_INIT;
  const char s[] = "a\"b\\c\nd\te\x01 \xc3\xa6 \xff\xfe end";
  serve_json_str(&b, s, sizeof s - 1);
  CHECK_STR(sbuf_str(&b), "\"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa6 \\ufffd\\ufffd end\"");
  sbuf_free(&b);
}

static void collect(const diag_item *m, void *ctx) {
  sbuf_printf(ctx, "%d %s:%d:%d %s|", m->level, m->file ? m->file : "-", m->line, m->col, m->text);
}

TEST(diag_each_walks_sorted_and_keeps) {
  diag *d = diag_new();
  diag_error(d, "b.md", 2, 1, "second");
  diag_warning(d, "a.md", 9, 3, "first %d", 1);
  diag_error(d, NULL, 0, 0, "whole");
  sbuf b = SBUF_INIT;
  diag_each(d, collect, &b);
  /* Errors first, then warnings, as diag_print has them. */
  CHECK_STR(sbuf_str(&b), "0 -:0:0 whole|0 b.md:2:1 second|1 a.md:9:3 first 1|");
  CHECK(diag_errors(d) == 2);
  char *text = diag_text(d);
  CHECK(strstr(text, "b.md:2:1: error: second") != NULL);
  free(text);
  sbuf_free(&b);
  diag_free(d);
}

TEST(errors_json_for_the_overlay) {
  diag *d = diag_new();
  diag_error(d, "site/content/x.md", 2, 8, "bad \"quote\"");
  char *json = serve_errors_json(d, "site");
  CHECK_STR(json, "[{\"level\":\"error\",\"file\":\"content/x.md\",\"line\":2,\"col\":8,\"text\":\"bad \\\"quote\\\"\",\"lines\":[]}]");
  free(json);
  diag_free(d);
}

static bool on_tmpfs(const char *dir) {
  struct statfs fs;
  return statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC;
}

/* The private folder's place: a folder in memory before one on disk, in
 * the order given among folders of a kind; what is no folder we may write
 * in is passed over. */
TEST(private_folder_in_memory_first) {
  char disk[] = "klar-privdir-XXXXXX", shm[] = "/dev/shm/klar-privdir-XXXXXX";
  CHECK(mkdtemp(disk) != NULL);
  char file[64];
  snprintf(file, sizeof file, "%s/f", disk);
  FILE *f = fopen(file, "w");
  if (f) fclose(f);
  const char *none[] = {NULL, "", "/nonexistent-klar-dir", file};
  CHECK(serve_pick_base(none, 4) == NULL);
  const char *later[] = {NULL, "/nonexistent-klar-dir", file, disk};
  CHECK(serve_pick_base(later, 4) == disk);
  if (on_tmpfs("/dev/shm") && !on_tmpfs(disk)) {
    CHECK(mkdtemp(shm) != NULL);
    const char *both[] = {disk, "", file, shm, "/dev/shm"};
    CHECK(serve_pick_base(both, 5) == shm);
    const char *two[] = {"/dev/shm", shm};
    CHECK(serve_pick_base(two, 2) == two[0]);
    rmdir(shm);
  } else {
    fprintf(stderr, "  (no tmpfs /dev/shm here: only the folders on disk were tried)\n");
  }
  CHECK(serve_private_base() != NULL);
  unlink(file);
  rmdir(disk);
}

int main(void) {
  RUN(paths_that_are_looked_up);
  RUN(paths_that_are_refused);
  RUN(content_types);
  RUN(inject_before_the_last_body_end);
  RUN(json_strings);
  RUN(diag_each_walks_sorted_and_keeps);
  RUN(errors_json_for_the_overlay);
  RUN(private_folder_in_memory_first);
  return harness_done("serve_test");
}
