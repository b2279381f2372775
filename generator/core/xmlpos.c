/* xmlpos: start tags and attributes of an XML source by line and column. */
#include "xmlpos.h"
#include <string.h>

typedef struct xp_attr {
  const char *name;
  size_t len;
  int line, col;
} xp_attr;

typedef struct xp_elem {
  int line, col, end_line;
  size_t first, nattrs; /* its attributes in attrs[] */
} xp_elem;

struct xmlpos {
  xp_elem *elems;
  size_t nelems, capelems;
  xp_attr *attrs;
  size_t nattrs, capattrs;
};

/* The reading position: byte offset, line and character column. */
typedef struct cur {
  const char *s;
  size_t n, i;
  int line, col;
} cur;

static void step(cur *c) {
  if (c->i >= c->n) return;
  unsigned char ch = (unsigned char)c->s[c->i++];
  if (ch == '\n') {
    c->line++;
    c->col = 1;
  } else if ((ch & 0xC0) != 0x80) {
    c->col++;
  }
}

static bool at(const cur *c, const char *lit) {
  size_t k = strlen(lit);
  return c->i + k <= c->n && !memcmp(c->s + c->i, lit, k);
}

/* Moves past the first `end` at or after the position (or to the end). */
static void skip_past(cur *c, const char *end) {
  while (c->i < c->n && !at(c, end)) step(c);
  for (size_t k = strlen(end); k && c->i < c->n; k--) step(c);
}

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static bool is_name_start(unsigned char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' || ch >= 0x80;
}

/* Reads one start tag from its '<'; records it and its attributes. */
static void read_tag(arena *a, xmlpos *x, cur *c) {
  if (x->nelems == x->capelems) {
    size_t cap = x->capelems ? x->capelems * 2 : 64;
    x->elems = arena_realloc(a, x->elems, x->capelems * sizeof *x->elems, cap * sizeof *x->elems);
    x->capelems = cap;
  }
  xp_elem *e = &x->elems[x->nelems++];
  e->line = c->line;
  e->col = c->col;
  e->first = x->nattrs;
  e->nattrs = 0;
  step(c);
  while (c->i < c->n && !is_space(c->s[c->i]) && c->s[c->i] != '>' && c->s[c->i] != '/') step(c);
  for (;;) {
    while (c->i < c->n && is_space(c->s[c->i])) step(c);
    if (c->i >= c->n || c->s[c->i] == '>' || c->s[c->i] == '/' || c->s[c->i] == '<') break;
    if (x->nattrs == x->capattrs) {
      size_t cap = x->capattrs ? x->capattrs * 2 : 128;
      x->attrs = arena_realloc(a, x->attrs, x->capattrs * sizeof *x->attrs, cap * sizeof *x->attrs);
      x->capattrs = cap;
    }
    xp_attr *t = &x->attrs[x->nattrs++];
    e->nattrs++;
    t->name = c->s + c->i;
    t->line = c->line;
    t->col = c->col;
    while (c->i < c->n && !is_space(c->s[c->i]) && c->s[c->i] != '=' && c->s[c->i] != '>' &&
           c->s[c->i] != '/')
      step(c);
    t->len = (size_t)(c->s + c->i - t->name);
    while (c->i < c->n && is_space(c->s[c->i])) step(c);
    if (c->i < c->n && c->s[c->i] == '=') {
      step(c);
      while (c->i < c->n && is_space(c->s[c->i])) step(c);
      if (c->i < c->n && (c->s[c->i] == '"' || c->s[c->i] == '\'')) {
        char q = c->s[c->i];
        step(c);
        while (c->i < c->n && c->s[c->i] != q) step(c);
        step(c);
      }
    }
    if (!t->len) step(c); /* a stray character: never loop in place */
  }
  while (c->i < c->n && c->s[c->i] != '>') step(c);
  e->end_line = c->line;
  step(c);
}

xmlpos *xmlpos_scan(arena *a, const char *src, size_t n) {
  xmlpos *x = arena_calloc(a, 1, sizeof *x);
  cur c = {src, n, 0, 1, 1};
  while (c.i < c.n) {
    if (src[c.i] != '<') {
      step(&c);
    } else if (at(&c, "<!--")) {
      skip_past(&c, "-->");
    } else if (at(&c, "<![CDATA[")) {
      skip_past(&c, "]]>");
    } else if (at(&c, "<?")) {
      skip_past(&c, "?>");
    } else if (at(&c, "<!")) {
      /* a DOCTYPE, whose internal subset may hold '>' inside brackets */
      int depth = 0;
      while (c.i < c.n && !(src[c.i] == '>' && depth <= 0)) {
        depth += src[c.i] == '[' ? 1 : src[c.i] == ']' ? -1 : 0;
        step(&c);
      }
      step(&c);
    } else if (c.i + 1 < c.n && is_name_start((unsigned char)src[c.i + 1])) {
      read_tag(a, x, &c);
    } else {
      step(&c);
    }
  }
  return x;
}

static const xp_elem *element(const xmlpos *x, size_t k, int end_line) {
  if (!x || k >= x->nelems) return NULL;
  const xp_elem *e = &x->elems[k];
  return end_line && e->end_line != end_line ? NULL : e;
}

bool xmlpos_element(const xmlpos *x, size_t k, int end_line, int *line, int *col) {
  const xp_elem *e = element(x, k, end_line);
  if (!e) return false;
  *line = e->line;
  *col = e->col;
  return true;
}

bool xmlpos_attr(const xmlpos *x, size_t k, int end_line, const char *name, int *line, int *col) {
  const xp_elem *e = element(x, k, end_line);
  if (!e) return false;
  const char *local = strchr(name, ':');
  const xp_attr *hit = NULL;
  for (size_t i = 0; i < e->nattrs && !hit; i++) {
    const xp_attr *t = &x->attrs[e->first + i];
    if (t->len == strlen(name) && !memcmp(t->name, name, t->len)) hit = t;
  }
  for (size_t i = 0; i < e->nattrs && !hit && local; i++) {
    const xp_attr *t = &x->attrs[e->first + i];
    const char *tc = memchr(t->name, ':', t->len);
    size_t ll = strlen(local);
    if (tc && (size_t)(t->name + t->len - tc) == ll && !memcmp(tc, local, ll)) hit = t;
  }
  if (!hit) return false;
  *line = hit->line;
  *col = hit->col;
  return true;
}
