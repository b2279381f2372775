/* cssmin: comments and whitespace out of a stylesheet, meaning kept.
 *
 * Whitespace (and a comment, which counts as whitespace) is dropped where the
 * grammar cannot see it: at the start and end, next to { } ; , > and after
 * : ( and before ). It is kept as one space everywhere else, notably before ":" and "(",
 * where it changes meaning (".a :hover" is not ".a:hover", "and (" is not the
 * function "and("), after ")" (":not(.a) .b" is not ":not(.a).b"), and around
 * + - * / (calc() needs them). */
#include "cssmin.h"
#include <stdbool.h>
#include <string.h>

/* Characters after which a space never matters. */
static bool eats_after(char c) { return c && strchr("{};,>:(", c) != NULL; }
/* Characters before which a space never matters. */
static bool eats_before(char c) { return c && strchr("{};,>)", c) != NULL; }

static bool ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c >= 0x80;
}

/* True when "url(" starts at i, not as the tail of a longer name. */
static bool url_at(const char *s, size_t i, size_t n) {
  if (i + 4 > n) return false;
  if (i > 0 && ident_char((unsigned char)s[i - 1])) return false;
  return (s[i] | 0x20) == 'u' && (s[i + 1] | 0x20) == 'r' && (s[i + 2] | 0x20) == 'l' && s[i + 3] == '(';
}

/* Copies the string that opens with the quote at s[*r] to s[*w], escapes
 * included, up to and with its closing quote (or the end). */
static void copy_string(char *s, size_t n, size_t *r, size_t *w) {
  char q = s[*r];
  s[(*w)++] = s[(*r)++];
  while (*r < n) {
    char c = s[(*r)++];
    s[(*w)++] = c;
    if (c == '\\' && *r < n) s[(*w)++] = s[(*r)++];
    else if (c == q || c == '\n') return;
  }
}

size_t cssmin_minify(char *s, size_t n) {
  size_t r = 0, w = 0;
  bool space = false; /* whitespace seen since the last byte written */
  while (r < n) {
    char c = s[r];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = true;
      r++;
      continue;
    }
    if (c == '/' && r + 1 < n && s[r + 1] == '*') {
      const char *end = NULL;
      for (size_t i = r + 2; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '/') { end = s + i; break; }
      r = end ? (size_t)(end - s) + 2 : n;
      space = true;
      continue;
    }
    char last = w ? s[w - 1] : 0;
    if (space && w && !eats_after(last) && !eats_before(c)) s[w++] = ' ';
    space = false;
    if (c == '}' && last == ';' && !(w >= 2 && s[w - 2] == '\\')) w--; /* "a:b;}" → "a:b}" */
    if (c == '"' || c == '\'') {
      copy_string(s, n, &r, &w);
    } else if (url_at(s, r, n)) {
      /* url(...) as it is, quotes and spaces inside included */
      for (int k = 0; k < 4; k++) s[w++] = s[r++];
      while (r < n && s[r] != ')') {
        if (s[r] == '"' || s[r] == '\'') copy_string(s, n, &r, &w);
        else if (s[r] == '\\' && r + 1 < n) { s[w++] = s[r++]; s[w++] = s[r++]; }
        else s[w++] = s[r++];
      }
      if (r < n) s[w++] = s[r++];
    } else if (c == '\\' && r + 1 < n) {
      s[w++] = s[r++];
      s[w++] = s[r++];
    } else {
      s[w++] = s[r++];
    }
  }
  return w;
}
