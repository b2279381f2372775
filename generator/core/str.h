/* str: a growable byte buffer (sbuf) and small string helpers. An sbuf owns
 * its heap memory until sbuf_free or sbuf_take; its data is always
 * NUL-terminated. */
#ifndef KLAR_STR_H
#define KLAR_STR_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

typedef struct sbuf {
  char *data; /* NUL-terminated; NULL until the first append */
  size_t len, cap;
} sbuf;

#define SBUF_INIT {NULL, 0, 0}

void sbuf_grow(sbuf *b, size_t extra);
void sbuf_put(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_putc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " escaped for HTML text and attribute values. */
void sbuf_put_html(sbuf *b, const char *s, size_t n);
/* Appends s escaped for XML (as sbuf_put_html, plus ' as &#39;). */
void sbuf_put_xml(sbuf *b, const char *s, size_t n);
void sbuf_clear(sbuf *b);
/* Returns the data ("" if empty, never NULL); the buffer keeps owning it. */
const char *sbuf_str(sbuf *b);
/* Returns the data, which the caller now owns (free); the buffer is empty. */
char *sbuf_take(sbuf *b);
/* Copies the data into arena a and returns it. */
char *sbuf_dup(sbuf *b, arena *a);
void sbuf_free(sbuf *b);

bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Returns true if the n bytes at s are valid UTF-8; on false, *bad is the
 * offset of the first invalid byte. */
bool str_utf8_valid(const char *s, size_t n, size_t *bad);
/* Decodes one UTF-8 code point at *p (advancing it); returns -1 on a bad byte. */
int str_utf8_next(const char **p, const char *end);
/* Appends code point cp encoded as UTF-8. */
void sbuf_put_utf8(sbuf *b, int cp);

#endif
