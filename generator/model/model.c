/* model: from loaded content to the checked, cross-referenced site. */
#include "model.h"
#include "../core/dk.h"
#include "../core/fsx.h"
#include "../core/str.h"
#include "../core/vec.h"
#include "../load/content.h"
#include "../load/yml.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_DATE (-1000000000L)

/* Front matter fields every page may carry, whatever its type. */
static const char *common_fields[] = {"title", "type", "date", "draft", "weight", "slug", "url",
                                      "summary", "description", "layout", "aliases", "lastmod",
                                      "booklet", NULL};

typedef struct builder {
  site *s;
  arena *a;
  diag *d;
  const char *site_file;
  VEC(page *) all;
} builder;

/* ---------------------------------------------------------------- config */

static const char *config_str(builder *b, const char *key, const char *dflt) {
  val *v = val_get(b->s->config, key);
  if (!v) return dflt;
  if (v->kind != VAL_STR) {
    diag_error(b->d, b->site_file, v->line, v->col, "'%s' must be text, not %s", key, val_kind_name(v->kind));
    return dflt;
  }
  return v->u.str.s;
}

static bool is_kind(const char *k) {
  static const char *kinds[] = {"string", "text", "date", "number", "bool", "list", "ref", "map", NULL};
  for (int i = 0; kinds[i]; i++)
    if (!strcmp(k, kinds[i])) return true;
  return false;
}

static void read_field(builder *b, field_schema *f, const char *name, val *spec);

/* Reads a `fields:` mapping (of a type, or of the items of a list of maps). */
static field_schema *read_fields(builder *b, val *fields, size_t *n) {
  field_schema *fs = arena_calloc(b->a, fields->u.map.n ? fields->u.map.n : 1, sizeof(field_schema));
  *n = 0;
  for (size_t j = 0; j < fields->u.map.n; j++)
    read_field(b, &fs[(*n)++], fields->u.map.keys[j], fields->u.map.vals[j]);
  return fs;
}

static void read_field(builder *b, field_schema *f, const char *name, val *spec) {
  f->name = name;
  f->kind = "string";
  if (spec->kind == VAL_STR) { /* short form: `title: string` */
    f->kind = spec->u.str.s;
  } else if (spec->kind == VAL_MAP) {
    const char *k = val_as_str(val_get(spec, "kind"));
    if (k) f->kind = k;
    f->of = val_as_str(val_get(spec, "of"));
    f->to = val_as_str(val_get(spec, "to"));
    val *req = val_get(spec, "required");
    f->required = req && req->kind == VAL_BOOL && req->u.b;
    val *values = val_get(spec, "values");
    if (values && values->kind == VAL_LIST) {
      f->values = arena_alloc(b->a, (values->u.list.n + 1) * sizeof(char *));
      for (size_t i = 0; i < values->u.list.n; i++) {
        val *x = values->u.list.items[i];
        f->values[f->nvalues++] = x->kind == VAL_STR ? x->u.str.s
                                  : arena_printf(b->a, "%g", x->kind == VAL_NUM ? x->u.num : 0.0);
      }
    }
    for (size_t i = 0; i < spec->u.map.n; i++) {
      const char *key = spec->u.map.keys[i];
      if (strcmp(key, "kind") && strcmp(key, "of") && strcmp(key, "to") && strcmp(key, "required") &&
          strcmp(key, "values") && strcmp(key, "title") && strcmp(key, "help") && strcmp(key, "fields"))
        diag_error(b->d, b->site_file, spec->u.map.vals[i]->line, spec->u.map.vals[i]->col,
                   "unknown option '%s' for field '%s' (known: kind, of, to, required, values, fields, title, help)",
                   key, name);
    }
    val *sub = val_get(spec, "fields");
    if (sub && sub->kind == VAL_MAP) f->fields = read_fields(b, sub, &f->nfields);
  } else {
    diag_error(b->d, b->site_file, spec->line, spec->col, "field '%s' must be a kind or a mapping", name);
    return;
  }
  if (!is_kind(f->kind))
    diag_error(b->d, b->site_file, spec->line, spec->col,
               "field '%s' has an unknown kind '%s' (known: string, text, date, number, bool, list, ref, map)",
               name, f->kind);
  if (f->of && !is_kind(f->of))
    diag_error(b->d, b->site_file, spec->line, spec->col, "field '%s' lists an unknown kind '%s'", name, f->of);
  bool refs = !strcmp(f->kind, "ref") || (f->of && !strcmp(f->of, "ref"));
  if (refs && !f->to)
    diag_error(b->d, b->site_file, spec->line, spec->col, "field '%s' is a reference: say which type with 'to:'", name);
}

static void read_types(builder *b) {
  val *types = val_get(b->s->config, "types");
  if (!types) return;
  if (types->kind != VAL_MAP) {
    diag_error(b->d, b->site_file, types->line, types->col, "'types' must be a mapping of type names");
    return;
  }
  b->s->types = arena_calloc(b->a, types->u.map.n, sizeof(type_schema));
  for (size_t i = 0; i < types->u.map.n; i++) {
    type_schema *t = &b->s->types[b->s->ntypes++];
    t->name = types->u.map.keys[i];
    val *spec = types->u.map.vals[i];
    t->title = val_as_str(val_get(spec, "title"));
    if (!t->title) t->title = t->name;
    val *fields = val_get(spec, "fields");
    if (fields && fields->kind == VAL_MAP) {
      t->fields = read_fields(b, fields, &t->nfields);
      t->closed = true;
    }
    val *open = val_get(spec, "open");
    if (open && open->kind == VAL_BOOL && open->u.b) t->closed = false;
  }
  for (size_t i = 0; i < b->s->ntypes; i++)
    for (size_t j = 0; j < b->s->types[i].nfields; j++) {
      field_schema *f = &b->s->types[i].fields[j];
      if (f->to && !model_type(b->s, f->to)) {
        val *spec = val_get(val_get(val_get(types, b->s->types[i].name), "fields"), f->name);
        diag_error(b->d, b->site_file, spec ? spec->line : 0, spec ? spec->col : 0,
                   "field '%s' refers to the type '%s', which is not declared under 'types'", f->name, f->to);
      }
    }
}

static void read_config(builder *b) {
  site *s = b->s;
  s->title = config_str(b, "title", "Uden titel");
  const char *base = config_str(b, "baseurl", "/");
  size_t bl = strlen(base);
  s->baseurl = bl && base[bl - 1] == '/' ? base : arena_printf(b->a, "%s/", base);
  const char *scheme = strstr(s->baseurl, "://");
  const char *path = scheme ? strchr(scheme + 3, '/') : s->baseurl;
  s->basepath = path ? path : "/";
  s->language = config_str(b, "language", "da");
  s->quote_open = "\xC2\xBB";  /* » */
  s->quote_close = "\xC2\xAB"; /* « */
  val *q = val_get(s->config, "quotes");
  if (q) {
    if (q->kind == VAL_LIST && q->u.list.n == 2 && val_as_str(q->u.list.items[0]) && val_as_str(q->u.list.items[1])) {
      s->quote_open = val_as_str(q->u.list.items[0]);
      s->quote_close = val_as_str(q->u.list.items[1]);
    } else {
      diag_error(b->d, b->site_file, q->line, q->col, "'quotes' must be a list of two strings, like [\"»\", \"«\"]");
    }
  }
  s->params = val_get(s->config, "params");
  if (!s->params || s->params->kind != VAL_MAP) s->params = val_new(b->a, VAL_MAP, 0, 0);
  read_types(b);
}

/* ------------------------------------------------------------------ URLs */

/* Appends the slugged folder parts of dir ("Pixi Guides/x" → "pixi-guides/x/"). */
static void put_slugged_dir(sbuf *u, const char *dir) {
  const char *p = dir;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    dk_slug_put(u, p, n);
    sbuf_putc(u, '/');
    p += n;
    if (*p == '/') p++;
  }
}

static bool safe_url(const char *u) {
  if (u[0] != '/' || strstr(u, "//") || strchr(u, '\\') || strchr(u, '?') || strchr(u, '#')) return false;
  for (const char *p = u; *p; p++) {
    if ((unsigned char)*p < 0x20) return false;
    if (p[0] == '.' && (p == u || p[-1] == '/') && (p[1] == '/' || p[1] == 0 || (p[1] == '.' && (p[2] == '/' || p[2] == 0))))
      return false;
  }
  return true;
}

static void assign_url(builder *b, page *p) {
  sbuf u = SBUF_INIT;
  val *url = val_get(p->fm, "url");
  val *slug = val_get(p->fm, "slug");
  if (url) {
    const char *us = val_as_str(url);
    if (!us || !safe_url(us)) {
      diag_error(b->d, p->file, url->line, url->col,
                 "'url' must be a site path like /om/kontakt/ (starting with '/', without '..', '//' or '\\')");
    } else {
      sbuf_puts(&u, us);
      if (u.data[u.len - 1] != '/' && !str_ends(us, ".html")) sbuf_putc(&u, '/');
    }
  }
  if (!u.len) {
    sbuf_putc(&u, '/');
    const char *dir = p->dir;
    const char *last = NULL;
    if (p->kind == PAGE_REGULAR && !p->bundle) {
      put_slugged_dir(&u, dir);
      last = fsx_basename(p->src);
    } else if (*dir) {
      /* Sections and bundles: the folder is the page. */
      const char *ls = strrchr(dir, '/');
      if (ls) {
        char *parent = arena_strndup(b->a, dir, (size_t)(ls - dir));
        put_slugged_dir(&u, parent);
      }
      last = ls ? ls + 1 : dir;
    }
    if (slug) {
      const char *ss = val_as_str(slug);
      if (!ss || !*ss || strchr(ss, '/') || strchr(ss, '\\') || !strcmp(ss, ".") || !strcmp(ss, "..")) {
        diag_error(b->d, p->file, slug->line, slug->col, "'slug' must be one URL part without '/', like 'robusthed'");
        ss = NULL;
      }
      if (ss) {
        dk_slug_put(&u, ss, strlen(ss));
        sbuf_putc(&u, '/');
        last = NULL;
      }
    }
    if (last) {
      size_t n = strlen(last);
      if (str_ends(last, ".md")) n -= 3;
      size_t before = u.len;
      dk_slug_put(&u, last, n);
      if (u.len == before) sbuf_puts(&u, "side");
      sbuf_putc(&u, '/');
    }
  }
  p->url = sbuf_dup(&u, b->a);
  p->slug = "";
  if (strlen(p->url) > 1) {
    const char *e = p->url + strlen(p->url) - 1;
    const char *s0 = e;
    while (s0 > p->url && s0[-1] != '/') s0--;
    p->slug = arena_strndup(b->a, s0, (size_t)(e - s0 + (*e != '/')));
  }
  if (str_ends(p->url, ".html")) p->out = arena_strdup(b->a, p->url + 1);
  else p->out = arena_printf(b->a, "%sindex.html", p->url + 1);
  sbuf_free(&u);
}

/* -------------------------------------------------------- front matter */

static bool check_scalar(builder *b, page *p, const char *name, const char *kind, val *v, const field_schema *f);

static bool check_ref(builder *b, page *p, const char *name, val *v, const char *to) {
  const char *target = val_as_str(v);
  if (!target) {
    diag_error(b->d, p->file, v->line, v->col, "'%s' must name a page (the path of its .md file), not %s",
               name, val_kind_name(v->kind));
    return false;
  }
  /* Resolution waits until every page is known; keep the text for now. */
  v->kind = VAL_REF;
  v->u.ref.s = target;
  v->u.ref.page = NULL;
  (void)to;
  return true;
}

static bool check_scalar(builder *b, page *p, const char *name, const char *kind, val *v, const field_schema *f) {
  if (!strcmp(kind, "string") || !strcmp(kind, "text")) {
    if (v->kind == VAL_NUM) { /* `casenumber: 2014` reads as a number; keep the text */
      char *t = arena_printf(b->a, "%g", v->u.num);
      v->kind = VAL_STR;
      v->u.str.s = t;
      v->u.str.len = strlen(t);
    }
    if (v->kind != VAL_STR) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be text, not %s", name, val_kind_name(v->kind));
      return false;
    }
    if (!strcmp(kind, "string") && strchr(v->u.str.s, '\n')) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be one line (its kind is 'string'; use 'text' for more)", name);
      return false;
    }
  } else if (!strcmp(kind, "date")) {
    int y, m, d;
    if (v->kind != VAL_STR || !dk_parse_date(v->u.str.s, &y, &m, &d)) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be a date written like 2014-05-27", name);
      return false;
    }
  } else if (!strcmp(kind, "number")) {
    if (v->kind != VAL_NUM) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be a number, not %s", name, val_kind_name(v->kind));
      return false;
    }
  } else if (!strcmp(kind, "bool")) {
    if (v->kind != VAL_BOOL) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be true or false", name);
      return false;
    }
  } else if (!strcmp(kind, "ref")) {
    return check_ref(b, p, name, v, f->to);
  }
  if (f && f->nvalues) {
    const char *s = val_as_str(v);
    char num[64];
    if (!s && v->kind == VAL_NUM) { snprintf(num, sizeof num, "%g", v->u.num); s = num; }
    bool ok = false;
    for (size_t i = 0; s && i < f->nvalues; i++) ok = ok || !strcmp(s, f->values[i]);
    if (!ok) {
      sbuf allowed = SBUF_INIT;
      for (size_t i = 0; i < f->nvalues; i++) {
        if (i) sbuf_puts(&allowed, ", ");
        sbuf_puts(&allowed, f->values[i]);
      }
      diag_error(b->d, p->file, v->line, v->col, "'%s' is '%s', which is not one of: %s", name, s ? s : "?",
                 sbuf_str(&allowed));
      sbuf_free(&allowed);
      return false;
    }
  }
  return true;
}

static void check_fields(builder *b, page *p, const field_schema *fs, size_t n, val *m, const char *what);

static void check_field(builder *b, page *p, const field_schema *f, val *v) {
  if (!strcmp(f->kind, "list")) {
    if (v->kind != VAL_LIST) {
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be a list (lines starting with '- ')", f->name);
      return;
    }
    for (size_t i = 0; f->of && i < v->u.list.n; i++) {
      val *item = v->u.list.items[i];
      if (!strcmp(f->of, "map")) {
        if (item->kind != VAL_MAP)
          diag_error(b->d, p->file, item->line, item->col, "each item of '%s' must be a mapping of 'field: value'", f->name);
        else if (f->fields)
          check_fields(b, p, f->fields, f->nfields, item, f->name);
      } else {
        check_scalar(b, p, f->name, f->of, item, f);
      }
    }
    return;
  }
  if (!strcmp(f->kind, "map")) {
    if (v->kind != VAL_MAP)
      diag_error(b->d, p->file, v->line, v->col, "'%s' must be a mapping of 'field: value'", f->name);
    else if (f->fields)
      check_fields(b, p, f->fields, f->nfields, v, f->name);
    return;
  }
  check_scalar(b, p, f->name, f->kind, v, f);
}

/* Checks the items of a nested mapping against their fields: required ones
 * present, kinds right, no unknown keys. */
static void check_fields(builder *b, page *p, const field_schema *fs, size_t n, val *m, const char *what) {
  for (size_t i = 0; i < n; i++) {
    val *v = val_get(m, fs[i].name);
    if (!v || v->kind == VAL_NULL) {
      if (fs[i].required)
        diag_error(b->d, p->file, m->line, m->col, "this item of '%s' needs the field '%s'", what, fs[i].name);
      continue;
    }
    check_field(b, p, &fs[i], v);
  }
  for (size_t i = 0; i < m->u.map.n; i++) {
    bool known = false;
    for (size_t j = 0; j < n && !known; j++) known = !strcmp(fs[j].name, m->u.map.keys[i]);
    if (!known)
      diag_error(b->d, p->file, m->u.map.vals[i]->line, m->u.map.vals[i]->col,
                 "unknown field '%s' in an item of '%s'", m->u.map.keys[i], what);
  }
}

static bool is_common(const char *k) {
  for (int i = 0; common_fields[i]; i++)
    if (!strcmp(k, common_fields[i])) return true;
  return false;
}

static void check_common(builder *b, page *p) {
  val *t = val_get(p->fm, "title");
  if (t && t->kind == VAL_NUM) check_scalar(b, p, "title", "string", t, NULL);
  if (!t) {
    if (p->kind == PAGE_REGULAR || p->kind == PAGE_HOME)
      diag_error(b->d, p->file, 1, 1, "the page has no title: add 'title: ...' to its front matter");
  } else if (t->kind != VAL_STR) {
    diag_error(b->d, p->file, t->line, t->col, "'title' must be text");
  } else {
    p->title = t->u.str.s;
  }
  val *d = val_get(p->fm, "date");
  p->days = NO_DATE;
  if (d && check_scalar(b, p, "date", "date", d, NULL)) {
    int y, m, dd;
    dk_parse_date(d->u.str.s, &y, &m, &dd);
    p->date = arena_strndup(b->a, d->u.str.s, 10);
    p->days = dk_days(y, m, dd);
  }
  val *w = val_get(p->fm, "weight");
  if (w && check_scalar(b, p, "weight", "number", w, NULL)) p->weight = w->u.num;
  val *dr = val_get(p->fm, "draft");
  if (dr && check_scalar(b, p, "draft", "bool", dr, NULL)) p->draft = dr->u.b;
  static const char *strings[] = {"type", "slug", "url", "summary", "description", "layout", NULL};
  for (int i = 0; strings[i]; i++) {
    val *v = val_get(p->fm, strings[i]);
    if (v) check_scalar(b, p, strings[i], !strcmp(strings[i], "summary") || !strcmp(strings[i], "description") ? "text" : "string", v, NULL);
  }
  val *layout = val_get(p->fm, "layout");
  if (layout && val_as_str(layout) && (strchr(val_as_str(layout), '/') || strstr(val_as_str(layout), "..")))
    diag_error(b->d, p->file, layout->line, layout->col, "'layout' must be a layout name like 'matrix', without '/'");
}

static void check_page_fields(builder *b, page *p) {
  const type_schema *t = model_type(b->s, p->type);
  if (!t && p->kind == PAGE_REGULAR && strcmp(p->type, "page") != 0 && b->s->ntypes) {
    val *tv = val_get(p->fm, "type");
    diag_error(b->d, p->file, tv ? tv->line : 1, tv ? tv->col : 1,
               "unknown content type '%s' (declare it under 'types' in content/site.yaml)", p->type);
    return;
  }
  if (!t) return;
  for (size_t i = 0; i < t->nfields; i++) {
    const field_schema *f = &t->fields[i];
    val *v = val_get(p->fm, f->name);
    if (!v || v->kind == VAL_NULL) {
      if (f->required)
        diag_error(b->d, p->file, 1, 1, "the field '%s' is required for a page of type '%s'", f->name, t->name);
      continue;
    }
    check_field(b, p, f, v);
  }
  if (!t->closed) return;
  for (size_t i = 0; i < p->fm->u.map.n; i++) {
    const char *k = p->fm->u.map.keys[i];
    if (is_common(k)) continue;
    bool known = false;
    for (size_t j = 0; j < t->nfields && !known; j++) known = !strcmp(t->fields[j].name, k);
    for (size_t j = 0; j < b->s->ntaxonomies && !known; j++) known = !strcmp(b->s->taxonomies[j].name, k);
    if (!known) {
      val *v = p->fm->u.map.vals[i];
      diag_error(b->d, p->file, v->line, v->col,
                 "unknown field '%s' for a page of type '%s' (a typo? declare it in content/site.yaml)", k, t->name);
    }
  }
}

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

static page *find_ref(builder *b, page *from, const char *target) {
  page *p = map_get(&b->s->by_src, target);
  if (p) return p;
  char *rel = normalize(b->a, from->dir, target);
  return rel ? map_get(&b->s->by_src, rel) : NULL;
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

static void resolve_refs(builder *b, page *p, val *v, const char *field, const field_schema *f) {
  const char *to = f ? f->to : NULL;
  if (v->kind == VAL_LIST) {
    for (size_t i = 0; i < v->u.list.n; i++) resolve_refs(b, p, v->u.list.items[i], field, f);
    return;
  }
  if (v->kind == VAL_MAP) {
    for (size_t i = 0; f && i < v->u.map.n; i++)
      for (size_t j = 0; j < f->nfields; j++)
        if (!strcmp(f->fields[j].name, v->u.map.keys[i]))
          resolve_refs(b, p, v->u.map.vals[i], v->u.map.keys[i], &f->fields[j]);
    return;
  }
  if (v->kind != VAL_REF) return;
  page *t = find_ref(b, p, v->u.ref.s);
  if (!t) {
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

/* ------------------------------------------------------------- sorting */

static int cmp_list_order(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  if (a->weight != b->weight) return a->weight < b->weight ? -1 : 1;
  if (a->days != b->days) return a->days > b->days ? -1 : 1;
  int c = dk_collate(a->title ? a->title : "", b->title ? b->title : "");
  if (c) return c;
  return strcmp(a->url, b->url);
}

static void sort_list(page_list *l) {
  if (l->n > 1) qsort(l->items, l->n, sizeof(page *), cmp_list_order);
}

static void list_push(arena *a, page_list *l, page *p) {
  if ((l->n & (l->n - 1)) == 0) {
    size_t cap = l->n ? l->n * 2 : 4;
    l->items = arena_realloc(a, l->items, l->n * sizeof(page *), cap * sizeof(page *));
  }
  l->items[l->n++] = p;
}

/* -------------------------------------------------------------- sections */

static page *made_up_page(builder *b, page_kind kind, const char *title, const char *url) {
  page *p = arena_calloc(b->a, 1, sizeof *p);
  p->kind = kind;
  p->title = title;
  p->fm = val_new(b->a, VAL_MAP, 0, 0);
  p->body = "";
  p->days = NO_DATE;
  p->type = "";
  p->section = "";
  p->dir = "";
  p->url = url;
  p->out = arena_printf(b->a, "%sindex.html", url + 1);
  p->file = b->site_file;
  const char *e = url + strlen(url) - 1, *s0 = e;
  while (s0 > url && s0[-1] != '/') s0--;
  p->slug = arena_strndup(b->a, s0, (size_t)(e - s0));
  return p;
}

/* Gives every folder with pages a list page: its _index.md, or a made-up one
 * titled after the folder ("nyheder" → "Nyheder"). */
static page *section_for_dir(builder *b, const char *dir) {
  if (!*dir) return b->s->home;
  char *key = arena_printf(b->a, "%s/_index.md", dir);
  page *sec = map_get(&b->s->by_src, key);
  if (sec) return sec;
  /* Only top-level folders get made-up pages; deeper ones list on their parent. */
  if (strchr(dir, '/')) {
    char *parent = fsx_dirname(b->a, dir);
    return section_for_dir(b, parent);
  }
  sec = map_get(&b->s->sections, dir);
  if (sec) return sec;
  char *title = arena_strdup(b->a, dir);
  if (title[0] >= 'a' && title[0] <= 'z') title[0] = (char)(title[0] - 32);
  sbuf u = SBUF_INIT;
  sbuf_putc(&u, '/');
  put_slugged_dir(&u, dir);
  sec = made_up_page(b, PAGE_SECTION, title, sbuf_dup(&u, b->a));
  sbuf_free(&u);
  sec->src = NULL;
  sec->dir = dir;
  sec->section = dir;
  sec->file = arena_printf(b->a, "%s/%s", b->s->content_dir, dir);
  map_set(&b->s->sections, arena_strdup(b->a, dir), sec);
  vec_push(&b->all, sec);
  return sec;
}

static const char *section_default(builder *b, const char *section, const char *key) {
  val *secs = val_get(b->s->config, "sections");
  return val_as_str(val_get(val_get(secs, section), key));
}

/* ------------------------------------------------------------ taxonomies */

static void read_taxonomies(builder *b) {
  val *tx = val_get(b->s->config, "taxonomies");
  if (!tx) return;
  if (tx->kind != VAL_MAP) {
    diag_error(b->d, b->site_file, tx->line, tx->col, "'taxonomies' must be a mapping");
    return;
  }
  b->s->taxonomies = arena_calloc(b->a, tx->u.map.n, sizeof(taxonomy));
  for (size_t i = 0; i < tx->u.map.n; i++) {
    taxonomy *t = &b->s->taxonomies[b->s->ntaxonomies++];
    val *spec = tx->u.map.vals[i];
    t->name = tx->u.map.keys[i];
    t->title = val_as_str(val_get(spec, "title"));
    if (!t->title) t->title = t->name;
    const char *slug = val_as_str(val_get(spec, "slug"));
    t->slug = dk_slug(b->a, slug ? slug : t->name);
  }
}

static void build_taxonomies(builder *b) {
  for (size_t i = 0; i < b->s->ntaxonomies; i++) {
    taxonomy *t = &b->s->taxonomies[i];
    t->list = made_up_page(b, PAGE_TAXONOMY, t->title, arena_printf(b->a, "/%s/", t->slug));
    t->list->taxonomy = t->name;
    map terms = MAP_INIT;
    for (size_t j = 0; j < b->s->regular.n; j++) {
      page *p = b->s->regular.items[j];
      val *v = val_get(p->fm, t->name);
      if (!v) continue;
      if (v->kind != VAL_LIST) {
        diag_error(b->d, p->file, v->line, v->col, "'%s' must be a list of terms", t->name);
        continue;
      }
      for (size_t k = 0; k < v->u.list.n; k++) {
        const char *term = val_as_str(v->u.list.items[k]);
        if (!term) {
          diag_error(b->d, p->file, v->u.list.items[k]->line, v->u.list.items[k]->col,
                     "the terms of '%s' must be text", t->name);
          continue;
        }
        char *ts = dk_slug(b->a, term);
        page *tp = map_get(&terms, ts);
        if (!tp) {
          tp = made_up_page(b, PAGE_TERM, term, arena_printf(b->a, "/%s/%s/", t->slug, ts));
          tp->taxonomy = t->name;
          tp->term = term;
          tp->parent = t->list;
          map_set(&terms, ts, tp);
          list_push(b->a, &t->terms, tp);
        }
        if (!tp->pages.n || tp->pages.items[tp->pages.n - 1] != p) list_push(b->a, &tp->pages, p);
      }
    }
    map_free(&terms);
    for (size_t j = 0; j < t->terms.n; j++) sort_list(&t->terms.items[j]->pages);
    /* Terms in Danish alphabetical order. */
    for (size_t x = 1; x < t->terms.n; x++)
      for (size_t y = x; y > 0 && dk_collate(t->terms.items[y - 1]->title, t->terms.items[y]->title) > 0; y--) {
        page *tmp = t->terms.items[y];
        t->terms.items[y] = t->terms.items[y - 1];
        t->terms.items[y - 1] = tmp;
      }
    t->list->pages = t->terms;
    vec_push(&b->all, t->list);
    for (size_t j = 0; j < t->terms.n; j++) vec_push(&b->all, t->terms.items[j]);
  }
}

/* ------------------------------------------------------------------ menu */

static void read_menu(builder *b) {
  val *m = val_get(b->s->config, "menu");
  if (!m) return;
  if (m->kind != VAL_LIST) {
    diag_error(b->d, b->site_file, m->line, m->col, "'menu' must be a list of items with 'title' and 'page' or 'url'");
    return;
  }
  b->s->menu = arena_calloc(b->a, m->u.list.n, sizeof(menu_item));
  for (size_t i = 0; i < m->u.list.n; i++) {
    val *it = m->u.list.items[i];
    menu_item *mi = &b->s->menu[b->s->nmenu];
    const char *pg = val_as_str(val_get(it, "page"));
    mi->url = val_as_str(val_get(it, "url"));
    mi->title = val_as_str(val_get(it, "title"));
    if (pg) {
      mi->page = map_get(&b->s->by_src, pg);
      if (!mi->page) {
        val *pv = val_get(it, "page");
        diag_error(b->d, b->site_file, pv->line, pv->col, "the menu names the page '%s', which does not exist", pg);
        continue;
      }
      mi->url = mi->page->url;
      if (!mi->title) mi->title = mi->page->title;
    }
    if (!mi->url || !mi->title) {
      diag_error(b->d, b->site_file, it->line, it->col, "a menu item needs a 'title' and a 'page' or 'url'");
      continue;
    }
    b->s->nmenu++;
  }
}

/* -------------------------------------------------------------- booklets */

static void booklet_add_page(builder *b, booklet *k, page *p) {
  list_push(b->a, &k->pages, p);
  p->booklets = arena_realloc(b->a, p->booklets, p->nbooklets * sizeof(booklet *),
                              (p->nbooklets + 1) * sizeof(booklet *));
  p->booklets[p->nbooklets++] = k;
}

/* Reads `booklets:`: each entry names its pages as .md paths below content/,
 * or a folder ("forslag/") for its section page and then its pages in list
 * order. */
static void read_booklets(builder *b) {
  val *bl = val_get(b->s->config, "booklets");
  if (!bl) return;
  if (bl->kind != VAL_LIST) {
    diag_error(b->d, b->site_file, bl->line, bl->col, "'booklets' must be a list of booklets (name, layout, pages)");
    return;
  }
  b->s->booklets = arena_calloc(b->a, bl->u.list.n ? bl->u.list.n : 1, sizeof(booklet));
  map names = MAP_INIT;
  for (size_t i = 0; i < bl->u.list.n; i++) {
    val *e = bl->u.list.items[i];
    booklet *k = &b->s->booklets[b->s->nbooklets];
    k->decl = e;
    k->file = b->site_file;
    k->line = e->line;
    k->name = val_as_str(val_get(e, "name"));
    k->layout = val_as_str(val_get(e, "layout"));
    k->title = val_as_str(val_get(e, "title"));
    k->subtitle = val_as_str(val_get(e, "subtitle"));
    k->author = val_as_str(val_get(e, "author"));
    k->subject = val_as_str(val_get(e, "subject"));
    val *imp = val_get(e, "impose");
    k->impose = imp && imp->kind == VAL_BOOL && imp->u.b;
    if (!k->name || !k->layout) {
      diag_error(b->d, b->site_file, e->line, e->col, "a booklet needs a 'name' and a 'layout'");
      continue;
    }
    const char *slug = dk_slug(b->a, k->name);
    if (strcmp(slug, k->name) != 0) {
      val *nv = val_get(e, "name");
      diag_error(b->d, b->site_file, nv->line, nv->col,
                 "a booklet's name becomes its file name: use lower case letters, digits and '-' ('%s')", slug);
      continue;
    }
    if (map_get(&names, k->name)) {
      diag_error(b->d, b->site_file, e->line, e->col, "there is already a booklet named '%s'", k->name);
      continue;
    }
    map_set(&names, k->name, k);
    val *pages = val_get(e, "pages");
    if (!pages || pages->kind != VAL_LIST || !pages->u.list.n) {
      diag_error(b->d, b->site_file, e->line, e->col, "the booklet '%s' needs 'pages': a list of .md files or folders", k->name);
      continue;
    }
    for (size_t j = 0; j < pages->u.list.n; j++) {
      val *pv = pages->u.list.items[j];
      const char *path = val_as_str(pv);
      page *p = path ? map_get(&b->s->by_src, path) : NULL;
      if (p) {
        booklet_add_page(b, k, p);
        continue;
      }
      if (path && str_ends(path, "/")) {
        char *dir = arena_strndup(b->a, path, strlen(path) - 1);
        page *sec = map_get(&b->s->by_src, arena_printf(b->a, "%s/_index.md", dir));
        page_list members = {0};
        if (sec) {
          booklet_add_page(b, k, sec);
          members = sec->pages;
        } else {
          for (size_t x = 0; x < b->all.n; x++)
            if (b->all.items[x]->kind == PAGE_SECTION && str_eq(b->all.items[x]->dir, dir))
              members = b->all.items[x]->pages;
        }
        for (size_t x = 0; x < members.n; x++) booklet_add_page(b, k, members.items[x]);
        if (sec || members.n) continue;
      }
      diag_error(b->d, b->site_file, pv->line, pv->col,
                 "the booklet '%s' names '%s', which is neither a page nor a folder below content/",
                 k->name, path ? path : "?");
    }
    b->s->nbooklets++;
  }
  map_free(&names);
}

/* ----------------------------------------------------------------- build */

static int cmp_src(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  return strcmp(a->src, b->src);
}

static void set_build_date(builder *b) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  char buf[32];
  if (sde && *sde) {
    time_t t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    b->s->build_date = arena_strdup(b->a, buf);
    return;
  }
  /* Without SOURCE_DATE_EPOCH the newest page date stands in, so two builds
   * of the same content are byte-identical. */
  const char *best = NULL;
  for (size_t i = 0; i < b->s->regular.n; i++) {
    const char *d = b->s->regular.items[i]->date;
    if (d && (!best || strcmp(d, best) > 0)) best = d;
  }
  b->s->build_date = best ? best : "1970-01-01";
}

static void index_types(builder *b);

static void free_map(void *m) { map_free(m); }

site *model_build(arena *a, const char *root, bool drafts, diag *d) {
  site *s = arena_calloc(a, 1, sizeof *s);
  /* The site's maps live on the heap; they die with the build arena. */
  arena_defer(a, free_map, &s->by_src);
  arena_defer(a, free_map, &s->by_url);
  arena_defer(a, free_map, &s->sections);
  arena_defer(a, free_map, &s->by_type);
  arena_defer(a, free_map, &s->statics);
  arena_defer(a, free_map, &s->assets);
  builder bb = {.s = s, .a = a, .d = d};
  builder *b = &bb;
  s->arena = a;
  s->drafts = drafts;
  s->root = root;
  s->content_dir = fsx_join(a, root, "content");
  s->layouts_dir = fsx_join(a, root, "layouts");
  s->assets_dir = fsx_join(a, root, "assets");
  b->site_file = fsx_join(a, s->content_dir, "site.yaml");

  if (!fsx_is_dir(s->content_dir)) {
    diag_error(d, s->content_dir, 0, 0, "there is no content folder here (run klar in the site's folder, or pass --root)");
    return NULL;
  }
  size_t n;
  char *cfg = fsx_read(a, b->site_file, &n);
  if (!cfg) {
    diag_error(d, b->site_file, 0, 0, "cannot read the site settings; every site needs a content/site.yaml");
    s->config = val_new(a, VAL_MAP, 0, 0);
  } else {
    s->config = yml_parse(a, cfg, n, b->site_file, 0, d);
    if (!s->config || s->config->kind != VAL_MAP) s->config = val_new(a, VAL_MAP, 0, 0);
  }
  read_config(b);
  read_taxonomies(b);

  content c;
  content_load(a, s->content_dir, s->content_dir, &c, d);

  /* Pages: drafts out, kinds, types, common fields. */
  VEC(page *) kept = {0};
  for (size_t i = 0; i < c.pages.n; i++) {
    page *p = c.pages.items[i];
    /* A broken page was reported already; it stays in the model so that
     * references to it do not add errors of their own. */
    if (!p->broken) check_common(b, p);
    if (p->draft && !drafts) continue;
    const char *t = val_as_str(val_get(p->fm, "type"));
    if (!t && p->kind == PAGE_REGULAR) t = section_default(b, p->section, "type");
    p->type = t ? t : p->kind == PAGE_REGULAR ? "page" : "";
    if (!p->title) p->title = p->kind == PAGE_SECTION ? fsx_basename(p->dir) : "";
    assign_url(b, p);
    vec_push(&kept, p);
  }
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    map_set(&s->by_src, p->src, p);
    if (p->kind == PAGE_HOME) s->home = p;
    if (p->kind == PAGE_SECTION && !strchr(p->dir, '/')) map_set(&s->sections, p->dir, p);
  }
  if (!s->home) {
    s->home = made_up_page(b, PAGE_HOME, s->title, "/");
    s->home->file = b->site_file;
  }
  for (size_t i = 0; i < kept.n; i++)
    if (!kept.items[i]->broken) check_page_fields(b, kept.items[i]);

  /* Order: every page by source path; made-up pages follow. */
  qsort(kept.items, kept.n, sizeof(page *), cmp_src);
  if (!s->home->src) vec_push(&b->all, s->home);
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    vec_push(&b->all, p);
    if (p->kind == PAGE_REGULAR) list_push(a, &s->regular, p);
  }

  /* Parents, section lists, references. */
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    if (p->kind == PAGE_HOME) continue;
    const char *dir = p->dir;
    if (p->kind == PAGE_SECTION || p->bundle) dir = fsx_dirname(a, p->dir);
    page *parent = section_for_dir(b, dir);
    if (parent == p) parent = s->home;
    p->parent = parent;
    if (p->kind == PAGE_SECTION) list_push(a, &parent->subsections, p);
    else list_push(a, &parent->pages, p);
  }
  /* Made-up sections hang under home. */
  for (size_t i = 0; i < s->sections.n; i++) {
    page *sec = s->sections.entries[i].value;
    if (!sec->src) {
      sec->parent = s->home;
      list_push(a, &s->home->subsections, sec);
    }
  }
  for (size_t i = 0; i < kept.n; i++) {
    page *p = kept.items[i];
    const type_schema *t = model_type(s, p->type);
    for (size_t j = 0; j < p->fm->u.map.n; j++) {
      const field_schema *f = NULL;
      for (size_t k = 0; t && k < t->nfields; k++)
        if (!strcmp(t->fields[k].name, p->fm->u.map.keys[j])) f = &t->fields[k];
      resolve_refs(b, p, p->fm->u.map.vals[j], p->fm->u.map.keys[j], f);
    }
  }
  build_taxonomies(b);
  read_menu(b);

  for (size_t i = 0; i < b->all.n; i++) {
    page *p = b->all.items[i];
    sort_list(&p->pages);
    sort_list(&p->subsections);
  }
  read_booklets(b);
  /* URLs must be unique: two pages writing one file would lose one. */
  for (size_t i = 0; i < b->all.n; i++) {
    page *p = b->all.items[i];
    page *other = map_get(&s->by_url, p->url);
    if (other)
      diag_error(d, p->file, 1, 1, "this page gets the URL %s, which %s already has; give one of them another 'slug'",
                 p->url, other->src ? other->file : "a generated page");
    else
      map_set(&s->by_url, p->url, p);
  }
  s->all.items = arena_alloc(a, (b->all.n ? b->all.n : 1) * sizeof(page *));
  for (size_t i = 0; i < b->all.n; i++) {
    b->all.items[i]->index = i;
    s->all.items[s->all.n++] = b->all.items[i];
  }
  set_build_date(b);
  index_types(b);
  for (size_t i = 0; i < c.nstatics; i++) {
    sbuf o = SBUF_INIT;
    const char *f = c.statics[i];
    char *dir = fsx_dirname(a, f);
    page *bundle = map_get(&s->by_src, arena_printf(a, "%s/index.md", dir));
    if (bundle) {
      sbuf_puts(&o, bundle->url + 1);
    } else {
      put_slugged_dir(&o, dir);
    }
    sbuf_puts(&o, fsx_basename(f));
    map_set(&s->statics, f, sbuf_dup(&o, a));
    sbuf_free(&o);
  }
  vec_free(&kept);
  vec_free(&b->all);
  return s;
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

const type_schema *model_type(const site *s, const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < s->ntypes; i++)
    if (!strcmp(s->types[i].name, name)) return &s->types[i];
  return NULL;
}

page_list model_pages_of(const site *s, const char *type) {
  page_list *l = map_get(&s->by_type, type);
  page_list empty = {0};
  return l ? *l : empty;
}

static void index_types(builder *b) {
  for (size_t i = 0; i < b->s->regular.n; i++) {
    page *p = b->s->regular.items[i];
    page_list *l = map_get(&b->s->by_type, p->type);
    if (!l) {
      l = arena_calloc(b->a, 1, sizeof *l);
      map_set(&b->s->by_type, p->type, l);
    }
    list_push(b->a, l, p);
  }
}
