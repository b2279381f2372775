/* layout_int: the compiled form of the layouts, shared by the compiler
 * (compile.c) and the renderer (render.c). Private to generator/layout/:
 * nothing outside this folder includes it (the public API is layout.h).
 * A layout_set is written only by layout_load and is read-only after it;
 * everything a render worker changes lives in its layout_worker. */
#ifndef KLAR_LAYOUT_INT_H
#define KLAR_LAYOUT_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/map.h"
#include "../script/klua.h"
#include "layout.h"

#define KNS "urn:klar:layout"
#define XHTML_NS "http://www.w3.org/1999/xhtml"
/* Includes nest at most this deep (a recursive partial for a tree menu is
 * fine; an endless one is not). */
#define MAX_INCLUDE_DEPTH 64
/* A page's HTML may not grow past this: the output lives outside the Lua
 * memory ceiling, and a k:for over a long list of long strings made
 * gigabytes of it. */
#define MAX_PAGE_HTML ((size_t)64 << 20)
/* Elements nest at most this deep while rendering, through includes and
 * the fills of a chain: 64 includes of a partial 256 elements deep (what
 * libxml2 allows in one file) overflowed a 2 MB stack, and ASan's 8 MB. */
#define MAX_RENDER_NEST 1000


typedef enum { LN_STATIC, LN_ELEM, LN_CONTENT, LN_INCLUDE, LN_FILL } lnode_kind;

typedef struct lbind {
  const char *name;
  int expr;
} lbind;

typedef struct layout layout;
typedef struct lnode lnode;

struct lnode {
  lnode_kind kind;
  int line, col;    /* col: of k:include's src, k:fill's slot; else 0 */
  const char *text; /* LN_STATIC: serialised HTML */
  size_t len;
  const char *open; /* LN_ELEM: "<div class=\"x\"" without '>' */
  const char *close;/* "</div>", NULL for void elements */
  lbind *with;
  size_t nwith;
  const char *for_i, *for_x;
  int for_expr, if_expr, text_expr, html_expr, omit_expr;
  bool omit_always, raw;
  lbind *attrs; /* k:attr-NAME: name is NAME */
  size_t nattrs;
  const char *slot;   /* k:slot, or the slot of a k:fill */
  lbind *params;      /* include parameters */
  size_t nparams;
  const char *src;    /* include target name */
  layout *target;
  lnode **kids;
  size_t nkids;
};

struct layout {
  const char *name; /* "proposal.xml" */
  const char *file; /* "layouts/proposal.xml" */
  lnode *root;      /* the element tree of a root layout; NULL for a child */
  const char *extends;
  int extends_line, extends_col;
  map fills;        /* slot → LN_FILL node */
  layout **chain;   /* this layout first, the root layout last */
  size_t nchain;
  bool bad;
};

typedef struct lexpr {
  const char *src, *file, *directive;
  const char *shown; /* the attribute as written, for messages */
  int line, col;     /* of the attribute (col 0 when not known) */
} lexpr;

struct layout_set {
  arena *a;
  const site *s;
  map by_name;
  layout **all;
  size_t n;
  lexpr *exprs;
  size_t nexprs, cap;
  val *strings;
  lnode **includes; /* every LN_INCLUDE, linked after loading */
  size_t nincludes, capincludes;
};

struct layout_worker {
  const layout_set *ls;
  klua *k;
  int *handles; /* per expression: handle, or -1 before the first use */
  int depth;
  int nest;     /* elements being rendered, one inside the other */
  layout_file_fn watch_file; /* layout_worker_watch */
  void *watch_ctx;
};

#endif
