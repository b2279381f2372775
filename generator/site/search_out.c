/* search_out: the index's files, from the merged terms (search_index.c).
 *
 * Files, below OUT/soeg/indeks/:
 *   start.js   klarSearch.start({n, g, k, h, stop: [...], irr: {stem: stem},
 *                                 l: [type labels and stages]})
 *   t-N.js     klarSearch.shard(N, {stem: [postings, {id: excerpt}]}), or
 *              [postings] alone when none of the term's best pages gives it an excerpt
 *   p-N.js     klarSearch.pages(N, [[title, url, type, stages], ...]), g pages a file
 * (type and stages: places in l, -1 for none)
 * A term's shard is search_shard_of(search_hash(stem), h): h shards cut the
 * range of the 32-bit hash into equal parts, as many as make shards of
 * about SHARD_BYTES (more on a large site), so the browser computes a
 * term's shard from its stem (assets/js/search.js does the same) and loads
 * nothing to find it. A
 * term's postings are one string: per page the difference to the page
 * before (variable length, base 32) and a weight (0-63), in the alphabet
 * ALPHA. The k best pages of a term have their excerpt in the term's shard,
 * up to EXCERPTS_PER_PAGE a page (the page's text is not stored whole); a
 * result's title and URL are in its page file. A one-word query loads four
 * files: search.js, start.js, one shard and a page file. */
#include "search_int.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
/* The bytes a shard has on average: the shards of the bundled site's
 * "børnenes" and its page file keep the query within its 30 KB. A large
 * site has larger shards, MAX_SHARDS at most: every file costs the build a
 * file made (5,000 shards of 6 KB on the benchmark site were a tenth of
 * the index's time), and its queries have more room (100 KB). */
#define SHARD_BYTES 6000
#define MAX_SHARDS 2048
/* Pages a page file holds: a small site has one, a large one files of 32
 * pages, so a result loads little more than its own title and URL. */
#define PAGES_ONE_FILE 256
#define PAGES_PER_FILE 32
#define EXCERPT 110 /* bytes of an excerpt, about 16 words */
/* How far before a word its excerpt looks for the start of its paragraph:
 * the excerpt shows at most 50 bytes of text before the word, so 80 bytes
 * of text (some may be character references), within 600 of HTML. */
#define EXCERPT_BACK 600
#define EXCERPT_TEXT 80

void sx_put_js_str(sbuf *b, const char *s, size_t n) {
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
  if (s) sx_put_js_str(b, s, strlen(s));
  else sbuf_puts(b, "null");
}

/* ----------------------------------------------------------- excerpts */

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
  sx_put_js_str(b, e, len);
}

/* Only the paragraph around the word becomes text (tmp), not the page, and
 * only for the excerpts the index keeps. */
void sx_put_excerpt(sbuf *b, sbuf *tmp, const sx_page *p, int32_t off) {
  if (off < 0 || (size_t)off > p->hlen) {
    put_excerpt(b, NULL, 0, -1, p->lead);
    return;
  }
  bool mid;
  size_t from = search_html_block_start(p->html, (size_t)off, EXCERPT_BACK, EXCERPT_TEXT, &mid);
  sbuf_clear(tmp);
  if (mid) sbuf_putc(tmp, ' '); /* text before it: the excerpt says so with … */
  search_html_text_max(p->html + from, (size_t)off - from, tmp, (size_t)-1);
  size_t at = tmp->len;
  search_html_text_max(p->html + off, p->hlen - (size_t)off, tmp, at + EXCERPT + 8);
  put_excerpt(b, tmp->data, tmp->len, (long)at, p->lead);
}

/* ------------------------------------------------------------ entries */

/* A posting: the page's difference to the one before (variable length,
 * base 32: digits from ALPHA's upper half but the last) and its weight. */
static void put_posting(sbuf *b, const sx_post *p, int *prev) {
  unsigned v = (unsigned)((int)p->id - *prev - 1);
  char digits[8];
  int n = 0;
  do {
    digits[n++] = (char)(v & 31);
    v >>= 5;
  } while (v);
  sbuf_grow(b, (size_t)n + 1);
  char *o = b->data + b->len;
  for (int i = n - 1; i > 0; i--) *o++ = ALPHA[32 + digits[i]];
  *o++ = ALPHA[(int)digits[0]];
  *o++ = ALPHA[p->weight];
  b->len += (size_t)n + 1;
  b->data[b->len] = 0;
  *prev = (int)p->id;
}

/* One worker's postings of a term, in page order: a cursor. */
typedef struct run {
  const sx_post *at, *end;
} run;

/* The term's entry: "stem":["postings",{id:"excerpt",...}], or
 * "stem":["postings"] when none of its best pages gives it an excerpt. Its
 * postings are in runs, one a worker that met it, merged by page. */
static void put_entry(sbuf *b, const sx_index *sx, const sx_term *t) {
  sx_put_js_str(b, t->s, t->len);
  sbuf_puts(b, ":[\"");
  const sx_post *post = sx->post + t->start;
  int prev = -1;
  if (!t->parts->next) {
    for (const sx_post *p = post, *end = post + t->df; p < end; p++) put_posting(b, p, &prev);
  } else {
    run runs[8], *r = runs;
    size_t nr = 0;
    for (const sx_part *p = t->parts; p; p = p->next) nr++;
    if (nr > sizeof runs / sizeof runs[0]) r = xmalloc(nr * sizeof *r);
    nr = 0;
    for (const sx_part *p = t->parts; p; p = p->next) r[nr++] = (run){post + p->rel, post + p->rel + p->cnt};
    for (;;) {
      const sx_post *min = NULL;
      size_t mi = 0;
      for (size_t i = 0; i < nr; i++)
        if (r[i].at < r[i].end && (!min || r[i].at->id < min->id)) min = r[i].at, mi = i;
      if (!min) break;
      r[mi].at++;
      put_posting(b, min, &prev);
    }
    if (r != runs) free(r);
  }
  sbuf_putc(b, '"');
  uint8_t ex = sx->excerpt[t->index];
  for (int i = 0; i < t->nbest; i++) {
    if (!(ex >> i & 1)) continue;
    const sx_entry *e = t->best[i];
    const sx_page *p = &sx->pages[e->page];
    char id[16];
    int k = (int)sizeof id;
    id[--k] = ':';
    unsigned v = (unsigned)p->id;
    do id[--k] = (char)('0' + v % 10), v /= 10;
    while (v);
    sbuf_puts(b, ex & ((1u << i) - 1) ? "," : ",{");
    sbuf_put(b, id + k, sizeof id - (size_t)k);
    sbuf_put(b, sx->ex[p->ex].data + e->off, e->tf); /* made by page, in excerpts_one */
  }
  sbuf_puts(b, ex ? "}]" : "]");
}

/* What put_entry will read of term t, asked for ahead: the terms are in
 * hash order, their stems, postings and best pages all over memory. */
static void fetch_term(const sx_index *sx, const sx_term *t) {
  __builtin_prefetch(t->s);
  __builtin_prefetch(t->parts);
  __builtin_prefetch(sx->post + t->start);
  for (int b = 0; b < t->nbest; b++) __builtin_prefetch(t->best[b]);
}

static void render_one(void *sh, void *wk, size_t task) {
  sx_index *sx = sh;
  (void)wk;
  sbuf *b = &sx->bufs[task];
  size_t first = sx->tfirst[task], end = sx->tfirst[task + 1];
  for (size_t i = first; i < end && i < first + 4; i++) fetch_term(sx, sx->terms[i]);
  for (size_t i = first; i < end; i++) {
    if (i + 8 < end) __builtin_prefetch(sx->terms[i + 8]);
    if (i + 4 < end) fetch_term(sx, sx->terms[i + 4]);
    sx_term *t = sx->terms[i];
    t->at = b->len;
    put_entry(b, sx, t);
    t->size = b->len - t->at;
  }
}

void sx_render_entries(sx_index *sx, int jobs) {
  pool_run(jobs, sx->ntasks, render_one, sx, NULL);
}

/* ------------------------------------------------------------- files */

static bool write_file(const char *dir, const char *name, const sbuf *b, diag *d, arena *a) {
  if (fsx_write(fsx_join(a, dir, name), b->data ? b->data : "", b->len)) return true;
  diag_error(d, NULL, 0, 0, "cannot write %s/%s in the output folder: %s", SEARCH_DIR, name, strerror(errno));
  return false;
}

typedef struct files_shared {
  const sx_index *sx;
  const char *dir;
  size_t nshards;
  const size_t *first;  /* per shard: its first term; first[nshards] = nterms */
  const size_t *pfirst; /* per page file: its first page in site->all; pfirst[npfiles] = all.n */
  int per_file;
  diag *d;
  bool *failed;         /* per file */
} files_shared;

typedef struct files_worker {
  sbuf b;
  arena *scratch;
} files_worker;

/* What a result shows of a page: [title, url, type, stages]; the URL below
 * the site's root, without a leading slash, for links relative to the
 * search page (they work from file:// too). The type and stages are
 * places in the start file's table `l`: written once, not once a shard. */
static void put_page_meta(sbuf *b, const page *p, const sx_page *d) {
  sbuf_putc(b, '[');
  put_js_cstr(b, p->title);
  sbuf_putc(b, ',');
  put_js_cstr(b, p->url[0] == '/' ? p->url + 1 : p->url);
  sbuf_printf(b, ",%d,%d", d->label_at, d->stages_at);
  sbuf_putc(b, ']');
}

/* File k: shard k, or after the shards page file k - nshards. */
static void file_one(void *sh, void *wk, size_t k) {
  files_shared *fs = sh;
  files_worker *w = wk;
  const sx_index *sx = fs->sx;
  sbuf *b = &w->b;
  sbuf_clear(b);
  const char *name;
  if (k < fs->nshards) {
    sbuf_printf(b, "klarSearch.shard(%zu,{", k);
    for (size_t i = fs->first[k]; i < fs->first[k + 1]; i++) {
      const sx_term *t = sx->terms[i];
      if (i > fs->first[k]) sbuf_putc(b, ',');
      sbuf_put(b, sx->bufs[t->task].data + t->at, t->size);
    }
    sbuf_puts(b, "});\n");
    name = arena_printf(w->scratch, "t-%zu.js", k);
  } else {
    size_t f = k - fs->nshards;
    sbuf_printf(b, "klarSearch.pages(%zu,[", f);
    bool any = false;
    for (size_t i = fs->pfirst[f]; i < fs->pfirst[f + 1]; i++) {
      if (!sx->pages[i].indexed) continue;
      if (any) sbuf_putc(b, ',');
      any = true;
      put_page_meta(b, sx->s->all.items[i], &sx->pages[i]);
    }
    sbuf_puts(b, "]);\n");
    name = arena_printf(w->scratch, "p-%zu.js", f);
  }
  fs->failed[k] = !write_file(fs->dir, name, b, fs->d, w->scratch);
  arena_reset(w->scratch);
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

bool sx_write_files(const sx_index *sx, const char *dir, const map *irregular, const sbuf *labels, int jobs, diag *d,
                    arena *a) {
  /* As many shards as make about SHARD_BYTES each; the terms are in hash
   * order, so each shard's terms are a run of them. */
  size_t total = 0;
  for (size_t i = 0; i < sx->nterms; i++) total += sx->terms[i]->size + 1;
  size_t per = total / MAX_SHARDS > SHARD_BYTES ? total / MAX_SHARDS : SHARD_BYTES;
  size_t nshards = total / per + 1;
  size_t *first = arena_alloc(a, (nshards + 1) * sizeof *first);
  for (size_t k = 0, i = 0; k <= nshards; k++) {
    while (i < sx->nterms && search_shard_of(sx->terms[i]->hash, nshards) < k) i++;
    first[k] = i;
  }
  first[nshards] = sx->nterms;
  /* The page files: PAGES_PER_FILE indexed pages each, by place in site->all. */
  int per_file = sx->npages <= PAGES_ONE_FILE ? PAGES_ONE_FILE : PAGES_PER_FILE;
  size_t npfiles = sx->npages ? ((size_t)sx->npages + (size_t)per_file - 1) / (size_t)per_file : 0;
  size_t *pfirst = arena_alloc(a, (npfiles + 1) * sizeof *pfirst);
  for (size_t i = 0, f = 0; i < sx->s->all.n; i++)
    if (sx->pages[i].indexed && sx->pages[i].id % per_file == 0) pfirst[f++] = i;
  pfirst[npfiles] = sx->s->all.n;

  files_shared fs = {sx, dir, nshards, first, pfirst, per_file, d, arena_calloc(a, nshards + npfiles + 1, sizeof(bool))};
  files_worker *fw = xcalloc((size_t)jobs, sizeof *fw);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    fw[k].scratch = arena_new();
    wp[k] = &fw[k];
  }
  pool_run(jobs, nshards + npfiles, file_one, &fs, wp);
  for (int k = 0; k < jobs; k++) {
    sbuf_free(&fw[k].b);
    arena_free(fw[k].scratch);
  }
  free(fw);
  free(wp);
  bool ok = true;
  for (size_t k = 0; k < nshards + npfiles; k++) ok &= !fs.failed[k];

  sbuf start = SBUF_INIT;
  sbuf_printf(&start, "klarSearch.start({n:%d,g:%d,k:%d,h:%zu", sx->npages, per_file, TOP_K, nshards);
  size_t nstop;
  const char *const *stop = search_stop_words(&nstop);
  sbuf_puts(&start, ",stop:[");
  for (size_t i = 0; i < nstop; i++) {
    if (i) sbuf_putc(&start, ',');
    put_js_cstr(&start, stop[i]);
  }
  sbuf_putc(&start, ']');
  put_irregular(&start, irregular);
  sbuf_puts(&start, ",l:[");
  sbuf_put(&start, labels->data ? labels->data : "", labels->len);
  sbuf_puts(&start, "]});\n");
  ok &= write_file(dir, "start.js", &start, d, a);
  sbuf_free(&start);
  return ok;
}
