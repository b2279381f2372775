/* Unit tests of load/ and model/: the fixture site's model, and the errors
 * of bad front matter, each with its position. */
#include "harness.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/str.h"
#include "load/content.h"
#include "load/yml.h"
#include "model/model.h"
#include <stdlib.h>
#include <unistd.h>

static const char *fixture(void) {
  return fsx_is_dir("tests/fixture") ? "tests/fixture" : "../../tests/fixture";
}

TEST(yml_values_and_positions) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *src = "title: Robusthed\nweight: 2\ndraft: false\ndate: 2014-05-27\nliste:\n  - a\n  - \"3\"\n";
  val *v = yml_parse(a, src, strlen(src), "x.md", 1, d);
  CHECK(v && v->kind == VAL_MAP && v->u.map.n == 5);
  CHECK_STR(val_as_str(val_get(v, "title")), "Robusthed");
  CHECK(val_get(v, "weight")->kind == VAL_NUM && val_get(v, "weight")->u.num == 2);
  CHECK(val_get(v, "draft")->kind == VAL_BOOL && !val_get(v, "draft")->u.b);
  CHECK(val_get(v, "date")->kind == VAL_STR);
  val *l = val_get(v, "liste");
  CHECK(l->kind == VAL_LIST && l->u.list.n == 2 && l->u.list.items[1]->kind == VAL_STR);
  CHECK(val_get(v, "weight")->line == 3 && val_get(v, "weight")->col == 9);
  CHECK(diag_errors(d) == 0);
  arena_free(a);
  diag_free(d);
}

TEST(yml_errors_have_positions) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *src = "title: ok\nliste: [a, b\nnext: 1\n";
  CHECK(yml_parse(a, src, strlen(src), "content/x.md", 1, d) == NULL);
  char *t = diag_text(d);
  /* libyaml's "did not find expected ',' or ']'" becomes advice, at the '['. */
  CHECK(strstr(t, "content/x.md:3:8: error: the list opened with '[' is not closed with ']'") == t);
  free(t);
  const char *dup = "a: 1\na: 2\n";
  diag *d2 = diag_new();
  yml_parse(a, dup, strlen(dup), "y.yaml", 0, d2);
  t = diag_text(d2);
  CHECK_STR(t, "y.yaml:2:1: error: 'a' is given twice (first on line 1); keep one of them\n");
  free(t);
  const char *alias = "a: &x 1\nb: *x\n";
  diag *d3 = diag_new();
  CHECK(yml_parse(a, alias, strlen(alias), "z.yaml", 0, d3) == NULL);
  CHECK(diag_errors(d3) == 1);
  arena_free(a);
  diag_free(d);
  diag_free(d2);
  diag_free(d3);
}

TEST(front_matter_split) {
  const char *y, *b;
  size_t yl;
  int bl;
  const char *text = "---\ntitle: x\n---\nKrop\n";
  CHECK(content_split(text, strlen(text), &y, &yl, &b, &bl));
  CHECK(yl == 9 && bl == 4);
  CHECK_STR(b, "Krop\n");
  const char *none = "Bare tekst\n---\n";
  CHECK(content_split(none, strlen(none), &y, &yl, &b, &bl) && y == NULL && bl == 1);
  const char *open = "---\ntitle: x\nKrop\n";
  CHECK(!content_split(open, strlen(open), &y, &yl, &b, &bl));
}

TEST(fixture_model) {
  arena *a = arena_new();
  diag *d = diag_new();
  site *s = model_build(a, fixture(), false, 2, d);
  char *t = diag_text(d);
  CHECK_STR(t, "");
  free(t);
  CHECK(s != NULL);
  if (!s) return;
  CHECK_STR(s->basepath, "/klar/");
  page *r = map_get(&s->by_src, "temaer/robusthed.md");
  CHECK(r && !strcmp(r->url, "/temaer/robusthed/") && !strcmp(r->type, "theme"));
  CHECK(r && !strcmp(r->out, "temaer/robusthed/index.html"));
  page *k = map_get(&s->by_src, "om/kontakt.md");
  CHECK(k && !strcmp(k->url, "/om/kontakt-os/"));
  CHECK(map_get(&s->by_src, "om/kladde.md") == NULL); /* a draft */
  page *o = map_get(&s->by_src, "tilbud/sovn-og-rutiner.md");
  val *themes = val_get(o->fm, "themes");
  CHECK(themes->u.list.n == 2 && themes->u.list.items[0]->kind == VAL_REF);
  CHECK(themes->u.list.items[1]->u.ref.page == map_get(&s->by_src, "temaer/fordybelse-og-nysgerrighed.md"));
  CHECK(r->referrers.n == 1 && r->referrers.items[0] == o);
  page *temaer = map_get(&s->sections, "temaer");
  CHECK(temaer && temaer->pages.n == 2 && temaer->pages.items[0] == r); /* weight 1 first */
  page *tilbud = map_get(&s->sections, "tilbud");
  CHECK(tilbud && !tilbud->src && !strcmp(tilbud->title, "Tilbud")); /* made up */
  page *news = map_get(&s->by_src, "nyheder/2017-jul/index.md");
  CHECK(news && news->bundle && !strcmp(news->url, "/nyheder/2017-jul/") && news->nresources == 2);
  CHECK_STR(map_get(&s->statics, "nyheder/2017-jul/spor.svg"), "nyheder/2017-jul/spor.svg");
  CHECK(s->ntaxonomies == 1 && s->taxonomies[0].terms.n == 2);
  CHECK_STR(s->taxonomies[0].terms.items[0]->title, "læring");
  CHECK_STR(s->taxonomies[0].terms.items[1]->url, "/emner/trivsel/");
  CHECK(s->taxonomies[0].terms.items[1]->pages.n == 2);
  CHECK(s->nmenu == 3 && !strcmp(s->menu[0].url, "/temaer/"));
  CHECK(model_pages_of(s, "theme").n == 2 && model_pages_of(s, "nope").n == 0);
  page *l = model_resolve_link(s, o, "../temaer/robusthed.md#x", a);
  CHECK(l == r);
  CHECK(model_resolve_link(s, o, "../../ud.md", a) == NULL);
  CHECK(model_resolve_link(s, o, "../temaer/", a) == temaer);
  arena_free(a);
  diag_free(d);
}

/* Writes a one-page site with the given site.yaml types and page text, builds
 * its model and returns the messages. */
static char *model_errors(const char *types, const char *page_text) {
  char dir[] = "/tmp/klar-model-XXXXXX";
  if (!mkdtemp(dir)) return strdup("mkdtemp failed");
  char path[256];
  snprintf(path, sizeof path, "%s/content/site.yaml", dir);
  char *cfg = malloc(strlen(types) + 64);
  sprintf(cfg, "title: T\nsections:\n  s: { type: offer }\n%s", types);
  fsx_write(path, cfg, strlen(cfg));
  free(cfg);
  snprintf(path, sizeof path, "%s/content/s/side.md", dir);
  fsx_write(path, page_text, strlen(page_text));
  snprintf(path, sizeof path, "%s/content/s/tema.md", dir);
  fsx_write(path, "---\ntitle: Tema\ntype: theme\n---\n", 31);
  arena *a = arena_new();
  diag *d = diag_new();
  model_build(a, dir, false, 2, d);
  char *t = diag_text(d);
  /* Messages name the temporary folder; keep only the part after it. */
  char *cut = t;
  size_t dl = strlen(dir);
  sbuf out = SBUF_INIT;
  for (char *p = cut; *p;) {
    char *hit = strstr(p, dir);
    if (!hit) { sbuf_puts(&out, p); break; }
    sbuf_put(&out, p, (size_t)(hit - p));
    p = hit + dl + 1;
  }
  free(t);
  arena_free(a);
  diag_free(d);
  fsx_rmtree(dir);
  return sbuf_take(&out);
}

static const char *types =
    "types:\n"
    "  theme: { fields: {} }\n"
    "  offer:\n"
    "    fields:\n"
    "      themes: { kind: list, of: ref, to: theme, required: true }\n"
    "      duration: { kind: number }\n"
    "      format: { kind: string, values: [oplæg, workshop] }\n";

TEST(schema_errors) {
  char *t = model_errors(types, "---\ntitle: X\nthemes: [tema.md]\nvarighed: 45\n---\n");
  /* At the misspelt name, not its value. */
  CHECK_STR(t, "content/s/side.md:4:1: error: unknown field 'varighed' for a page of type 'offer' (a typo? declare it in content/site.yaml)\n"
               "  varighed: 45\n"
               "  ^\n");
  free(t);
  t = model_errors(types, "---\ntitle: X\n---\n");
  CHECK_STR(t, "content/s/side.md:1:1: error: the field 'themes' is required for a page of type 'offer': add a line 'themes: ...' to its front matter\n"
               "  ---\n"
               "  ^\n");
  free(t);
  t = model_errors(types, "---\ntitle: X\nthemes: [nope.md]\nformat: foredrag\nduration: lang\n---\n");
  CHECK(strstr(t, "content/s/side.md:3:10: error: 'themes' names 'nope.md', but there is no such page") != NULL);
  CHECK(strstr(t, "content/s/side.md:4:9: error: 'format' is 'foredrag', which is not one of: oplæg, workshop\n") != NULL);
  CHECK(strstr(t, "content/s/side.md:5:11: error: 'duration' must be a number, not text\n") != NULL);
  free(t);
  t = model_errors(types, "---\ntitle: X\nthemes: [side.md]\n---\n");
  CHECK(strstr(t, "must name a page of type 'theme', but 'side.md' is of type 'offer'") != NULL);
  free(t);
  t = model_errors(types, "---\nthemes: [tema.md]\n---\n");
  CHECK_STR(t, "content/s/side.md:1:1: error: the page has no title: add 'title: ...' to its front matter\n"
               "  ---\n"
               "  ^\n");
  free(t);
}

TEST(url_escapes_are_rejected) {
  char *t = model_errors(types, "---\ntitle: X\nthemes: [tema.md]\nurl: /../../etc/\n---\n");
  CHECK(strstr(t, "content/s/side.md:4:6: error: 'url' must be a site path") != NULL);
  free(t);
  t = model_errors(types, "---\ntitle: X\nthemes: [tema.md]\nslug: ../x\n---\n");
  CHECK(strstr(t, "content/s/side.md:4:7: error: 'slug' must be one URL part") != NULL);
  free(t);
}

TEST(invalid_utf8_position) {
  char *t = model_errors(types, "---\ntitle: X\nthemes: [tema.md]\n---\nGod l\xe6ring\n");
  /* The source line shows the bad byte as U+FFFD, not as itself. */
  CHECK_STR(t, "content/s/side.md:5:6: error: the file is not valid UTF-8 (byte 0xE6); save it as UTF-8\n"
               "  God l\xef\xbf\xbdring\n"
               "       ^\n");
  free(t);
}

/* The interface matrix: groups by weight, each proposal under its own group
 * (its own group listed as an interface is still "own"), the sums per group. */
TEST(interface_matrix) {
  char dir[] = "/tmp/klar-matrix-XXXXXX";
  if (!mkdtemp(dir)) return;
  static const struct { const char *path, *text; } files[] = {
      {"content/site.yaml",
       "title: T\nsections:\n  g: { type: group }\n  f: { type: proposal }\n"
       "types:\n  group: { fields: {} }\n"
       "  proposal:\n    fields:\n      group: { kind: ref, to: group, required: true }\n"
       "      interfaces: { kind: list, of: ref, to: group }\n"},
      {"content/g/a.md", "---\ntitle: A\nweight: 2\n---\n"},
      {"content/g/b.md", "---\ntitle: B\nweight: 1\n---\n"},
      {"content/f/p1.md", "---\ntitle: P1\ngroup: g/a.md\ninterfaces: [g/b.md]\n---\n"},
      {"content/f/p2.md", "---\ntitle: P2\ngroup: g/b.md\ninterfaces: [g/b.md, g/a.md]\n---\n"},
      {"content/f/p3.md", "---\ntitle: P3\ngroup: g/a.md\n---\n"},
  };
  char path[256];
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i].path);
    fsx_write(path, files[i].text, strlen(files[i].text));
  }
  arena *a = arena_new();
  diag *d = diag_new();
  site *s = model_build(a, dir, false, 1, d);
  char *t = diag_text(d);
  CHECK_STR(t, "");
  free(t);
  const interface_matrix *m = s ? model_matrix(s, a) : NULL;
  CHECK(m && m->ngroups == 2);
  if (m && m->ngroups == 2) {
    CHECK_STR(m->groups[0]->title, "B");
    CHECK_STR(m->groups[1]->title, "A");
    CHECK(m->totals[0] == 2 && m->totals[1] == 1);
    const matrix_block *b = &m->blocks[0], *aa = &m->blocks[1];
    CHECK(b->nrows == 1 && aa->nrows == 2);
    CHECK_STR(b->rows[0].proposal->title, "P2");
    CHECK(b->rows[0].marks[0] == MATRIX_OWN && b->rows[0].marks[1] == MATRIX_INTERFACE);
    CHECK(b->rows[0].nto == 1 && b->rows[0].to[0] == m->groups[1]);
    CHECK_STR(aa->rows[0].proposal->title, "P1");
    CHECK(aa->rows[0].marks[0] == MATRIX_INTERFACE && aa->rows[0].marks[1] == MATRIX_OWN);
    CHECK_STR(aa->rows[1].proposal->title, "P3");
    CHECK(aa->rows[1].marks[0] == MATRIX_NONE && aa->rows[1].nto == 0);
  }
  arena_free(a);
  diag_free(d);
  fsx_rmtree(dir);
}

int main(void) {
  RUN(yml_values_and_positions);
  RUN(yml_errors_have_positions);
  RUN(front_matter_split);
  RUN(fixture_model);
  RUN(schema_errors);
  RUN(url_escapes_are_rejected);
  RUN(invalid_utf8_position);
  RUN(interface_matrix);
  return harness_done("model");
}
