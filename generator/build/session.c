/* session: the build kept between edits (session.h).
 *
 * The state of one good build stays in memory: the model (pages with front
 * matter and body), what the Markdown stage made of each page, the layout
 * set, and for every page what its last render used, recorded while it
 * rendered (not guessed): the layout files it went through (picked layout,
 * the ones it extends, partials), the pages whose Markdown results it read
 * through the Lua bridge (content, summary, toc, words), the pages whose
 * other fields it read, and whether it enumerated a page list. The output
 * folder's files are known by size and hash (session_int.h).
 *
 * An update sorts the changed files into one of these ways, the cheapest
 * that is still exact:
 *
 *  - body: content/X.md edited, and the bytes before its body (the front
 *    matter and its fences) are the same as before. Nothing another page
 *    sees of it can have changed but its Markdown results (URL, type,
 *    section, order, draft, terms, title, references all come from the
 *    front matter or the file's name), so: Markdown again for that page,
 *    render it and the pages recorded as reading those of its Markdown
 *    results that changed (a list showing summaries from the front matter
 *    does not render again for a new paragraph), the 404 page, and the
 *    feed when the page's content or summary changed.
 *  - layouts: files below layouts/ but i18n.yaml. The layout set is loaded
 *    again and the pages recorded as going through a changed layout file
 *    render again; a layout file added or removed (it may change which
 *    layout a page picks) or a Lua helper changed renders every page.
 *  - front matter: content/X.md edited in its front matter. The model is
 *    built again from the sources (the model's checks and references are
 *    whole-site work; the Markdown files whose stamp, fsx_stamp, did not
 *    change since the last build come from a copy in memory, unread, and
 *    the changed files are always read); when its structure is the old
 *    one's (same pages, URLs, outputs, types, sections, titles, dates,
 *    weights, drafts, lists, terms, referrers, menu, aliases: see
 *    model_same_structure), the old Markdown results stay but the edited pages',
 *    and the pages rendered are the edited ones, the recorded readers of
 *    their fields and the readers of their Markdown results that changed;
 *    sitemap, feed, robots and aliases are made again. Otherwise it goes
 *    on as the full way from the new model.
 *  - full: anything else (a page added or removed, site.yaml, i18n.yaml,
 *    assets, other files below content/, or n == 0): the model,
 *    Markdown and every page again, as `klar build --no-booklets` does. The
 *    output still gets only the files whose bytes changed, and loses the
 *    files the site no longer has.
 *
 * Every way ends the same: the files whose bytes changed are written under
 * other names (pages beside their place, hidden; the rest in a private
 * folder beside the output), and only when the update reported no error
 * are they renamed into place (session_out.c). A failed update changes neither the output nor
 * the state (a body edit's page is put back as it was), and its changed
 * files are kept for the next update, so fixing the file mends it.
 *
 * Booklets are not made: their PDFs are for `klar booklets` and the print
 * preview, and pages carry no booklet links, exactly as `klar build
 * --no-booklets` makes them, so the session's folder can be compared with
 * such a build byte for byte (tests/session). */
#include "session.h"
#include "session_int.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../layout/layout.h"
#include "../load/content.h"
#include "../model/model.h"
#include "../image/image.h"
#include "../image/picture.h"
#include "../site/search.h"
#include "../site/site.h"
#include <errno.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What one page's last render used. */
/* A page whose Markdown results a render read, and which of them (the
 * KLUA_READ_CONTENT... bits). */
typedef struct body_read {
  uint32_t page;
  uint32_t what;
} body_read;

typedef struct page_deps {
  body_read *body;  /* pages whose Markdown results it read */
  uint32_t *fields; /* pages whose other fields it read */
  size_t nbody, nfields;
  const char **files; /* layout files, interned in the session */
  size_t nfiles;
  bool lists;       /* it enumerated a page list */
  bool done;        /* rendered (false for a page skipped or failed) */
  bool written;     /* its bytes changed and wait in out_page_tmp */
  out_sum sum;      /* of its bytes */
} page_deps;

/* One good build: the model and what was made of it. */
typedef struct gen {
  arena *a;        /* model, Markdown results of later body edits */
  arena *md_arena; /* Markdown results of the full build */
  arena *la;       /* the layout set */
  site *s;
  layout_set *ls;
  page_md *md;     /* == s->md */
  page_deps *deps; /* one per page of s->all */
} gen;

struct build_session {
  build_options o;
  char *root, *out;
  int jobs;
  gen *g;                /* NULL until a full build succeeded */
  out_manifest files;
  map interned;          /* layout file names */
  content_cache *sources; /* the Markdown files as last read, by stamp */
  VEC(char *) pending;   /* changed files of failed updates */
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* KLAR_SESSION_TRACE=1 prints the time of each step of an update to
 * stderr, for tuning (bench/session.sh). */
static void trace(const char *what, double *t) {
  static int on = -1;
  if (on < 0) on = getenv("KLAR_SESSION_TRACE") != NULL;
  double n = now_seconds();
  if (on) fprintf(stderr, "session: %-12s %7.1f ms\n", what, (n - *t) * 1000);
  *t = n;
}

static void deps_clear(page_deps *d) {
  free(d->body);
  free(d->fields);
  free(d->files);
  memset(d, 0, sizeof *d);
}

static void gen_free(gen *g) {
  if (!g) return;
  if (g->deps)
    for (size_t i = 0; i < g->s->all.n; i++) deps_clear(&g->deps[i]);
  free(g->deps);
  arena_free(g->la);
  arena_free(g->md_arena);
  arena_free(g->a);
  free(g);
}

static const char *intern(build_session *bs, const char *s) {
  const char *have = map_get(&bs->interned, s);
  if (have) return have;
  char *k = xstrdup(s);
  map_set(&bs->interned, k, k);
  return k;
}

/* ------------------------------------------------------------ Markdown */

typedef struct md_job {
  const site *s;
  page_md *md;
  diag *d;
} md_job;

typedef struct md_wk {
  arena *scratch, *keep;
} md_wk;

static void md_page(void *sh, void *wk, size_t i) {
  md_job *j = sh;
  md_wk *w = wk;
  build_page_markdown(j->s, j->s->all.items[i], &j->md[i], w->scratch, w->keep, j->d);
}

/* Markdown for every page of s on the pool; results in keep arenas that
 * die with a. */
static page_md *markdown_all(site *s, arena *a, int jobs, diag *d) {
  page_md *md = arena_calloc(a, s->all.n ? s->all.n : 1, sizeof *md);
  md_job j = {s, md, d};
  md_wk *w = xcalloc((size_t)jobs, sizeof *w);
  void **wp = xcalloc((size_t)jobs, sizeof *wp);
  for (int k = 0; k < jobs; k++) {
    w[k].scratch = arena_new();
    w[k].keep = arena_new();
    arena_defer(a, (void (*)(void *))arena_free, w[k].keep);
    wp[k] = &w[k];
  }
  pool_run(jobs, s->all.n, md_page, &j, wp);
  for (int k = 0; k < jobs; k++) arena_free(w[k].scratch);
  free(w);
  free(wp);
  s->md = md;
  return md;
}

/* ------------------------------------------------------------- render */

typedef struct render_job {
  gen *g;
  layout_set *ls;
  const uint32_t *todo; /* page indices */
  page_deps *deps;      /* per todo entry: what its render used */
  const out_manifest *files;
  const char *out;      /* the output folder */
  diag *d;
  atomic_int failed;
} render_job;

/* A render worker, and the recorder of what the page it renders reads. */
typedef struct render_wk {
  layout_worker *lw;
  sbuf html;
  arena *scratch;
  const site *s;
  uint32_t *seen;  /* per page of s->all: stamp of the last page that recorded it (x2: body, fields) */
  uint32_t *slot;  /* per page of s->all: its entry in body, when seen[2 * i] is the stamp */
  uint32_t stamp;
  VEC(body_read) body;
  VEC(uint32_t) fields;
  VEC(const char *) files;
  bool lists;
} render_wk;

static void watch_file(void *ctx, const char *file) {
  render_wk *w = ctx;
  for (size_t i = 0; i < w->files.n; i++)
    if (w->files.items[i] == file) return;
  vec_push(&w->files, file);
}

static void watch_read(void *ctx, const page *p, klua_read what) {
  render_wk *w = ctx;
  if (what == KLUA_READ_LIST) {
    w->lists = true;
    return;
  }
  /* Only pages of the site are recorded: the made-up 404 page is no
   * other page's source. */
  if (!p || p->index >= w->s->all.n || w->s->all.items[p->index] != p) return;
  if (what == KLUA_READ_FIELD) {
    uint32_t *seen = &w->seen[2 * p->index + 1];
    if (*seen == w->stamp) return;
    *seen = w->stamp;
    vec_push(&w->fields, (uint32_t)p->index);
    return;
  }
  uint32_t *seen = &w->seen[2 * p->index];
  if (*seen == w->stamp) {
    w->body.items[w->slot[p->index]].what |= what;
    return;
  }
  *seen = w->stamp;
  w->slot[p->index] = (uint32_t)w->body.n;
  vec_push(&w->body, ((body_read){(uint32_t)p->index, what}));
}

static uint32_t *vec_copy_u32(const uint32_t *items, size_t n) {
  uint32_t *c = xmalloc((n ? n : 1) * sizeof *c);
  if (n) memcpy(c, items, n * sizeof *c);
  return c;
}

/* Renders one page of the todo list: writes it into the transaction's
 * folder only when its bytes differ from the output's, and keeps what the
 * render used. */
static void render_page(void *sh, void *wk, size_t t) {
  render_job *j = sh;
  render_wk *w = wk;
  const page *p = j->g->s->all.items[j->todo[t]];
  page_deps *dp = &j->deps[t];
  w->stamp++;
  w->body.n = w->fields.n = w->files.n = 0;
  w->lists = false;
  const char *name = layout_pick(j->ls, p, j->d);
  sbuf_clear(&w->html);
  if (!name || !layout_render(w->lw, p, name, &w->html, j->d)) {
    atomic_store(&j->failed, 1);
    return;
  }
  dp->body = xmalloc((w->body.n ? w->body.n : 1) * sizeof *dp->body);
  if (w->body.n) memcpy(dp->body, w->body.items, w->body.n * sizeof *dp->body);
  dp->nbody = w->body.n;
  dp->fields = vec_copy_u32(w->fields.items, w->fields.n);
  dp->nfields = w->fields.n;
  dp->files = xmalloc((w->files.n ? w->files.n : 1) * sizeof *dp->files);
  if (w->files.n) memcpy(dp->files, w->files.items, w->files.n * sizeof *dp->files);
  dp->nfiles = w->files.n;
  dp->lists = w->lists;
  dp->done = true;
  out_sum_of(w->html.data, w->html.len, &dp->sum);
  if (out_manifest_same(j->files, p->out, &dp->sum)) return;
  if (!fsx_write(out_page_tmp(w->scratch, j->out, p->out), w->html.data, w->html.len)) {
    diag_error(j->d, p->file, 0, 0, "cannot write %s in the output folder: %s", p->out, strerror(errno));
    atomic_store(&j->failed, 1);
  } else {
    dp->written = true;
  }
  arena_reset(w->scratch);
}

/* Renders the pages of todo (n of them) with layout set ls on the pool;
 * deps gets what each used (the caller owns and frees them), and the 404
 * page is rendered into the transaction's "other" folder. Returns false
 * when a render failed (reported in d). */
static bool render_pages(build_session *bs, gen *g, layout_set *ls, const uint32_t *todo, size_t n,
                         page_deps *deps, out_txn *t, diag *d) {
  int jobs = bs->jobs;
  if ((size_t)jobs > n) jobs = n ? (int)n : 1;
  render_job j = {.g = g, .ls = ls, .todo = todo, .deps = deps, .files = &bs->files, .out = bs->out, .d = d};
  atomic_init(&j.failed, 0);
  double t0 = now_seconds();
  render_wk *w = xcalloc((size_t)jobs, sizeof *w);
  void **wp = xcalloc((size_t)jobs, sizeof *wp);
  for (int k = 0; k < jobs; k++) {
    w[k].lw = layout_worker_new(ls, d);
    w[k].scratch = arena_new();
    w[k].s = g->s;
    w[k].seen = xcalloc(2 * (g->s->all.n ? g->s->all.n : 1), sizeof *w[k].seen);
    w[k].slot = xcalloc(g->s->all.n ? g->s->all.n : 1, sizeof *w[k].slot);
    layout_worker_watch(w[k].lw, watch_file, watch_read, &w[k]);
    wp[k] = &w[k];
  }
  trace("workers", &t0);
  pool_run(jobs, n, render_page, &j, wp);
  trace("pool", &t0);
  /* The 404 page reads what it likes of the site, so it is made on every
   * update; without recording (it is no page of the site). */
  layout_worker_watch(w[0].lw, NULL, NULL, NULL);
  build_render_404(g->s, ls, w[0].lw, out_txn_dir(t, "other"), d);
  for (int k = 0; k < jobs; k++) {
    layout_worker_free(w[k].lw);
    sbuf_free(&w[k].html);
    arena_free(w[k].scratch);
    free(w[k].seen);
    free(w[k].slot);
    vec_free(&w[k].body);
    vec_free(&w[k].fields);
    vec_free(&w[k].files);
  }
  free(w);
  free(wp);
  for (size_t i = 0; i < n; i++)
    if (deps[i].done) out_txn_page(t, g->s->all.items[todo[i]]->out, &deps[i].sum, deps[i].written);
  return !atomic_load(&j.failed);
}

/* Puts the deps of the rendered pages into g (interning the file names),
 * freeing the ones they replace. */
static void deps_adopt(build_session *bs, gen *g, const uint32_t *todo, size_t n, page_deps *deps) {
  for (size_t i = 0; i < n; i++) {
    page_deps *d = &deps[i];
    for (size_t k = 0; k < d->nfiles; k++) d->files[k] = intern(bs, d->files[k]);
    deps_clear(&g->deps[todo[i]]);
    g->deps[todo[i]] = *d;
    memset(d, 0, sizeof *d);
  }
}

static void deps_free_all(page_deps *deps, size_t n) {
  for (size_t i = 0; i < n; i++) deps_clear(&deps[i]);
  free(deps);
}

/* Ends an update's rendering: when it went well (ok, and no error since
 * d counted `before`), keeps what the renders used and moves the changed
 * files into the output; else throws them away. Frees todo and deps
 * either way. Returns whether the output is now up to date. */
static bool finish(build_session *bs, gen *g, out_txn *t, bool ok, int before, uint32_t *todo, size_t nt,
                   page_deps *deps, diag *d, session_result *r) {
  if (ok && diag_errors(d) == before) {
    deps_adopt(bs, g, todo, nt, deps);
    t->jobs = bs->jobs;
    int w = out_txn_commit(t, &bs->files, d);
    ok = w >= 0;
    if (ok) r->written = w;
  } else {
    ok = false;
    out_txn_abort(t);
  }
  deps_free_all(deps, nt);
  free(todo);
  return ok;
}

/* --------------------------------------------------------- full build */

/* The search index, made whole by every update (an edit changes the words
 * of a page, and with them which shards there are): files of it that the
 * update did not make go. */
static void write_search(build_session *bs, site *s, out_txn *t, diag *d) {
  search_write(s, out_txn_dir(t, "other"), bs->jobs, d);
  t->whole = SEARCH_DIR "/";
}

/* The files of the output besides pages, assets and statics. */
static void write_others(build_session *bs, site *s, out_txn *t, diag *d) {
  const char *other = out_txn_dir(t, "other");
  site_sitemap(s, other, d);
  site_feed(s, other, d);
  site_robots(s, other, d);
  site_aliases(s, other, d);
  write_search(bs, s, t, d);
}

/* Which of the other files an update writes besides its pages. */
typedef enum {
  OTHERS_BODY,      /* an edit of bodies: the sitemap (lastmod moved) and the search index */
  OTHERS_BODY_FEED, /* the same and the feed, which shows the pages' summaries and content */
  OTHERS_ALL        /* every file write_others makes */
} others_kind;

/* Renders the pages todo (nt of them; todo is freed) of generation g into
 * a transaction on the output, writes the other files `others` says, and
 * commits when nothing went wrong since d counted `before` (finish).
 * Returns whether the output is now up to date. */
static bool render_update(build_session *bs, gen *g, uint32_t *todo, size_t nt, int before, others_kind others,
                          diag *d, session_result *r) {
  site *s = g->s;
  page_deps *deps = xcalloc(nt ? nt : 1, sizeof *deps);
  out_txn t;
  if (diag_errors(d) != before || !out_txn_begin(&t, g->a, bs->out, d)) {
    deps_free_all(deps, nt);
    free(todo);
    return false;
  }
  bool ok = render_pages(bs, g, g->ls, todo, nt, deps, &t, d);
  /* The images of the pages whose Markdown was made again: those the
   * output lacks (the rest it keeps, as it keeps what an update does not
   * make). */
  picture_write(s, out_txn_dir(&t, "statics"), bs->out, true, bs->jobs, d);
  if (others == OTHERS_ALL) {
    write_others(bs, s, &t, d);
  } else {
    if (others == OTHERS_BODY_FEED) site_feed(s, out_txn_dir(&t, "other"), d);
    /* An edited file changed when it was saved: its lastmod moves (not
     * after an error: the last good output stays as it was). */
    if (ok && diag_errors(d) == before) site_sitemap(s, out_txn_dir(&t, "other"), d);
    write_search(bs, s, &t, d);
  }
  return finish(bs, g, &t, ok, before, todo, nt, deps, d, r);
}

/* Builds everything anew into a new generation; on success it replaces
 * the old one and the output gets the changed files. */
/* A new generation with the model of the sources as they are now; NULL
 * when there is nothing to read (errors in d). */
static gen *gen_model(build_session *bs, diag *d) {
  gen *g = xcalloc(1, sizeof *g);
  g->a = arena_new();
  g->md_arena = arena_new();
  g->la = arena_new();
  g->s = model_build_cached(g->a, bs->root, bs->o.drafts, bs->o.future, bs->jobs, bs->sources, d);
  if (!g->s) {
    gen_free(g);
    return NULL;
  }
  g->s->pictures = picture_set_new(g->s);
  return g;
}

/* The full way from generation g (its model built, nothing else), which
 * it takes over: on success it replaces the session's, else it is freed. */
static bool full_from(build_session *bs, gen *g, int before, diag *d, session_result *r) {
  r->full = true;
  out_txn t;
  bool ok = false;
  if (!out_txn_begin(&t, g->a, bs->out, d)) {
    gen_free(g);
    return false;
  }
  t.all = true;
  site *s = g->s;
  site_assets(s, out_txn_dir(&t, "assets"), d);
  image_site(s, out_txn_dir(&t, "assets"), bs->out, d); /* drawn from assets/: with them */
  site_check_outputs(s, true, d);
  g->ls = layout_load(g->la, s, d);
  g->md = markdown_all(s, g->md_arena, bs->jobs, d);
  picture_write(s, out_txn_dir(&t, "statics"), bs->out, false, bs->jobs, d);
  model_check(s, d); /* as a build: what check calls an error is not served as good */
  g->deps = xcalloc(s->all.n ? s->all.n : 1, sizeof *g->deps);
  /* As a build, pages whose front matter had errors are not rendered (the
   * layouts would only repeat the mistake); the update fails anyway. */
  if (diag_errors(d) > before) goto fail;
  uint32_t *todo = xmalloc((s->all.n ? s->all.n : 1) * sizeof *todo);
  for (size_t i = 0; i < s->all.n; i++) todo[i] = (uint32_t)i;
  page_deps *deps = xcalloc(s->all.n ? s->all.n : 1, sizeof *deps);
  ok = render_pages(bs, g, g->ls, todo, s->all.n, deps, &t, d);
  site_statics(s, out_txn_dir(&t, "statics"), d);
  write_others(bs, s, &t, d);
  if (!finish(bs, g, &t, ok, before, todo, s->all.n, deps, d, r)) goto fail_done;
  gen_free(bs->g);
  bs->g = g;
  r->rebuilt = (int)s->all.n;
  return true;
fail:
  out_txn_abort(&t);
fail_done:
  gen_free(g);
  return false;
}

static bool update_full(build_session *bs, diag *d, session_result *r) {
  int before = diag_errors(d);
  double t0 = now_seconds();
  gen *g = gen_model(bs, d);
  trace("model", &t0);
  return g && full_from(bs, g, before, d, r);
}

/* ---------------------------------------------------------- body edits */

typedef struct body_edit {
  page *p;
  const char *body;
  size_t body_len, head_len;
  int body_line;
  page_md md;
  uint32_t changed; /* KLUA_READ_CONTENT... bits: which Markdown results differ */
} body_edit;

static bool str_same(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

/* Which of the Markdown results a reader can see (klua_read bits) differ
 * between a and b. */
static uint32_t md_changed(const page_md *a, const page_md *b) {
  uint32_t c = 0;
  if (!str_same(a->html, b->html)) c |= KLUA_READ_CONTENT;
  if (!str_same(a->summary, b->summary)) c |= KLUA_READ_SUMMARY;
  if (a->words != b->words) c |= KLUA_READ_WORDS;
  bool toc = a->ntoc == b->ntoc;
  for (size_t i = 0; toc && i < a->ntoc; i++)
    toc = a->toc[i].level == b->toc[i].level && str_same(a->toc[i].id, b->toc[i].id) &&
          str_same(a->toc[i].title, b->toc[i].title);
  if (!toc) c |= KLUA_READ_TOC;
  return c;
}

/* The body way (see the top of the file) for the edited pages e[0..n-1],
 * already checked to have the front matter they had. */
static bool update_bodies(build_session *bs, body_edit *e, size_t n, diag *d, session_result *r) {
  gen *g = bs->g;
  site *s = g->s;
  int before = diag_errors(d);
  double t0 = now_seconds();
  arena *scratch = arena_new();
  /* Swap the new bodies in, keeping the old ones to put back. */
  for (size_t i = 0; i < n; i++) {
    page *p = e[i].p;
    body_edit old = {p, p->body, p->body_len, p->head_len, p->body_line, g->md[p->index], 0};
    p->body = e[i].body;
    p->body_len = e[i].body_len;
    p->head_len = e[i].head_len;
    p->body_line = e[i].body_line;
    build_page_markdown(s, p, &g->md[p->index], scratch, g->md_arena, d);
    old.changed = md_changed(&old.md, &g->md[p->index]);
    e[i] = old;
  }
  arena_free(scratch);
  model_check(s, d); /* the edit may have dropped a theme or broken a programme */
  trace("markdown", &t0);
  /* The pages to render: the edited ones, and the pages that read one of
   * their Markdown results that changed (a list showing summaries from
   * the front matter need not render again for a new paragraph). */
  bool *want = xcalloc(s->all.n ? s->all.n : 1, sizeof *want);
  uint32_t *changed = xcalloc(s->all.n ? s->all.n : 1, sizeof *changed);
  bool feed = false;
  for (size_t i = 0; i < n; i++) {
    want[e[i].p->index] = true;
    changed[e[i].p->index] |= e[i].changed;
    feed = feed || (e[i].changed & (KLUA_READ_CONTENT | KLUA_READ_SUMMARY));
  }
  for (size_t k = 0; k < s->all.n; k++) {
    const page_deps *dp = &g->deps[k];
    for (size_t b = 0; b < dp->nbody && !want[k]; b++)
      if (changed[dp->body[b].page] & dp->body[b].what) want[k] = true;
  }
  free(changed);
  uint32_t *todo = xmalloc((s->all.n ? s->all.n : 1) * sizeof *todo);
  size_t nt = 0;
  for (size_t k = 0; k < s->all.n; k++)
    if (want[k]) todo[nt++] = (uint32_t)k;
  free(want);
  trace("readers", &t0);
  bool ok = render_update(bs, g, todo, nt, before, feed ? OTHERS_BODY_FEED : OTHERS_BODY, d, r);
  trace("feed, sitemap, search", &t0);
  if (!ok) {
    /* Put the pages back as the last good build had them. */
    for (size_t i = 0; i < n; i++) {
      page *p = e[i].p;
      p->body = e[i].body;
      p->body_len = e[i].body_len;
      p->head_len = e[i].head_len;
      p->body_line = e[i].body_line;
      g->md[p->index] = e[i].md;
    }
    return false;
  }
  r->rebuilt = (int)nt;
  return true;
}

/* ------------------------------------------------------------ layouts */

/* The layouts way: loads the layout set again and renders the pages that
 * went through a changed file (every page when all). */
static bool update_layouts(build_session *bs, const char *const *changed, size_t n, bool all, diag *d,
                           session_result *r) {
  gen *g = bs->g;
  site *s = g->s;
  int before = diag_errors(d);
  double t0 = now_seconds();
  arena *la = arena_new();
  layout_set *ls = layout_load(la, s, d);
  trace("layouts", &t0);
  if (diag_errors(d) > before) {
    arena_free(la);
    return false;
  }
  uint32_t *todo = xmalloc((s->all.n ? s->all.n : 1) * sizeof *todo);
  size_t nt = 0;
  for (size_t k = 0; k < s->all.n; k++) {
    const page_deps *dp = &g->deps[k];
    bool want = all || !dp->done;
    for (size_t f = 0; f < dp->nfiles && !want; f++)
      for (size_t i = 0; i < n && !want; i++) want = !strcmp(dp->files[f], changed[i]);
    if (want) todo[nt++] = (uint32_t)k;
  }
  page_deps *deps = xcalloc(nt ? nt : 1, sizeof *deps);
  out_txn t;
  bool ok = out_txn_begin(&t, g->a, bs->out, d);
  if (ok) {
    ok = render_pages(bs, g, ls, todo, nt, deps, &t, d);
    trace("render", &t0);
    ok = finish(bs, g, &t, ok, before, todo, nt, deps, d, r);
  } else {
    deps_free_all(deps, nt);
    free(todo);
  }
  trace("commit", &t0);
  if (!ok) {
    arena_free(la);
    return false;
  }
  arena_free(g->la);
  g->la = la;
  g->ls = ls;
  r->rebuilt = (int)nt;
  return true;
}

/* -------------------------------------------------------- front matter */

/* The front matter way (see the top of the file): the model is built again
 * from the sources; when its structure is the old one's, the old Markdown
 * results stay (but the edited pages'), and the pages to render are the
 * edited ones, the readers of their fields and the readers of their
 * Markdown results that changed. Otherwise the full way goes on from the
 * new model. */
static bool update_fields(build_session *bs, const char *const *srcs, size_t n, diag *d, session_result *r) {
  int before = diag_errors(d);
  double t0 = now_seconds();
  gen *old = bs->g;
  gen *g = gen_model(bs, d);
  trace("model", &t0);
  if (!g) return false;
  if (diag_errors(d) > before) {
    gen_free(g);
    return false;
  }
  if (!model_same_structure(old->s, g->s)) return full_from(bs, g, before, d, r);
  site *s = g->s;
  size_t np = s->all.n;
  site_assets(s, NULL, d); /* the URLs only: the assets did not change */
  image_site(s, NULL, NULL, d); /* likewise the cards' and photos' URLs */
  g->ls = layout_load(g->la, s, d);
  g->md = arena_calloc(g->a, np ? np : 1, sizeof *g->md);
  if (np) memcpy(g->md, old->md, np * sizeof *g->md);
  /* A summary from the front matter points into the old model, which goes:
   * take the new model's (the same text; chosen as build_page_markdown
   * chooses it). */
  for (size_t k = 0; k < np; k++) {
    const page *p = s->all.items[k];
    val *sum = val_get(p->fm, "summary");
    if (!sum) sum = val_get(p->fm, "description");
    if (!p->broken && val_as_str(sum)) g->md[k].summary = val_as_str(sum);
  }
  s->md = g->md;
  g->deps = old->deps; /* borrowed until the update succeeds */
  uint32_t *changed = xcalloc(np ? np : 1, sizeof *changed);
  arena *scratch = arena_new();
  for (size_t i = 0; i < n; i++) {
    page *p = map_get(&s->by_src, srcs[i]);
    if (!p) continue;
    build_page_markdown(s, p, &g->md[p->index], scratch, g->md_arena, d);
    changed[p->index] = KLUA_READ_FIELD | md_changed(&old->md[p->index], &g->md[p->index]);
  }
  arena_free(scratch);
  model_check(s, d); /* new fields may break a programme or a page's structure */
  uint32_t *todo = xmalloc((np ? np : 1) * sizeof *todo);
  size_t nt = 0;
  for (size_t k = 0; k < np; k++) {
    const page_deps *dp = &g->deps[k];
    bool want = changed[k] != 0 || !dp->done;
    for (size_t b = 0; b < dp->nbody && !want; b++) want = changed[dp->body[b].page] & dp->body[b].what;
    for (size_t f = 0; f < dp->nfields && !want; f++) want = changed[dp->fields[f]] != 0;
    if (want) todo[nt++] = (uint32_t)k;
  }
  free(changed);
  trace("readers", &t0);
  bool ok = render_update(bs, g, todo, nt, before, OTHERS_ALL, d, r);
  trace("render", &t0);
  if (!ok) {
    g->deps = NULL;
    gen_free(g);
    return false;
  }
  /* The old Markdown results live on in the new generation. */
  arena_defer(g->md_arena, (void (*)(void *))arena_free, old->md_arena);
  old->md_arena = NULL;
  old->deps = NULL;
  gen_free(old);
  bs->g = g;
  r->rebuilt = (int)nt;
  return true;
}

/* --------------------------------------------------------- the updates */

/* True when some page's last render went through layout file f. */
static bool layout_known(const gen *g, const char *f) {
  for (size_t k = 0; k < g->s->all.n; k++)
    for (size_t i = 0; i < g->deps[k].nfiles; i++)
      if (!strcmp(g->deps[k].files[i], f)) return true;
  return false;
}

/* Sorts the changed files into a way and runs it. */
static bool update(build_session *bs, const char *const *changed, size_t n, diag *d, session_result *r) {
  gen *g = bs->g;
  if (!g || n == 0) return update_full(bs, d, r);
  bool layouts = false, all_layouts = false, fields = false;
  body_edit *edits = xcalloc(n, sizeof *edits);
  const char **srcs = xcalloc(n, sizeof *srcs);
  size_t nedits = 0;
  bool ok = true, full = false;
  for (size_t i = 0; i < n; i++)
    if (str_starts(changed[i], "content/")) content_cache_forget(bs->sources, changed[i] + 8);
  for (size_t i = 0; i < n && !full; i++) {
    const char *f = changed[i];
    /* Hidden files (an editor's swap file) are no part of any build. */
    if (f[0] == '.' || strstr(f, "/.")) continue;
    if (str_starts(f, "layouts/") && strcmp(f, "layouts/i18n.yaml")) {
      layouts = true;
      /* A new or removed layout may change which layout a page picks; a
       * helper may be called from anywhere. */
      if (!str_ends(f, ".xml") || !layout_known(g, f) || !fsx_is_file(fsx_join(g->a, bs->root, f)))
        all_layouts = true;
      continue;
    }
    if (!str_starts(f, "content/") || !str_ends(f, ".md")) {
      full = true;
      break;
    }
    page *p = map_get(&g->s->by_src, f + 8);
    if (!p || !fsx_is_file(fsx_join(g->a, bs->root, f))) {
      full = true; /* a page added or removed */
      break;
    }
    int before = diag_errors(d);
    /* Named as model_build names it, so messages name it the same way. */
    page *np = content_load_page(g->a, g->s->content_dir, g->s->content_dir, f + 8, d);
    if (diag_errors(d) > before || np->broken) {
      ok = false;
      break;
    }
    srcs[nedits] = f + 8;
    if (np->head_len != p->head_len || memcmp(np->body - np->head_len, p->body - p->head_len, p->head_len))
      fields = true; /* the front matter changed */
    edits[nedits++] = (body_edit){p, np->body, np->body_len, np->head_len, np->body_line, {0}, 0};
  }
  if (ok && full) ok = update_full(bs, d, r);
  else if (ok) {
    /* Layouts first: the pages then render with the new set. */
    if (layouts) ok = update_layouts(bs, changed, n, all_layouts, d, r);
    session_result rb = {0};
    if (ok && nedits) {
      ok = fields ? update_fields(bs, srcs, nedits, d, &rb) : update_bodies(bs, edits, nedits, d, &rb);
      r->rebuilt += rb.rebuilt;
      r->written += rb.written;
      r->full = rb.full;
    }
  }
  free(edits);
  free(srcs);
  return ok;
}

/* Remembers the changed files of a failed update for the next one. */
static void keep_pending(build_session *bs, const char *const *changed, size_t n) {
  for (size_t i = 0; i < n; i++) vec_push(&bs->pending, xstrdup(changed[i]));
  if (n == 0) vec_push(&bs->pending, xstrdup("")); /* "" means: all */
}

bool build_session_update(build_session *bs, const char *const *changed, size_t n, diag *d,
                          session_result *r) {
  double t0 = now_seconds();
  memset(r, 0, sizeof *r);
  /* The files of failed updates count as changed again. */
  size_t np = bs->pending.n;
  bool any = n == 0;
  const char **all = xcalloc(n + np + 1, sizeof *all);
  size_t na = 0;
  for (size_t i = 0; i < np; i++) {
    if (!*bs->pending.items[i]) any = true;
    all[na++] = bs->pending.items[i];
  }
  for (size_t i = 0; i < n; i++) all[na++] = changed[i];
  r->ok = update(bs, all, any ? 0 : na, d, r);
  /* Keep what failed; the new list is built before the old one is freed,
   * because all points into both. */
  VEC(char *) old = {bs->pending.items, bs->pending.n, bs->pending.cap};
  memset(&bs->pending, 0, sizeof bs->pending);
  if (!r->ok) keep_pending(bs, all, any ? 0 : na);
  for (size_t i = 0; i < old.n; i++) free(old.items[i]);
  vec_free(&old);
  free(all);
  r->seconds = now_seconds() - t0;
  return r->ok;
}

/* Seeds the manifest with the files already in the output folder, so that
 * a session opened on its folder of last time rewrites only what changed
 * and removes what the site no longer has. */
static void seed_one(const char *rel, void *ctx) {
  build_session *bs = ctx;
  arena *a = arena_new();
  size_t len;
  char *data = fsx_read_heap(fsx_join(a, bs->out, rel), &len);
  if (data) {
    out_sum s;
    out_sum_of(data, len, &s);
    out_sum *c = xmalloc(sizeof *c);
    *c = s;
    map_set(&bs->files.files, xstrdup(rel), c);
  }
  free(data);
  arena_free(a);
}

build_session *build_session_open(const build_options *o, diag *d, session_result *r) {
  double t0 = now_seconds();
  memset(r, 0, sizeof *r);
  build_session *bs = xcalloc(1, sizeof *bs);
  bs->o = *o;
  bs->root = xstrdup(o->root);
  bs->out = xstrdup(o->out);
  bs->o.root = bs->root;
  bs->o.out = bs->out;
  bs->o.names = NULL;
  bs->o.nnames = 0;
  bs->jobs = o->jobs > 0 ? o->jobs : build_cores();
  bs->sources = content_cache_new();
  if (fsx_is_dir(bs->out)) {
    if (!fsx_is_output(bs->out) && !fsx_is_empty_dir(bs->out)) {
      diag_error(d, bs->out, 0, 0,
                 "the folder is not empty and was not made by klar; give the session a folder of its own");
      build_session_close(bs);
      return NULL;
    }
    fsx_walk(bs->out, seed_one, bs);
  }
  /* The folder itself is made by the first good update (session_out.c):
   * until then there is none, as after a failed first build. */
  r->ok = update_full(bs, d, r);
  if (!r->ok) {
    arena *a = arena_new();
    bool has_content = fsx_is_dir(fsx_join(a, bs->root, "content"));
    arena_free(a);
    if (!has_content) { /* nothing to build at all */
      build_session_close(bs);
      return NULL;
    }
    keep_pending(bs, NULL, 0);
  }
  r->seconds = now_seconds() - t0;
  return bs;
}

void build_session_close(build_session *bs) {
  if (!bs) return;
  gen_free(bs->g);
  content_cache_free(bs->sources);
  out_manifest_free(&bs->files);
  for (size_t i = 0; i < bs->interned.n; i++) free(bs->interned.entries[i].value);
  map_free(&bs->interned);
  for (size_t i = 0; i < bs->pending.n; i++) free(bs->pending.items[i]);
  vec_free(&bs->pending);
  free(bs->root);
  free(bs->out);
  free(bs);
}
