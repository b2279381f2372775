/* layout, the renderer: picks the layout of a page and renders its
 * compiled tree (see compile.c and layout_int.h) to HTML5. Each worker has
 * its own Lua state and expression handles; the layout set is only read. */
#include "layout_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "html5.h"
#include "../core/suggest.h"

/* ---- lookup ---------------------------------------------------------------- */

/* The layout named stem + suffix ("proposal" ".xml"), or NULL. The name is
 * made in a buffer of the caller's thread: layout_pick runs on the render
 * workers, and the layout set (its arena included) is read-only there. */
static const layout *find(const layout_set *ls, sbuf *name, const char *stem, const char *suffix) {
  sbuf_clear(name);
  sbuf_puts(name, stem);
  sbuf_puts(name, suffix);
  return map_get(&ls->by_name, sbuf_str(name));
}

/* Appends to out the layout name (without .xml) closest to the unknown
 * stem; returns false when none is close. Runs on the render workers, so it
 * allocates on the heap, not in the shared arena. */
static bool closest_layout(const layout_set *ls, const char *stem, sbuf *out) {
  size_t n = ls->by_name.n;
  char **names = xcalloc(n + 1, sizeof *names);
  for (size_t i = 0; i < n; i++) {
    const char *k = ls->by_name.entries[i].key;
    size_t len = strlen(k);
    names[i] = str_ends(k, ".xml") ? strndup(k, len - 4) : strdup(k);
  }
  char *want = str_ends(stem, ".xml") ? strndup(stem, strlen(stem) - 4) : strdup(stem);
  const char *near = suggest_closest(want, (const char *const *)names, n);
  if (near) sbuf_puts(out, near);
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  free(want);
  return near != NULL;
}

const char *layout_pick(const layout_set *ls, const page *p, diag *d) {
  const char *file = p->file ? p->file : p->url;
  const val *lv = val_get(p->fm, "layout");
  const char *chosen = val_as_str(lv);
  sbuf name = SBUF_INIT;
  const char *picked = NULL;
  if (chosen) {
    const layout *l = find(ls, &name, chosen, str_ends(chosen, ".xml") ? "" : ".xml");
    sbuf near = SBUF_INIT;
    if (l) picked = l->name;
    else if (closest_layout(ls, chosen, &near))
      diag_error(d, file, lv->line, lv->col, "layout '%s' not found: there is no layouts/%s; did you mean '%s'?",
                 chosen, sbuf_str(&name), sbuf_str(&near));
    else
      diag_error(d, file, lv->line, lv->col, "layout '%s' not found: there is no layouts/%s", chosen,
                 sbuf_str(&name));
    sbuf_free(&near);
    sbuf_free(&name);
    return picked;
  }
  /* The names to try, in order, each as a stem and a suffix. */
  const char *stems[3] = {NULL, NULL, NULL}, *suffixes[3] = {".xml", ".xml", ".xml"};
  switch (p->kind) {
  case PAGE_HOME: stems[0] = "home"; break;
  case PAGE_SECTION:
    stems[0] = p->section && *p->section ? p->section : NULL;
    suffixes[0] = "-list.xml";
    stems[1] = "list";
    break;
  case PAGE_TAXONOMY: stems[0] = "taxonomy"; break;
  case PAGE_TERM: stems[0] = "term"; break;
  case PAGE_REGULAR:
    stems[0] = p->type;
    stems[1] = p->section && *p->section ? p->section : NULL;
    stems[2] = "page";
    break;
  }
  sbuf tried = SBUF_INIT;
  for (int i = 0; i < 3 && !picked; i++) {
    if (!stems[i]) continue;
    const layout *l = find(ls, &name, stems[i], suffixes[i]);
    if (l) picked = l->name;
    else sbuf_printf(&tried, "%slayouts/%s", tried.len ? ", " : "", sbuf_str(&name));
  }
  if (!picked) diag_error(d, file, 0, 0, "no layout for this page: tried %s", sbuf_str(&tried));
  sbuf_free(&tried);
  sbuf_free(&name);
  return picked;
}

/* ---- rendering -------------------------------------------------------------- */

layout_worker *layout_worker_new(const layout_set *ls, diag *d) {
  layout_worker *w = xcalloc(1, sizeof *w);
  w->ls = ls;
  w->k = klua_new(ls->s);
  klua_set_strings(w->k, ls->strings, "layouts/i18n.yaml");
  /* helper errors were reported by layout_load already */
  diag *quiet = diag_new();
  klua_run_helpers(w->k, ls->s->layouts_dir, quiet);
  diag_free(quiet);
  w->handles = xmalloc((ls->nexprs ? ls->nexprs : 1) * sizeof *w->handles);
  for (size_t i = 0; i < ls->nexprs; i++) w->handles[i] = -1;
  return w;
}

void layout_worker_watch(layout_worker *w, layout_file_fn file, klua_watch_fn read, void *ctx) {
  w->watch_file = file;
  w->watch_ctx = ctx;
  klua_set_watch(w->k, read, ctx);
}

void layout_worker_free(layout_worker *w) {
  if (!w) return;
  klua_free(w->k);
  free(w->handles);
  free(w);
}

typedef struct rctx {
  layout_worker *w;
  const page *p;
  sbuf *out;
  diag *d;
  layout **chain;
  size_t limit; /* fills of chain[0 .. limit-1] are visible */
  const char *file; /* the layout whose nodes are being rendered */
} rctx;

static bool render_kids(rctx *c, lnode **kids, size_t n);

/* Returns the worker's handle of expression e, compiling it on first use. */
static int handle(rctx *c, int e) {
  layout_worker *w = c->w;
  if (w->handles[e] < 0) w->handles[e] = klua_compile(w->k, w->ls->exprs[e].src);
  return w->handles[e];
}

static bool lua_failed(rctx *c, int e) {
  const lexpr *x = &c->w->ls->exprs[e];
  diag_error(c->d, x->file, x->line, x->col, "in %s=\"%s\": %s (rendering %s)", x->directive, x->shown,
             klua_error(c->w->k), c->p->file ? c->p->file : c->p->url);
  return false;
}

static bool too_big(rctx *c, int e) {
  const lexpr *x = &c->w->ls->exprs[e];
  diag_error(c->d, x->file, x->line, x->col,
             "in %s=\"%s\": the page's HTML grew past %zu MiB; is a k:for nested over long lists? "
             "(rendering %s)",
             x->directive, x->shown, MAX_PAGE_HTML >> 20, c->p->file ? c->p->file : c->p->url);
  return false;
}

static bool render_layout(rctx *parent, layout *l);

static bool render_slot(rctx *c, lnode *n) {
  for (size_t i = 0; i < c->limit; i++) {
    lnode *f = map_get(&c->chain[i]->fills, n->slot);
    if (!f) continue;
    size_t saved = c->limit;
    const char *file = c->file;
    c->limit = i; /* inside a fill only more derived fills are seen */
    c->file = c->chain[i]->file;
    bool ok = render_kids(c, f->kids, f->nkids);
    c->limit = saved;
    c->file = file;
    return ok;
  }
  return render_kids(c, n->kids, n->nkids);
}

static bool render_include(rctx *c, lnode *n) {
  layout_worker *w = c->w;
  if (!n->target || n->target->bad) return false;
  if (w->depth >= MAX_INCLUDE_DEPTH) {
    diag_error(c->d, n->text, n->line, n->col, "includes nest deeper than %d (does '%s' include itself?)",
               MAX_INCLUDE_DEPTH, n->src);
    return false;
  }
  for (size_t i = 0; i < n->nparams; i++) {
    int h = handle(c, n->params[i].expr);
    if (h < 0 || !klua_bind(w->k, n->params[i].name, h)) return lua_failed(c, n->params[i].expr);
  }
  w->depth++;
  bool ok = render_layout(c, n->target);
  w->depth--;
  return ok;
}

/* One occurrence of an element (after k:with and k:for). */
static bool render_one(rctx *c, lnode *n) {
  klua *k = c->w->k;
  sbuf *out = c->out;
  int h;
  if (n->if_expr >= 0) {
    bool yes;
    if ((h = handle(c, n->if_expr)) < 0 || !klua_eval_truthy(k, h, &yes)) return lua_failed(c, n->if_expr);
    if (!yes) return true;
  }
  if (n->kind == LN_CONTENT) {
    sbuf_puts(out, model_page_md(c->w->ls->s, c->p)->html);
    return true;
  }
  if (n->kind == LN_INCLUDE) return render_include(c, n);
  bool omit = n->omit_always;
  if (!omit && n->omit_expr >= 0) {
    if ((h = handle(c, n->omit_expr)) < 0 || !klua_eval_truthy(k, h, &omit))
      return lua_failed(c, n->omit_expr);
  }
  if (!omit) {
    sbuf_puts(out, n->open);
    for (size_t i = 0; i < n->nattrs; i++) {
      size_t at = out->len;
      sbuf_putc(out, ' ');
      sbuf_puts(out, n->attrs[i].name);
      size_t named = out->len;
      sbuf_puts(out, "=\"");
      int r = (h = handle(c, n->attrs[i].expr)) < 0 ? -1 : klua_eval_attr(k, h, out);
      if (r < 0) {
        out->len = at;
        out->data[at] = 0;
        return lua_failed(c, n->attrs[i].expr);
      }
      if (r == 0) out->len = at;
      else if (r == 1) out->len = named;
      else sbuf_putc(out, '"');
      out->data[out->len] = 0;
    }
    sbuf_putc(out, '>');
  }
  if (n->text_expr >= 0) {
    if ((h = handle(c, n->text_expr)) < 0 ||
        !klua_eval_put(k, h, out, n->raw ? KLUA_ESC_SCRIPT : KLUA_ESC_HTML))
      return lua_failed(c, n->text_expr);
  } else if (n->html_expr >= 0) {
    if ((h = handle(c, n->html_expr)) < 0 || !klua_eval_put(k, h, out, KLUA_ESC_RAW))
      return lua_failed(c, n->html_expr);
  } else if (n->slot) {
    if (!render_slot(c, n)) return false;
  } else if (!render_kids(c, n->kids, n->nkids)) {
    return false;
  }
  if (!omit && n->close) sbuf_puts(out, n->close);
  return true;
}

static bool render_node(rctx *c, lnode *n) {
  if (n->kind == LN_STATIC) {
    sbuf_put(c->out, n->text, n->len);
    return true;
  }
  if (c->w->nest >= MAX_RENDER_NEST) {
    diag_error(c->d, c->file, n->line, n->col,
               "elements nest more than %d deep here, through includes and slots "
               "(does a layout include itself?)",
               MAX_RENDER_NEST);
    return false;
  }
  klua *k = c->w->k;
  size_t mark = klua_mark(k);
  bool ok = true;
  c->w->nest++;
  for (size_t i = 0; ok && i < n->nwith; i++) {
    int h = handle(c, n->with[i].expr);
    if (h < 0 || !klua_bind(k, n->with[i].name, h)) ok = lua_failed(c, n->with[i].expr);
  }
  if (ok && n->for_expr >= 0) {
    size_t count, slot;
    int h = handle(c, n->for_expr);
    if (h < 0 || !klua_for_begin(k, h, n->for_i, n->for_x, &count, &slot)) {
      ok = lua_failed(c, n->for_expr);
    } else {
      for (size_t i = 0; ok && i < count; i++) {
        ok = klua_for_bind(k, slot, i, n->for_i, n->for_x) ? render_one(c, n)
                                                           : lua_failed(c, n->for_expr);
        if (ok && c->out->len > MAX_PAGE_HTML) ok = too_big(c, n->for_expr);
      }
    }
  } else if (ok) {
    ok = render_one(c, n);
  }
  klua_restore(k, mark);
  c->w->nest--;
  return ok;
}

static bool render_kids(rctx *c, lnode **kids, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!render_node(c, kids[i])) return false;
  return true;
}

/* Renders layout l (its root layout's tree with l's chain of fills). */
static bool render_layout(rctx *parent, layout *l) {
  if (l->bad || !l->nchain) return false;
  if (parent->w->watch_file)
    for (size_t i = 0; i < l->nchain; i++) parent->w->watch_file(parent->w->watch_ctx, l->chain[i]->file);
  rctx c = *parent;
  c.chain = l->chain;
  c.limit = l->nchain;
  c.file = l->chain[l->nchain - 1]->file;
  return render_node(&c, l->chain[l->nchain - 1]->root);
}

bool layout_render(layout_worker *w, const page *p, const char *name, sbuf *out, diag *d) {
  layout *l = map_get(&w->ls->by_name, name);
  if (!l) {
    diag_error(d, p->file, 0, 0, "no layout '%s'", name);
    return false;
  }
  if (l->bad) return false; /* its errors were reported at load */
  klua_set_page(w->k, p);
  size_t start = out->len;
  html5_put_doctype(out);
  rctx c = {w, p, out, d, NULL, 0, l->file};
  w->depth = 0;
  w->nest = 0;
  bool ok = render_layout(&c, l);
  klua_restore(w->k, 0);
  if (!ok) {
    out->len = start;
    if (out->data) out->data[start] = 0;
    return false;
  }
  sbuf_putc(out, '\n');
  return true;
}

