/* hyph: Danish hyphenation for print. Words are hyphenated with the
 * hyphen-da patterns through libhyphen (the pattern file is ISO-8859-1, so
 * each word is converted to Latin-1 and the positions mapped back) and an
 * exception list for compounds the patterns miss; the break points become
 * soft hyphens (U+00AD) in the text given to Pango, which breaks there and
 * draws the hyphen. Thread-safe: the dictionary is loaded once and only read. */
#ifndef KLAR_HYPH_H
#define KLAR_HYPH_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/str.h"

/* The Danish pattern file (package hyphen-da). */
#define HYPH_DA_DICT "/usr/share/hyphen/hyph_da_DK.dic"

/* Loads the patterns once per process; returns false when the file cannot be
 * read (the caller reports it). Safe to call from any thread, any number of
 * times. */
bool hyph_load(void);

/* Appends the n bytes of UTF-8 text at s to out with a soft hyphen at every
 * break point of every word of five letters or more: at least two letters
 * stay before a break and three after it. Words with characters outside
 * Latin-1, and text when the patterns are not loaded, are copied unchanged. */
void hyph_put(sbuf *out, const char *s, size_t n);

#endif
