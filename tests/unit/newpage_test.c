/* Unit tests of site/newpage (klar new): which type a word names, and that
 * the front matter of a new page reads back, through klar's own YAML
 * reader, as the values meant, however awkward they are for YAML. */
#include "harness.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/str.h"
#include "load/yml.h"
#include "model/model.h"
#include "site/newpage.h"
#include <stdlib.h>
#include <unistd.h>

/* A site whose values are hard to write as YAML: a time that reads as a
 * number, words that read as booleans, a colon and a hash in text. */
static const char *config =
    "title: Test\n"
    "sections:\n"
    "  tilbud: { type: offer }\n"
    "  konferencer: { type: conference }\n"
    "types:\n"
    "  theme:\n"
    "    title: Tema\n"
    "  offer:\n"
    "    title: Tilbud\n"
    "    fields:\n"
    "      themes: { kind: list, of: ref, to: theme, required: true, title: Temaer, help: \"Vælg: et tema\" }\n"
    "      slot: { kind: string, required: true, values: [\"17.00\", x] }\n"
    "      answer: { kind: string, required: true, values: [\"yes\", \"no\"] }\n"
    "      colon: { kind: string, required: true, values: [\"a: b\"] }\n"
    "      hash: { kind: string, required: true, values: [\"#1\"] }\n"
    "      minutes: { kind: number, required: true, title: Varighed i minutter }\n"
    "      open: { kind: bool, required: true }\n"
    "      when: { kind: date, required: true }\n"
    "      note: { kind: text }\n"
    "  conference:\n"
    "    title: Forældrekonference\n"
    "    fields:\n"
    "      programme:\n"
    "        kind: list\n"
    "        of: map\n"
    "        required: true\n"
    "        fields:\n"
    "          start: { kind: string, required: true }\n"
    "          end: { kind: string }\n"
    "          title: { kind: string }\n"
    "    body:\n"
    "      sections: [Første, Anden]\n"
    "      parts: [Del]\n";

static char *make_site(void) {
  char *dir = strdup("/tmp/klar-newpage-XXXXXX");
  if (!mkdtemp(dir)) return dir;
  arena *a = arena_new();
  fsx_write(fsx_join(a, dir, "content/site.yaml"), config, strlen(config));
  const char *theme = "---\ntitle: B\ntype: theme\n---\n";
  fsx_write(fsx_join(a, dir, "content/temaer/b.md"), theme, strlen(theme));
  fsx_write(fsx_join(a, dir, "content/temaer/a.md"), theme, strlen(theme));
  arena_free(a);
  return dir;
}

TEST(type_names) {
  char *dir = make_site();
  arena *a = arena_new();
  diag *d = diag_new();
  site *s = model_build(a, dir, false, 1, d);
  CHECK(s && diag_errors(d) == 0);
  if (s) {
    CHECK_STR(newpage_type(s, "offer"), "offer");
    CHECK_STR(newpage_type(s, "Tilbud"), "offer");
    CHECK_STR(newpage_type(s, "TILBUD"), "offer");
    CHECK_STR(newpage_type(s, "tilbud"), "offer");
    CHECK_STR(newpage_type(s, "forældrekonference"), "conference");
    CHECK_STR(newpage_type(s, "FORÆLDREKONFERENCE"), "conference");
    CHECK_STR(newpage_type(s, "konferencer"), "conference");
    CHECK_STR(newpage_type(s, "side"), "page");
    CHECK_STR(newpage_type(s, "page"), "page");
    CHECK(newpage_type(s, "tilbuds") == NULL);
    CHECK(newpage_type(s, "") == NULL);
    CHECK_STR(newpage_suggest(s, "tilbuds"), "Tilbud");
    CHECK_STR(newpage_suggest(s, "konference"), "conference");
    CHECK(newpage_suggest(s, "xyz") == NULL);
  }
  fsx_rmtree(dir);
  free(dir);
  arena_free(a);
  diag_free(d);
}

/* Returns the front matter of a made page, parsed by klar's reader. */
static val *front_matter(arena *a, const char *text, diag *d) {
  const char *start = text + 4, *end = strstr(start, "\n---\n");
  if (strncmp(text, "---\n", 4) || !end) return NULL;
  return yml_parse(a, start, (size_t)(end - start + 1), "new.md", 2, d);
}

TEST(values_read_back) {
  char *dir = make_site();
  arena *a = arena_new();
  diag *d = diag_new();
  site *s = model_build(a, dir, false, 1, d);
  sbuf b = SBUF_INIT;
  const char *arch = "x";
  CHECK(s && newpage_text(s, "offer", "nyt/et-tilbud.md", "2027-05-27", &b, &arch));
  CHECK(arch == NULL);
  val *fm = front_matter(a, sbuf_str(&b), d);
  CHECK(fm && diag_errors(d) == 0);
  if (fm) {
    CHECK_STR(val_as_str(val_get(fm, "title")), "Et tilbud");
    CHECK_STR(val_as_str(val_get(fm, "type")), "offer");
    CHECK_STR(val_as_str(val_get(fm, "slot")), "17.00");
    CHECK_STR(val_as_str(val_get(fm, "answer")), "yes");
    CHECK_STR(val_as_str(val_get(fm, "colon")), "a: b");
    CHECK_STR(val_as_str(val_get(fm, "hash")), "#1");
    CHECK(val_get(fm, "minutes") && val_get(fm, "minutes")->kind == VAL_NUM && val_get(fm, "minutes")->u.num == 45);
    CHECK(val_get(fm, "open") && val_get(fm, "open")->kind == VAL_BOOL);
    CHECK_STR(val_as_str(val_get(fm, "when")), "2027-05-27");
    val *th = val_get(fm, "themes");
    CHECK(th && th->kind == VAL_LIST && th->u.list.n == 1 && str_eq(val_as_str(th->u.list.items[0]), "temaer/a.md"));
    CHECK(val_get(fm, "note") == NULL); /* optional: commented out */
  }
  CHECK(strstr(sbuf_str(&b), "# Temaer (skal udfyldes): Vælg: et tema\n"));
  CHECK(strstr(sbuf_str(&b), "\n# note: Skriv note her\n"));
  sbuf_free(&b);
  fsx_rmtree(dir);
  free(dir);
  arena_free(a);
  diag_free(d);
}

TEST(programme_and_body) {
  char *dir = make_site();
  arena *a = arena_new();
  diag *d = diag_new();
  site *s = model_build(a, dir, false, 1, d);
  sbuf b = SBUF_INIT;
  const char *arch;
  CHECK(s && newpage_text(s, "conference", "konferencer/x.md", "2027-05-27", &b, &arch));
  val *fm = front_matter(a, sbuf_str(&b), d);
  val *pr = fm ? val_get(fm, "programme") : NULL;
  CHECK(pr && pr->kind == VAL_LIST && pr->u.list.n == 3);
  const char *prev = "";
  for (size_t i = 0; pr && i < pr->u.list.n; i++) {
    const char *st = val_as_str(val_get(pr->u.list.items[i], "start"));
    const char *en = val_as_str(val_get(pr->u.list.items[i], "end"));
    CHECK(st && en && strcmp(prev, st) <= 0 && strcmp(st, en) < 0);
    prev = en ? en : "";
  }
  CHECK(val_get(fm, "type") == NULL); /* the section's own type */
  CHECK(strstr(sbuf_str(&b), "---\nSkriv en kort indledning her.\n\n## Første\n\n### Del\n\n- Skriv et punkt her.\n\n"
                             "## Anden\n\n### Del\n"));
  sbuf_free(&b);
  fsx_rmtree(dir);
  free(dir);
  arena_free(a);
  diag_free(d);
}

TEST(archetype) {
  char *dir = make_site();
  arena *a = arena_new();
  diag *d = diag_new();
  const char *text = "---\ntitle: {{title}}\ndate: {{date}}\n---\n{{type}} i {{section}}: {{andet}} {{title\n";
  fsx_write(fsx_join(a, dir, "layouts/archetypes/offer.md"), text, strlen(text));
  site *s = model_build(a, dir, false, 1, d);
  sbuf b = SBUF_INIT;
  const char *arch = NULL;
  CHECK(s && newpage_text(s, "offer", "tilbud/soevn-og-rutiner.md", "2027-05-27", &b, &arch));
  CHECK(arch && str_ends(arch, "layouts/archetypes/offer.md"));
  CHECK_STR(sbuf_str(&b), "---\ntitle: Soevn og rutiner\ndate: 2027-05-27\n---\noffer i tilbud: {{andet}} {{title\n");
  sbuf_free(&b);
  fsx_rmtree(dir);
  free(dir);
  arena_free(a);
  diag_free(d);
}

int main(void) {
  RUN(type_names);
  RUN(values_read_back);
  RUN(programme_and_body);
  RUN(archetype);
  return harness_done("newpage");
}
