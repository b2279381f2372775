/* search: the site's Danish search index, made at build time. From each
 * page's main content (the Markdown body's HTML and chosen front matter
 * fields, never the header, footer or menus the layout adds) it makes a term
 * index of Snowball stems (site/stem), split into small JavaScript shards by
 * ranges of stems named by their prefixes, so that a query loads only the shards of its terms.
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
/* True when the lower-case word is a Danish stop word (og, i, at ...), which
 * the index leaves out. */
bool search_is_stop(const char *w, size_t n);
/* The stop words, sorted; their count in *n. Static: nobody frees them. */
const char *const *search_stop_words(size_t *n);
/* Appends the text of an HTML fragment (a page body as md renders it) to
 * out: tags dropped (a block element ends with a newline), the usual
 * character references decoded, script, style and button contents left out. */
void search_html_text(const char *html, size_t n, sbuf *out);

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

/* The shard writer's cut, on its own for tests: the terms (sorted by
 * bytes, with the byte size of each one's entry) are cut into runs of at
 * most limit bytes (a term larger than limit makes a shard alone), and
 * each run is named by a prefix: the shortest prefix, in whole characters,
 * of its first term that sorts after the run before. A stem's shard is the
 * last one whose prefix sorts at or before it, so the browser needs only the
 * prefixes to load the one shard of a term. Each term gets the index of its
 * shard in shard_of; the prefixes are returned in arena a, in order, with
 * their count in *nshards. */
const char **search_shard_terms(arena *a, const char *const *terms, const size_t *sizes, size_t n, size_t limit,
                                size_t *shard_of, size_t *nshards);

#endif
