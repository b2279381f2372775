/* Unit tests of core/suggest: the "did you mean" helper. */
#include "harness.h"
#include "core/suggest.h"

TEST(distance_counts_code_points_and_swaps) {
  CHECK(suggest_distance("titel", "title") == 1);              /* a swap */
  CHECK(suggest_distance("Pejlemerker", "Pejlemærker") == 1);  /* æ is one letter */
  CHECK(suggest_distance("ROBUSTHED", "robusthed") == 0);      /* case */
  CHECK(suggest_distance("ÆBLE", "æble") == 0);                /* Danish case */
  CHECK(suggest_distance("", "abc") == 3);
  CHECK(suggest_distance("kitten", "sitting") == 3);
}

TEST(closest_finds_the_typo) {
  const char *fields[] = {"title", "duration", "themes", "format", "stages"};
  CHECK_STR(suggest_closest("titel", fields, 5), "title");
  CHECK_STR(suggest_closest("duratoin", fields, 5), "duration");
  CHECK_STR(suggest_closest("Themes", fields, 5), "themes");
  CHECK(suggest_closest("varighed", fields, 5) == NULL);  /* a Danish word, not a typo */
  CHECK(suggest_closest("x", fields, 5) == NULL);
  CHECK(suggest_closest("title", fields, 5) == NULL);     /* the word itself */
  CHECK(suggest_closest("", fields, 5) == NULL);
  CHECK(suggest_closest("titel", fields, 0) == NULL);
}

TEST(closest_prefers_nearer_then_earlier) {
  const char *vals[] = {"workshop", "oplæg", "oplæst"};
  CHECK_STR(suggest_closest("oplaeg", vals, 3), "oplæg");
  const char *pages[] = {"temaer/robusthed.md", "temaer/vedholdenhed.md"};
  CHECK_STR(suggest_closest("temaer/robusthd.md", pages, 2), "temaer/robusthed.md");
  const char *tie[] = {NULL, "abcx", "abcy"};
  CHECK_STR(suggest_closest("abcz", tie, 3), "abcx");
}

TEST(short_words_need_close_matches) {
  CHECK(suggest_threshold("ab") == 1);
  CHECK(suggest_threshold("titel") == 2);
  CHECK(suggest_threshold("pejlemærker") == 3);
  const char *two[] = {"ab"};
  CHECK(suggest_closest("xy", two, 1) == NULL);
  CHECK_STR(suggest_closest("ac", two, 1), "ab");
}

TEST(invalid_utf8_does_not_crash) {
  const char *c[] = {"l\xe6ring", "læring"};
  CHECK(suggest_distance("l\xe6ring", "læring") == 1);
  CHECK_STR(suggest_closest("laering", c, 2), "l\xe6ring");
}

int main(void) {
  RUN(distance_counts_code_points_and_swaps);
  RUN(closest_finds_the_typo);
  RUN(closest_prefers_nearer_then_earlier);
  RUN(short_words_need_close_matches);
  RUN(invalid_utf8_does_not_crash);
  return harness_done("suggest");
}
