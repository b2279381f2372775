/* yml: libyaml's event parser folded into a val tree. */
#include "yml.h"
#include "yml_advice.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct ymlp {
  yaml_parser_t p;
  arena *a;
  const char *file;
  int line_offset;
  const char *src;
  size_t n;
  diag *d;
  bool failed;
  int depth;
} ymlp;

/* Nesting deeper than this is refused: front matter is a few levels deep,
 * and a bound keeps the recursion safe on hostile input. */
#define YML_MAX_DEPTH 64

static int line_of(ymlp *y, yaml_mark_t m) { return (int)m.line + 1 + y->line_offset; }
static int col_of(yaml_mark_t m) { return (int)m.column + 1; }

static void parse_error(ymlp *y) {
  yml_failure f = {y->p.problem, y->p.context, (int)y->p.problem_mark.line, (int)y->p.problem_mark.column,
                   (int)y->p.context_mark.line, (int)y->p.context_mark.column};
  if (yml_advise(y->d, y->file, y->line_offset, y->src, y->n, &f)) {
    y->failed = true;
    return;
  }
  const char *what = y->p.problem ? y->p.problem : "malformed YAML";
  yaml_mark_t m = y->p.problem_mark;
  /* With a context ("while scanning a quoted scalar"), its mark is where the
   * unfinished thing starts: the place the writer has to look at. */
  if (y->p.context)
    diag_error(y->d, y->file, line_of(y, y->p.context_mark), col_of(y->p.context_mark),
               "YAML: %s %s (it starts here; the problem shows at line %d)", what, y->p.context,
               line_of(y, m));
  else
    diag_error(y->d, y->file, line_of(y, m), col_of(m), "YAML: %s", what);
  y->failed = true;
}

static bool next(ymlp *y, yaml_event_t *ev) {
  if (!yaml_parser_parse(&y->p, ev)) {
    parse_error(y);
    return false;
  }
  return true;
}

/* A plain scalar that looks like a number, bool or null becomes one; quoted
 * scalars and everything else stay text, dates included ("2014-05-27"). */
static val *scalar(ymlp *y, yaml_event_t *ev) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  int line = line_of(y, ev->start_mark), col = col_of(ev->start_mark);
  if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
      return val_new(y->a, VAL_NULL, line, col);
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
        !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
      val *v = val_new(y->a, VAL_BOOL, line, col);
      v->u.b = s[0] == 't' || s[0] == 'T';
      return v;
    }
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    if (*p >= '0' && *p <= '9') {
      char *end;
      errno = 0;
      double x = strtod(s, &end);
      bool hexlike = strchr(s, 'x') || strchr(s, 'X');
      if (*end == 0 && errno == 0 && !hexlike && isfinite(x)) {
        val *v = val_new(y->a, VAL_NUM, line, col);
        v->u.num = x;
        return v;
      }
    }
  }
  val *v = val_new(y->a, VAL_STR, line, col);
  v->u.str.s = arena_strndup(y->a, s, n);
  v->u.str.len = n;
  return v;
}

static val *node(ymlp *y, yaml_event_t *ev);

static val *sequence(ymlp *y, yaml_event_t *start) {
  val *l = val_new(y->a, VAL_LIST, line_of(y, start->start_mark), col_of(start->start_mark));
  for (;;) {
    yaml_event_t ev;
    if (!next(y, &ev)) return NULL;
    if (ev.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete(&ev);
      return l;
    }
    val *item = node(y, &ev);
    yaml_event_delete(&ev);
    if (!item) return NULL;
    val_list_push(y->a, l, item);
  }
}

static val *mapping(ymlp *y, yaml_event_t *start) {
  val *m = val_new(y->a, VAL_MAP, line_of(y, start->start_mark), col_of(start->start_mark));
  for (;;) {
    yaml_event_t ev;
    if (!next(y, &ev)) return NULL;
    if (ev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&ev);
      return m;
    }
    if (ev.type != YAML_SCALAR_EVENT) {
      diag_error(y->d, y->file, line_of(y, ev.start_mark), col_of(ev.start_mark),
                 "YAML: a key must be a plain name, not a list or mapping");
      y->failed = true;
      yaml_event_delete(&ev);
      return NULL;
    }
    const char *key = arena_strndup(y->a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
    int kline = line_of(y, ev.start_mark), kcol = col_of(ev.start_mark);
    yaml_event_delete(&ev);
    const val *first = val_get(m, key);
    if (first) {
      diag_error(y->d, y->file, kline, kcol, "'%s' is given twice (first on line %d); keep one of them", key,
                 first->line);
      y->failed = true;
    }
    if (!next(y, &ev)) return NULL;
    val *v = node(y, &ev);
    yaml_event_delete(&ev);
    if (!v) return NULL;
    v->key_line = kline;
    v->key_col = kcol;
    val_map_put(y->a, m, key, v);
  }
}

static val *node(ymlp *y, yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    if (ev->data.scalar.anchor) goto anchors;
    /* A tag ("!vigtig Robusthed") would silently drop its word. */
    if (ev->data.scalar.tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) goto tags;
    return scalar(y, ev);
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    if ((ev->type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor) ||
        (ev->type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor))
      goto anchors;
    if (++y->depth > YML_MAX_DEPTH) {
      diag_error(y->d, y->file, line_of(y, ev->start_mark), col_of(ev->start_mark),
                 "YAML: nested more than %d levels deep", YML_MAX_DEPTH);
      y->failed = true;
      return NULL;
    }
    val *v = ev->type == YAML_SEQUENCE_START_EVENT ? sequence(y, ev) : mapping(y, ev);
    y->depth--;
    return v;
  }
  case YAML_ALIAS_EVENT:
    goto anchors;
  default:
    diag_error(y->d, y->file, line_of(y, ev->start_mark), col_of(ev->start_mark),
               "YAML: unexpected content");
    y->failed = true;
    return NULL;
  }
anchors:
  diag_error(y->d, y->file, line_of(y, ev->start_mark), col_of(ev->start_mark),
             "a value cannot start with '&' or '*' in YAML (they mark anchors and aliases, which klar does not "
             "support): put the value in quotes, or write it out");
  y->failed = true;
  return NULL;
tags:
  diag_error(y->d, y->file, line_of(y, ev->start_mark), col_of(ev->start_mark),
             "a value cannot start with '!' in YAML (it marks a tag): put the value in quotes");
  y->failed = true;
  return NULL;
}

val *yml_parse(arena *a, const char *src, size_t n, const char *file, int line_offset, diag *d) {
  ymlp y = {.a = a, .file = file, .line_offset = line_offset, .src = src, .n = n, .d = d};
  if (!yaml_parser_initialize(&y.p)) klar_oom();
  yaml_parser_set_input_string(&y.p, (const unsigned char *)src, n);
  yaml_parser_set_encoding(&y.p, YAML_UTF8_ENCODING);
  val *root = NULL;
  bool done = false;
  while (!done && !y.failed) {
    yaml_event_t ev;
    if (!next(&y, &ev)) break;
    switch (ev.type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
      break;
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    default:
      if (root) {
        diag_error(d, file, line_of(&y, ev.start_mark), col_of(ev.start_mark),
                   "YAML: only one document is allowed here");
        y.failed = true;
      } else {
        root = node(&y, &ev);
      }
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&y.p);
  if (y.failed) return NULL;
  if (!root || root->kind == VAL_NULL) root = val_new(a, VAL_MAP, line_offset + 1, 1);
  return root;
}
