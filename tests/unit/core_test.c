/* Unit tests of generator/core: arena, str, map, dk, val, diag, fsx. */
#include "harness.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/dk.h"
#include "core/fsx.h"
#include "core/map.h"
#include "core/scheme.h"
#include "core/str.h"
#include "core/val.h"
#include "core/xmlpos.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(arena_alloc_and_reset) {
  arena *a = arena_new();
  char *s = arena_strdup(a, "robusthed");
  CHECK_STR(s, "robusthed");
  void *big = arena_alloc(a, 1 << 20);
  CHECK(big != NULL);
  memset(big, 1, 1 << 20);
  CHECK(arena_used(a) >= (1 << 20));
  arena_reset(a);
  CHECK(arena_used(a) == 0);
  CHECK_STR(arena_printf(a, "%d. %s", 27, "maj"), "27. maj");
  arena_free(a);
  arena_free(NULL);
}

TEST(sbuf_escapes_html) {
  sbuf b = SBUF_INIT;
  sbuf_put_html(&b, "a<b & \"c\">", 10);
  CHECK_STR(sbuf_str(&b), "a&lt;b &amp; &quot;c&quot;&gt;");
  sbuf_free(&b);
}

TEST(utf8_validation) {
  size_t bad = 0;
  CHECK(str_utf8_valid("Læring", strlen("Læring"), &bad));
  CHECK(!str_utf8_valid("L\xe6ring", 6, &bad));
  CHECK(bad == 1);
  CHECK(!str_utf8_valid("\xc0\xaf", 2, &bad)); /* overlong '/' */
}

TEST(map_keeps_insertion_order) {
  map m = MAP_INIT;
  char keys[100][16];
  for (int i = 0; i < 100; i++) {
    snprintf(keys[i], sizeof keys[i], "k%d", i);
    map_set(&m, keys[i], (void *)(long)(i + 1));
  }
  CHECK(map_get(&m, "k42") == (void *)43L);
  CHECK(map_get(&m, "nope") == NULL);
  CHECK(m.n == 100);
  CHECK_STR(m.entries[57].key, "k57");
  map_set(&m, "k3", (void *)7L);
  CHECK(m.n == 100 && map_get(&m, "k3") == (void *)7L);
  map_free(&m);
}

TEST(danish_slugs) {
  arena *a = arena_new();
  CHECK_STR(dk_slug(a, "Fordybelse og nysgerrighed"), "fordybelse-og-nysgerrighed");
  CHECK_STR(dk_slug(a, "Fællesskab, Læring & Sø!"), "faellesskab-laering-soe");
  CHECK_STR(dk_slug(a, "Børnehave på Åen"), "boernehave-paa-aaen");
  CHECK_STR(dk_slug(a, "  --Café 2014--  "), "cafe-2014");
  arena_free(a);
}

TEST(danish_dates) {
  int y, m, d;
  CHECK(dk_parse_date("2014-05-27", &y, &m, &d) && y == 2014 && m == 5 && d == 27);
  CHECK(!dk_parse_date("2014-02-30", &y, &m, &d));
  CHECK(!dk_parse_date("27.5.2014", &y, &m, &d));
  CHECK(dk_parse_date("2018-03-07T09:00", &y, &m, &d) && d == 7);
  /* The direct reading of YYYY-MM-DD and the sscanf for the rest agree with
   * what was accepted before. */
  CHECK(dk_parse_date("2018-03-07 09:00", &y, &m, &d) && y == 2018 && m == 3);
  CHECK(!dk_parse_date("2014-05-27x", &y, &m, &d));
  CHECK(!dk_parse_date("2014-05-2", &y, &m, &d));
  CHECK(!dk_parse_date("2014-5-27", &y, &m, &d));
  CHECK(!dk_parse_date("0000-05-27", &y, &m, &d));
  CHECK(!dk_parse_date("2014-13-01", &y, &m, &d));
  CHECK(dk_parse_date("+201-05-27", &y, &m, &d) && y == 201);
  sbuf b = SBUF_INIT;
  dk_date_put(&b, 2014, 5, 27, false);
  CHECK_STR(sbuf_str(&b), "27. maj 2014");
  sbuf_clear(&b);
  dk_date_put(&b, 2014, 5, 27, true);
  CHECK_STR(sbuf_str(&b), "27.\xc2\xa0maj\xc2\xa0" "2014");
  CHECK_STR(dk_weekday(2014, 5, 28), "onsdag");
  CHECK(dk_days(1970, 1, 1) == 0 && dk_days(2014, 5, 27) == 16217);
  sbuf_free(&b);
}

TEST(danish_numbers) {
  sbuf b = SBUF_INIT;
  dk_number_put(&b, 2325750, 0);
  CHECK_STR(sbuf_str(&b), "2.325.750");
  sbuf_clear(&b);
  dk_number_put(&b, 4.95, 2);
  CHECK_STR(sbuf_str(&b), "4,95");
  sbuf_clear(&b);
  dk_number_put(&b, -1234.5, -1);
  CHECK_STR(sbuf_str(&b), "-1.234,5");
  sbuf_clear(&b);
  dk_number_put(&b, 1000, -1);
  CHECK_STR(sbuf_str(&b), "1.000");
  sbuf_clear(&b);
  dk_money_put(&b, 4950000);
  CHECK_STR(sbuf_str(&b), "4,95\xc2\xa0mio.\xc2\xa0kr.");
  sbuf_clear(&b);
  dk_money_put(&b, 10);
  CHECK_STR(sbuf_str(&b), "10\xc2\xa0kr.");
  sbuf_free(&b);
}

TEST(diag_sorts_by_position) {
  diag *d = diag_new();
  diag_error(d, "content/b.md", 3, 1, "second file");
  diag_error(d, "content/a.md", 10, 2, "later line");
  diag_error(d, "content/a.md", 2, 5, "first");
  diag_warning(d, NULL, 0, 0, "about the build");
  diag_warning(d, "content/a.md", 1, 1, "advice");
  char *t = diag_text(d);
  /* Errors first, then warnings, each sorted by file and position. */
  CHECK_STR(t, "content/a.md:2:5: error: first\n"
               "content/a.md:10:2: error: later line\n"
               "content/b.md:3:1: error: second file\n"
               "klar: warning: about the build\n"
               "content/a.md:1:1: warning: advice\n");
  CHECK(diag_errors(d) == 3 && diag_warnings(d) == 2);
  free(t);
  diag_free(d);
}

TEST(diag_collapses_one_mistake_on_many_pages) {
  diag *d = diag_new();
  diag_error(d, "layouts/a.xml", 4, 0, "in k:text=\"x.y\": boom (rendering content/b.md)");
  diag_error(d, "layouts/a.xml", 4, 0, "in k:text=\"x.y\": boom (rendering content/a.md)");
  diag_error(d, "layouts/a.xml", 4, 0, "in k:text=\"x.y\": boom (rendering content/c.md)");
  diag_error(d, "layouts/a.xml", 5, 0, "other (rendering content/a.md)");
  diag_error(d, "layouts/print/p.xml", 2, 0, "same words");
  diag_error(d, "layouts/print/p.xml", 2, 0, "same words");
  char *t = diag_text(d);
  CHECK_STR(t, "layouts/a.xml:4: error: in k:text=\"x.y\": boom (rendering content/a.md), and 2 more pages\n"
               "layouts/a.xml:5: error: other (rendering content/a.md)\n"
               "layouts/print/p.xml:2: error: same words\n");
  CHECK(diag_errors(d) == 6);
  free(t);
  diag_free(d);
}

TEST(val_maps) {
  arena *a = arena_new();
  val *m = val_new(a, VAL_MAP, 1, 1);
  for (int i = 0; i < 20; i++)
    val_map_put(a, m, arena_printf(a, "k%d", i), val_str(a, arena_printf(a, "v%d", i), i + 1, 1));
  CHECK_STR(val_as_str(val_get(m, "k13")), "v13");
  CHECK(val_get(m, "x") == NULL);
  CHECK(m->u.map.n == 20);
  arena_free(a);
}

/* The schemes a browser would run, however they are spelled. */
TEST(script_schemes) {
#define U(s) scheme_unsafe(s, strlen(s))
#define A(s) scheme_unsafe_attr(s, strlen(s))
  CHECK_STR(U("javascript:alert(1)"), "javascript:");
  CHECK_STR(U("JaVaScRiPt:x"), "javascript:");
  CHECK_STR(U(" \x01javascript:x"), "javascript:");
  CHECK_STR(U("jav\tascr\nipt:x"), "javascript:");
  CHECK_STR(U("data:text/html,x"), "data:");
  CHECK_STR(U("VBScript:x"), "vbscript:");
  CHECK(U("https://example.dk/") == NULL);
  CHECK(U("../temaer/robusthed.md") == NULL);
  CHECK(U("x javascript:") == NULL);
  CHECK(U("javascript") == NULL);
  CHECK(U("mailto:a@b.dk") == NULL);
  CHECK_STR(A("jav&#x09;ascript:x"), "javascript:");
  CHECK_STR(A("&#106;avascript:x"), "javascript:");
  CHECK_STR(A("&#x6A&#x61vascript:x"), "javascript:");
  CHECK_STR(A("javascript&colon;x"), "javascript:");
  CHECK_STR(A("java&Tab;script:x"), "javascript:");
  CHECK_STR(A("&#32;data:x"), "data:");
  CHECK(A("jav&amp;ascript:x") == NULL);
  CHECK(A("https://example.dk/?a=1&amp;b=2") == NULL);
#undef U
#undef A
}

/* Start tags and attributes by line and column, in document order. */
TEST(xml_positions) {
  arena *a = arena_new();
  const char *src = "<?xml version=\"1.0\"?>\n<!-- <no k:text=\"x\"> -->\n<a>\n  <b\n   k:text=\"1\"\n"
                    "   æ=\"2\" y='>'>\n<c q=\"1\"/><![CDATA[<d>]]></b></a>";
  xmlpos *x = xmlpos_scan(a, src, strlen(src));
  int line = 0, col = 0;
  CHECK(xmlpos_element(x, 0, 3, &line, &col) && line == 3 && col == 1);
  CHECK(xmlpos_element(x, 1, 6, &line, &col) && line == 4 && col == 3);
  CHECK(!xmlpos_element(x, 1, 4, &line, &col)); /* libxml2 says the tag ends elsewhere */
  CHECK(xmlpos_attr(x, 1, 6, "k:text", &line, &col) && line == 5 && col == 4);
  CHECK(xmlpos_attr(x, 1, 0, "x:text", &line, &col) && line == 5 && col == 4);
  CHECK(xmlpos_attr(x, 1, 0, "y", &line, &col) && line == 6 && col == 10);
  CHECK(!xmlpos_attr(x, 1, 0, "text", &line, &col));
  CHECK(xmlpos_attr(x, 2, 7, "q", &line, &col) && line == 7 && col == 4);
  CHECK(!xmlpos_element(x, 3, 0, &line, &col)); /* <d> is CDATA */
  arena_free(a);
}

typedef struct links_seen {
  char names[8][64];
  int n;
} links_seen;

static void on_link(const char *rel, void *ctx) {
  links_seen *ls = ctx;
  if (ls->n < 8) snprintf(ls->names[ls->n++], 64, "%s", rel);
}

/* A scratch folder below /tmp, made afresh. */
static char *scratch_dir(arena *a, const char *name) {
  char *dir = arena_printf(a, "/tmp/klar-core-test-%ld-%s", (long)getpid(), name);
  fsx_rmtree(dir);
  fsx_mkdirs(dir);
  return dir;
}

TEST(fsx_walk_links_lists_links_and_follows_none) {
  arena *a = arena_new();
  char *d = scratch_dir(a, "links");
  fsx_write(fsx_join(a, d, "b/page.md"), "x", 1);
  CHECK(symlink("/etc", fsx_join(a, d, "b/etc")) == 0);
  CHECK(symlink(".", fsx_join(a, d, "loop")) == 0); /* followed, it would never end */
  CHECK(symlink("nowhere", fsx_join(a, d, "a")) == 0);
  CHECK(symlink("/etc", fsx_join(a, d, ".hidden")) == 0);
  links_seen ls = {0};
  CHECK(fsx_walk_links(d, on_link, &ls));
  CHECK(ls.n == 3);
  CHECK_STR(ls.names[0], "a");
  CHECK_STR(ls.names[1], "b/etc");
  CHECK_STR(ls.names[2], "loop");
  fsx_rmtree(d);
  arena_free(a);
}

static void count_file(const char *rel, void *ctx) {
  (void)rel;
  (*(int *)ctx)++;
}

/* An empty folder (the fuzzer made one in a layouts folder) has no names to
 * sort: the walk must not hand qsort a NULL list (UBSan in the sanitizers
 * suite reports that). */
TEST(fsx_walk_passes_empty_folders) {
  arena *a = arena_new();
  char *d = scratch_dir(a, "empty");
  fsx_mkdirs(fsx_join(a, d, "a/b"));
  fsx_write(fsx_join(a, d, "c/x.xml"), "x", 1);
  int n = 0;
  CHECK(fsx_walk(d, count_file, &n));
  CHECK(n == 1);
  fsx_rmtree(d);
  arena_free(a);
}

TEST(fsx_link_tree_shares_files_and_skips_the_marker) {
  arena *a = arena_new();
  char *from = scratch_dir(a, "from"), *to = scratch_dir(a, "to");
  fsx_write(fsx_join(a, from, "booklets/x.pdf"), "old", 3);
  fsx_mark_output(from);
  const char *failed = "unset";
  CHECK(fsx_link_tree(a, from, to, &failed));
  CHECK(failed == NULL);
  struct stat s1, s2;
  CHECK(stat(fsx_join(a, from, "booklets/x.pdf"), &s1) == 0 && stat(fsx_join(a, to, "booklets/x.pdf"), &s2) == 0);
  CHECK(s1.st_ino == s2.st_ino);
  CHECK(!fsx_is_output(to));
  /* Replaced by rename, as print replaces a PDF: the original stays. */
  fsx_write(fsx_join(a, to, "booklets/x.pdf.tmp"), "new", 3);
  CHECK(rename(fsx_join(a, to, "booklets/x.pdf.tmp"), fsx_join(a, to, "booklets/x.pdf")) == 0);
  CHECK_STR(fsx_read(a, fsx_join(a, from, "booklets/x.pdf"), NULL), "old");
  fsx_rmtree(from);
  fsx_rmtree(to);
  arena_free(a);
}

int main(void) {
  RUN(arena_alloc_and_reset);
  RUN(sbuf_escapes_html);
  RUN(utf8_validation);
  RUN(map_keeps_insertion_order);
  RUN(danish_slugs);
  RUN(danish_dates);
  RUN(danish_numbers);
  RUN(diag_sorts_by_position);
  RUN(diag_collapses_one_mistake_on_many_pages);
  RUN(val_maps);
  RUN(script_schemes);
  RUN(xml_positions);
  RUN(fsx_walk_links_lists_links_and_follows_none);
  RUN(fsx_walk_passes_empty_folders);
  RUN(fsx_link_tree_shares_files_and_skips_the_marker);
  return harness_done("core");
}
