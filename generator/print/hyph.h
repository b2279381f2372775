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
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/str.h"

/* The Danish pattern file (package hyphen-da). */
#define HYPH_DA_DICT "/usr/share/hyphen/hyph_da_DK.dic"

/* Loads the patterns once per process; returns false when the file cannot be
 * read (the caller reports it). Safe to call from any thread, any number of
 * times. */
bool hyph_load(void);

/* A site's own hyphenation list (layouts/print/hyphenation-da.txt): one
 * word a line with '-' at each allowed break, '#' starts a comment. A word
 * also rules the forms that begin with it ("lo-kal-om-rå-de" gives
 * "lo-kal-om-rå-det", the ending broken by the patterns), the longest
 * matching word winning; a word written without '-' (a name, say) is never
 * broken inside it. Built-in Danish compounds come first; the site's list
 * overrides them. */
typedef struct hyph_list hyph_list;

/* Reads path into a list in the arena. A missing file is no list (NULL,
 * nothing reported); a line that is not a word is reported as a warning at
 * shown:line:col (the path as the user knows it) and skipped. */
hyph_list *hyph_list_load(arena *a, const char *path, const char *shown, diag *d);

/* Appends the n bytes of UTF-8 text at s to out with a soft hyphen at every
 * break point of every word of five letters or more: at least two letters
 * stay before a break and three after it. Words with characters outside
 * Latin-1, and text when the patterns are not loaded, are copied unchanged. */
void hyph_put(sbuf *out, const char *s, size_t n);
/* The same with a site's list (NULL: the built-in list only). Besides the
 * list's words, whitespace-separated tokens that are e-mail addresses
 * (with '@') or web addresses ("://", "www.") are copied unbroken: a
 * proof-reader sends back "he-densted.dk". */
void hyph_put_list(const hyph_list *list, sbuf *out, const char *s, size_t n);

#endif
