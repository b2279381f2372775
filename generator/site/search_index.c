/* search_index: the term index of the search, made from every page's words
 * (search.c) and written by search_out.c. The work is cut so that both
 * cores do it and nothing sorts strings:
 *
 *  1. reading, on the pool by page: each worker cuts its pages' HTML into
 *     words once (no text copy), finds each word in its own table of the
 *     words it has met (word → stem number, or stop word: the stop list and
 *     Snowball see each different word once a worker), and appends one
 *     entry a stem a page (occurrences, first place, title or field);
 *  2. the merge, on the pool by the top byte of the stems' hash
 *     (search_hash): the workers' stems of one byte become the site's terms
 *     there, ordered by hash; each term's pages are weighed and its TOP_K
 *     best found; then, by page, which of its best terms get an excerpt;
 *  3. search_out.c renders each term's entry on the pool and writes the
 *     shards (ranges of the hash, so a term's shard is computed, not looked
 *     up) and the page files on the pool.
 *
 * Every order is a total one over what the pages say (hash then bytes,
 * weight then page, document frequency then place on the page), never the
 * order in which workers happened to read, so the files are the same bytes
 * whatever the thread count.
 *
 * On the generated benchmark site (10,000 pages, 52 MB of Markdown, 8
 * million words, 450,000 stems, 2.5 million postings) this took the index
 * from 4 s of processor time to a fraction of one: see bench/README.md. */
#include "search_int.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/vec.h"
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

unsigned search_hash(const char *s, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

size_t search_shard_of(unsigned hash, size_t nshards) {
  return (size_t)(((uint64_t)hash * nshards) >> 32);
}

/* ------------------------------------------------------------ reading */

enum { IN_BODY, IN_TITLE, IN_FIELD };

/* A word a worker has met. Its first 16 bytes are kept in the slot itself,
 * zero-padded (a word has no NUL), so that a look-up of all but the longest
 * words reads one slot and compares two numbers. */
typedef struct wslot {
  uint64_t w0, w1;   /* w0 0: an empty slot */
  const char *whole; /* the word when longer than 16 bytes, else NULL */
  uint32_t hash;
  int32_t stem;      /* its stem number, -1 for a stop word */
} wslot;

/* A stem on the page being read: an epoch instead of clearing. */
typedef struct pslot {
  uint32_t epoch, stem, at;
} pslot;

/* A word of the page being read, cut and hashed, waiting for its look-up. */
typedef struct pword {
  uint64_t w0, w1;
  uint32_t hash, start;
  uint32_t more;        /* a word longer than 16 bytes: where it is in the reader's `longer` */
  uint8_t len, where;
  struct wslot *slot;   /* once looked up */
} pword;

/* A word of the page new to the worker, and its stem (in the reader's
 * `fresh_stems`), waiting for the look-up of the stem. */
typedef struct fresh {
  struct wslot *slot;
  uint32_t at, len, hash;
} fresh;

typedef struct reader {
  int k;
  const map *irregular;
  stemmer *st;
  arena *keep;                  /* its words and stems */
  wslot *words; size_t wslots, nwords;
  struct sslot { uint32_t hash, at; } *sslot; size_t sslots; /* its stems by search_hash: at = number + 1 */
  VEC(sx_stem) stems;
  VEC(uint32_t) df;             /* by stem number: the worker's pages with it (apart: the hot counter) */
  VEC(sx_entry) ent;
  pslot *ps; size_t pslots, pn;
  uint32_t epoch;
  uint32_t page;
  VEC(pword) pw;                /* the page's words */
  VEC(fresh) fresh;             /* the page's words new to the worker */
  sbuf fresh_stems;
  sbuf longer;                  /* the page's words longer than 16 bytes */
  int where, nbody; /* nbody: the page's body words that are not stop words */
} reader;

static uint64_t load8(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* The slot of a word (w0 w1 its first 16 bytes, w the whole, n bytes). */
static wslot *word_slot(wslot *t, size_t mask, uint32_t h, uint64_t w0, uint64_t w1, const char *w, size_t n) {
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    wslot *s = &t[i];
    if (!s->w0) return s;
    if (s->w0 == w0 && s->w1 == w1 && (n <= 16 ? !s->whole : s->whole && !strcmp(s->whole + 16, w + 16))) return s;
  }
}

static void words_grow(reader *r) {
  size_t n = r->wslots ? r->wslots * 2 : 4096;
  wslot *t = xcalloc_touched(n, sizeof *t);
  for (size_t i = 0; i < r->wslots; i++) {
    const wslot *s = &r->words[i];
    if (!s->w0) continue;
    size_t j = s->hash & (n - 1);
    while (t[j].w0) j = (j + 1) & (n - 1);
    t[j] = *s;
  }
  free(r->words);
  r->words = t;
  r->wslots = n;
}

/* The number of stem s (n bytes) among the worker's stems, made if new. */
static int32_t stem_number(reader *r, const char *s, size_t n, uint32_t h) {
  if ((r->stems.n + 1) * 2 > r->sslots) {
    size_t m = r->sslots ? r->sslots * 2 : 4096;
    struct sslot *t = xcalloc_touched(m, sizeof *t);
    for (size_t i = 0; i < r->sslots; i++) {
      if (!r->sslot[i].at) continue;
      size_t j = r->sslot[i].hash & (m - 1);
      while (t[j].at) j = (j + 1) & (m - 1);
      t[j] = r->sslot[i];
    }
    free(r->sslot);
    r->sslot = t, r->sslots = m;
  }
  size_t mask = r->sslots - 1, i = h & mask;
  for (; r->sslot[i].at; i = (i + 1) & mask) {
    if (r->sslot[i].hash != h) continue;
    const sx_stem *t = &r->stems.items[r->sslot[i].at - 1];
    if (t->len == n && !memcmp(t->s, s, n)) return (int32_t)(r->sslot[i].at - 1);
  }
  sx_stem t = {arena_strndup(r->keep, s, n), (uint32_t)n, h, 0};
  vec_push(&r->stems, t);
  vec_push(&r->df, 0);
  r->sslot[i] = (struct sslot){h, (uint32_t)r->stems.n};
  return (int32_t)(r->stems.n - 1);
}

/* The page's slot of stem: made (with its entry) when new. */
static sx_entry *page_entry(reader *r, uint32_t stem) {
  if ((r->pn + 1) * 2 > r->pslots) { /* grow: the page's stems into a table twice the size */
    size_t n = r->pslots ? r->pslots * 2 : 1024;
    pslot *t = xcalloc_touched(n, sizeof *t);
    for (size_t i = 0; i < r->pslots; i++) {
      if (r->ps[i].epoch != r->epoch) continue;
      size_t j = (r->ps[i].stem * 2654435761u) & (n - 1);
      while (t[j].epoch == r->epoch) j = (j + 1) & (n - 1);
      t[j] = r->ps[i];
    }
    free(r->ps);
    r->ps = t, r->pslots = n;
  }
  size_t mask = r->pslots - 1, i = (stem * 2654435761u) & mask;
  for (; r->ps[i].epoch == r->epoch; i = (i + 1) & mask)
    if (r->ps[i].stem == stem) return &r->ent.items[r->ps[i].at];
  r->ps[i] = (pslot){r->epoch, stem, (uint32_t)r->ent.n};
  r->pn++;
  sx_entry e = {stem, r->page, -1, 0, 0, 0};
  vec_push(&r->ent, e);
  return &r->ent.items[r->ent.n - 1];
}

/* Cuts are collected: the page's words go into the table in one loop that
 * fetches the slot of a word a few words ahead (below), so that the look-ups
 * of the many rare words wait for memory together, not one after another:
 * the tables of 300,000 words a worker do not fit in the caches, and a miss
 * a rare word was half of the reading's time. */
static void on_word(void *ctx, const char *w, size_t n, size_t start, size_t end) {
  reader *r = ctx;
  (void)end;
  /* The word is zero-padded: its first 16 bytes as two numbers, mixed. */
  uint64_t w0 = load8(w), w1 = load8(w + 8), h = w0 * 0x9E3779B97F4A7C15u ^ w1 * 0xC2B2AE3D27D4EB4Fu;
  pword x = {w0, w1, 0, start < UINT32_MAX ? (uint32_t)start : UINT32_MAX, 0, (uint8_t)n, (uint8_t)r->where, NULL};
  if (n > 16) {
    for (size_t i = 16; i < n; i += 8) h = (h ^ load8(w + i)) * 0x9E3779B97F4A7C15u;
    x.more = (uint32_t)r->longer.len;
    sbuf_put(&r->longer, w, n + 1); /* with its NUL */
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9u;
  x.hash = (uint32_t)(h >> 32);
  vec_push(&r->pw, x);
}

#define AHEAD 16 /* words between fetching a slot and reading it */

/* The page's words into the word table and its entries, in three loops so
 * that the memory each needs is asked for ahead: the words' slots (a new
 * word gets its stem there, computed at once), the new stems' slots, then
 * the page's entries in the order of the words. */
static void take_words(reader *r) {
  pword *pw = r->pw.items;
  size_t n = r->pw.n;
  while ((r->nwords + n + 1) * 10 > r->wslots * 7) words_grow(r); /* no growing below: the slots stay */
  size_t mask = r->wslots - 1;
  r->fresh.n = 0;
  sbuf_clear(&r->fresh_stems);
  for (size_t i = 0; i < n; i++) {
    if (i + AHEAD < n) __builtin_prefetch(&r->words[pw[i + AHEAD].hash & mask]);
    pword *x = &pw[i];
    char w[24];
    const char *word = w;
    if (x->len > 16) word = r->longer.data + x->more;
    else memcpy(w, &x->w0, 8), memcpy(w + 8, &x->w1, 8), w[16] = 0;
    wslot *s = word_slot(r->words, mask, x->hash, x->w0, x->w1, word, x->len);
    x->slot = s;
    if (s->w0) continue;
    /* A word the worker has not met: its stem, once. */
    s->w0 = x->w0, s->w1 = x->w1, s->hash = x->hash;
    s->whole = x->len > 16 ? arena_strndup(r->keep, word, x->len) : NULL;
    s->stem = -1;
    r->nwords++;
    if (search_is_stop(word, x->len)) continue;
    const char *stem = stem_word(r->st, word, x->len);
    size_t len = strlen(stem);
    fresh f = {s, (uint32_t)r->fresh_stems.len, (uint32_t)len, search_hash(stem, len)};
    sbuf_put(&r->fresh_stems, stem, len);
    vec_push(&r->fresh, f);
  }
  for (size_t i = 0; i < r->fresh.n; i++) {
    if (i + AHEAD < r->fresh.n && r->sslots)
      __builtin_prefetch(&r->sslot[r->fresh.items[i + AHEAD].hash & (r->sslots - 1)]);
    const fresh *f = &r->fresh.items[i];
    f->slot->stem = stem_number(r, r->fresh_stems.data + f->at, f->len, f->hash);
  }
  for (size_t i = 0; i < n; i++) {
    const pword *x = &pw[i];
    if (x->slot->stem < 0) continue;
    sx_entry *e = page_entry(r, (uint32_t)x->slot->stem);
    if (x->where == IN_TITLE) e->flags |= SX_TITLE;
    else if (x->where == IN_FIELD) e->flags |= SX_FIELD;
    else {
      if (e->off < 0) e->off = x->start < INT32_MAX ? (int32_t)x->start : INT32_MAX;
      if (e->tf < UINT16_MAX) e->tf++;
      r->nbody++;
    }
  }
  r->pw.n = 0;
  sbuf_clear(&r->longer);
}

static void words_of(reader *r, int where, const char *text) {
  if (!text) return;
  r->where = where;
  search_tokenize(text, strlen(text), on_word, r);
}

/* Pages a parent looks for: those with a body of their own. Lists the
 * model makes up (taxonomies, terms) and the 404 page have none. */
static bool indexable(const page *p) {
  if (p->kind == PAGE_TAXONOMY || p->kind == PAGE_TERM || !p->src) return false;
  const val *v = val_get(p->fm, "search");
  return !(v && v->kind == VAL_BOOL && !v->u.b);
}

typedef struct read_shared {
  const site *s;
  sx_page *pages;
} read_shared;

static void read_one(void *sh, void *wk, size_t i) {
  read_shared *rs = sh;
  reader *r = wk;
  const page *p = rs->s->all.items[i];
  sx_page *d = &rs->pages[i];
  if (!indexable(p)) return;
  const page_md *md = model_page_md(rs->s, p);
  d->indexed = true;
  d->worker = r->k;
  d->html = md->html ? md->html : "";
  d->hlen = strlen(d->html);
  d->lead = md->summary;
  d->label = search_type_label(rs->s, p);
  d->stages = search_stages(rs->s, p, r->keep);
  r->epoch++;
  r->pn = 0;
  r->page = (uint32_t)i;
  r->nbody = 0;
  d->first = (uint32_t)r->ent.n;
  words_of(r, IN_TITLE, p->title);
  static const char *const fields[] = {"summary", "description", "short", "mission", "audience", "age", NULL};
  for (int k = 0; fields[k]; k++) words_of(r, IN_FIELD, val_as_str(val_get(p->fm, fields[k])));
  words_of(r, IN_FIELD, d->label);
  words_of(r, IN_FIELD, d->stages);
  r->where = IN_BODY;
  search_html_words(d->html, d->hlen, on_word, r);
  take_words(r);
  d->n = (uint32_t)r->ent.n - d->first;
  d->words = r->nbody;
  for (size_t j = d->first; j < r->ent.n; j++) r->df.items[r->ent.items[j].stem]++;
}

/* -------------------------------------------------------------- merge */

#define TASKS 256 /* merge tasks: the top byte of the hash */

typedef struct merge_shared {
  sx_index *sx;
  uint32_t (*bstart)[TASKS + 1]; /* per worker: where each byte's stems start in border */
  uint32_t **border;             /* per worker: its stem numbers by the top byte of their hash */
  sx_term ***tterms;             /* per task: its terms, in order */
  size_t *tn;
  uint32_t *df;                  /* per term (by index): its pages */
  double avg;                    /* body words a page */
} merge_shared;

typedef struct merge_worker {
  int k;                         /* its place among the workers: its excerpts are sx_index.ex[k] */
  sbuf tmp;
  arena *keep;                   /* terms, parts, the task's lists */
  uint32_t *slot; size_t nslots; /* a task's table */
  VEC(struct offer) offers;
} merge_worker;

/* Worker k's stems by the top byte of their hash, for the merge tasks. */
static void bucket_one(void *sh, void *wk, size_t k) {
  merge_shared *ms = sh;
  sx_worker_out *w = &ms->sx->w[k];
  (void)wk;
  uint32_t *bs = ms->bstart[k];
  memset(bs, 0, sizeof ms->bstart[k]);
  for (size_t i = 0; i < w->nstems; i++) bs[(w->stems[i].hash >> 24) + 1]++;
  for (int b = 0; b < TASKS; b++) bs[b + 1] += bs[b];
  uint32_t cur[TASKS];
  memcpy(cur, bs, sizeof cur);
  ms->border[k] = xmalloc((w->nstems + 1) * sizeof *ms->border[k]);
  for (size_t i = 0; i < w->nstems; i++) ms->border[k][cur[w->stems[i].hash >> 24]++] = (uint32_t)i;
  w->term = xcalloc(w->nstems + 1, sizeof *w->term);
  w->rel = xcalloc(w->nstems + 1, sizeof *w->rel);
}

static int cmp_term(const void *a, const void *b) {
  const sx_term *x = *(sx_term *const *)a, *y = *(sx_term *const *)b;
  if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
  int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Task t: the workers' stems whose hash has top byte t become terms, in
 * order; each worker's share of a term gets its place among the term's
 * postings. */
static void merge_one(void *sh, void *wk, size_t t) {
  merge_shared *ms = sh;
  merge_worker *mw = wk;
  sx_index *sx = ms->sx;
  size_t m = 0;
  for (int k = 0; k < sx->nw; k++) m += ms->bstart[k][t + 1] - ms->bstart[k][t];
  ms->tn[t] = 0;
  if (!m) return;
  size_t nslots = 16;
  while (nslots < m * 2) nslots *= 2;
  if (nslots > mw->nslots) {
    free(mw->slot);
    mw->slot = xmalloc(nslots * sizeof *mw->slot);
    mw->nslots = nslots;
  }
  memset(mw->slot, 0, nslots * sizeof *mw->slot);
  sx_term *terms = arena_alloc(mw->keep, m * sizeof *terms);
  size_t n = 0;
  for (int k = 0; k < sx->nw; k++) {
    sx_worker_out *w = &sx->w[k];
    for (uint32_t j = ms->bstart[k][t]; j < ms->bstart[k][t + 1]; j++) {
      uint32_t l = ms->border[k][j];
      const sx_stem *st = &w->stems[l];
      size_t i = st->hash & (nslots - 1);
      for (; mw->slot[i]; i = (i + 1) & (nslots - 1)) {
        const sx_term *x = &terms[mw->slot[i] - 1];
        if (x->hash == st->hash && x->len == st->len && !memcmp(x->s, st->s, st->len)) break;
      }
      if (!mw->slot[i]) {
        terms[n] = (sx_term){.s = st->s, .len = st->len, .hash = st->hash, .task = (uint32_t)t};
        mw->slot[i] = (uint32_t)++n;
      }
      sx_term *x = &terms[mw->slot[i] - 1];
      sx_part *part = arena_alloc(mw->keep, sizeof *part);
      *part = (sx_part){x->parts, (uint32_t)k, l, x->df, st->df};
      x->parts = part;
      x->df += st->df;
      w->term[l] = x;
      w->rel[l] = part->rel;
    }
  }
  sx_term **list = arena_alloc(mw->keep, n * sizeof *list);
  for (size_t i = 0; i < n; i++) list[i] = &terms[i];
  qsort(list, n, sizeof *list, cmp_term);
  ms->tterms[t] = list;
  ms->tn[t] = n;
}

/* A weight from 0 to 63: BM25's term frequency part (k1 1.2, b 0.75), then
 * more for a word in the title or in the summary and other fields. */
static int weight_of(const sx_entry *e, int words, double avg) {
  double norm = 1.2 * (0.25 + 0.75 * (avg > 0 ? words / avg : 1));
  double bm = e->tf ? e->tf * 2.2 / (e->tf + norm) : 0;
  int w = (int)(bm * 12 + 0.5) + (e->flags & SX_TITLE ? 24 : 0) + (e->flags & SX_FIELD ? 8 : 0);
  return w > 63 ? 63 : w;
}

/* Worker k's entries, read in order once, become postings at their terms'
 * places (the scatter: the one step that goes from pages to terms); each
 * entry is weighed and from now on names its term by number. */
static void scatter_one(void *sh, void *wk, size_t k) {
  merge_shared *ms = sh;
  sx_index *sx = ms->sx;
  sx_worker_out *w = &sx->w[k];
  (void)wk;
  size_t *at = xmalloc((w->nstems + 1) * sizeof *at);
  uint32_t *index = xmalloc((w->nstems + 1) * sizeof *index);
  for (size_t l = 0; l < w->nstems; l++) at[l] = w->term[l]->start + w->rel[l], index[l] = w->term[l]->index;
  for (size_t i = 0; i < sx->s->all.n; i++) {
    const sx_page *p = &sx->pages[i];
    if (!p->indexed || p->worker != (int)k) continue;
    for (uint32_t j = p->first; j < p->first + p->n; j++) {
      sx_entry *e = &w->ent[j];
      e->weight = (uint8_t)weight_of(e, p->words, ms->avg);
      sx->post[at[e->stem]++] = (sx_post){(uint32_t)p->id, j, (uint16_t)k, e->weight};
      e->stem = index[e->stem];
    }
  }
  free(at);
  free(index);
}

/* p better than q: a higher weight, then the earlier page. */
static bool better(const sx_post *p, const sx_post *q) {
  return p->weight != q->weight ? p->weight > q->weight : p->id < q->id;
}

/* Task t: each of its terms' TOP_K best pages, by insertion, marked on
 * their entries with their place. */
static void best_one(void *sh, void *wk, size_t t) {
  merge_shared *ms = sh;
  sx_index *sx = ms->sx;
  (void)wk;
  for (size_t i = sx->tfirst[t]; i < sx->tfirst[t + 1]; i++) {
    sx_term *x = sx->terms[i];
    const sx_post *best[TOP_K];
    for (const sx_post *p = sx->post + x->start, *end = p + x->df; p < end; p++) {
      int at = x->nbest < TOP_K ? x->nbest++ : TOP_K;
      while (at > 0 && better(p, best[at - 1])) {
        if (at < TOP_K) best[at] = best[at - 1];
        at--;
      }
      if (at < TOP_K) best[at] = p;
    }
    for (int b = 0; b < x->nbest; b++) {
      sx_entry *e = &sx->w[best[b]->worker].ent[best[b]->ent];
      e->flags |= (uint8_t)(SX_BEST | b << SX_SLOT_SHIFT);
      x->best[b] = e;
    }
  }
}

/* A page's excerpt for one of the terms it is among the best pages of. */
typedef struct offer {
  uint32_t df, order; /* the term's pages; its place on the page */
  sx_entry *e;
} offer;

static int cmp_offer(const void *a, const void *b) {
  const offer *x = a, *y = b;
  if (x->df != y->df) return x->df > y->df ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* Page i: which of the terms it is among the best pages of get an excerpt
 * from it, EXCERPTS_PER_PAGE at most, chosen as that constant says; the
 * excerpts are made here, page by page while its HTML is in the cache (in
 * the terms' order they were a third of the index's time), into the
 * worker's buffer. Two pages may mark the same term: the bits are set
 * atomically. */
static void excerpts_one(void *sh, void *wk, size_t i) {
  merge_shared *ms = sh;
  merge_worker *mw = wk;
  sx_index *sx = ms->sx;
  sx_page *p = &sx->pages[i];
  if (!p->indexed) return;
  const sx_worker_out *w = &sx->w[p->worker];
  mw->offers.n = 0;
  for (uint32_t j = p->first; j < p->first + p->n; j++)
    if (w->ent[j].flags & SX_BEST) {
      offer o = {ms->df[w->ent[j].stem], j - p->first, &w->ent[j]};
      vec_push(&mw->offers, o);
    }
  if (mw->offers.n > EXCERPTS_PER_PAGE) qsort(mw->offers.items, mw->offers.n, sizeof *mw->offers.items, cmp_offer);
  sbuf *ex = &sx->ex[mw->k];
  p->ex = mw->k;
  for (size_t k = 0; k < mw->offers.n && k < EXCERPTS_PER_PAGE; k++) {
    sx_entry *e = mw->offers.items[k].e;
    size_t at = ex->len;
    sx_put_excerpt(ex, &mw->tmp, p, e->off);
    assert(at <= INT32_MAX && ex->len - at <= UINT16_MAX); /* 110 bytes of text, escaped */
    e->off = (int32_t)at;
    e->tf = (uint16_t)(ex->len - at);
    __atomic_fetch_or(&sx->excerpt[e->stem], (uint8_t)(1u << (e->flags >> SX_SLOT_SHIFT & 7)), __ATOMIC_RELAXED);
  }
}

/* ---------------------------------------------------------- the whole */

/* The labels and stages, each once, in site order, into the start file's
 * table (labels: its JS text). */
static void label_table(sx_index *sx, sbuf *labels) {
  map label_at = MAP_INIT;
  for (size_t i = 0; i < sx->s->all.n; i++) {
    sx_page *d = &sx->pages[i];
    const char *names[2] = {d->label, d->stages};
    int *at[2] = {&d->label_at, &d->stages_at};
    for (int k = 0; k < 2; k++) {
      *at[k] = -1;
      if (!d->indexed || !names[k]) continue;
      size_t v = (size_t)map_get(&label_at, names[k]);
      if (!v) {
        v = label_at.n + 1;
        map_set(&label_at, names[k], (void *)v);
        if (labels->len) sbuf_putc(labels, ',');
        sx_put_js_str(labels, names[k], strlen(names[k]));
      }
      *at[k] = (int)v - 1;
    }
  }
  map_free(&label_at);
}

bool search_write(const site *s, const char *out, int jobs, diag *d) {
  const val *on = val_get(s->config, "search");
  if (on && on->kind == VAL_BOOL && !on->u.b) return true;
  if (jobs < 1) jobs = 1;
  arena *a = arena_new();
  map irregular = MAP_INIT;
  bool ok = true;
  const char *irr_path = fsx_join(a, s->layouts_dir, SEARCH_IRREGULAR);
  if (fsx_is_file(irr_path))
    ok = stem_irregular_load(a, irr_path, "layouts/" SEARCH_IRREGULAR, &irregular, d);
  if (!out || !ok) goto done;

  /* 1. Every page's words, on the pool. */
  sx_index sx = {.s = s, .pages = arena_calloc(a, s->all.n + 1, sizeof(sx_page)), .nw = jobs};
  read_shared rs = {s, sx.pages};
  reader *rd = xcalloc((size_t)jobs, sizeof *rd);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    rd[k].k = k;
    rd[k].st = stem_new(&irregular);
    rd[k].keep = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, rd[k].keep);
    wp[k] = &rd[k];
  }
  pool_run(jobs, s->all.n, read_one, &rs, wp);
  sx.w = arena_calloc(a, (size_t)jobs, sizeof *sx.w);
  for (int k = 0; k < jobs; k++) {
    reader *r = &rd[k];
    sx.w[k] = (sx_worker_out){.stems = r->stems.items, .nstems = r->stems.n, .ent = r->ent.items, .nent = r->ent.n};
    stem_free(r->st);
    free(r->words);
    free(r->sslot);
    for (size_t l = 0; l < r->stems.n; l++) r->stems.items[l].df = r->df.items[l];
    vec_free(&r->df);
    free(r->ps);
    vec_free(&r->pw);
    vec_free(&r->fresh);
    sbuf_free(&r->fresh_stems);
    sbuf_free(&r->longer);
  }
  free(rd);
  double words = 0;
  for (size_t i = 0; i < s->all.n; i++)
    if (sx.pages[i].indexed) sx.pages[i].id = sx.npages++, words += sx.pages[i].words;

  /* 2. The merge, on the pool by hash; the postings in the terms' order;
   * their best pages by hash, then the excerpts by page. */
  merge_shared ms = {&sx,
                     arena_calloc(a, (size_t)jobs, sizeof *ms.bstart),
                     arena_calloc(a, (size_t)jobs, sizeof(uint32_t *)),
                     arena_calloc(a, TASKS, sizeof(sx_term **)),
                     arena_calloc(a, TASKS, sizeof(size_t)),
                     NULL,
                     sx.npages ? words / sx.npages : 1};
  pool_run(jobs, (size_t)jobs, bucket_one, &ms, NULL);
  merge_worker *mw = xcalloc((size_t)jobs, sizeof *mw);
  sx.nex = jobs;
  sx.ex = xcalloc((size_t)jobs, sizeof *sx.ex);
  for (int k = 0; k < jobs; k++) {
    mw[k].k = k;
    mw[k].keep = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, mw[k].keep);
    wp[k] = &mw[k];
  }
  pool_run(jobs, TASKS, merge_one, &ms, wp);
  sx.ntasks = TASKS;
  sx.tfirst = arena_calloc(a, TASKS + 1, sizeof *sx.tfirst);
  for (int t = 0; t < TASKS; t++) sx.tfirst[t + 1] = sx.tfirst[t] + ms.tn[t];
  sx.nterms = sx.tfirst[TASKS];
  sx.terms = xmalloc((sx.nterms + 1) * sizeof *sx.terms);
  ms.df = xmalloc((sx.nterms + 1) * sizeof *ms.df);
  size_t npost = 0;
  for (size_t t = 0; t < TASKS; t++)
    for (size_t i = 0; i < ms.tn[t]; i++) {
      sx_term *x = ms.tterms[t][i];
      x->index = (uint32_t)(sx.tfirst[t] + i);
      x->start = npost;
      npost += x->df;
      sx.terms[x->index] = x;
      ms.df[x->index] = x->df;
    }
  sx.post = xmalloc((npost + 1) * sizeof *sx.post);
  sx.excerpt = xcalloc(sx.nterms + 1, 1);
  pool_run(jobs, (size_t)jobs, scatter_one, &ms, NULL);
  pool_run(jobs, TASKS, best_one, &ms, NULL);
  pool_run(jobs, s->all.n, excerpts_one, &ms, wp);
  for (int k = 0; k < jobs; k++) {
    free(mw[k].slot);
    sbuf_free(&mw[k].tmp);
    vec_free(&mw[k].offers);
    free(ms.border[k]);
  }
  free(mw);
  free(wp);
  free(ms.df);
  sx.bufs = xcalloc(TASKS, sizeof *sx.bufs);

  /* 3. The entries and the files. */
  sx_render_entries(&sx, jobs);
  sbuf labels = SBUF_INIT;
  label_table(&sx, &labels);
  const char *dir = fsx_join(a, out, SEARCH_DIR);
  /* One mkdir a folder, as the build makes the others (build_test counts them). */
  const char *rel[1] = {SEARCH_DIR};
  char *failed = NULL;
  if (!fsx_mkdir_tree(out, rel, 1, &failed)) {
    diag_error(d, NULL, 0, 0, "cannot create the folder %s in the output folder: %s", SEARCH_DIR, strerror(errno));
    free(failed);
    ok = false;
  } else {
    ok &= sx_write_files(&sx, dir, &irregular, &labels, jobs, d, a);
  }
  sbuf_free(&labels);
  for (size_t t = 0; t < sx.ntasks; t++) sbuf_free(&sx.bufs[t]);
  free(sx.bufs);
  free(sx.terms);
  free(sx.post);
  free(sx.excerpt);
  for (int k = 0; k < sx.nex; k++) sbuf_free(&sx.ex[k]);
  free(sx.ex);
  for (int k = 0; k < jobs; k++) {
    free(sx.w[k].stems);
    free(sx.w[k].ent);
    free(sx.w[k].term);
    free(sx.w[k].rel);
  }
done:
  map_free(&irregular);
  arena_free(a);
  return ok;
}

