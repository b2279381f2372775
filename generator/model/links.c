/* links: references in front matter and relative links between pages, all
 * resolved against the pages' source paths below content/. */
#include "builder.h"
#include <string.h>
#include <strings.h>
#include "../core/scheme.h"
#include "../core/suggest.h"

/* ------------------------------------------------------------ references */

/* Normalises "a/b/../c" → "a/c"; returns NULL if it climbs above the root. */
static char *normalize(arena *a, const char *base, const char *rel) {
  sbuf out = SBUF_INIT;
  const char *parts[2] = {base, rel};
  VEC(size_t) marks = {0};
  bool bad = false;
  for (int k = 0; k < 2 && !bad; k++) {
    const char *p = parts[k];
    if (!p) continue;
    while (*p) {
      const char *slash = strchr(p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen(p);
      if (n == 0 || (n == 1 && p[0] == '.')) {
        /* skip */
      } else if (n == 2 && p[0] == '.' && p[1] == '.') {
        if (!marks.n) { bad = true; break; }
        out.len = marks.items[--marks.n];
        if (out.data) out.data[out.len] = 0;
      } else {
        vec_push(&marks, out.len);
        if (out.len) sbuf_putc(&out, '/');
        sbuf_put(&out, p, n);
      }
      p += n;
      if (*p == '/') p++;
    }
  }
  vec_free(&marks);
  char *r = bad ? NULL : sbuf_dup(&out, a);
  sbuf_free(&out);
  return r;
}

/* Finds the page a reference names in map m (the site's pages, or the
 * drafts left out): as a path below content/, else relative to from. */
static page *find_in(builder *b, const map *m, page *from, const char *target) {
  page *p = map_get(m, target);
  if (p) return p;
  char *rel = normalize(b->a, from->dir, target);
  return rel ? map_get(m, rel) : NULL;
}

static page *find_ref(builder *b, page *from, const char *target) {
  return find_in(b, &b->s->by_src, from, target);
}

/* The existing page the reference target most likely meant, as its path
 * below content/; NULL when none is close. */
static const char *closest_page(builder *b, page *from, const char *target) {
  char *rel = normalize(b->a, from->dir, target);
  const map *m = &b->s->by_src;
  const char **paths = arena_alloc(b->a, (m->n + 1) * sizeof *paths);
  for (size_t i = 0; i < m->n; i++) paths[i] = m->entries[i].key;
  const char *near = suggest_closest(target, paths, m->n);
  if (!near && rel) near = suggest_closest(rel, paths, m->n);
  return near;
}

static void add_referrer(builder *b, page *target, page *from) {
  page_list *l = &target->referrers;
  if (l->n && l->items[l->n - 1] == from) return;
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i] == from) return;
  /* Grow by doubling; the arena keeps the old array, a small price. */
  if ((l->n & (l->n - 1)) == 0) {
    size_t cap = l->n ? l->n * 2 : 4;
    l->items = arena_realloc(b->a, l->items, l->n * sizeof(page *), cap * sizeof(page *));
  }
  l->items[l->n++] = from;
}

void mb_resolve_refs(builder *b, page *p, val *v, const char *field, const field_schema *f) {
  const char *to = f ? f->to : NULL;
  if (v->kind == VAL_LIST) {
    for (size_t i = 0; i < v->u.list.n; i++) mb_resolve_refs(b, p, v->u.list.items[i], field, f);
    return;
  }
  if (v->kind == VAL_MAP) {
    for (size_t i = 0; f && i < v->u.map.n; i++)
      for (size_t j = 0; j < f->nfields; j++)
        if (!strcmp(f->fields[j].name, v->u.map.keys[i]))
          mb_resolve_refs(b, p, v->u.map.vals[i], v->u.map.keys[i], &f->fields[j]);
    return;
  }
  if (v->kind != VAL_REF) return;
  page *t = find_ref(b, p, v->u.ref.s);
  page *gone = t ? NULL : find_in(b, &b->s->left_out, p, v->u.ref.s);
  if (gone && gone->held) {
    diag_error(b->d, p->file, v->line, v->col,
               "'%s' names '%s', which is held back until %s (its publish day) and is left out of the site "
               "until then, so the reference would point nowhere; build with --future to preview",
               field, v->u.ref.s, model_held_until(gone));
    return;
  }
  if (gone) {
    diag_error(b->d, p->file, v->line, v->col,
               "'%s' names '%s', which is a draft (draft: true) and is left out of the site, so the "
               "reference would point nowhere; publish that page first, or build with --drafts to preview",
               field, v->u.ref.s);
    return;
  }
  if (!t) {
    const char *near = closest_page(b, p, v->u.ref.s);
    if (near)
      diag_error(b->d, p->file, v->line, v->col, "'%s' names '%s', but there is no such page; did you mean '%s'?",
                 field, v->u.ref.s, near);
    else
      diag_error(b->d, p->file, v->line, v->col,
                 "'%s' names '%s', but there is no such page (write the path of a .md file below content/)",
                 field, v->u.ref.s);
    return;
  }
  if (to && strcmp(t->type, to) != 0) {
    diag_error(b->d, p->file, v->line, v->col, "'%s' must name a page of type '%s', but '%s' is of type '%s'",
               field, to, v->u.ref.s, t->type);
    return;
  }
  v->u.ref.page = t;
  add_referrer(b, t, p);
}

/* ---------------------------------------------------------- script URLs */

/* Whether a field's value is used as an address: its name is or ends in
 * url, href, link or src (url, presenter_url, link), or is website. */
static bool is_url_field(const char *key) {
  static const char *const ends[] = {"url", "href", "link", "src"};
  size_t n = key ? strlen(key) : 0;
  if (n && !strcasecmp(key, "website")) return true;
  for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
    size_t e = strlen(ends[i]);
    if (n >= e && !strcasecmp(key + n - e, ends[i])) return true;
  }
  return false;
}

void mb_check_urls(builder *b, const char *file, const val *v, const char *key) {
  if (!v) return;
  if (v->kind == VAL_LIST) {
    for (size_t i = 0; i < v->u.list.n; i++) mb_check_urls(b, file, v->u.list.items[i], key);
  } else if (v->kind == VAL_MAP) {
    for (size_t i = 0; i < v->u.map.n; i++) mb_check_urls(b, file, v->u.map.vals[i], v->u.map.keys[i]);
  } else if (v->kind == VAL_STR) {
    /* A layout may put any field in an href; text that starts with
     * javascript: is never meant as text. "Data: ..." may be, so data: is
     * refused only where the field is an address. */
    const char *scheme = scheme_unsafe(v->u.str.s, strlen(v->u.str.s));
    if (!scheme || (scheme[0] == 'd' && !is_url_field(key))) return;
    diag_error(b->d, file, v->line, v->col, "'%s' is a %s URL, which is not allowed in content: %s",
               key ? key : "the value", scheme, scheme_advice(scheme));
  }
}

/* ------------------------------------------------------------ queries */

char *model_resolve_path(const page *from, const char *target, arena *a) {
  size_t n = strcspn(target, "#?");
  char *path = arena_strndup(a, target, n);
  if (!*path) return NULL;
  return normalize(a, from ? from->dir : "", path);
}

page *model_resolve_link(const site *s, const page *from, const char *target, arena *a) {
  size_t n = strcspn(target, "#?");
  char *path = arena_strndup(a, target, n);
  if (!*path) return NULL;
  char *rel = normalize(a, from ? from->dir : "", path);
  if (!rel) return NULL;
  page *p = map_get(&s->by_src, rel);
  if (!p && (str_ends(rel, "/") || !str_ends(rel, ".md"))) {
    p = map_get(&s->by_src, arena_printf(a, "%s/_index.md", rel));
    if (!p) p = map_get(&s->by_src, arena_printf(a, "%s/index.md", rel));
  }
  return p;
}

/* A site path ("/temaer/robusthed/", "bilag/plan.pdf") as a URL with the
 * site's base path ("/klar/temaer/robusthed/"). */
static void put_url(const site *s, sbuf *out, const char *path) {
  sbuf_puts(out, s->basepath ? s->basepath : "/");
  sbuf_puts(out, path[0] == '/' ? path + 1 : path);
}

/* Appends the path from folder dir (below content/, "" at the top) to path
 * (below content/) as an editor writes a link: from "om" to
 * "temaer/robusthed.md" is "../temaer/robusthed.md". */
static void put_relative(sbuf *out, const char *dir, const char *path) {
  /* Skip the folders both share, whole names only. */
  size_t dpos = 0, common = 0;
  while (dir[dpos]) {
    const char *ds = strchr(dir + dpos, '/');
    size_t dl = ds ? (size_t)(ds - (dir + dpos)) : strlen(dir + dpos);
    const char *ps = strchr(path + common, '/');
    if (!ps || (size_t)(ps - (path + common)) != dl || strncmp(dir + dpos, path + common, dl)) break;
    common += dl + 1;
    dpos += ds ? dl + 1 : dl;
  }
  /* Up one for each folder of dir left. */
  for (const char *r = dir + dpos; *r;) {
    sbuf_puts(out, "../");
    const char *slash = strchr(r, '/');
    if (!slash) break;
    r = slash + 1;
  }
  sbuf_puts(out, path + common);
}

/* On a broken link, writes into out the destination the editor most likely
 * meant: the existing page (or, for an image, file) whose link from this
 * page is closest to what was written. Works on the worker's own heap
 * memory: links resolve in parallel. */
static void suggest_link(const model_link *l, bool is_image, const char *dest, sbuf *out) {
  size_t n = strcspn(dest, "#?");
  char *written = strndup(dest, n);
  /* A link to a file that is not a page ("plan.pdf") looks among the
   * site's files, as an image does. */
  const char *base = strrchr(written, '/') ? strrchr(written, '/') + 1 : written;
  bool file = is_image || (strchr(base, '.') && !str_ends(written, ".md"));
  const map *m = file ? &l->s->statics : &l->s->by_src;
  const char *dir = l->from && l->from->dir ? l->from->dir : "";
  char **cands = xcalloc(m->n, sizeof *cands);
  sbuf rel = SBUF_INIT;
  for (size_t i = 0; i < m->n; i++) {
    sbuf_clear(&rel);
    put_relative(&rel, dir, m->entries[i].key);
    cands[i] = xstrdup(sbuf_str(&rel));
  }
  const char *near = suggest_closest(written, (const char *const *)cands, m->n);
  sbuf_clear(out);
  if (near) {
    sbuf_puts(out, near);
    sbuf_puts(out, dest + n); /* the #anchor as written */
  }
  for (size_t i = 0; i < m->n; i++) free(cands[i]);
  free(cands);
  free(written);
  sbuf_free(&rel);
}

md_link model_link_resolve(void *ctx, bool is_image, const char *dest, sbuf *out) {
  model_link *l = ctx;
  const char *frag = strchr(dest, '#');
  if (!is_image) {
    page *t = model_resolve_link(l->s, l->from, dest, l->a);
    if (t && t->url) {
      put_url(l->s, out, t->url);
      if (frag) sbuf_puts(out, frag);
      return MD_LINK_OK;
    }
  }
  char *path = model_resolve_path(l->from, dest, l->a);
  if (!path && is_image && strcspn(dest, "#?") > 0) return MD_LINK_OUTSIDE;
  const char *target = path ? map_get(&l->s->statics, path) : NULL;
  if (target) {
    put_url(l->s, out, target);
    if (frag && !is_image) sbuf_puts(out, frag);
    return MD_LINK_OK;
  }
  if (!l->broken) l->broken = arena_strdup(l->a, dest);
  /* A page that exists but is a draft: md says so, rather than "no such
   * page" and a guess at another page. */
  const page *gone = NULL;
  if (!is_image && path && !(gone = map_get(&l->s->left_out, path)) &&
      !(gone = map_get(&l->s->left_out, arena_printf(l->a, "%s/_index.md", path))))
    gone = map_get(&l->s->left_out, arena_printf(l->a, "%s/index.md", path));
  if (gone && gone->held) {
    sbuf_puts(out, model_held_until(gone));
    return MD_LINK_FUTURE;
  }
  if (gone) return MD_LINK_DRAFT;
  suggest_link(l, is_image, dest, out);
  return MD_LINK_BROKEN;
}

const page_md *model_page_md(const site *s, const page *p) {
  static const page_md none = {.html = "", .summary = ""};
  if (!s || !s->md || !p || p->index >= s->all.n || s->all.items[p->index] != p) return &none;
  return &s->md[p->index];
}
