/* content: the walk over content/ and front matter splitting. */
#include "content.h"
#include "../core/fsx.h"
#include "../core/map.h"
#include "../core/pool.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "yml.h"
#include <string.h>

typedef struct walk_ctx {
  VEC(const char *) md;
  VEC(fsx_stamp) stamps; /* of each md file */
  VEC(const char *) other;
  arena *a;
} walk_ctx;

static void collect(const char *rel, const fsx_stamp *st, void *ctx) {
  walk_ctx *w = ctx;
  const char *r = arena_strdup(w->a, rel);
  if (str_ends(rel, ".md")) {
    vec_push(&w->md, r);
    vec_push(&w->stamps, *st);
  } else if (strcmp(rel, "site.yaml") != 0) {
    vec_push(&w->other, r);
  }
}

/* A line that is exactly "---" (or "..." when closing), with optional
 * trailing spaces and a \n or \r\n. Returns the length of the line including
 * its end, or 0. */
static size_t fence_line(const char *p, const char *end, bool closing) {
  if (end - p < 3) return 0;
  if (memcmp(p, "---", 3) != 0 && !(closing && memcmp(p, "...", 3) == 0)) return 0;
  const char *q = p + 3;
  while (q < end && (*q == ' ' || *q == '\t')) q++;
  if (q < end && *q == '\r') q++;
  if (q < end && *q != '\n') return 0;
  if (q < end) q++;
  return (size_t)(q - p);
}

bool content_split(const char *text, size_t n, const char **yaml, size_t *yaml_len,
                   const char **body, int *body_line) {
  const char *end = text + n, *p = text;
  *yaml = NULL;
  *yaml_len = 0;
  *body = text;
  *body_line = 1;
  size_t f = fence_line(p, end, false);
  if (!f) return true;
  p += f;
  const char *start = p;
  int line = 2;
  while (p < end) {
    size_t c = fence_line(p, end, true);
    if (c) {
      *yaml = start;
      *yaml_len = (size_t)(p - start);
      *body = p + c;
      *body_line = line + 1;
      return true;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break;
    p = nl + 1;
    line++;
  }
  return false;
}

/* Reports the line and column of the first invalid UTF-8 byte. */
static bool check_utf8(const char *text, size_t n, const char *file, diag *d) {
  size_t bad;
  if (str_utf8_valid(text, n, &bad)) return true;
  int line = 1, col = 1;
  for (size_t i = 0; i < bad; i++) {
    if (text[i] == '\n') { line++; col = 1; }
    else if (((unsigned char)text[i] & 0xC0) != 0x80) col++;
  }
  diag_error(d, file, line, col,
             "the file is not valid UTF-8 (byte 0x%02X); save it as UTF-8",
             (unsigned char)text[bad]);
  return false;
}

/* A page of rel with what its name tells (source, folder, section, kind)
 * and nothing read yet. */
static page *page_named(arena *a, const char *display_dir, const char *rel) {
  page *p = arena_calloc(a, 1, sizeof *p);
  p->src = rel;
  p->file = fsx_join(a, display_dir, rel);
  const char *base = fsx_basename(rel);
  p->dir = fsx_dirname(a, rel);
  const char *slash = strchr(rel, '/');
  p->section = slash ? arena_strndup(a, rel, (size_t)(slash - rel)) : "";
  p->kind = PAGE_REGULAR;
  if (!strcmp(base, "_index.md")) p->kind = *p->dir ? PAGE_SECTION : PAGE_HOME;
  else if (!strcmp(base, "index.md") && *p->dir) p->bundle = true;
  p->fm = val_new(a, VAL_MAP, 1, 1);
  p->body = "";
  p->body_line = 1;
  return p;
}

/* Fills p from the file's text (n bytes, NUL-terminated, in a): front
 * matter and body. checked: the text passed the UTF-8 and NUL checks
 * before (it comes from the cache). Returns whether it passes them (what
 * may be cached); errors go to d and mark the page broken. */
static bool page_fill(arena *a, page *p, char *text, size_t n, bool checked, diag *d) {
  if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) { text += 3; n -= 3; }
  if (!checked && !check_utf8(text, n, p->file, d)) {
    p->broken = true;
    return false;
  }
  if (!checked && memchr(text, 0, n)) {
    diag_error(d, p->file, 0, 0, "the file contains a NUL byte; is it really Markdown?");
    p->broken = true;
    return false;
  }
  const char *yaml, *body;
  size_t ylen;
  int bline;
  if (!content_split(text, n, &yaml, &ylen, &body, &bline)) {
    diag_error(d, p->file, 1, 1, "the front matter opened by '---' is never closed: add a line with only '---' after its last field");
    p->broken = true;
    return true;
  }
  p->body = body;
  p->body_len = n - (size_t)(body - text);
  p->body_line = bline;
  p->head_len = (size_t)(body - text);
  if (yaml) {
    val *fm = yml_parse(a, yaml, ylen, p->file, 1, d);
    if (fm && fm->kind != VAL_MAP) {
      diag_error(d, p->file, fm->line, fm->col, "the front matter must be a mapping of 'field: value' lines");
      fm = NULL;
    }
    if (fm) p->fm = fm;
    else p->broken = true;
  }
  return true;
}

page *content_load_page(arena *a, const char *dir, const char *display_dir, const char *rel, diag *d) {
  page *p = page_named(a, display_dir, rel);
  size_t n;
  char *text = fsx_read(a, fsx_join(a, dir, rel), &n);
  if (!text) {
    diag_error(d, p->file, 0, 0, "cannot read the file");
    p->broken = true;
    return p;
  }
  page_fill(a, p, text, n, false, d);
  return p;
}

/* ------------------------------------------------------------- cache */

typedef struct cached_file {
  fsx_stamp stamp;
  char *text; /* the file as read, heap */
  size_t len;
  unsigned seen; /* the load that last found the file */
} cached_file;

struct content_cache {
  map files; /* rel (heap) → cached_file* (heap), NULL when forgotten */
  unsigned loads;
  size_t hits; /* of the last load */
};

content_cache *content_cache_new(void) { return xcalloc(1, sizeof(content_cache)); }

static void forget(content_cache *c, size_t i) {
  cached_file *f = c->files.entries[i].value;
  if (f) free(f->text);
  free(f);
  c->files.entries[i].value = NULL;
}

void content_cache_free(content_cache *c) {
  if (!c) return;
  for (size_t i = 0; i < c->files.n; i++) {
    forget(c, i);
    free((char *)c->files.entries[i].key);
  }
  map_free(&c->files);
  free(c);
}

size_t content_cache_hits(const content_cache *c) { return c ? c->hits : 0; }

void content_cache_forget(content_cache *c, const char *rel) {
  cached_file *f = c ? map_get(&c->files, rel) : NULL;
  if (!f) return;
  free(f->text);
  free(f);
  map_set(&c->files, rel, NULL);
}

/* Keeps a copy of the file rel as read (text, len bytes) with its stamp. */
static void cache_put(content_cache *c, const char *rel, const fsx_stamp *st, const char *text, size_t len) {
  cached_file *f = map_get(&c->files, rel);
  if (!f) {
    f = xcalloc(1, sizeof *f);
    if (map_has(&c->files, rel)) map_set(&c->files, rel, f);
    else map_set(&c->files, xstrdup(rel), f);
  }
  free(f->text);
  f->stamp = *st;
  f->text = xmalloc(len + 1);
  memcpy(f->text, text, len);
  f->text[len] = 0;
  f->len = len;
  f->seen = c->loads;
}

typedef struct load_shared {
  const char *dir, *display_dir;
  const char **rels;
  const fsx_stamp *stamps;
  const content_cache *cache;
  page **pages;
  char **read;   /* per file: its text when it was read (not cached) and passed the checks */
  size_t *lens;
  diag *d;
} load_shared;

static void load_one(void *sh, void *wk, size_t i) {
  load_shared *ls = sh;
  arena *a = wk;
  const char *rel = ls->rels[i];
  const cached_file *f = ls->cache ? map_get(&ls->cache->files, rel) : NULL;
  if (f && fsx_stamp_eq(&f->stamp, &ls->stamps[i])) {
    char *text = arena_alloc(a, f->len + 1);
    memcpy(text, f->text, f->len + 1);
    ls->pages[i] = page_named(a, ls->display_dir, rel);
    page_fill(a, ls->pages[i], text, f->len, true, ls->d);
    return;
  }
  if (!ls->cache) {
    ls->pages[i] = content_load_page(a, ls->dir, ls->display_dir, rel, ls->d);
    return;
  }
  page *p = ls->pages[i] = page_named(a, ls->display_dir, rel);
  size_t n;
  char *text = fsx_read(a, fsx_join(a, ls->dir, rel), &n);
  if (!text) {
    diag_error(ls->d, p->file, 0, 0, "cannot read the file");
    p->broken = true;
    return;
  }
  if (page_fill(a, p, text, n, false, ls->d)) {
    ls->read[i] = text;
    ls->lens[i] = n;
  }
}

void content_load(arena *a, const char *dir, const char *display_dir, int jobs, content *out, diag *d) {
  content_load_cached(a, dir, display_dir, jobs, NULL, out, d);
}

void content_load_cached(arena *a, const char *dir, const char *display_dir, int jobs, content_cache *cache,
                         content *out, diag *d) {
  walk_ctx w = {.a = a};
  memset(out, 0, sizeof *out);
  if (!fsx_walk_stamped(dir, collect, &w)) {
    diag_error(d, display_dir, 0, 0, "cannot read the content folder");
    vec_free(&w.stamps);
    return;
  }
  /* Reading, checking and parsing the front matter of each file is
   * independent of the others, and was a quarter of a two-thread build on
   * one thread: it runs on the pool. Each thread allocates in an arena of
   * its own (kept until a is freed); page i lands in slot i, so the order is
   * the walk's whatever thread read it, and the messages are sorted by
   * diag. */
  if (jobs < 1) jobs = 1;
  if ((size_t)jobs > w.md.n) jobs = w.md.n ? (int)w.md.n : 1;
  void **arenas = xcalloc((size_t)jobs, sizeof *arenas);
  for (int k = 0; k < jobs; k++) {
    arenas[k] = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, arenas[k]);
  }
  size_t nmd = w.md.n ? w.md.n : 1;
  out->pages.items = arena_alloc(a, nmd * sizeof(page *));
  load_shared ls = {dir, display_dir, w.md.items, w.stamps.items, cache, out->pages.items, NULL, NULL, d};
  if (cache) {
    ls.read = xcalloc(nmd, sizeof *ls.read);
    ls.lens = xcalloc(nmd, sizeof *ls.lens);
  }
  pool_run(jobs, w.md.n, load_one, &ls, arenas);
  out->pages.n = w.md.n;
  free(arenas);
  if (cache) {
    /* The files read go into the cache; files no longer there leave it. */
    cache->loads++;
    cache->hits = 0;
    for (size_t i = 0; i < w.md.n; i++) {
      cached_file *f = map_get(&cache->files, w.md.items[i]);
      if (ls.read[i]) {
        cache_put(cache, w.md.items[i], &w.stamps.items[i], ls.read[i], ls.lens[i]);
      } else if (f && fsx_stamp_eq(&f->stamp, &w.stamps.items[i])) {
        f->seen = cache->loads;
        cache->hits++;
      } /* else: changed and unreadable or not UTF-8; it leaves below */
    }
    for (size_t i = 0; i < cache->files.n; i++) {
      cached_file *f = cache->files.entries[i].value;
      if (f && f->seen != cache->loads) forget(cache, i);
    }
    free(ls.read);
    free(ls.lens);
  }
  vec_free(&w.stamps);
  /* Bundle resources: files at or below the folder of a bundle's index.md. */
  for (size_t i = 0; i < out->pages.n; i++) {
    page *p = out->pages.items[i];
    if (!p->bundle) continue;
    size_t dl = strlen(p->dir), count = 0;
    const char **res = arena_alloc(a, (w.other.n ? w.other.n : 1) * sizeof(char *));
    for (size_t j = 0; j < w.other.n; j++) {
      const char *f = w.other.items[j];
      if (!strncmp(f, p->dir, dl) && f[dl] == '/') res[count++] = f + dl + 1;
    }
    p->resources = res;
    p->nresources = count;
  }
  out->statics = arena_alloc(a, (w.other.n ? w.other.n : 1) * sizeof(char *));
  for (size_t j = 0; j < w.other.n; j++) out->statics[j] = w.other.items[j];
  out->nstatics = w.other.n;
  vec_free(&w.md);
  vec_free(&w.other);
}
