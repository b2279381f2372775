/* schema: site.yaml's settings and content types, and the check of every
 * page's front matter against them. */
#include "builder.h"
#include "../core/dk.h"
#include "../core/suggest.h"
#include <string.h>

/* Front matter fields every page may carry, whatever its type. */
static const char *common_fields[] = {"title", "type", "date", "draft", "weight", "slug", "url",
                                      "summary", "description", "layout", "aliases", "lastmod",
                                      "booklet", "publish", "paginate", "noindex", NULL};

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
    f->title = val_as_str(val_get(spec, "title"));
    f->help = val_as_str(val_get(spec, "help"));
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

/* Reads a list of heading texts (`sections:` or `parts:` under `body:`). */
static const char **read_headings(builder *b, const char *type, val *list, const char *key, size_t *n) {
  *n = 0;
  if (!list) return NULL;
  if (list->kind != VAL_LIST) {
    diag_error(b->d, b->site_file, list->line, list->col,
               "'%s' in the body of type '%s' must be a list of headings, like [Robusthed, Automatisering]", key,
               type);
    return NULL;
  }
  const char **h = arena_alloc(b->a, (list->u.list.n + 1) * sizeof(char *));
  for (size_t i = 0; i < list->u.list.n; i++) {
    val *x = list->u.list.items[i];
    if (x->kind != VAL_STR || !*x->u.str.s) {
      diag_error(b->d, b->site_file, x->line, x->col, "each heading under '%s' must be a text", key);
      continue;
    }
    h[(*n)++] = x->u.str.s;
  }
  return h;
}

/* Reads a type's `body:`: the headings its pages' Markdown must have. */
static void read_body(builder *b, type_schema *t, val *body) {
  if (!body) return;
  if (body->kind != VAL_MAP) {
    diag_error(b->d, b->site_file, body->line, body->col,
               "'body' of type '%s' must be a mapping with 'sections' (and 'parts')", t->name);
    return;
  }
  t->body_line = body->line;
  t->body_col = body->col;
  for (size_t i = 0; i < body->u.map.n; i++) {
    const char *key = body->u.map.keys[i];
    if (strcmp(key, "sections") && strcmp(key, "parts"))
      diag_error(b->d, b->site_file, body->u.map.vals[i]->line, body->u.map.vals[i]->col,
                 "unknown key '%s' in the body of type '%s' (known: sections, parts)", key, t->name);
  }
  t->sections = read_headings(b, t->name, val_get(body, "sections"), "sections", &t->nsections);
  t->parts = read_headings(b, t->name, val_get(body, "parts"), "parts", &t->nparts);
  if (t->nparts && !t->nsections)
    diag_error(b->d, b->site_file, body->line, body->col,
               "the body of type '%s' has 'parts' but no 'sections' to put them under", t->name);
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
    read_body(b, t, val_get(spec, "body"));
    val *open = val_get(spec, "open");
    if (open && open->kind == VAL_BOOL && open->u.b) t->closed = false;
    val *pod = val_get(spec, "publish_on_date");
    if (pod && pod->kind != VAL_BOOL)
      diag_error(b->d, b->site_file, pod->line, pod->col,
                 "'publish_on_date' of type '%s' must be true or false", t->name);
    else if (pod)
      t->publish_on_date = pod->u.b;
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

void mb_read_config(builder *b) {
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
      const char *near = s ? suggest_closest(s, (const char *const *)f->values, f->nvalues) : NULL;
      if (near)
        diag_error(b->d, p->file, v->line, v->col, "'%s' is '%s', which is not one of: %s; did you mean '%s'?", name,
                   s, sbuf_str(&allowed), near);
      else
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
    if (known) continue;
    const char **names = arena_alloc(b->a, (n + 1) * sizeof *names);
    for (size_t j = 0; j < n; j++) names[j] = fs[j].name;
    const char *near = suggest_closest(m->u.map.keys[i], names, n);
    const val *kv = m->u.map.vals[i];
    int line = kv->key_line ? kv->key_line : kv->line, col = kv->key_line ? kv->key_col : kv->col;
    if (near)
      diag_error(b->d, p->file, line, col, "unknown field '%s' in an item of '%s': did you mean '%s'?",
                 m->u.map.keys[i], what, near);
    else
      diag_error(b->d, p->file, line, col, "unknown field '%s' in an item of '%s'", m->u.map.keys[i], what);
  }
}

static bool is_common(const char *k) {
  for (int i = 0; common_fields[i]; i++)
    if (!strcmp(k, common_fields[i])) return true;
  return false;
}

void mb_check_common(builder *b, page *p) {
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
  /* `publish` is the day a page appears on the site (model.c holds it back
   * until then); any type may carry it. */
  val *pub = val_get(p->fm, "publish");
  p->publish_days = NO_DATE;
  if (pub && check_scalar(b, p, "publish", "date", pub, NULL)) {
    int y, m, dd;
    dk_parse_date(pub->u.str.s, &y, &m, &dd);
    p->publish_days = dk_days(y, m, dd);
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

/* The field a page of type t most likely meant by the unknown key k: its
 * type's fields, the taxonomies and the fields every page has. */
static const char *closest_field(builder *b, const type_schema *t, const char *k) {
  size_t ncommon = 0;
  while (common_fields[ncommon]) ncommon++;
  size_t n = 0, cap = t->nfields + b->s->ntaxonomies + ncommon;
  const char **names = arena_alloc(b->a, (cap + 1) * sizeof *names);
  for (size_t j = 0; j < t->nfields; j++) names[n++] = t->fields[j].name;
  for (size_t j = 0; j < b->s->ntaxonomies; j++) names[n++] = b->s->taxonomies[j].name;
  for (size_t j = 0; j < ncommon; j++) names[n++] = common_fields[j];
  return suggest_closest(k, names, n);
}

void mb_check_page_fields(builder *b, page *p) {
  const type_schema *t = model_type(b->s, p->type);
  if (!t && p->kind == PAGE_REGULAR && strcmp(p->type, "page") != 0 && b->s->ntypes) {
    val *tv = val_get(p->fm, "type");
    const char **names = arena_alloc(b->a, (b->s->ntypes + 1) * sizeof *names);
    for (size_t j = 0; j < b->s->ntypes; j++) names[j] = b->s->types[j].name;
    const char *near = suggest_closest(p->type, names, b->s->ntypes);
    if (near)
      diag_error(b->d, p->file, tv ? tv->line : 1, tv ? tv->col : 1,
                 "unknown content type '%s': did you mean '%s'? (the types are declared under 'types' in content/site.yaml)",
                 p->type, near);
    else
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
        diag_error(b->d, p->file, 1, 1,
                   "the field '%s' is required for a page of type '%s': add a line '%s: ...' to its front matter",
                   f->name, t->name, f->name);
      continue;
    }
    /* A field every page has (publish) may be declared in a type for its
     * title and help in `klar new`; mb_check_common checked it already. */
    if (!is_common(f->name)) check_field(b, p, f, v);
  }
  if (!t->closed) return;
  for (size_t i = 0; i < p->fm->u.map.n; i++) {
    const char *k = p->fm->u.map.keys[i];
    if (is_common(k)) continue;
    bool known = false;
    for (size_t j = 0; j < t->nfields && !known; j++) known = !strcmp(t->fields[j].name, k);
    for (size_t j = 0; j < b->s->ntaxonomies && !known; j++) known = !strcmp(b->s->taxonomies[j].name, k);
    if (!known) {
      /* The caret goes under the misspelt name, not its value. */
      val *v = p->fm->u.map.vals[i];
      int line = v->key_line ? v->key_line : v->line, col = v->key_line ? v->key_col : v->col;
      const char *near = closest_field(b, t, k);
      if (near)
        diag_error(b->d, p->file, line, col, "unknown field '%s' for a page of type '%s': did you mean '%s'?", k,
                   t->name, near);
      else
        diag_error(b->d, p->file, line, col,
                   "unknown field '%s' for a page of type '%s' (a typo? declare it in content/site.yaml)", k, t->name);
    }
  }
}
