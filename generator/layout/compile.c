/* layout, the compiler: XML layouts into klar's own node tree (see
 * layout_int.h), which render.c renders to HTML5.
 *
 * Loading parses each layouts/NAME.xml with libxml2 (no network, no entity
 * substitution, no DTD loading), turns the document into lnodes and frees
 * it: directives are parsed, expressions registered (and compile-checked in
 * a scratch Lua state), and every subtree without directives is serialised
 * once into a static string, so rendering mostly copies bytes. Inheritance
 * (<k:layout extends>) is resolved into a chain per layout; rendering walks
 * the root layout's tree and looks up each k:slot in the fills of the chain,
 * most derived first. Workers compile each expression lazily, once, in their
 * own Lua state. */
#include "layout_int.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/fsx.h"
#include "../core/xmlpos.h"
#include "../load/yml.h"
#include "html5.h"
#include "../core/msg.h"

/* ---- loading: libxml2 errors ---------------------------------------------- */

typedef struct xml_errs {
  diag *d;
  const char *file;
  const char *src;
  int count;
} xml_errs;

static void on_xml_error(void *ctx, xmlErrorPtr e) {
  xml_errs *x = ctx;
  if (e->level < XML_ERR_ERROR) return;
  /* Only the first error: libxml2's later ones follow from it. */
  if (x->count++) return;
  char msg[512];
  snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = 0;
  const char *hint = "";
  if (strstr(msg, "Entity '") && strstr(msg, "not defined"))
    hint = " (XML knows only &amp; &lt; &gt; &quot; &apos;: write the character itself or &#NNN;)";
  /* diag shows the source line and a caret itself. */
  diag_error(x->d, x->file, e->line, e->int2, "XML: %s%s", msg, hint);
}

/* ---- loading: compile the tree -------------------------------------------- */

typedef struct loader {
  layout_set *ls;
  layout *l;
  diag *d;
  klua *scratch;
  xmlDocPtr doc;
  xmlpos *pos;     /* where the source's start tags and attributes stand */
  xmlNodePtr cur;  /* the element being compiled, for columns */
} loader;

static int line_of(xmlNodePtr n) { return (int)xmlGetLineNo(n); }

/* Numbers the elements below n in document order (from 1, in _private, which
 * libxml2 leaves to the application) to find them in the xmlpos scan. */
static void number_elements(xmlNodePtr n, size_t *k) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    n->_private = (void *)(uintptr_t)++*k;
    number_elements(n->children, k);
  }
}

/* Moves a message at `line` about the element being compiled to the
 * attribute `attr` (NULL: the element's '<'), with its column; other lines
 * stay as they are, without a column. */
static void place(const loader *ld, const char *attr, int *line, int *col) {
  *col = 0;
  xmlNodePtr x = ld->cur;
  if (!x || !x->_private || *line != line_of(x)) return;
  size_t k = (size_t)(uintptr_t)x->_private - 1;
  int l, c;
  if (attr ? xmlpos_attr(ld->pos, k, *line, attr, &l, &c) : xmlpos_element(ld->pos, k, *line, &l, &c)) {
    *line = l;
    *col = c;
  }
}

static bool is_k(xmlNsPtr ns) { return ns && ns->href && !strcmp((const char *)ns->href, KNS); }

static void vlerror(loader *ld, const char *attr, int line, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, msg_tr(fmt), ap); /* the English format is the key of its Danish */
  int col;
  place(ld, attr, &line, &col);
  diag_error(ld->d, ld->l->file, line, col, "%s", msg);
  ld->l->bad = true;
}

/* Reports a mistake at line; on the element being compiled, at its '<'. */
static void lerror(loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lerror(loader *ld, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlerror(ld, NULL, line, fmt, ap);
  va_end(ap);
}

/* Reports a mistake in attribute attr of the element being compiled. */
static void aerror(loader *ld, const char *attr, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void aerror(loader *ld, const char *attr, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlerror(ld, attr, line, fmt, ap);
  va_end(ap);
}

/* Registers an expression and checks that it compiles; returns its id, or -1
 * after reporting the syntax error. */
static int add_expr(loader *ld, const char *directive, const char *src, const char *shown,
                    int line) {
  char *err = NULL;
  int col;
  place(ld, directive, &line, &col);
  if (!klua_check(ld->scratch, src, &err)) {
    diag_error(ld->d, ld->l->file, line, col, "in %s=\"%s\": %s", directive, shown, err);
    free(err);
    ld->l->bad = true;
    return -1;
  }
  layout_set *ls = ld->ls;
  if (ls->nexprs == ls->cap) {
    ls->cap = ls->cap ? ls->cap * 2 : 64;
    ls->exprs = xrealloc(ls->exprs, ls->cap * sizeof *ls->exprs);
  }
  lexpr *e = &ls->exprs[ls->nexprs];
  e->src = arena_strdup(ls->a, src);
  e->shown = arena_strdup(ls->a, shown);
  e->file = ld->l->file;
  e->directive = arena_strdup(ls->a, directive);
  e->line = line;
  e->col = col;
  return (int)ls->nexprs++;
}

static const char *const lua_keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    NULL};

/* Reads a Lua name at *p (advancing past it and following blanks) into the
 * arena; NULL if there is none or it is a keyword. */
static const char *read_name(arena *a, const char **pp) {
  const char *p = *pp;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  const char *s = p;
  if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')) return NULL;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
         *p == '_')
    p++;
  char *name = arena_strndup(a, s, (size_t)(p - s));
  for (int i = 0; lua_keywords[i]; i++)
    if (!strcmp(name, lua_keywords[i])) return NULL;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  *pp = p;
  return name;
}

/* k:for="x in e" or "i, x in e". */
static bool parse_for(loader *ld, lnode *n, const char *v, int line) {
  arena *a = ld->ls->a;
  const char *p = v;
  const char *first = read_name(a, &p), *second = NULL;
  if (first && *p == ',') {
    p++;
    second = read_name(a, &p);
    if (!second) first = NULL;
  }
  if (!first || strncmp(p, "in", 2) != 0 || !(p[2] == ' ' || p[2] == '\t' || p[2] == '\n')) {
    aerror(ld, "k:for", line, "k:for=\"%s\" must read \"x in list\" or \"i, x in list\"", v);
    return false;
  }
  n->for_x = second ? second : first;
  n->for_i = second ? first : NULL;
  n->for_expr = add_expr(ld, "k:for", p + 2, v, line);
  return n->for_expr >= 0;
}

/* Splits k:with at the semicolons outside strings and brackets; each part is
 * "name = expr". */
static bool parse_with(loader *ld, lnode *n, const char *v, int line) {
  arena *a = ld->ls->a;
  size_t cap = 1;
  for (const char *q = v; *q; q++) cap += *q == ';';
  n->with = arena_calloc(a, cap, sizeof *n->with);
  const char *p = v;
  bool ok = true;
  while (*p) {
    const char *s = p;
    int depth = 0;
    char quote = 0;
    for (; *p; p++) {
      if (quote) {
        if (*p == '\\' && p[1]) p++;
        else if (*p == quote) quote = 0;
      } else if (*p == '"' || *p == '\'') quote = *p;
      else if (*p == '(' || *p == '{' || *p == '[') depth++;
      else if (*p == ')' || *p == '}' || *p == ']') depth--;
      else if (*p == ';' && depth <= 0) break;
    }
    char *part = arena_strndup(a, s, (size_t)(p - s));
    if (*p == ';') p++;
    const char *q = part;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    if (!*q) continue; /* an empty part, e.g. after a trailing ';' */
    const char *name = read_name(a, &q);
    if (!name || q[0] != '=' || q[1] == '=') {
      aerror(ld, "k:with", line, "k:with=\"%s\" must read \"name = expression\" (several separated by ';')",
             v);
      ok = false;
      continue;
    }
    int e = add_expr(ld, "k:with", q + 1, v, line);
    if (e < 0) {
      ok = false;
      continue;
    }
    n->with[n->nwith].name = name;
    n->with[n->nwith].expr = e;
    n->nwith++;
  }
  return ok;
}

static char *xml_str(arena *a, xmlChar *s) {
  char *r = arena_strdup(a, s ? (const char *)s : "");
  xmlFree(s);
  return r;
}

static const char *qname(arena *a, xmlNsPtr ns, const xmlChar *name) {
  if (ns && ns->prefix) return arena_printf(a, "%s:%s", ns->prefix, name);
  return arena_strdup(a, (const char *)name);
}

static bool is_blank(const char *s) {
  for (; *s; s++)
    if (!(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) return false;
  return true;
}

static lnode *new_node(arena *a, lnode_kind kind, int line) {
  lnode *n = arena_calloc(a, 1, sizeof *n);
  n->kind = kind;
  n->line = line;
  n->for_expr = n->if_expr = n->text_expr = n->html_expr = n->omit_expr = -1;
  return n;
}

static bool is_static(const lnode *n) { return n->kind == LN_STATIC; }

static bool has_directives(const lnode *n) {
  return n->nwith || n->for_expr >= 0 || n->if_expr >= 0 || n->text_expr >= 0 ||
         n->html_expr >= 0 || n->omit_expr >= 0 || n->omit_always || n->nattrs || n->slot;
}

/* Appends kid to the kids of n (in an sbuf-like growth in the arena),
 * merging adjacent static strings. */
typedef struct kids {
  lnode **items;
  size_t n, cap;
} kid_list;

static void add_kid(arena *a, kid_list *k, lnode *kid) {
  if (!kid) return;
  if (is_static(kid) && k->n && is_static(k->items[k->n - 1])) {
    lnode *prev = k->items[k->n - 1];
    char *t = arena_alloc(a, prev->len + kid->len + 1);
    memcpy(t, prev->text, prev->len);
    memcpy(t + prev->len, kid->text, kid->len);
    t[prev->len + kid->len] = 0;
    lnode *m = new_node(a, LN_STATIC, prev->line);
    m->text = t;
    m->len = prev->len + kid->len;
    k->items[k->n - 1] = m;
    return;
  }
  if (k->n == k->cap) {
    size_t nc = k->cap ? k->cap * 2 : 4;
    k->items = arena_realloc(a, k->items, k->cap * sizeof *k->items, nc * sizeof *k->items);
    k->cap = nc;
  }
  k->items[k->n++] = kid;
}

static lnode *compile_node(loader *ld, xmlNodePtr x, bool raw);

static void compile_kids(loader *ld, xmlNodePtr parent, bool raw, lnode *n) {
  kid_list k = {0};
  for (xmlNodePtr c = parent->children; c; c = c->next) add_kid(ld->ls->a, &k, compile_node(ld, c, raw));
  n->kids = k.items;
  n->nkids = k.n;
}

static lnode *static_text(arena *a, const char *s, size_t len, bool raw, int line) {
  lnode *n = new_node(a, LN_STATIC, line);
  if (raw) {
    n->text = arena_strndup(a, s, len);
    n->len = len;
  } else {
    sbuf b = SBUF_INIT;
    html5_put_text(&b, s, len);
    n->len = b.len;
    n->text = sbuf_dup(&b, a);
    sbuf_free(&b);
  }
  return n;
}

/* <k:include src="partials/x.xml" name="expr" .../> */
static lnode *compile_include(loader *ld, xmlNodePtr x, lnode *n) {
  arena *a = ld->ls->a;
  int line = n->line;
  size_t np = 0;
  for (xmlAttrPtr at = x->properties; at; at = at->next) np++;
  n->params = arena_calloc(a, np ? np : 1, sizeof *n->params);
  for (xmlAttrPtr at = x->properties; at; at = at->next) {
    if (at->ns) continue; /* directives were read by the caller */
    char *v = xml_str(a, xmlNodeGetContent((xmlNodePtr)at));
    const char *name = (const char *)at->name;
    if (!strcmp(name, "src")) {
      n->src = v;
      continue;
    }
    const char *p = name;
    const char *pn = read_name(a, &p);
    if (!pn || *p) {
      aerror(ld, name, line, "include parameter '%s' is not a Lua name", name);
      continue;
    }
    int e = add_expr(ld, name, v, v, line);
    if (e < 0) continue;
    n->params[n->nparams].name = pn;
    n->params[n->nparams].expr = e;
    n->nparams++;
  }
  if (!n->src || !*n->src) {
    lerror(ld, line, "<k:include> needs src=\"partials/NAME.xml\"");
    return NULL;
  }
  layout_set *ls = ld->ls;
  if (ls->nincludes == ls->capincludes) {
    ls->capincludes = ls->capincludes ? ls->capincludes * 2 : 16;
    ls->includes = xrealloc(ls->includes, ls->capincludes * sizeof *ls->includes);
  }
  ls->includes[ls->nincludes++] = n;
  place(ld, "src", &n->line, &n->col);
  /* the include remembers its layout's file for the link step's message */
  n->text = ld->l->file;
  return n;
}

/* Compiles one XML node; NULL for nodes that produce nothing. */
static lnode *compile_node_at(loader *ld, xmlNodePtr x, bool raw) {
  arena *a = ld->ls->a;
  int line = line_of(x);
  switch (x->type) {
  case XML_TEXT_NODE:
  case XML_CDATA_SECTION_NODE: {
    const char *s = (const char *)x->content;
    return s && *s ? static_text(a, s, strlen(s), raw, line) : NULL;
  }
  case XML_ELEMENT_NODE: break;
  case XML_ENTITY_REF_NODE:
    lerror(ld, line, "entity &%s; is not allowed in a layout (write the character itself)",
           (const char *)x->name);
    return NULL;
  default:
    return NULL; /* comments and processing instructions are the designer's */
  }

  const char *kname = (const char *)x->name;
  lnode_kind kind = LN_ELEM;
  if (is_k(x->ns)) {
    if (!strcmp(kname, "include")) kind = LN_INCLUDE;
    else if (!strcmp(kname, "content")) kind = LN_CONTENT;
    else if (!strcmp(kname, "layout") || !strcmp(kname, "fill")) {
      lerror(ld, line, "<k:%s> may only be %s", kname,
             !strcmp(kname, "layout") ? "the root element of a layout" : "a child of <k:layout>");
      return NULL;
    } else {
      lerror(ld, line, "unknown directive element <k:%s> (known: k:layout, k:fill, k:include, k:content)",
             kname);
      return NULL;
    }
  }
  lnode *n = new_node(a, kind, line);
  const char *tag = kind == LN_ELEM ? qname(a, x->ns, x->name) : NULL;
  bool is_void = tag && html5_is_void(tag);
  bool kids_raw = tag && html5_is_raw(tag);
  n->raw = kids_raw || raw;

  /* directives and static attributes */
  size_t nattr = 0;
  for (xmlAttrPtr at = x->properties; at; at = at->next) nattr++;
  n->attrs = arena_calloc(a, nattr ? nattr : 1, sizeof *n->attrs);
  const char **dyn_names = arena_calloc(a, nattr ? nattr : 1, sizeof *dyn_names);
  size_t ndyn = 0;
  bool ok = true;
  for (xmlAttrPtr at = x->properties; at; at = at->next) {
    if (!is_k(at->ns)) continue;
    const char *an = (const char *)at->name;
    char *v = xml_str(a, xmlNodeGetContent((xmlNodePtr)at));
    char *dname = arena_printf(a, "k:%s", an);
    bool element_only = !strcmp(an, "text") || !strcmp(an, "html") || !strncmp(an, "attr-", 5) ||
                        !strcmp(an, "omit") || !strcmp(an, "slot");
    if (kind != LN_ELEM && element_only) {
      aerror(ld, dname, line, "%s cannot be used on <k:%s>", dname, kname);
      ok = false;
      continue;
    }
    if (!strcmp(an, "if")) n->if_expr = add_expr(ld, dname, v, v, line), ok &= n->if_expr >= 0;
    else if (!strcmp(an, "for")) ok &= parse_for(ld, n, v, line);
    else if (!strcmp(an, "with")) ok &= parse_with(ld, n, v, line);
    else if (!strcmp(an, "text")) n->text_expr = add_expr(ld, dname, v, v, line), ok &= n->text_expr >= 0;
    else if (!strcmp(an, "html")) n->html_expr = add_expr(ld, dname, v, v, line), ok &= n->html_expr >= 0;
    else if (!strcmp(an, "omit")) {
      if (is_blank(v)) n->omit_always = true;
      else n->omit_expr = add_expr(ld, dname, v, v, line), ok &= n->omit_expr >= 0;
    } else if (!strcmp(an, "slot")) {
      if (is_blank(v)) {
        aerror(ld, dname, line, "k:slot needs a name");
        ok = false;
      }
      n->slot = v;
    } else if (!strncmp(an, "attr-", 5) && an[5]) {
      int e = add_expr(ld, dname, v, v, line);
      if (e < 0) {
        ok = false;
        continue;
      }
      n->attrs[n->nattrs].name = arena_strdup(a, an + 5);
      n->attrs[n->nattrs].expr = e;
      dyn_names[ndyn++] = n->attrs[n->nattrs].name;
      n->nattrs++;
    } else {
      aerror(ld, dname, line, "unknown directive %s (known: k:if, k:for, k:text, k:html, k:attr-NAME, "
                       "k:with, k:omit, k:slot)", dname);
      ok = false;
    }
  }
  if (!ok) return NULL;
  if (n->text_expr >= 0 && n->html_expr >= 0) {
    lerror(ld, line, "k:text and k:html on the same element: keep one");
    return NULL;
  }
  if (is_void && (n->text_expr >= 0 || n->html_expr >= 0 || n->slot)) {
    lerror(ld, line, "<%s> is a void element: it cannot have content (k:text, k:html or k:slot)",
           tag);
    return NULL;
  }

  if (kind == LN_INCLUDE) return compile_include(ld, x, n);
  if (kind == LN_CONTENT) return n; /* its children are prototype text */

  /* the start tag's static part */
  sbuf b = SBUF_INIT;
  sbuf_putc(&b, '<');
  sbuf_puts(&b, tag);
  if (strcmp(tag, "html") != 0) {
    for (xmlNsPtr ns = x->nsDef; ns; ns = ns->next) {
      /* HTML5 needs no XHTML namespace; foreign ones (svg, MathML) stay */
      if (is_k(ns) || (!ns->prefix && ns->href && !strcmp((const char *)ns->href, XHTML_NS))) continue;
      if (ns->prefix) {
        char *an = arena_printf(a, "xmlns:%s", ns->prefix);
        html5_put_attr(&b, an, (const char *)ns->href);
      } else {
        html5_put_attr(&b, "xmlns", (const char *)ns->href);
      }
    }
  }
  for (xmlAttrPtr at = x->properties; at; at = at->next) {
    if (is_k(at->ns)) continue;
    const char *an = qname(a, at->ns, at->name);
    bool overridden = false;
    for (size_t i = 0; i < ndyn; i++) overridden |= !strcmp(dyn_names[i], an);
    if (overridden) continue; /* the designer's placeholder value */
    char *v = xml_str(a, xmlNodeGetContent((xmlNodePtr)at));
    html5_put_attr(&b, an, v);
  }
  n->open = sbuf_dup(&b, a);
  n->close = is_void ? NULL : arena_printf(a, "</%s>", tag);
  sbuf_free(&b);

  if (is_void) {
    for (xmlNodePtr c = x->children; c; c = c->next) {
      if ((c->type == XML_TEXT_NODE && !is_blank((const char *)c->content)) ||
          c->type == XML_ELEMENT_NODE) {
        lerror(ld, line, "<%s> is a void element: it cannot have content", tag);
        return NULL;
      }
    }
  } else {
    compile_kids(ld, x, n->raw, n);
  }

  /* A subtree without directives is serialised once, here. */
  bool all_static = !has_directives(n);
  for (size_t i = 0; all_static && i < n->nkids; i++) all_static = is_static(n->kids[i]);
  if (all_static) {
    sbuf s = SBUF_INIT;
    sbuf_puts(&s, n->open);
    sbuf_putc(&s, '>');
    for (size_t i = 0; i < n->nkids; i++) sbuf_put(&s, n->kids[i]->text, n->kids[i]->len);
    if (n->close) sbuf_puts(&s, n->close);
    lnode *st = new_node(a, LN_STATIC, line);
    st->len = s.len;
    st->text = sbuf_dup(&s, a);
    sbuf_free(&s);
    return st;
  }
  return n;
}

/* compile_node_at with the element being compiled known to messages. */
static lnode *compile_node(loader *ld, xmlNodePtr x, bool raw) {
  xmlNodePtr outer = ld->cur;
  if (x->type == XML_ELEMENT_NODE) ld->cur = x;
  lnode *n = compile_node_at(ld, x, raw);
  ld->cur = outer;
  return n;
}

/* <k:layout extends="base.xml"> with <k:fill slot="name"> children. */
static void compile_child_layout(loader *ld, xmlNodePtr root) {
  arena *a = ld->ls->a;
  layout *l = ld->l;
  xmlChar *ext = xmlGetProp(root, (const xmlChar *)"extends");
  l->extends = ext ? xml_str(a, ext) : NULL;
  ld->cur = root;
  l->extends_line = line_of(root);
  place(ld, "extends", &l->extends_line, &l->extends_col);
  if (!l->extends || !*l->extends) {
    lerror(ld, line_of(root), "<k:layout> needs extends=\"LAYOUT.xml\"");
    l->extends = NULL;
  }
  for (xmlAttrPtr at = root->properties; at; at = at->next)
    if (at->ns || strcmp((const char *)at->name, "extends"))
      aerror(ld, (const char *)at->name, line_of(root), "<k:layout> takes only extends=, not %s",
             (const char *)at->name);
  for (xmlNodePtr c = root->children; c; c = c->next) {
    int line = line_of(c);
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (!is_blank((const char *)c->content))
        lerror(ld, line, "text directly in <k:layout> goes nowhere: put it in a <k:fill>");
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    ld->cur = c;
    if (!is_k(c->ns) || strcmp((const char *)c->name, "fill")) {
      lerror(ld, line, "<k:layout> may only hold <k:fill slot=\"NAME\"> elements, not <%s>",
             (const char *)c->name);
      continue;
    }
    xmlChar *slot = xmlGetProp(c, (const xmlChar *)"slot");
    char *name = slot ? xml_str(a, slot) : NULL;
    if (!name || is_blank(name)) {
      lerror(ld, line, "<k:fill> needs slot=\"NAME\"");
      continue;
    }
    if (map_get(&l->fills, name)) {
      lerror(ld, line, "slot '%s' is filled twice", name);
      continue;
    }
    lnode *f = new_node(a, LN_FILL, line);
    place(ld, "slot", &f->line, &f->col);
    f->slot = name;
    compile_kids(ld, c, false, f);
    map_set(&l->fills, name, f);
  }
  ld->cur = NULL;
}

static void load_one(layout_set *ls, klua *scratch, const char *rel, diag *d) {
  arena *a = ls->a;
  layout *l = arena_calloc(a, 1, sizeof *l);
  l->name = arena_strdup(a, rel);
  l->file = arena_printf(a, "layouts/%s", rel);
  map_set(&ls->by_name, l->name, l);
  ls->all = xrealloc(ls->all, (ls->n + 1) * sizeof *ls->all);
  ls->all[ls->n++] = l;

  size_t len;
  char *path = fsx_join(a, ls->s->layouts_dir, rel);
  char *src = fsx_read_heap(path, &len);
  if (!src) {
    diag_error(d, l->file, 0, 0, "cannot read the layout");
    l->bad = true;
    return;
  }
  xml_errs errs = {d, l->file, src, 0};
  xmlSetStructuredErrorFunc(&errs, on_xml_error);
  xmlDocPtr doc = xmlReadMemory(src, (int)len, l->file, "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
  xmlSetStructuredErrorFunc(NULL, NULL);
  if (errs.count || !doc) {
    if (!errs.count) diag_error(d, l->file, 0, 0, "XML: cannot parse the layout");
    l->bad = true;
    xmlFreeDoc(doc);
    free(src);
    return;
  }
  arena *pa = arena_new();
  size_t nel = 0;
  number_elements(xmlDocGetRootElement(doc), &nel);
  loader ld = {ls, l, d, scratch, doc, xmlpos_scan(pa, src, len), NULL};
  if (doc->intSubset && (doc->intSubset->entities || doc->intSubset->pentities)) {
    const char *dt = strstr(src, "<!DOCTYPE");
    int dline = 1;
    for (const char *q = src; dt && q < dt; q++) dline += *q == '\n';
    lerror(&ld, dline,
           "a DOCTYPE declaring entities is not allowed in a layout");
  } else {
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (is_k(root->ns) && !strcmp((const char *)root->name, "layout"))
      compile_child_layout(&ld, root);
    else
      l->root = compile_node(&ld, root, false);
    if (!l->root && !l->extends) l->bad = true;
  }
  arena_free(pa);
  xmlFreeDoc(doc);
  free(src);
}

typedef struct walk_ctx {
  layout_set *ls;
  klua *scratch;
  diag *d;
} walk_ctx;

static void on_file(const char *rel, void *ctx) {
  walk_ctx *w = ctx;
  /* print layouts (their own namespace) and Lua helpers belong elsewhere */
  if (!str_ends(rel, ".xml") || str_starts(rel, "print/") || str_starts(rel, "lua/")) return;
  load_one(w->ls, w->scratch, rel, w->d);
}

/* Does the tree below n (or any fill of the chain) have slot name? */
static bool tree_has_slot(const lnode *n, const char *name) {
  if (!n) return false;
  if (n->slot && n->kind == LN_ELEM && !strcmp(n->slot, name)) return true;
  for (size_t i = 0; i < n->nkids; i++)
    if (tree_has_slot(n->kids[i], name)) return true;
  return false;
}

/* Resolves extends into chains, detecting missing parents and cycles, and
 * checks that every fill has a slot to go to. */
static void link_layouts(layout_set *ls, diag *d) {
  for (size_t i = 0; i < ls->n; i++) {
    layout *l = ls->all[i];
    size_t cap = 4, n = 0;
    layout **chain = xmalloc(cap * sizeof *chain);
    layout *cur = l;
    bool ok = true;
    while (cur) {
      for (size_t j = 0; j < n; j++) {
        if (chain[j] == cur) {
          sbuf b = SBUF_INIT;
          for (size_t m = j; m < n; m++) sbuf_printf(&b, "%s extends ", chain[m]->name);
          sbuf_puts(&b, cur->name);
          diag_error(d, l->file, l->extends_line, l->extends_col, "inheritance cycle: %s", sbuf_str(&b));
          sbuf_free(&b);
          ok = false;
          break;
        }
      }
      if (!ok) break;
      if (n == cap) chain = xrealloc(chain, (cap *= 2) * sizeof *chain);
      chain[n++] = cur;
      if (!cur->extends) break;
      layout *parent = map_get(&ls->by_name, cur->extends);
      if (!parent) {
        if (cur == l)
          diag_error(d, l->file, l->extends_line, l->extends_col,
                     "extends '%s', but there is no layouts/%s", l->extends, l->extends);
        ok = false;
        break;
      }
      cur = parent;
    }
    if (ok && chain[n - 1]->bad) ok = false;
    if (!ok) {
      l->bad = true;
      free(chain);
      continue;
    }
    l->chain = arena_alloc(ls->a, n * sizeof *chain);
    memcpy(l->chain, chain, n * sizeof *chain);
    l->nchain = n;
    free(chain);
  }
  /* every fill must name a slot of a layout it extends */
  for (size_t i = 0; i < ls->n; i++) {
    layout *l = ls->all[i];
    if (!l->nchain || !l->extends) continue;
    for (size_t f = 0; f < l->fills.n; f++) {
      const char *slot = l->fills.entries[f].key;
      const lnode *fill = l->fills.entries[f].value;
      bool found = false;
      for (size_t j = 1; j < l->nchain && !found; j++) {
        const layout *p = l->chain[j];
        found = tree_has_slot(p->root, slot);
        for (size_t m = 0; m < p->fills.n && !found; m++)
          found = tree_has_slot(p->fills.entries[m].value, slot);
      }
      if (!found)
        diag_error(d, l->file, fill->line, fill->col, "no slot '%s' in %s or the layouts it extends", slot,
                   l->extends);
    }
  }
  for (size_t i = 0; i < ls->nincludes; i++) {
    lnode *n = ls->includes[i];
    n->target = map_get(&ls->by_name, n->src);
    if (!n->target)
      diag_error(d, n->text, n->line, n->col, "include of '%s', but there is no layouts/%s", n->src, n->src);
  }
}

static void load_strings(layout_set *ls, diag *d) {
  const char *file = "layouts/i18n.yaml";
  char *path = fsx_join(ls->a, ls->s->layouts_dir, "i18n.yaml");
  size_t len;
  char *src = fsx_read(ls->a, path, &len);
  if (!src) return; /* no strings: t() reports each unknown key */
  val *v = yml_parse(ls->a, src, len, file, 0, d);
  if (!v) return;
  if (v->kind != VAL_MAP) {
    diag_error(d, file, v->line, v->col, "i18n.yaml must map each language to its strings (da: {key: text})");
    return;
  }
  for (size_t i = 0; i < v->u.map.n; i++) {
    val *m = v->u.map.vals[i];
    if (m->kind != VAL_MAP) {
      diag_error(d, file, m->line, m->col, "the strings of '%s' must be a mapping of key: text",
                 v->u.map.keys[i]);
      return;
    }
  }
  ls->strings = v;
}

static void free_set_arrays(void *p) {
  layout_set *ls = p;
  for (size_t i = 0; i < ls->n; i++) map_free(&ls->all[i]->fills);
  map_free(&ls->by_name);
  free(ls->all);
  free(ls->exprs);
  free(ls->includes);
}

layout_set *layout_load(arena *a, const site *s, diag *d) {
  layout_set *ls = arena_calloc(a, 1, sizeof *ls);
  ls->a = a;
  ls->s = s;
  arena_defer(a, free_set_arrays, ls);
  load_strings(ls, d);
  /* The scratch state checks expressions and runs the helpers once, so
   * their errors are reported at load, not once per worker. */
  klua *scratch = klua_new(s);
  klua_set_strings(scratch, ls->strings, "layouts/i18n.yaml");
  klua_run_helpers(scratch, s->layouts_dir, d);
  walk_ctx w = {ls, scratch, d};
  if (!fsx_walk(s->layouts_dir, on_file, &w))
    diag_error(d, "layouts", 0, 0, "cannot read the layouts folder");
  klua_free(scratch);
  link_layouts(ls, d);
  return ls;
}

void layout_init(void) { xmlInitParser(); }
