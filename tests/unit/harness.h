/* A tiny test harness: each tests/unit/NAME_test.c is one program.
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(name); return harness_done("NAME"); }
 * Every program ends with "N passed, N failed" as the runner expects. */
#ifndef KLAR_HARNESS_H
#define KLAR_HARNESS_H
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed, harness_cur_failed;

#define TEST(name) static void test_##name(void)
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      harness_cur_failed = 1;                                                \
    }                                                                        \
  } while (0)
#define CHECK_STR(got, want)                                                 \
  do {                                                                       \
    const char *g_ = (got), *w_ = (want);                                    \
    if (!g_ || strcmp(g_, w_) != 0) {                                        \
      fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
              g_ ? g_ : "(null)", w_);                                       \
      harness_cur_failed = 1;                                                \
    }                                                                        \
  } while (0)
#define RUN(name)                                                            \
  do {                                                                       \
    harness_cur_failed = 0;                                                  \
    test_##name();                                                           \
    if (harness_cur_failed) {                                                \
      harness_failed++;                                                      \
      fprintf(stderr, "FAIL %s\n", #name);                                   \
    } else {                                                                 \
      harness_passed++;                                                      \
    }                                                                        \
  } while (0)

static inline int harness_done(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, harness_passed, harness_failed);
  return harness_failed ? 1 : 0;
}
#endif
