/* search: the site's Danish search index, made at build time. From each
 * page's main content (the Markdown body's HTML and chosen front matter
 * fields, never the header, footer or menus the layout adds) it makes a term
 * index of Snowball stems (site/stem), split into small JavaScript shards by
 * ranges of the stems' hash, so that a query loads only the shards of its
 * terms, found without a look-up.
 * The files go below OUT/soeg/indeks/ (SEARCH_DIR) and are loaded by
 * assets/js/search.js with script tags, so the search page works from
 * file:// as well. The output is the same bytes whatever the thread count. */
#ifndef KLAR_SEARCH_H
#define KLAR_SEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/diag.h"
#include "../core/str.h"
#include "../model/model.h"
#include "stem.h"

/* Below the output folder: where the index goes. */
#define SEARCH_DIR "soeg/indeks"
/* The table of irregular forms, below layouts/. */
#define SEARCH_IRREGULAR "search/irregular-da.txt"

/* Called by search_tokenize for each word: the word lower-cased (n bytes,
 * valid until the next call) and the byte range [start, end) it came from. */
typedef void (*search_token_fn)(void *ctx, const char *word, size_t n, size_t start, size_t end);

/* Splits the UTF-8 text t (n bytes) into words: runs of letters (a-z, æ ø å
 * and the other Latin-1 letters, letters beyond Latin-1 as they are) and
 * digits, lower-cased; a soft hyphen inside a word is dropped, every other
 * character separates words. Words of one character and words longer than
 * 40 bytes are skipped. The same rules are in assets/js/search.js. */
void search_tokenize(const char *t, size_t n, search_token_fn fn, void *ctx);
/* Calls fn for the words of the HTML fragment html (n bytes) exactly as
 * search_tokenize would for its text (search_html_text), but in one pass
 * and with start and end as byte offsets in the HTML. */
void search_html_words(const char *html, size_t n, search_token_fn fn, void *ctx);
/* True when the lower-case word is a Danish stop word (og, i, at ...), which
 * the index leaves out. */
bool search_is_stop(const char *w, size_t n);
/* The stop words, sorted; their count in *n. Static: nobody frees them. */
const char *const *search_stop_words(size_t *n);
/* Appends the text of an HTML fragment (a page body as md renders it) to
 * out: tags dropped (a block element ends with a newline), the usual
 * character references decoded, script, style and button contents left out. */
void search_html_text(const char *html, size_t n, sbuf *out);
/* search_html_text that stops once out holds max bytes or more (never
 * inside a tag or character reference). */
void search_html_text_max(const char *html, size_t n, sbuf *out, size_t max);
/* Where the text around byte off of html (outside any tag) begins for an
 * excerpt: the start of the block element (paragraph, list item, heading
 * ...) it is in when that starts within the text bytes before it and at
 * most back bytes of HTML before it, or the start of html; else, with *mid
 * set, a place in the middle of the text (at a space, or after a tag) with
 * at least those text bytes before off where there are. */
size_t search_html_block_start(const char *html, size_t off, size_t back, size_t text, bool *mid);

/* What a page gives the index: besides its text, the label of its type in
 * Danish ("Forslag", "Pixi-guide", "Oversigt") and its life stages
 * ("Børnehave, Skolestart"), or NULL. Strings in arena a. */
const char *search_type_label(const site *s, const page *p);
const char *search_stages(const site *s, const page *p, arena *a);

/* Writes the index of site s (its Markdown stage done: s->md set) below
 * out/SEARCH_DIR on `jobs` threads: the start file with the shards' list,
 * the stop words and the irregular table, one file per shard and the page
 * files. The irregular table is read from layouts/SEARCH_IRREGULAR when it
 * is there. With out NULL (klar check) nothing is made. site.yaml's
 * `search: false` turns the index off. Errors go to d; returns false after
 * errors. */
bool search_write(const site *s, const char *out, int jobs, diag *d);

/* The hash of the n bytes of a stem (32-bit FNV-1a), which orders the
 * index's terms and names their shard; search.js computes the same. */
unsigned search_hash(const char *s, size_t n);
/* The shard of a term with that hash when there are nshards: the range of
 * the hash cut in nshards equal parts, in order. */
size_t search_shard_of(unsigned hash, size_t nshards);

#endif
