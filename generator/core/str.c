/* str: growable buffers and string helpers. */
#include "str.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_grow(sbuf *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void sbuf_put(sbuf *b, const char *s, size_t n) {
  sbuf_grow(b, n);
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

void sbuf_puts(sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

void sbuf_putc(sbuf *b, char c) {
  sbuf_grow(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}

void sbuf_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  sbuf_grow(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

static void put_escaped(sbuf *b, const char *s, size_t n, bool apos) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = apos ? "&#39;" : NULL; break;
    default: break;
    }
    if (rep) {
      sbuf_put(b, s + start, i - start);
      sbuf_puts(b, rep);
      start = i + 1;
    }
  }
  sbuf_put(b, s + start, n - start);
}

void sbuf_put_html(sbuf *b, const char *s, size_t n) { put_escaped(b, s, n, false); }
void sbuf_put_xml(sbuf *b, const char *s, size_t n) { put_escaped(b, s, n, true); }

void sbuf_clear(sbuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

const char *sbuf_str(sbuf *b) { return b->data ? b->data : ""; }

char *sbuf_take(sbuf *b) {
  char *d = b->data ? b->data : xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return d;
}

char *sbuf_dup(sbuf *b, arena *a) { return arena_strndup(a, sbuf_str(b), b->len); }

void sbuf_free(sbuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

bool str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int str_utf8_next(const char **pp, const char *end) {
  const unsigned char *p = (const unsigned char *)*pp;
  if ((const char *)p >= end) return -1;
  unsigned c = p[0];
  int len, cp;
  if (c < 0x80) { *pp += 1; return (int)c; }
  if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
  else return -1;
  if (end - (const char *)p < len) return -1;
  for (int i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  /* Reject overlong forms, surrogates and values past U+10FFFF. */
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  *pp += len;
  return cp;
}

bool str_utf8_valid(const char *s, size_t n, size_t *bad) {
  const char *p = s, *end = s + n;
  while (p < end) {
    if ((unsigned char)*p < 0x80) { p++; continue; }
    if (str_utf8_next(&p, end) < 0) {
      if (bad) *bad = (size_t)(p - s);
      return false;
    }
  }
  return true;
}

void sbuf_put_utf8(sbuf *b, int cp) {
  char t[4];
  size_t n;
  if (cp < 0x80) { t[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { t[0] = (char)(0xC0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
  else if (cp < 0x10000) {
    t[0] = (char)(0xE0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    t[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
  } else {
    t[0] = (char)(0xF0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); t[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
  }
  sbuf_put(b, t, n);
}
