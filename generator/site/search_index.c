/* search_index: the term index of the search, made from every page's words
 * (search.c) and written as JavaScript shards. Pages are read on the pool,
 * each into its own record; the records are merged in site order, so the
 * files are the same bytes whatever the thread count.
 *
 * Files, below OUT/soeg/indeks/:
 *   start.js   klarSearch.start({n, g, k, kf, s: [shard prefixes], stop: [...], irr: {stem: stem},
 *                                 l: [type labels and stages]})
 *   k-N.js     klarSearch.keys(N, [shard prefixes]): only on a large site (kf > 0), where
 *              start.js lists the first prefix of each k file
 *   t-PFX.js   klarSearch.shard("PFX", {stem: [postings, {id: excerpt}]}), or
 *              [postings] alone when none of the term's best pages gives it an excerpt
 *   p-N.js     klarSearch.pages(N, [[title, url, type, stages], ...]), g pages a file
 * (type and stages: places in l, -1 for none)
 * A term's postings are one string: per page the difference to the page
 * before (variable length, base 32) and a weight (0-63), in the alphabet
 * ALPHA. The k best pages of a term have their excerpt in the term's shard,
 * up to EXCERPTS_PER_PAGE a page (the page's text is not stored whole);
 * a result's title and URL are in its page file. A one-word query on a
 * small site loads four files: search.js, start.js, one shard and the one
 * page file. */
#include "search.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/vec.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
#define TOP_K 5           /* excerpts per term: the first screen of results */
/* Excerpts a page gives at most: to the words it is among the TOP_K best
 * pages of, the words on most pages first (those a parent searches for),
 * then in the page's order. An excerpt for each of a word's best pages
 * stored the page's text several times over: on the generated benchmark
 * site (a third of its text made-up words on a few pages each) 800,000
 * excerpts, twice the size of the Markdown, and an index build that took
 * twice klar's own time. A result without one shows no excerpt. */
#define EXCERPTS_PER_PAGE 12
#define SHARD_LIMIT 8000  /* bytes a shard may reach before it is split */
/* Pages a page file holds: a small site has one, a large one files of 32
 * pages, so a result loads little more than its own title and URL. */
#define PAGES_ONE_FILE 256
#define PAGES_PER_FILE 32
#define KEYS_PER_FILE 256 /* shard prefixes per key file, on a large site */
#define EXCERPT 110       /* bytes of an excerpt, about 16 words */

enum { IN_BODY = 0, IN_TITLE = 1, IN_FIELD = 2 };

struct gterm;
typedef struct pterm {
  const char *stem;
  struct gterm *g; /* its term in the merge */
  unsigned hash;   /* map_hash of stem */
  int tf;         /* in the body */
  bool title, field;
  long off;       /* first place in the body text, -1 when not there */
} pterm;

typedef struct pdoc {
  bool indexed;
  int id;             /* among the indexed pages, in site order */
  int label_at, stages_at; /* their places in the start file's table of labels, -1: none */
  const char *text;   /* the body as text */
  size_t tlen;
  const char *lead;   /* summary: the excerpt when a term is not in the body */
  const char *label, *stages;
  pterm *terms; size_t nterms;
  int words;
} pdoc;

typedef struct index_shared {
  const site *s;
  const map *irregular;
  pdoc *docs;
} index_shared;

/* A table of stems that keeps each one's hash beside its slot, so that a
 * lookup reads a key only when the hashes match: core's map compares keys
 * at every probe, and with a key in a different cache line each time that
 * was most of the merge's second (several million lookups on the benchmark
 * site). Slots hold an index + 1 into the caller's array; the caller finds
 * the stem of an index through stem_at. */
typedef struct stab {
  unsigned *hash, *slot;
  size_t nslots, n;
} stab;

typedef const char *(*stab_key_fn)(const void *items, unsigned at);

/* The slot of stem (hash h): where it is, or the empty slot it would go to. */
static size_t stab_find(const stab *t, const char *stem, unsigned h, stab_key_fn key, const void *items) {
  size_t mask = t->nslots - 1, i = h & mask;
  while (t->slot[i] && !(t->hash[i] == h && strcmp(key(items, t->slot[i] - 1), stem) == 0)) i = (i + 1) & mask;
  return i;
}

/* Makes room for one more, doubling the slots at half full. */
static void stab_room(stab *t) {
  if ((t->n + 1) * 2 <= t->nslots) return;
  size_t n = t->nslots ? t->nslots * 2 : 1024;
  unsigned *hash = xcalloc(n, sizeof *hash), *slot = xcalloc(n, sizeof *slot);
  for (size_t i = 0; i < t->nslots; i++) {
    if (!t->slot[i]) continue;
    size_t j = t->hash[i] & (n - 1);
    while (slot[j]) j = (j + 1) & (n - 1);
    slot[j] = t->slot[i], hash[j] = t->hash[i];
  }
  free(t->hash);
  free(t->slot);
  t->hash = hash, t->slot = slot, t->nslots = n;
}

static void stab_clear(stab *t) {
  if (t->nslots) memset(t->slot, 0, t->nslots * sizeof *t->slot);
  t->n = 0;
}

static void stab_free(stab *t) {
  free(t->hash);
  free(t->slot);
}

/* What a word is for the index: its stem and the stem's hash, or stem NULL
 * for a stop word. The worker keeps one for each word it has met, so that
 * the stop word list (a binary search), the stemmer and the irregular table
 * see each word once, not every time it occurs: 8 million words on the
 * benchmark site, a few hundred thousand of them different. */
typedef struct wordinfo {
  const char *word; /* in the worker's arena */
  size_t n;
  const char *stem;
  unsigned hash;
} wordinfo;

typedef struct index_worker {
  stemmer *st;
  arena *keep;
  stab seen; /* the page's stems, kept from page to page for its room */
  stab words; /* the words met → index + 1 in known */
  VEC(wordinfo) known;
} index_worker;

/* FNV-1a of n bytes, as map_hash. */
static unsigned hash_bytes(const char *s, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* The worker's wordinfo of the lower-case word w (n bytes). */
static const wordinfo *word_info(index_worker *w, const char *word, size_t n) {
  unsigned h = hash_bytes(word, n);
  stab *t = &w->words;
  stab_room(t);
  size_t mask = t->nslots - 1, i = h & mask;
  for (; t->slot[i]; i = (i + 1) & mask) {
    const wordinfo *k = &w->known.items[t->slot[i] - 1];
    if (t->hash[i] == h && k->n == n && memcmp(k->word, word, n) == 0) return k;
  }
  wordinfo k = {arena_strndup(w->keep, word, n), n, NULL, 0};
  if (!search_is_stop(word, n)) {
    k.stem = arena_strdup(w->keep, stem_word(w->st, word, n));
    k.hash = map_hash(k.stem);
  }
  vec_push(&w->known, k);
  t->slot[i] = (unsigned)w->known.n, t->hash[i] = h, t->n++;
  return &w->known.items[w->known.n - 1];
}

typedef struct page_ctx {
  index_worker *w;
  VEC(pterm) terms;
  int where;
  int words;
} page_ctx;

static const char *pterm_key(const void *items, unsigned at) {
  return ((const pterm *)items)[at].stem;
}

static void on_word(void *ctx, const char *word, size_t n, size_t start, size_t end) {
  page_ctx *c = ctx;
  (void)end;
  const wordinfo *k = word_info(c->w, word, n);
  if (!k->stem) return;
  const char *stem = k->stem;
  unsigned h = k->hash;
  stab *seen = &c->w->seen;
  stab_room(seen);
  size_t i = stab_find(seen, stem, h, pterm_key, c->terms.items);
  size_t at = seen->slot[i];
  if (!at) {
    pterm t = {stem, NULL, h, 0, false, false, -1};
    vec_push(&c->terms, t);
    at = c->terms.n;
    seen->slot[i] = (unsigned)at, seen->hash[i] = h, seen->n++;
  }
  pterm *t = &c->terms.items[at - 1];
  if (c->where == IN_TITLE) t->title = true;
  else if (c->where == IN_FIELD) t->field = true;
  else {
    if (t->off < 0) t->off = (long)start;
    t->tf++;
    c->words++;
  }
}

static void words_of(page_ctx *c, int where, const char *text) {
  if (!text) return;
  c->where = where;
  search_tokenize(text, strlen(text), on_word, c);
}

/* Pages a parent looks for: those with a body of their own. Lists the
 * model makes up (taxonomies, terms) and the 404 page have none. */
static bool indexable(const page *p) {
  if (p->kind == PAGE_TAXONOMY || p->kind == PAGE_TERM || !p->src) return false;
  const val *v = val_get(p->fm, "search");
  return !(v && v->kind == VAL_BOOL && !v->u.b);
}

static void index_one(void *sh, void *wk, size_t i) {
  index_shared *is = sh;
  index_worker *w = wk;
  const page *p = is->s->all.items[i];
  pdoc *d = &is->docs[i];
  if (!indexable(p)) return;
  const page_md *md = model_page_md(is->s, p);
  sbuf text = SBUF_INIT;
  search_html_text(md->html, strlen(md->html), &text);
  d->indexed = true;
  d->text = sbuf_dup(&text, w->keep);
  d->tlen = text.len;
  sbuf_free(&text);
  d->lead = md->summary;
  d->label = search_type_label(is->s, p);
  d->stages = search_stages(is->s, p, w->keep);
  page_ctx c = {.w = w};
  stab_clear(&w->seen);
  words_of(&c, IN_TITLE, p->title);
  static const char *const fields[] = {"summary", "description", "short", "mission", "audience", "age", NULL};
  for (int k = 0; fields[k]; k++) words_of(&c, IN_FIELD, val_as_str(val_get(p->fm, fields[k])));
  words_of(&c, IN_FIELD, d->label);
  words_of(&c, IN_FIELD, d->stages);
  words_of(&c, IN_BODY, d->text);
  d->terms = arena_alloc(w->keep, (c.terms.n ? c.terms.n : 1) * sizeof *d->terms);
  if (c.terms.n) memcpy(d->terms, c.terms.items, c.terms.n * sizeof *d->terms);
  d->nterms = c.terms.n;
  d->words = c.words;
  vec_free(&c.terms);
}

/* ------------------------------------------------------------ the merge */

typedef struct posting {
  int page;  /* index in docs */
  int weight;
  long off;
} posting;

typedef struct gterm {
  const char *stem;
  struct { posting *items; size_t n; } post; /* in the merge's one array */
  posting best[TOP_K]; /* its best pages, best first */
  int nbest;
  bool excerpt[TOP_K];  /* which of them give it an excerpt */
  const char *entry; /* "stem":[...], in an entries arena */
  size_t entry_len;
  size_t size;   /* entry plus what its pages add to the shard's page table */
} gterm;

static const char *gterm_key(const void *items, unsigned at) {
  return ((gterm *const *)items)[at]->stem;
}

/* A weight from 0 to 63: BM25's term frequency part (k1 1.2, b 0.75), then
 * more for a word in the title or in the summary and other fields. */
static int weight_of(const pterm *t, int words, double avg) {
  double norm = 1.2 * (0.25 + 0.75 * (avg > 0 ? words / avg : 1));
  double bm = t->tf ? t->tf * 2.2 / (t->tf + norm) : 0;
  int w = (int)(bm * 12 + 0.5) + (t->title ? 24 : 0) + (t->field ? 8 : 0);
  return w > 63 ? 63 : w;
}

static void put_js_str(sbuf *b, const char *s, size_t n) {
  sbuf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    size_t run = i;
    while (run < n && (unsigned char)s[run] >= 0x20 && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] != 0xE2)
      run++;
    if (run > i) { /* the common case: a run of plain characters at once */
      sbuf_put(b, s + i, run - i);
      i = run - 1;
      continue;
    }
    if (c == '"' || c == '\\') {
      sbuf_putc(b, '\\');
      sbuf_putc(b, (char)c);
    } else if (c < 0x20) {
      sbuf_printf(b, "\\u%04x", c);
    } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      sbuf_printf(b, "\\u%04x", (unsigned char)s[i + 2] == 0xA8 ? 0x2028 : 0x2029);
      i += 2;
    } else {
      sbuf_putc(b, (char)c);
    }
  }
  sbuf_putc(b, '"');
}

static void put_js_cstr(sbuf *b, const char *s) {
  if (s) put_js_str(b, s, strlen(s));
  else sbuf_puts(b, "null");
}

static void put_varint(sbuf *b, unsigned v) {
  char digits[8];
  int n = 0;
  do {
    digits[n++] = (char)(v & 31);
    v >>= 5;
  } while (v);
  while (n > 1) sbuf_putc(b, ALPHA[32 + digits[--n]]);
  sbuf_putc(b, ALPHA[(int)digits[0]]);
}

/* The excerpt of text around byte off (about EXCERPT bytes, cut at spaces,
 * within the paragraph), or the start of lead when off is -1; appended to b
 * as one line, with … where it was cut. */
static void put_excerpt(sbuf *b, const char *text, size_t n, long off, const char *lead) {
  if (off < 0 || !text) {
    text = lead ? lead : "";
    n = strlen(text);
    off = 0;
  }
  size_t start = (size_t)off, stop;
  /* Back up to 50 bytes, to the start of a word, not past the paragraph. */
  while (start > 0 && (size_t)off - start < 50 && text[start - 1] != '\n') start--;
  if (start > 0 && text[start - 1] != '\n')
    while (start < (size_t)off && text[start - 1] != ' ') start++;
  while (start < n && (text[start] == ' ' || text[start] == '\n')) start++;
  stop = start;
  size_t last_space = 0;
  while (stop < n && stop - start < EXCERPT && !(text[stop] == '\n' && stop > (size_t)off)) {
    if (text[stop] == ' ' || text[stop] == '\n') last_space = stop;
    stop++;
  }
  bool cut = stop < n && text[stop] != '\n';
  if (cut && last_space > (size_t)off) stop = last_space;
  while (cut && stop > start && ((unsigned char)text[stop] & 0xC0) == 0x80) stop--; /* not inside a character */
  /* On the stack: the excerpt is at most EXCERPT bytes and two ellipses
   * (a run of bytes without a space may make it longer: then it is cut). */
  char e[EXCERPT + 64];
  size_t len = 0, room = sizeof e - 8;
  if (start > 0 && text[start - 1] != '\n') memcpy(e, "… ", 4), len = 4;
  bool space = false;
  for (size_t i = start; i < stop && len < room; i++) {
    char c = text[i];
    if (c == '\n' || c == ' ' || c == '\t') {
      space = len > 0;
      continue;
    }
    if (space) e[len++] = ' ';
    space = false;
    e[len++] = c;
  }
  if (len >= room) { /* cut: not inside a character (its last may go too) */
    while (len > 0 && ((unsigned char)e[len - 1] & 0xC0) == 0x80) len--;
    if (len > 0 && ((unsigned char)e[len - 1] & 0x80)) len--;
  }
  if (cut) memcpy(e + len, " …", 4), len += 4;
  put_js_str(b, e, len);
}

static int cmp_best(const void *a, const void *b) {
  const posting *x = a, *y = b;
  if (x->weight != y->weight) return y->weight - x->weight;
  return x->page - y->page;
}

static int cmp_gterm(const void *a, const void *b) {
  return strcmp((*(gterm *const *)a)->stem, (*(gterm *const *)b)->stem);
}

/* What a result shows of a page: [title, url, type, stages]; the URL below
 * the site's root, without a leading slash, for links relative to the
 * search page (they work from file:// too). The type and stages are
 * places in the start file's table `l`: written once, not once a shard. */
static void put_page_meta(sbuf *b, const page *p, const pdoc *d) {
  sbuf_putc(b, '[');
  put_js_cstr(b, p->title);
  sbuf_putc(b, ',');
  put_js_cstr(b, p->url[0] == '/' ? p->url + 1 : p->url);
  sbuf_printf(b, ",%d,%d", d->label_at, d->stages_at);
  sbuf_putc(b, ']');
}

/* The term's TOP_K best pages, by insertion: no copy of all the postings. */
static void find_best(gterm *t) {
  int top = 0;
  for (size_t i = 0; i < t->post.n; i++) {
    const posting *p = &t->post.items[i];
    if (top == TOP_K && cmp_best(p, &t->best[TOP_K - 1]) >= 0) continue;
    int j = top < TOP_K ? top++ : TOP_K - 1;
    while (j > 0 && cmp_best(p, &t->best[j - 1]) < 0) t->best[j] = t->best[j - 1], j--;
    t->best[j] = *p;
  }
  t->nbest = top;
}

/* The term's entry: "stem":["postings",{id:"excerpt",...}], or
 * "stem":["postings"] when none of its best pages gives it an excerpt. */
static void make_entry(gterm *t, const pdoc *docs, sbuf *b) {
  sbuf_clear(b);
  put_js_cstr(b, t->stem);
  sbuf_puts(b, ":[\"");
  int prev = -1;
  for (size_t i = 0; i < t->post.n; i++) {
    int id = docs[t->post.items[i].page].id;
    put_varint(b, (unsigned)(id - prev - 1));
    sbuf_putc(b, ALPHA[t->post.items[i].weight]);
    prev = id;
  }
  sbuf_putc(b, '"');
  bool any = false;
  for (int i = 0; i < t->nbest; i++) {
    if (!t->excerpt[i]) continue;
    const pdoc *d = &docs[t->best[i].page];
    sbuf_puts(b, any ? "," : ",{");
    any = true;
    sbuf_printf(b, "%d:", d->id);
    put_excerpt(b, d->text, d->tlen, t->best[i].off, d->lead);
  }
  sbuf_puts(b, any ? "}]" : "]");
  t->size = b->len;
}

typedef struct entries_worker {
  sbuf b;
  arena *keep; /* the entries */
} entries_worker;

typedef struct entries_shared {
  gterm **terms;
  const pdoc *docs;
} entries_shared;

static void entry_one(void *sh, void *wk, size_t i) {
  entries_shared *es = sh;
  entries_worker *w = wk;
  gterm *t = es->terms[i];
  make_entry(t, es->docs, &w->b);
  t->entry = arena_strndup(w->keep, w->b.data, w->b.len);
  t->entry_len = w->b.len;
}

static void best_one(void *sh, void *wk, size_t i) {
  (void)wk;
  find_best(((entries_shared *)sh)->terms[i]);
}

typedef struct offer { /* a page's excerpt for a term */
  gterm *g;
  int slot; /* in g->best */
  int order; /* the term's place on the page */
} offer;

static int cmp_offer(const void *a, const void *b) {
  const offer *x = a, *y = b;
  if (x->g->post.n != y->g->post.n) return x->g->post.n > y->g->post.n ? -1 : 1;
  return x->order - y->order;
}

/* Which of the terms' best pages give an excerpt: EXCERPTS_PER_PAGE a page,
 * chosen as that constant's comment says. Serial and in site order: the
 * same whatever the thread count. */
static void choose_excerpts(pdoc *docs, size_t ndocs) {
  VEC(offer) offers = {0};
  for (size_t i = 0; i < ndocs; i++) {
    offers.n = 0;
    for (size_t j = 0; j < docs[i].nterms; j++) {
      gterm *g = docs[i].terms[j].g;
      for (int k = 0; k < g->nbest; k++)
        if (g->best[k].page == (int)i) {
          offer o = {g, k, (int)j};
          vec_push(&offers, o);
        }
    }
    if (offers.n > EXCERPTS_PER_PAGE) qsort(offers.items, offers.n, sizeof *offers.items, cmp_offer);
    for (size_t k = 0; k < offers.n && k < EXCERPTS_PER_PAGE; k++) offers.items[k].g->excerpt[offers.items[k].slot] = true;
  }
  vec_free(&offers);
}

/* ------------------------------------------------------------- shards */

/* Bytes of the first d characters of s, or 0 when s is shorter. */
static size_t prefix_bytes(const char *s, size_t d) {
  const char *p = s, *end = s + strlen(s);
  for (size_t i = 0; i < d; i++) {
    if (p >= end) return 0;
    str_utf8_next(&p, end);
  }
  return (size_t)(p - s);
}

/* The shortest prefix of t, in whole characters, that sorts after prev. */
static const char *key_between(arena *a, const char *prev, const char *t) {
  for (size_t d = 1;; d++) {
    size_t nb = prefix_bytes(t, d);
    if (!nb) return arena_strdup(a, t);
    char *k = arena_strndup(a, t, nb);
    if (!prev || strcmp(k, prev) > 0) return k;
  }
}

const char **search_shard_terms(arena *a, const char *const *terms, const size_t *sizes, size_t n, size_t limit,
                                size_t *shard_of, size_t *nshards) {
  VEC(const char *) keys = {0};
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || used + sizes[i] > limit) {
      vec_push(&keys, key_between(a, i ? terms[i - 1] : NULL, terms[i]));
      used = 0;
    }
    used += sizes[i];
    shard_of[i] = keys.n - 1;
  }
  const char **out = arena_alloc(a, (keys.n + 1) * sizeof *out);
  if (keys.n) memcpy(out, keys.items, keys.n * sizeof *out);
  *nshards = keys.n;
  vec_free(&keys);
  return out;
}

/* A shard's file name: "t-" and the prefix, letters a-z and digits as they
 * are, any other character as "_" and its code point in hex ("bø" →
 * "t-b_f8"). search.js has the same function (shardFile). */
static void put_shard_file(sbuf *b, const char *prefix) {
  sbuf_puts(b, "t-");
  const char *p = prefix, *end = prefix + strlen(prefix);
  while (p < end) {
    int c = str_utf8_next(&p, end);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sbuf_putc(b, (char)c);
    else sbuf_printf(b, "_%x", c < 0 ? 0 : c);
  }
  sbuf_puts(b, ".js");
}

/* ------------------------------------------------------------- writing */

static bool write_file(const char *dir, const char *name, sbuf *b, diag *d, arena *a) {
  if (fsx_write(fsx_join(a, dir, name), b->data ? b->data : "", b->len)) return true;
  diag_error(d, NULL, 0, 0, "cannot write %s/%s in the output folder: %s", SEARCH_DIR, name, strerror(errno));
  return false;
}

typedef struct shards_shared {
  const site *s;
  const char *dir;
  gterm **terms;
  const size_t *first; /* per shard: its first term; first[nshards] = n */
  const char **prefixes;
  const pdoc *docs;
  diag *d;
  bool *failed;        /* per shard */
} shards_shared;

typedef struct shards_worker {
  sbuf b, file;
  arena *scratch;
} shards_worker;

/* Shard k: its terms' entries. */
static void shard_one(void *sh, void *wk, size_t k) {
  shards_shared *ss = sh;
  shards_worker *w = wk;
  sbuf *b = &w->b;
  sbuf_clear(b);
  sbuf_puts(b, "klarSearch.shard(");
  put_js_cstr(b, ss->prefixes[k]);
  sbuf_puts(b, ",{");
  for (size_t i = ss->first[k]; i < ss->first[k + 1]; i++) {
    if (i > ss->first[k]) sbuf_putc(b, ',');
    sbuf_put(b, ss->terms[i]->entry, ss->terms[i]->entry_len);
  }
  sbuf_puts(b, "});\n");
  sbuf_clear(&w->file);
  put_shard_file(&w->file, ss->prefixes[k]);
  ss->failed[k] = !write_file(ss->dir, sbuf_str(&w->file), b, ss->d, w->scratch);
  arena_reset(w->scratch);
}

/* The start file's list of shards: their prefixes, or for a large site
 * (more than KEYS_PER_FILE shards) the first prefix of each key file
 * k-N.js, which holds KEYS_PER_FILE prefixes: one more small request
 * instead of a start file that grows with the site. */
static bool write_keys(const char *dir, const char **prefixes, size_t nshards, sbuf *start, diag *d, arena *a) {
  bool ok = true, two = nshards > KEYS_PER_FILE;
  sbuf_printf(start, ",kf:%d,s:[", two ? KEYS_PER_FILE : 0);
  sbuf b = SBUF_INIT;
  for (size_t k = 0; k < nshards; k++) {
    if (!two || k % KEYS_PER_FILE == 0) {
      if (k) sbuf_putc(start, ',');
      put_js_cstr(start, prefixes[k]);
    }
    if (!two) continue;
    if (k % KEYS_PER_FILE == 0) sbuf_printf(&b, "klarSearch.keys(%zu,[", k / KEYS_PER_FILE);
    else sbuf_putc(&b, ',');
    put_js_cstr(&b, prefixes[k]);
    if (k % KEYS_PER_FILE == KEYS_PER_FILE - 1 || k == nshards - 1) {
      sbuf_puts(&b, "]);\n");
      ok &= write_file(dir, arena_printf(a, "k-%zu.js", k / KEYS_PER_FILE), &b, d, a);
      sbuf_clear(&b);
    }
  }
  sbuf_putc(start, ']');
  sbuf_free(&b);
  return ok;
}

static bool write_shards(const site *s, const char *dir, gterm **terms, size_t n, const pdoc *docs, int jobs,
                         diag *d, arena *a, sbuf *start) {
  const char **names = arena_alloc(a, (n + 1) * sizeof *names);
  size_t *sizes = arena_alloc(a, (n + 1) * sizeof *sizes), *shard_of = arena_alloc(a, (n + 1) * sizeof *shard_of);
  for (size_t i = 0; i < n; i++) names[i] = terms[i]->stem, sizes[i] = terms[i]->size;
  size_t nshards;
  const char **prefixes = search_shard_terms(a, names, sizes, n, SHARD_LIMIT, shard_of, &nshards);
  size_t *first = arena_calloc(a, nshards + 1, sizeof *first);
  for (size_t i = n; i-- > 0;) first[shard_of[i]] = i;
  first[nshards] = n;
  bool ok = write_keys(dir, prefixes, nshards, start, d, a);
  shards_shared ss = {s, dir, terms, first, prefixes, docs, d, arena_calloc(a, nshards + 1, sizeof(bool))};
  shards_worker *sw = xcalloc((size_t)jobs, sizeof *sw);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    sw[k].scratch = arena_new();
    wp[k] = &sw[k];
  }
  pool_run(jobs, nshards, shard_one, &ss, wp);
  for (int k = 0; k < jobs; k++) {
    sbuf_free(&sw[k].b);
    sbuf_free(&sw[k].file);
    arena_free(sw[k].scratch);
  }
  free(sw);
  free(wp);
  for (size_t k = 0; k < nshards; k++) ok &= !ss.failed[k];
  return ok;
}

/* The page files: what a result shows of every page, PAGES_PER_FILE a file,
 * for the results whose term shard has no excerpt of theirs. */
static bool write_pages(const site *s, const char *dir, const pdoc *docs, int npages, int per_file, diag *d,
                        arena *a) {
  sbuf b = SBUF_INIT;
  bool ok = true;
  int in_file = 0, file = 0;
  for (size_t i = 0; i <= s->all.n; i++) {
    bool end = i == s->all.n;
    if (!end && !docs[i].indexed) continue;
    if (in_file == 0 && !end) {
      sbuf_clear(&b);
      sbuf_printf(&b, "klarSearch.pages(%d,[", file);
    }
    if (!end) {
      if (in_file) sbuf_putc(&b, ',');
      put_page_meta(&b, s->all.items[i], &docs[i]);
      in_file++;
    }
    if ((end && in_file) || in_file == per_file) {
      sbuf_puts(&b, "]);\n");
      ok &= write_file(dir, arena_printf(a, "p-%d.js", file), &b, d, a);
      file++;
      in_file = 0;
    }
  }
  (void)npages;
  sbuf_free(&b);
  return ok;
}

static void put_irregular(sbuf *b, const map *irr) {
  sbuf_puts(b, ",irr:{");
  for (size_t i = 0; i < irr->n; i++) {
    if (i) sbuf_putc(b, ',');
    put_js_cstr(b, irr->entries[i].key);
    sbuf_putc(b, ':');
    put_js_cstr(b, irr->entries[i].value);
  }
  sbuf_putc(b, '}');
}

bool search_write(const site *s, const char *out, int jobs, diag *d) {
  const val *on = val_get(s->config, "search");
  if (on && on->kind == VAL_BOOL && !on->u.b) return true;
  arena *a = arena_new();
  map irregular = MAP_INIT;
  bool ok = true;
  const char *irr_path = fsx_join(a, s->layouts_dir, SEARCH_IRREGULAR);
  if (fsx_is_file(irr_path))
    ok = stem_irregular_load(a, irr_path, "layouts/" SEARCH_IRREGULAR, &irregular, d);
  if (!out || !ok) goto done;

  /* Every page's words, on the pool. */
  index_shared is = {s, &irregular, arena_calloc(a, s->all.n + 1, sizeof(pdoc))};
  index_worker *iw = xcalloc((size_t)jobs, sizeof *iw);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    iw[k].st = stem_new(&irregular);
    iw[k].keep = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, iw[k].keep);
    wp[k] = &iw[k];
  }
  pool_run(jobs, s->all.n, index_one, &is, wp);
  for (int k = 0; k < jobs; k++) {
    stem_free(iw[k].st);
    stab_free(&iw[k].seen);
    stab_free(&iw[k].words);
    vec_free(&iw[k].known);
  }
  free(iw);
  free(wp);

  /* The merge, in site order. */
  pdoc *docs = is.docs;
  int npages = 0;
  double words = 0;
  for (size_t i = 0; i < s->all.n; i++)
    if (docs[i].indexed) docs[i].id = npages++, words += docs[i].words;
  double avg = npages ? words / npages : 1;
  /* The labels and stages, each once, in site order. */
  map label_at = MAP_INIT;
  sbuf labels = SBUF_INIT;
  for (size_t i = 0; i < s->all.n; i++) {
    const char *names[2] = {docs[i].label, docs[i].stages};
    int *at[2] = {&docs[i].label_at, &docs[i].stages_at};
    for (int k = 0; k < 2; k++) {
      *at[k] = -1;
      if (!docs[i].indexed || !names[k]) continue;
      size_t v = (size_t)map_get(&label_at, names[k]);
      if (!v) {
        v = label_at.n + 1;
        map_set(&label_at, names[k], (void *)v);
        if (labels.len) sbuf_putc(&labels, ',');
        put_js_cstr(&labels, names[k]);
      }
      *at[k] = (int)v - 1;
    }
  }
  map_free(&label_at);
  /* Each page's terms to the site's: first their count of pages, then the
   * postings in site order, in one array. */
  stab by_stem = {0};
  VEC(gterm *) terms = {0};
  size_t npost = 0;
  for (size_t i = 0; i < s->all.n; i++) {
    for (size_t j = 0; j < docs[i].nterms; j++) {
      pterm *t = &docs[i].terms[j];
      stab_room(&by_stem);
      size_t at = stab_find(&by_stem, t->stem, t->hash, gterm_key, terms.items);
      if (!by_stem.slot[at]) {
        gterm *g = arena_calloc(a, 1, sizeof *g);
        g->stem = t->stem;
        vec_push(&terms, g);
        by_stem.slot[at] = (unsigned)terms.n, by_stem.hash[at] = t->hash, by_stem.n++;
      }
      t->g = terms.items[by_stem.slot[at] - 1];
      t->g->post.n++;
      npost++;
    }
  }
  stab_free(&by_stem);
  posting *all = arena_alloc(a, (npost + 1) * sizeof *all);
  for (size_t k = 0, used = 0; k < terms.n; k++) {
    terms.items[k]->post.items = all + used;
    used += terms.items[k]->post.n;
    terms.items[k]->post.n = 0;
  }
  for (size_t i = 0; i < s->all.n; i++) {
    for (size_t j = 0; j < docs[i].nterms; j++) {
      const pterm *t = &docs[i].terms[j];
      posting pst = {(int)i, weight_of(t, docs[i].words, avg), t->off};
      t->g->post.items[t->g->post.n++] = pst;
    }
  }
  qsort(terms.items, terms.n, sizeof *terms.items, cmp_gterm);
  entries_shared es = {terms.items, docs};
  pool_run(jobs, terms.n, best_one, &es, NULL);
  choose_excerpts(docs, s->all.n);
  entries_worker *ew = xcalloc((size_t)jobs, sizeof *ew);
  wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    ew[k].keep = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, ew[k].keep);
    wp[k] = &ew[k];
  }
  pool_run(jobs, terms.n, entry_one, &es, wp);
  for (int k = 0; k < jobs; k++) sbuf_free(&ew[k].b);
  free(ew);
  free(wp);

  const char *dir = fsx_join(a, out, SEARCH_DIR);
  /* One mkdir a folder, as the build makes the others (build_test counts them). */
  const char *rel[1] = {SEARCH_DIR};
  char *failed = NULL;
  if (!fsx_mkdir_tree(out, rel, 1, &failed)) {
    diag_error(d, NULL, 0, 0, "cannot create the folder %s in the output folder: %s", SEARCH_DIR, strerror(errno));
    free(failed);
    ok = false;
  } else {
    sbuf start = SBUF_INIT;
    int per_file = npages <= PAGES_ONE_FILE ? PAGES_ONE_FILE : PAGES_PER_FILE;
    sbuf_printf(&start, "klarSearch.start({n:%d,g:%d,k:%d", npages, per_file, TOP_K);
    ok &= write_shards(s, dir, terms.items, terms.n, docs, jobs, d, a, &start);
    size_t nstop;
    const char *const *stop = search_stop_words(&nstop);
    sbuf_puts(&start, ",stop:[");
    for (size_t i = 0; i < nstop; i++) {
      if (i) sbuf_putc(&start, ',');
      put_js_cstr(&start, stop[i]);
    }
    sbuf_putc(&start, ']');
    put_irregular(&start, &irregular);
    sbuf_puts(&start, ",l:[");
    sbuf_put(&start, labels.data ? labels.data : "", labels.len);
    sbuf_putc(&start, ']');
    sbuf_puts(&start, "});\n");
    ok &= write_pages(s, dir, docs, npages, per_file, d, a);
    ok &= write_file(dir, "start.js", &start, d, a);
    sbuf_free(&start);
  }
  vec_free(&terms);
  sbuf_free(&labels);
done:
  map_free(&irregular);
  arena_free(a);
  return ok;
}
