/* Unit tests of the search index's parts: the Danish tokenizer, stop words,
 * HTML to text, the cutter of words straight from HTML (the same words as
 * the tokenizer over the HTML's text), where an excerpt starts, the
 * Snowball stemmer with the irregular table, and the terms' hash and shard
 * (which assets/js/search.js computes too). */
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

/* The words of the text of html, and the words cut from html itself:
 * the same list, as "word word ...". */
static void collect(void *c, const char *w, size_t n, size_t start, size_t end) {
  sbuf *b = c;
  (void)start;
  (void)end;
  if (b->len) sbuf_putc(b, ' ');
  sbuf_put(b, w, n);
}

static bool same_words(const char *html, size_t n) {
  sbuf text = SBUF_INIT, a = SBUF_INIT, b = SBUF_INIT;
  search_html_text(html, n, &text);
  search_tokenize(text.data ? text.data : "", text.len, collect, &a);
  search_html_words(html, n, collect, &b);
  bool same = !strcmp(sbuf_str(&a), sbuf_str(&b));
  if (!same) fprintf(stderr, "html %.*s\n  text words: %s\n  html words: %s\n", (int)n, html, sbuf_str(&a), sbuf_str(&b));
  sbuf_free(&text);
  sbuf_free(&a);
  sbuf_free(&b);
  return same;
}

TEST(html_words_are_the_texts_words) {
  const char *cases[] = {
      "<h2 id=\"x\">Børn &amp; leg</h2><p>Læs <a href=\"#\">mere</a>&nbsp;her&#33;</p>",
      "<p>fo<em>o</em>bar <strong>BØRNENES</strong> dag&shy;til&shy;bud dag\xC2\xAD" "pleje</p>",
      "<p>x &#xE6;ble &#230;ble &#xD800;y &#0;z &bogus; a&lt;b&gt;c &quot;d&quot;</p>",
      "<script>var skjult = 1;</script><!-- kom<p>mentar -->tekst<style>p{}</style>ord",
      "<button type=\"button\">Afspil videoen</button>efter<button>aldrig lukket",
      "<p>ab</p><li>cd</li>ef<br>gh<td>ij</td>kl<span>mn</span>op",
      "a < b og c > d, <3 og <>, <!-- uden slut",
      "Café 2027 naïve Ελλάδα ÆØÅ×÷ Ǆ \xF0\x9F\x98\x80smil",
      "\xFF\xFE ugyldig \xC3 \xC3\x28 \xE2\x80 ord",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "<SCRIPT>x y</SCRIPT>z <P>w</P> <Br/>v",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) CHECK(same_words(cases[i], strlen(cases[i])));
  /* And pieces of all that in random order: the two ways must never part. */
  const char *bits[] = {"<p>", "</p>", "<em>", "</em>", "<!-- x -->", "<!--", "-->", "<script>a b</script>",
                        "<script>", "</script>", "&amp;", "&shy;", "&#230;", "&#xD800;", "&bogus;", "&nbsp;",
                        "&", "Æble", "børn", " ", "-", "\xC2\xAD", "<", ">", "naïve", "Ελ", "a", "bc", "\xFF",
                        "<button>x</button>", "<br>", "ÅÉ", "×", "<a href=\"x>y\">", "\xC3", "\xE2\x80\xA6"};
  unsigned seed = 12345;
  for (int round = 0; round < 3000; round++) {
    sbuf h = SBUF_INIT;
    int k = 1 + round % 25;
    for (int i = 0; i < k; i++) {
      seed = seed * 1103515245u + 12345u;
      sbuf_puts(&h, bits[(seed >> 16) % (sizeof bits / sizeof bits[0])]);
    }
    bool ok = same_words(sbuf_str(&h), h.len);
    CHECK(ok);
    sbuf_free(&h);
    if (!ok) break;
  }
}

TEST(html_words_offsets_are_in_the_html) {
  words ws = {SBUF_INIT};
  const char *h = "<p>Et <em>BARN</em> &amp; b&oslash;rn</p>";
  search_html_words(h, strlen(h), on_word, &ws);
  CHECK_STR(sbuf_str(&ws.all), "et@3-5 barn@10-19 oslash@28-34 rn@35-37"); /* barn ends at the space: <em> does not end a word */
  sbuf_free(&ws.all);
}

TEST(excerpt_starts_at_the_paragraph_or_in_the_text) {
  bool mid;
  const char *h = "<h2>Overskrift</h2>\n<p>Kort <a href=\"x\">led</a> og ordet her</p>";
  size_t off = (size_t)(strstr(h, "ordet") - h);
  CHECK(search_html_block_start(h, off, 600, 80, &mid) == (size_t)(strstr(h, "<p>") - h));
  CHECK(!mid);
  /* At the very start, no block: the start of the HTML. */
  CHECK(search_html_block_start("to ord", 3, 600, 80, &mid) == 0);
  CHECK(!mid);
  /* A long paragraph: in the middle, at a space, with text enough before. */
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "<p>");
  for (int i = 0; i < 40; i++) sbuf_puts(&b, "lang tekst ");
  size_t w = b.len;
  sbuf_puts(&b, "ordet</p>");
  size_t at = search_html_block_start(b.data, w, 600, 80, &mid);
  CHECK(mid);
  CHECK(b.data[at] == ' ' && w - at >= 80 && w - at < 100);
  /* Inside a long tag when the limit is reached: after its end. */
  sbuf_clear(&b);
  sbuf_puts(&b, "<p>x <a href=\"");
  for (int i = 0; i < 100; i++) sbuf_puts(&b, "abcdefgh");
  sbuf_puts(&b, "\">led</a> ordet");
  w = b.len - 5;
  at = search_html_block_start(b.data, w, 600, 80, &mid);
  CHECK(mid);
  CHECK(!strncmp(b.data + at, "led</a>", 7));
  sbuf_free(&b);
}

/* The hash of the terms and their shard, as search.js computes them (its
 * own check runs over every term in tests/search). */
TEST(term_hash_and_shard) {
  CHECK(search_hash("", 0) == 2166136261u);
  CHECK(search_hash("a", 1) == 0xe40c292cu);   /* FNV-1a's published value */
  CHECK(search_hash("foobar", 6) == 0xbf9cf968u);
  CHECK(search_shard_of(0, 7) == 0);
  CHECK(search_shard_of(0xFFFFFFFFu, 7) == 6);
  CHECK(search_shard_of(0x80000000u, 2) == 1);
  CHECK(search_shard_of(0x7FFFFFFFu, 2) == 0);
  CHECK(search_shard_of(123456789u, 1) == 0);
  /* In order: a higher hash never has a lower shard. */
  size_t last = 0;
  for (unsigned h = 0; h < 0xFFFF0000u; h += 0x10000u) {
    size_t k = search_shard_of(h, 4099);
    CHECK(k >= last && k < 4099);
    last = k;
  }
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
  RUN(html_words_are_the_texts_words);
  RUN(html_words_offsets_are_in_the_html);
  RUN(excerpt_starts_at_the_paragraph_or_in_the_text);
  RUN(term_hash_and_shard);
  return harness_done("search");
}
