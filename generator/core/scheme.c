/* scheme: the URL schemes content may not use, read as a browser does. */
#include "msg.h"
#include "scheme.h"
#include <stdbool.h>
#include <string.h>

static const char *const unsafe[] = {"javascript:", "vbscript:", "data:"};

/* Feeds code point c to the scheme reader; returns false once the reader
 * has decided (*hit then says what it found, or NULL). */
typedef struct reader {
  char buf[16];
  size_t len;
  bool started;
  const char *hit;
} reader;

static bool feed(reader *r, unsigned c) {
  if (!r->started && c <= 0x20) return true; /* leading spaces and controls */
  r->started = true;
  if (c == '\t' || c == '\n' || c == '\r') return true; /* dropped anywhere */
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c >= 0x80 || r->len + 1 >= sizeof r->buf) return false;
  r->buf[r->len++] = (char)c;
  r->buf[r->len] = 0;
  bool prefix = false;
  for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
    if (!strcmp(r->buf, unsafe[i])) {
      r->hit = unsafe[i];
      return false;
    }
    if (!strncmp(unsafe[i], r->buf, r->len)) prefix = true;
  }
  return prefix;
}

const char *scheme_unsafe(const char *u, size_t n) {
  reader r = {0};
  for (size_t i = 0; i < n && feed(&r, (unsigned char)u[i]); i++) {
  }
  return r.hit;
}

/* Reads a character reference at v[i] ('&'); returns its code point and sets
 * *len to its length, or returns -1 when it is not one the scheme could be
 * hidden by. Numeric references may lack their ';', as browsers allow. */
static long reference(const char *v, size_t n, size_t i, size_t *len) {
  static const struct { const char *name; long cp; } named[] = {
      {"&Tab;", '\t'}, {"&NewLine;", '\n'}, {"&colon;", ':'}, {"&lpar;", '('}, {"&rpar;", ')'},
      {"&amp;", '&'},  {"&quot;", '"'},     {"&apos;", '\''}, {"&lt;", '<'},   {"&gt;", '>'}};
  if (i + 1 < n && v[i + 1] == '#') {
    size_t k = i + 2;
    bool hex = k < n && (v[k] == 'x' || v[k] == 'X');
    if (hex) k++;
    long cp = 0;
    size_t digits = 0;
    for (; k < n; k++, digits++) {
      char c = v[k];
      int d = c >= '0' && c <= '9' ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : -1;
      if (d < 0) break;
      if (cp < 0x110000) cp = cp * (hex ? 16 : 10) + d;
    }
    if (!digits) return -1;
    if (k < n && v[k] == ';') k++;
    *len = k - i;
    return cp;
  }
  for (size_t j = 0; j < sizeof named / sizeof *named; j++) {
    size_t l = strlen(named[j].name);
    if (i + l <= n && !memcmp(v + i, named[j].name, l)) {
      *len = l;
      return named[j].cp;
    }
  }
  return -1;
}

const char *scheme_unsafe_attr(const char *v, size_t n) {
  reader r = {0};
  for (size_t i = 0; i < n;) {
    unsigned c = (unsigned char)v[i];
    size_t len = 1;
    if (c == '&') {
      long cp = reference(v, n, i, &len);
      if (cp >= 0) c = cp > 0xFFFF ? 0xFFFF : (unsigned)cp;
      else len = 1;
    }
    if (!feed(&r, c)) break;
    i += len;
  }
  return r.hit;
}

const char *scheme_advice(const char *scheme) {
  /* Half of a message: translated here, as diag translates only the
   * format it is given. */
  if (scheme && scheme[0] == 'd')
    return msg_tr("it can hide a script or a whole page; put the file beside the page and link to it by "
                  "name instead");
  return msg_tr("it runs a script in the reader's browser; link to a page or an https:// address instead");
}
