/* Unit tests of site/cssmin: comments and whitespace go, meaning stays.
 * Each case is a stylesheet and the exact bytes it must minify to. */
#include "harness.h"
#include "site/cssmin.h"
#include <stdlib.h>

/* Minifies src in a copy and returns it NUL-terminated (static buffer). */
static const char *min(const char *src) {
  static char buf[4096];
  size_t n = strlen(src);
  memcpy(buf, src, n);
  n = cssmin_minify(buf, n);
  buf[n] = 0;
  return buf;
}

TEST(comments_and_whitespace) {
  CHECK_STR(min("/* tokens */\n:root {\n  --ink: #1c2430;  /* text */\n}\n"), ":root{--ink:#1c2430}");
  CHECK_STR(min("a , b > c { color: red ; margin: 0 auto ; }"), "a,b>c{color:red;margin:0 auto}");
  /* before ":" a space is kept everywhere, as in a selector, where it matters */
  CHECK_STR(min("a { color : red }"), "a{color :red}");
  CHECK_STR(min("  \n\t"), "");
  CHECK_STR(min("a{}/* end */"), "a{}");
}

/* A space before ":" and "(" and after ")" is a descendant combinator or
 * keeps a keyword from becoming a function: it must stay. */
TEST(spaces_that_mean_something) {
  CHECK_STR(min(".site-footer :focus-visible { outline: 0 }"), ".site-footer :focus-visible{outline:0}");
  CHECK_STR(min("@media screen and (min-width: 40em) { a { b: c } }"), "@media screen and (min-width:40em){a{b:c}}");
  CHECK_STR(min(".x:not(.y) .z { top: 0 }"), ".x:not(.y) .z{top:0}");
  CHECK_STR(min("a { width: calc(50% - 50vw + 1.5rem); }"), "a{width:calc(50% - 50vw + 1.5rem)}");
  CHECK_STR(min("a { grid-template-columns: repeat(2, 1fr) minmax(0, 1fr) }"),
            "a{grid-template-columns:repeat(2,1fr) minmax(0,1fr)}");
  CHECK_STR(min("a { b: c !important }"), "a{b:c !important}");
}

TEST(strings_kept) {
  CHECK_STR(min("a::after { content: \" /* not a comment */  ; } \"; }"),
            "a::after{content:\" /* not a comment */  ; } \"}");
  CHECK_STR(min("a { content: '\\'  x' }"), "a{content:'\\'  x'}");
  CHECK_STR(min("q::before { content: \"a\\\"  b\" }"), "q::before{content:\"a\\\"  b\"}");
  CHECK_STR(min("a { font-family: \"Noto Sans\", \"Segoe UI\", sans-serif }"),
            "a{font-family:\"Noto Sans\",\"Segoe UI\",sans-serif}");
}

TEST(urls_kept) {
  CHECK_STR(min("a { background: url(data:image/svg+xml,%3Csvg x='1'%3E) center / 100% no-repeat; }"),
            "a{background:url(data:image/svg+xml,%3Csvg x='1'%3E) center / 100% no-repeat}");
  CHECK_STR(min("@font-face { src: url( \"../fonts/a b.woff2\" ) format(\"woff2\"); }"),
            "@font-face{src:url( \"../fonts/a b.woff2\" ) format(\"woff2\")}");
  CHECK_STR(min("a { b: url(x/*y*/z.png) }"), "a{b:url(x/*y*/z.png)}");
  /* not a url(: a longer name that ends in url */
  CHECK_STR(min("a { b: myurl( 1 ) }"), "a{b:myurl(1)}");
}

/* Broken input never reads past the end or grows. */
TEST(unterminated) {
  CHECK_STR(min("a { b: c } /* open"), "a{b:c}");
  CHECK_STR(min("a { content: \"open"), "a{content:\"open");
  CHECK_STR(min("a { b: url(open"), "a{b:url(open");
  CHECK_STR(min("a\\"), "a\\");
  CHECK_STR(min("/"), "/");
  char buf[] = "x { y: z; }";
  CHECK(cssmin_minify(buf, 0) == 0);
}

/* The result is never longer than the input, for any mix of the bytes
 * that matter (in place is safe). */
TEST(never_grows) {
  const char alphabet[] = " \n/*\"'\\(){};:,>url-a";
  char buf[64], copy[64];
  unsigned seed = 1;
  for (int t = 0; t < 20000; t++) {
    size_t n = (size_t)(t % 40);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    memcpy(copy, buf, n);
    size_t m = cssmin_minify(buf, n);
    CHECK(m <= n);
  }
}

int main(void) {
  RUN(comments_and_whitespace);
  RUN(spaces_that_mean_something);
  RUN(strings_kept);
  RUN(urls_kept);
  RUN(unterminated);
  RUN(never_grows);
  return harness_done("cssmin");
}
