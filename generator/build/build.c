/* build: orchestration of the stages; the thread pool is core/pool. */
#include "build.h"
#include "keep.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/str.h"
#include "../core/suggest.h"
#include "../layout/layout.h"
#include "../md/md.h"
#include "../model/model.h"
#include "../print/print.h"
#include "../site/search.h"
#include "../site/shortcode.h"
#include "../image/image.h"
#include "../image/picture.h"
#include "../site/site.h"
#include "preview.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int build_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* ------------------------------------------------------ stage 1: Markdown */

typedef struct md_shared {
  site *s;
  page_md *md; /* one per page of s->all */
  diag *d;
} md_shared;

typedef struct md_worker {
  arena *scratch;
  arena *keep; /* results that outlive the stage: one arena per worker */
} md_worker;

/* Each page's Markdown is parsed once, guarded, through every pass; the
 * HTML, the summary, the headings and, for a page printed in a booklet,
 * the block tree print sets all come from that one parse. The results go
 * beside the page (ms->md), which stays as the model made it. */
static void md_one(void *sh, void *wk, size_t i) {
  md_shared *ms = sh;
  md_worker *w = wk;
  build_page_markdown(ms->s, ms->s->all.items[i], &ms->md[i], w->scratch, w->keep, ms->d);
}

void build_page_markdown(const site *s, const page *p, page_md *m, arena *scratch, arena *keep, diag *d) {
  m->html = "";
  m->summary = "";
  /* A page whose file could not be read or whose front matter could not be
   * parsed was reported by the loader; its body means nothing. */
  if (p->broken) return;
  val *sum = val_get(p->fm, "summary");
  if (!sum) sum = val_get(p->fm, "description");
  if (val_as_str(sum)) m->summary = val_as_str(sum);
  if (!p->body_len) return;
  model_link lc = {s, p, scratch, NULL};
  shortcode_ctx sc = {(site *)s, p, scratch};
  md_options o = {0};
  o.site_passes = true;
  o.unsafe = true;
  o.footnotes = true;
  o.table_style_attrs = true; /* HTML5 has no align attribute */
  o.quote_open = s->quote_open;
  o.quote_close = s->quote_close;
  o.resolve = model_link_resolve;
  o.resolve_ctx = &lc;
  o.shortcode = shortcode_site;
  o.shortcode_ctx = &sc;
  picture_ctx pc = {s, p, scratch, d};
  o.picture = picture_md;
  o.picture_ctx = &pc;
  o.file = p->file;
  o.line_offset = p->body_line - 1;
  o.tree = p->nbooklets > 0;
  o.checks = true;
  md_result r = {0};
  md_render(p->body, p->body_len, &o, keep, d, &r);
  m->html = r.html ? r.html : "";
  if (!val_as_str(sum) && r.summary) m->summary = r.summary;
  m->words = r.words;
  m->tree = r.tree;
  m->anchors = r.anchors;
  m->nanchors = r.nanchors;
  m->ntoc = r.nheadings;
  m->toc = arena_calloc(keep, r.nheadings ? r.nheadings : 1, sizeof(toc_entry));
  for (size_t k = 0; k < r.nheadings; k++) {
    m->toc[k].level = r.headings[k].level;
    m->toc[k].id = r.headings[k].id;
    m->toc[k].title = r.headings[k].text;
    m->toc[k].line = r.headings[k].line;
    m->toc[k].col = r.headings[k].col;
  }
  arena_reset(scratch);
}

/* Runs the Markdown stage over every page on the pool and hangs the results
 * on the site (s->md); the memory lives as long as arena a. */
static void markdown_stage(site *s, arena *a, int jobs, diag *d) {
  page_md *md = arena_calloc(a, s->all.n ? s->all.n : 1, sizeof *md);
  md_shared ms = {s, md, d};
  md_worker *mw = xcalloc((size_t)jobs, sizeof *mw);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  for (int k = 0; k < jobs; k++) {
    mw[k].scratch = arena_new();
    mw[k].keep = arena_new();
    wp[k] = &mw[k];
  }
  pool_run(jobs, s->all.n, md_one, &ms, wp);
  for (int k = 0; k < jobs; k++) {
    arena_free(mw[k].scratch);
    arena_defer(a, (void (*)(void *))arena_free, mw[k].keep);
  }
  free(mw);
  free(wp);
  s->md = md;
}

/* ------------------------------------------------------- stage 2: layouts */

typedef struct render_shared {
  site *s;
  layout_set *ls;
  const bool *skip; /* pages whose front matter had errors */
  const char *out;
  diag *d;
  atomic_int files;
  char **ids; /* per page: the ids its HTML has, one per line (model_check_anchors) */
} render_shared;

typedef struct render_worker {
  layout_worker *lw;
  sbuf html;
  arena *scratch;
} render_worker;

/* The values of the id attributes in html, one per line, in a string the
 * caller frees: what a link's #fragment may name on that page. */
static char *ids_of(const char *html, size_t n) {
  sbuf b = SBUF_INIT;
  sbuf_putc(&b, '\n');
  for (const char *p = html; (p = memmem(p, n - (size_t)(p - html), " id=\"", 5)); ) {
    p += 5;
    const char *e = memchr(p, '"', n - (size_t)(p - html));
    if (!e) break;
    sbuf_put(&b, p, (size_t)(e - p));
    sbuf_putc(&b, '\n');
    p = e;
  }
  return sbuf_take(&b);
}

static void render_one(void *sh, void *wk, size_t i) {
  render_shared *rs = sh;
  render_worker *w = wk;
  const page *p = rs->s->all.items[i];
  if (rs->skip && rs->skip[i]) return;
  const char *name = layout_pick(rs->ls, p, rs->d);
  if (!name) return;
  sbuf_clear(&w->html);
  if (!layout_render(w->lw, p, name, &w->html, rs->d)) return;
  rs->ids[i] = ids_of(w->html.data, w->html.len);
  if (!rs->out) { /* klar check: rendered, so its errors are found; not written */
    atomic_fetch_add(&rs->files, 1);
    return;
  }
  char *path = fsx_join(w->scratch, rs->out, p->out);
  if (!fsx_write(path, w->html.data, w->html.len))
    diag_error(rs->d, p->file, 0, 0, "cannot write %s in the output folder: %s", p->out, strerror(errno));
  else
    atomic_fetch_add(&rs->files, 1);
  arena_reset(w->scratch);
}

/* ------------------------------------------------------------ booklets */

typedef struct booklet_shared {
  site *s;
  const char *dir; /* OUT/booklets */
  diag *d;
  booklet **todo;
} booklet_shared;

/* A booklet named on the command line that site.yaml does not declare,
 * with the declared name it most likely meant. */
static void report_unknown_booklet(site *s, const char *name, diag *d) {
  const char **names = arena_alloc(s->arena, (s->nbooklets + 1) * sizeof *names);
  for (size_t i = 0; i < s->nbooklets; i++) names[i] = s->booklets[i].name;
  const char *near = suggest_closest(name, names, s->nbooklets);
  if (near)
    diag_error(d, NULL, 0, 0, "there is no booklet named '%s' in content/site.yaml; did you mean '%s'?", name, near);
  else
    diag_error(d, NULL, 0, 0, "there is no booklet named '%s' in content/site.yaml", name);
}

static void booklet_one(void *sh, void *wk, size_t i) {
  booklet_shared *bs = sh;
  booklet *k = bs->todo[i];
  (void)wk;
  booklet_spec spec = print_spec(k);
  booklet_info info = {0};
  /* Booklets are made in parallel: each one has its own font map, Pango
   * context and memory (print_booklet), and the one thing Pango shares
   * between threads, its first look at a font's metrics, is made one at a
   * time inside print/ (fonts_prepare_layout). tests/tsan checks that the
   * PDFs are the same with -j 1 and -j 2, run after run. */
  bool ok = print_booklet(bs->s, &spec, bs->dir, bs->d, &info);
  if (!ok) return;
  /* Only this booklet's own fields are written here; the strings that need
   * the shared arena are made after the pool, in one thread. */
  k->npages = info.pages;
  k->made = true;
}

/* Makes the booklets (those named, or all) into out/booklets/ on the pool,
 * then records each one's URL, size and page count for the layouts. */
static int make_booklets(site *s, const char *out, const build_options *o, int jobs, diag *d) {
  booklet **todo = xcalloc(s->nbooklets ? s->nbooklets : 1, sizeof *todo);
  size_t n = 0;
  for (size_t i = 0; i < s->nbooklets; i++) {
    bool want = o->nnames == 0;
    for (int j = 0; j < o->nnames && !want; j++) want = !strcmp(o->names[j], s->booklets[i].name);
    if (want) todo[n++] = &s->booklets[i];
  }
  for (int j = 0; j < o->nnames; j++) {
    bool known = false;
    for (size_t i = 0; i < s->nbooklets && !known; i++) known = !strcmp(o->names[j], s->booklets[i].name);
    if (!known) report_unknown_booklet(s, o->names[j], d);
  }
  /* Without an output folder (klar check) each booklet is laid out, so that
   * text too long for its pages is found, but not drawn or written. */
  booklet_shared bs = {s, out ? fsx_join(s->arena, out, "booklets") : NULL, d, todo};
  void **wp = xcalloc((size_t)jobs, sizeof(void *));
  pool_run(jobs, n, booklet_one, &bs, wp);
  free(wp);
  int made = 0;
  for (size_t i = 0; i < n; i++) {
    booklet *k = todo[i];
    if (!k->made) continue;
    made++;
    build_record_booklet(s, k, bs.dir);
  }
  free(todo);
  return made;
}

/* Makes the folder of every page and static file in the stage, each with
 * one mkdir, before the workers write into them: fsx_write alone would try
 * every parent of every file (50,267 mkdir calls for 10,000 pages, 40,205
 * of them failing). */
static void make_out_dirs(site *s, const char *out, diag *d) {
  size_t n = 0, cap = s->all.n + s->statics.n + 1;
  const char **dirs = xcalloc(cap, sizeof *dirs);
  arena *tmp = arena_new();
  for (size_t i = 0; i < s->all.n; i++) dirs[n++] = fsx_dirname(tmp, s->all.items[i]->out);
  for (size_t i = 0; i < s->statics.n; i++) dirs[n++] = fsx_dirname(tmp, s->statics.entries[i].value);
  char *failed = NULL;
  if (!fsx_mkdir_tree(out, dirs, n, &failed))
    diag_error(d, failed ? failed : out, 0, 0, "cannot create the folder: %s", strerror(errno));
  free(failed);
  free(dirs);
  arena_free(tmp);
}

/* The 404 page: rendered with layouts/404.xml from a made-up page. */
void build_render_404(site *s, layout_set *ls, layout_worker *lw, const char *out, diag *d) {
  page p = {0};
  p.kind = PAGE_REGULAR;
  p.title = "Siden findes ikke";
  p.type = "404";
  p.section = "";
  p.dir = "";
  p.slug = "404";
  p.url = "/404.html";
  p.out = "404.html";
  p.file = fsx_join(s->arena, s->layouts_dir, "404.xml");
  p.fm = val_new(s->arena, VAL_MAP, 0, 0);
  val_map_put(s->arena, p.fm, "layout", val_str(s->arena, "404", 0, 0));
  p.body = "";
  p.days = -1000000000L;
  p.parent = s->home;
  const char *name = layout_pick(ls, &p, d);
  if (!name) return;
  sbuf b = SBUF_INIT;
  if (layout_render(lw, &p, name, &b, d) && out && !fsx_write(fsx_join(s->arena, out, "404.html"), b.data, b.len))
    diag_error(d, p.file, 0, 0, "cannot write 404.html in the output folder: %s", strerror(errno));
  sbuf_free(&b);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

bool build_site(const build_options *o, diag *d, build_stats *st) {
  double t0 = now_seconds();
  memset(st, 0, sizeof *st);
  arena *a = arena_new();
  int jobs = o->jobs > 0 ? o->jobs : build_cores();
  bool ok = false;
  char *stage = NULL;

  /* Every stage runs to its end whatever the stages before it reported, so
   * that one build shows front matter, Markdown, layout and print errors
   * together; the only gate is the last one, which puts nothing in place
   * when any stage reported an error. */
  site *s = model_build_cached(a, o->root, o->drafts, o->future, jobs, NULL, d);
  if (!s) goto done; /* no content folder: nothing to check */
  s->pictures = picture_set_new(s);
  /* klar check tells which pages wait for a later day; a build publishes
   * them by itself on that day, so it says nothing. */
  for (size_t i = 0; o->dry_run && i < s->held.n; i++) {
    const page *p = s->held.items[i];
    const val *v = val_get(p->fm, "publish");
    if (!v) v = val_get(p->fm, "date");
    diag_report(d, DIAG_NOTE, p->file, v ? v->line : 1, v ? v->col : 1,
                "this page is held back until %s and left out of the site until then (--future includes it)",
                model_held_until(p));
  }
  if (o->preview) {
    /* The preview writes only its own files, each replaced whole by
     * rename: no stage. The same stages as the booklets' PDFs before it. */
    site_assets(s, NULL, d);
    markdown_stage(s, a, jobs, d);
    /* A new folder is marked as klar's, as a build marks its output, so
     * that the next preview into it is let through (main's check_out). */
    if (!fsx_is_output(o->preview) && (!fsx_mkdirs(o->preview) || !fsx_mark_output(o->preview)))
      diag_error(d, o->preview, 0, 0, "cannot create the folder: %s", strerror(errno));
    else
      st->booklets = build_preview(s, o->preview, o->names, o->nnames, jobs, d);
    ok = !diag_errors(d);
    goto done;
  }
  const char *out = o->out ? o->out : fsx_join(a, o->root, "public");
  /* klar check writes nothing: every stage below takes a NULL folder as
   * "do the work, keep the result in memory". */
  if (!o->dry_run) stage = fsx_stage_begin(a, out);
  if (!stage && !o->dry_run) {
    diag_error(d, out, 0, 0, "cannot create the folder %s.tmp-%ld beside it to build into: %s", out,
               (long)getpid(), strerror(errno));
    goto done;
  }
  /* Pages whose own front matter has errors are not rendered: their layouts
   * would only repeat the mistake as Lua errors. */
  bool *skip = NULL;
  if (diag_errors(d)) {
    skip = arena_calloc(a, s->all.n ? s->all.n : 1, sizeof *skip);
    for (size_t i = 0; i < s->all.n; i++) {
      const page *p = s->all.items[i];
      skip[i] = p->broken || (p->src && diag_errors_in(d, p->file));
    }
  }
  if (o->only_booklets) {
    /* Staged like a build, so that a killed or failed run leaves every
     * previous PDF as it was: the output's files are hard-linked into the
     * stage (no copying), the booklets made there (print replaces each PDF
     * by rename, never writing into a linked file) and the stage swapped in. */
    const char *failed;
    if (fsx_is_dir(out) && !fsx_link_tree(a, out, stage, &failed)) {
      diag_error(d, failed, 0, 0, "cannot link the previous output into the new one: %s", strerror(errno));
      goto done;
    }
    /* The same stages as a build, so the PDFs are the build's, byte for
     * byte: the asset URLs (shortcodes use them, nothing is written), the
     * Markdown stage, then the booklets. After errors in the content the
     * booklets are still made, to report their own errors; the stage is
     * then thrown away. */
    site_assets(s, NULL, d);
    markdown_stage(s, a, jobs, d);
    model_check(s, d);
    st->booklets = make_booklets(s, stage, o, jobs, d);
    goto swap;
  }
  site_assets(s, stage, d);
  image_site(s, stage, out, d);
  /* The booklets' files are claimed by a quick build too: it keeps them. */
  site_check_outputs(s, false, d);
  layout_set *ls = layout_load(a, s, d);

  /* Stage 1: Markdown for every page, in parallel; then the files of the
   * images it met, each picture on its own thread. */
  markdown_stage(s, a, jobs, d);
  picture_write(s, stage, out, false, jobs, d);
  model_check(s, d);
  void **wp = xcalloc((size_t)jobs, sizeof(void *));

  /* The booklets come before the layouts, which link them with their size
   * and page count. */
  if (!o->no_booklets) st->booklets = make_booklets(s, stage, o, jobs, d);
  else if (stage) st->kept = build_keep_booklets(s, out, stage, d); /* a quick build loses none */

  /* Stage 2: layouts for every page, in parallel. */
  {
    if (stage) make_out_dirs(s, stage, d);
    render_shared rs = {.s = s, .ls = ls, .skip = skip, .out = stage, .d = d};
    rs.ids = xcalloc(s->all.n + 1, sizeof *rs.ids);
    atomic_init(&rs.files, 0);
    render_worker *rw = xcalloc((size_t)jobs, sizeof *rw);
    for (int k = 0; k < jobs; k++) {
      rw[k].lw = layout_worker_new(ls, d);
      rw[k].scratch = arena_new();
      wp[k] = &rw[k];
    }
    pool_run(jobs, s->all.n, render_one, &rs, wp);
    build_render_404(s, ls, rw[0].lw, stage, d);
    for (int k = 0; k < jobs; k++) {
      layout_worker_free(rw[k].lw);
      sbuf_free(&rw[k].html);
      arena_free(rw[k].scratch);
    }
    free(rw);
    st->files = atomic_load(&rs.files);
    model_check_anchors(s, rs.ids, d);
    for (size_t i = 0; i < s->all.n; i++) free(rs.ids[i]);
    free(rs.ids);
  }
  free(wp);

  site_statics(s, stage, d);
  site_sitemap(s, stage, d);
  site_feed(s, stage, d);
  site_robots(s, stage, d);
  site_aliases(s, stage, d);
  search_write(s, stage, jobs, d);
  st->pages = (int)s->all.n;
swap:
  if (diag_errors(d)) goto done;
  if (o->dry_run) {
    ok = true;
    goto done;
  }
  char *old = fsx_stage_swap(a, stage, out);
  if (!old) {
    diag_error(d, out, 0, 0, "cannot move the new output %s into place: %s", stage, strerror(errno));
    goto done;
  }
  stage = NULL;
  ok = true;
  /* The new site is in place; the old one, moved aside, goes now. Removing
   * it cost a rebuild about a fifth more than a build into an empty folder
   * on one thread, mostly the kernel's work per file: the pool halves it. */
  if (*old && !fsx_rmtree_jobs(old, jobs))
    diag_warning(d, old, 0, 0, "cannot remove the previous site, moved aside here: %s", strerror(errno));
done:
  if (stage) fsx_stage_abort(stage);
  st->errors = diag_errors(d);
  st->warnings = diag_warnings(d);
  st->seconds = now_seconds() - t0;
  arena_free(a);
  return ok;
}
