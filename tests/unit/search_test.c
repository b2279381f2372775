/* Unit tests of the search index's parts: the Danish tokenizer, stop words,
 * HTML to text, the Snowball stemmer with the irregular table, and the
 * shard writer's cut. */
#include "harness.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "site/search.h"
#include "site/stem.h"
#include <stdlib.h>
#include <unistd.h>

typedef struct words {
  sbuf all; /* "word@start-end word@start-end" */
} words;

static void on_word(void *c, const char *w, size_t n, size_t start, size_t end) {
  words *ws = c;
  if (ws->all.len) sbuf_putc(&ws->all, ' ');
  sbuf_put(&ws->all, w, n);
  sbuf_printf(&ws->all, "@%zu-%zu", start, end);
}

static char *tokens(const char *text) {
  words ws = {SBUF_INIT};
  search_tokenize(text, strlen(text), on_word, &ws);
  char *r = strdup(sbuf_str(&ws.all));
  sbuf_free(&ws.all);
  return r;
}

TEST(tokenizer_folds_danish_letters) {
  char *t = tokens("ÆBLER, Øer og ÅEN");
  /* Æ Ø Å are two bytes each: positions are bytes */
  CHECK_STR(t, "æbler@0-6 øer@8-12 og@13-15 åen@16-20");
  free(t);
}

TEST(tokenizer_splits_on_punctuation_and_skips_short) {
  char *t = tokens("Pixi-guide: 3–6 år, »barnet« i UU-vejledning!");
  CHECK_STR(t, "pixi@0-4 guide@5-10 år@18-21 barnet@25-31 uu@36-38 vejledning@39-49");
  free(t);
}

TEST(tokenizer_joins_soft_hyphen_and_drops_long_words) {
  char *t = tokens("dag\xC2\xAD" "til\xC2\xAD" "bud aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ok");
  CHECK_STR(t, "dagtilbud@0-13 ok@60-62");
  free(t);
}

/* Letters beyond Latin-1 are kept as written, not folded (search.js does the same). */
TEST(tokenizer_keeps_digits_and_other_letters) {
  char *t = tokens("Café 2027 naïve Ελλάδα");
  CHECK_STR(t, "café@0-5 2027@6-10 naïve@11-17 Ελλάδα@18-30");
  free(t);
}

TEST(stop_words) {
  CHECK(search_is_stop("og", 2));
  CHECK(search_is_stop("på", 3));
  CHECK(search_is_stop("været", 6));
  CHECK(!search_is_stop("barn", 4));
  CHECK(!search_is_stop("o", 1));
  size_t n;
  const char *const *w = search_stop_words(&n);
  CHECK(n > 80);
  for (size_t i = 1; i < n; i++) CHECK(strcmp(w[i - 1], w[i]) < 0); /* sorted, for bsearch */
}

TEST(html_text) {
  sbuf b = SBUF_INIT;
  const char *h = "<h2 id=\"x\">Børn &amp; leg</h2><p>Læs <a href=\"#\">mere</a>&nbsp;her&#33;</p>"
                  "<script>var skjult = 1;</script><!-- kommentar --><p>x &#xE6; &bogus;</p>"
                  "<button type=\"button\">Afspil videoen</button>";
  search_html_text(h, strlen(h), &b);
  CHECK_STR(sbuf_str(&b), "\nBørn & leg\n\nLæs mere\xC2\xA0her!\n\nx æ &bogus;\n");
  sbuf_free(&b);
}

TEST(snowball_danish) {
  stemmer *st = stem_new(NULL);
  CHECK_STR(stem_word(st, "børnenes", 9), "børn");
  CHECK_STR(stem_word(st, "barnet", 6), "barn");
  CHECK_STR(stem_word(st, "forældrene", 11), "forældr");
  CHECK_STR(stem_word(st, "læsning", 8), "læsning");
  CHECK_STR(stem_word(st, "bøger", 6), "bøg");
  stem_free(st);
  stem_free(NULL);
}

static const char *write_tmp(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/klar-irr-%d.txt", (int)getpid());
  fsx_write(path, text, strlen(text));
  return path;
}

TEST(irregular_table_joins_forms) {
  arena *a = arena_new();
  diag *d = diag_new();
  map m = MAP_INIT;
  const char *p = write_tmp("# kommentar\nbarn børn\n\nbog bøger  # bøgerne\n");
  CHECK(stem_irregular_load(a, p, "irr.txt", &m, d));
  CHECK(diag_errors(d) == 0);
  CHECK_STR(map_get(&m, "børn"), "barn");
  CHECK_STR(map_get(&m, "bøg"), "bog");
  CHECK(map_get(&m, "barn") == NULL);
  stemmer *st = stem_new(&m);
  CHECK_STR(stem_word(st, "børnenes", 9), "barn");
  CHECK_STR(stem_word(st, "barnets", 7), "barn");
  CHECK_STR(stem_word(st, "bøgerne", 8), "bog");
  stem_free(st);
  unlink(p);
  map_free(&m);
  diag_free(d);
  arena_free(a);
}

TEST(irregular_table_errors_have_positions) {
  arena *a = arena_new();
  diag *d = diag_new();
  map m = MAP_INIT;
  const char *p = write_tmp("barn børn\nBog bøger\nmand børnene\n");
  CHECK(!stem_irregular_load(a, p, "irr.txt", &m, d));
  char *text = diag_text(d);
  CHECK(strstr(text, "irr.txt:2:1: error: 'Bog' is not a word in lower case") != NULL);
  CHECK(strstr(text, "irr.txt:3:6: error: the form 'børnene' is already joined to another word on line 1") != NULL);
  free(text);
  unlink(p);
  map_free(&m);
  diag_free(d);
  arena_free(a);
}

TEST(shards_cut_by_size_and_named_by_prefix) {
  arena *a = arena_new();
  const char *terms[] = {"barn", "bog", "boks", "bold", "by", "børn", "dag", "dans"};
  size_t sizes[] = {40, 40, 40, 40, 40, 200, 40, 40}, shard_of[8], n;
  const char **keys = search_shard_terms(a, terms, sizes, 8, 100, shard_of, &n);
  /* runs of at most 100 bytes: barn bog | boks bold | by | børn | dag dans */
  CHECK(n == 5);
  CHECK_STR(keys[0], "b");
  CHECK_STR(keys[1], "bok");
  CHECK_STR(keys[2], "by");
  CHECK_STR(keys[3], "bø");
  CHECK_STR(keys[4], "d");
  size_t want[] = {0, 0, 1, 1, 2, 3, 4, 4};
  for (int i = 0; i < 8; i++) CHECK(shard_of[i] == want[i]);
  /* each key sorts after the last term of the shard before it and at or
   * before its own first term: the browser's rule finds every term */
  for (int i = 0; i < 8; i++) {
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
      if (strcmp(keys[j], terms[i]) <= 0) k = j;
    CHECK(k == shard_of[i]);
  }
  arena_free(a);
}

TEST(shards_one_when_small) {
  arena *a = arena_new();
  const char *terms[] = {"a1", "æble", "øre"};
  size_t sizes[] = {1, 1, 1}, shard_of[3], n;
  const char **keys = search_shard_terms(a, terms, sizes, 3, 1000, shard_of, &n);
  CHECK(n == 1);
  CHECK_STR(keys[0], "a");
  CHECK(shard_of[2] == 0);
  search_shard_terms(a, terms, sizes, 0, 1000, shard_of, &n);
  CHECK(n == 0);
  arena_free(a);
}

int main(void) {
  RUN(tokenizer_folds_danish_letters);
  RUN(tokenizer_splits_on_punctuation_and_skips_short);
  RUN(tokenizer_joins_soft_hyphen_and_drops_long_words);
  RUN(tokenizer_keeps_digits_and_other_letters);
  RUN(stop_words);
  RUN(html_text);
  RUN(snowball_danish);
  RUN(irregular_table_joins_forms);
  RUN(irregular_table_errors_have_positions);
  RUN(shards_cut_by_size_and_named_by_prefix);
  RUN(shards_one_when_small);
  return harness_done("search");
}
