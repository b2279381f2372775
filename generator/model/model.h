/* model: the site as klar understands it: every page with its URL, type and
 * checked front matter, sections, taxonomies, menus and cross references.
 * Built once by model_build from the loaded content; read-only afterwards,
 * so render workers share it without locks. Everything lives in the build
 * arena. */
#ifndef KLAR_MODEL_H
#define KLAR_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/map.h"
#include "../core/str.h"
#include "../core/val.h"
#include "../md/md.h"

typedef struct page page;
typedef struct site site;
typedef struct booklet booklet;

typedef enum {
  PAGE_REGULAR, /* content/a/b.md or a bundle content/a/b/index.md */
  PAGE_SECTION, /* a section's list page: content/a/_index.md (or made up) */
  PAGE_HOME,    /* content/_index.md: the front page */
  PAGE_TAXONOMY,/* /emner/: the list of terms of a taxonomy */
  PAGE_TERM     /* /emner/robusthed/: the pages carrying one term */
} page_kind;

typedef struct page_list {
  page **items;
  size_t n;
} page_list;

typedef struct toc_entry {
  int level;
  const char *id, *title;
  int line, col;       /* the heading's position in the page's file */
} toc_entry;

struct page {
  page_kind kind;
  const char *src;     /* path below content/ ("temaer/robusthed.md"); made-up pages: NULL */
  const char *file;    /* path for messages ("content/temaer/robusthed.md") */
  const char *dir;     /* folder below content/ of the source ("temaer"); bundle: its own folder */
  const char *section; /* first folder below content/ ("temaer"), "" at the root */
  const char *type;    /* content type: front matter `type`, else the section's default, else "page" */
  const char *slug;    /* last part of the URL */
  const char *url;     /* site-relative URL with trailing slash: "/temaer/robusthed/" */
  const char *out;     /* output file below public/: "temaer/robusthed/index.html" */
  const char *title;   /* with the site's Danish typography (» «, no-break spaces) */
  const char *date;    /* "2014-05-27" as written, or NULL */
  long days;           /* the date as days since 1970, or a large negative value when none */
  long publish_days;   /* front matter `publish` as days since 1970, or NO_DATE's value when none */
  bool held;           /* left out until a later day (see site.held), not a draft */
  double weight;       /* front matter `weight`, 0 when absent */
  bool draft, bundle;
  bool broken;         /* could not be read or decoded: reported once, not checked further */
  val *fm;             /* all front matter (a map, never NULL); references resolved to VAL_REF */

  const char *body;    /* Markdown after the front matter (NUL-terminated) */
  size_t body_len;
  int body_line;       /* line in `file` of the body's first line (1-based) */
  size_t head_len;     /* bytes before the body (the front matter with its '---' lines, after a
                        * BOM): body - head_len is the file as read, for build/session to see
                        * whether an edit changed more than the body */
  const char **resources; size_t nresources; /* bundle files besides index.md, relative to dir */

  page *parent;        /* the section page (or home) this page is listed on; NULL for home */
  page_list pages;     /* section/home/term pages: the pages listed, sorted (weight, date desc, title) */
  page_list subsections;
  page_list referrers; /* pages whose front matter references this page, in site order */
  const char *term;    /* PAGE_TERM: the term as written; PAGE_TAXONOMY/TERM: taxonomy name in `taxonomy` */
  const char *taxonomy;

  size_t index;        /* position in site->all */
  booklet **booklets; size_t nbooklets; /* the booklets this page is printed in */
  booklet **downloads; size_t ndownloads; /* the booklets this page links as "Hent som PDF":
                                           * those it is the first page of, or the section
                                           * page of a folder they name */
  struct pager *pager; /* a list split into pages (site.yaml `paginate`): this page's part, else NULL */
};

/* One page of a list split by site.yaml `paginate: N`: the section (or term)
 * page itself is page 1 and keeps its URL; pages 2.. are made up at
 * URL/side/N/ with the same title and no body. `pages` is this page's part
 * of the list (`first->pages`, which stays whole for every other use). */
typedef struct pager {
  int number, total;   /* 1-based */
  page_list pages;     /* the items shown on this page, in list order */
  page *first;         /* the list page itself (page 1) */
  page **all;          /* every page of the list, all[0] == first; `total` of them */
} pager;

/* What the Markdown stage made of one page. It lives beside the page, not
 * in it (site->md), so the page record stays read-only after model_build. */
typedef struct page_md {
  const char *html;    /* the body as HTML */
  const char *summary; /* front matter `summary`/`description`, else the first paragraph as plain text */
  toc_entry *toc; size_t ntoc;
  int words;
  const struct md_anchor *anchors; size_t nanchors; /* links with a #fragment, as written,
                                                     * with positions (model_check) */
  const struct mdt_block *tree; /* the body's block tree for print (md.h); only for
                                 * pages in a booklet, else NULL */
} page_md;

/* A booklet declared in site.yaml's `booklets:` list. */
struct booklet {
  const char *name;      /* output base name: booklets/NAME.pdf */
  const char *layout;    /* print layout: layouts/print/LAYOUT.xml */
  const char *title, *subtitle, *author, *subject;
  const char *label;     /* its short name on /hent/ and beside its link, or NULL */
  page *home;            /* its first page: where /hent/ says it comes from */
  val *decl;             /* the whole entry (cover fields) */
  page_list pages;       /* in reading order */
  bool impose;
  const char *file;      /* site.yaml, and the entry's line, for messages */
  int line;
  /* Filled when the booklet has been made (before pages render). */
  bool made;
  const char *url, *printer_url, *imposed_url; /* site-relative, "/booklets/NAME.pdf" */
  long bytes;            /* size of the reader PDF */
  int npages;            /* pages of the reader PDF */
};

typedef struct field_schema {
  const char *name;
  const char *kind;    /* string text date number bool list ref */
  const char *of;      /* list item kind */
  const char *to;      /* ref (or list of ref): the type referenced */
  bool required;
  const char *title;   /* readable name ("Temaer"), or NULL */
  const char *help;    /* a sentence for editors on what to write (klar new), or NULL */
  const char **values; size_t nvalues; /* allowed values, if any */
  struct field_schema *fields; size_t nfields; /* `of: map`: the fields of each item */
} field_schema;

typedef struct type_schema {
  const char *name;
  const char *title;   /* readable name ("Forslag") */
  field_schema *fields; size_t nfields;
  bool closed;         /* unknown fields are errors (default true when fields are declared) */
  /* `body:` the required structure of the Markdown body, when declared:
   * the `##` headings it must have, in this order (sections), and the `###`
   * headings each of them must have, in this order (parts). */
  const char **sections; size_t nsections;
  const char **parts; size_t nparts;
  int body_line, body_col; /* where `body:` is, in site.yaml */
  bool publish_on_date; /* `publish_on_date: true`: the page's `date` is the day it is
                         * published (news), so a page dated later than today is held
                         * back; for other types `date` is what the page is about (a
                         * conference's evening) and only `publish` holds a page back */
} type_schema;

typedef struct menu_item {
  const char *title, *url;
  page *page;          /* when the item names a page */
} menu_item;

typedef struct taxonomy {
  const char *name;    /* front matter field ("temaer") */
  const char *title;   /* readable ("Temaer") */
  const char *slug;    /* URL part */
  page *list;          /* PAGE_TAXONOMY page */
  page_list terms;     /* PAGE_TERM pages, sorted by title */
} taxonomy;

struct site {
  const char *root;        /* the project folder */
  const char *content_dir; /* root/content */
  const char *layouts_dir; /* root/layouts */
  const char *assets_dir;  /* root/assets */
  const char *title;
  const char *baseurl;     /* "https://klar.hedensted.dk/", always ends in '/' */
  const char *basepath;    /* path part of baseurl ("/" or "/klar/") */
  const char *language;    /* "da" */
  const char *quote_open, *quote_close; /* typographic quotes, default » « */
  const char *build_date;  /* ISO date of the build (SOURCE_DATE_EPOCH, else the newest page date) */
  val *config;             /* all of site.yaml */
  val *params;             /* site.yaml `params` (a map, never NULL) */
  menu_item *menu; size_t nmenu;
  type_schema *types; size_t ntypes;
  taxonomy *taxonomies; size_t ntaxonomies;
  page_list all;           /* every page to render, in a stable order (by src, then made-up pages) */
  page_list regular;       /* PAGE_REGULAR pages only, sorted by src */
  page *home;
  map by_src;              /* src → page */
  map by_url;              /* url → page */
  map sections;            /* section name → section page */
  map by_type;             /* type name → page_list* of its regular pages */
  map statics;             /* static files below content/ (path → output path) */
  map left_out;            /* src → page of each draft left out (no --drafts) and of each
                            * page held back until a later day (no --future), so that a
                            * link to one can say why it is broken */
  page_list held;          /* the pages held back (no --future), in source order */
  long today;              /* the day pages are published against, as days since 1970:
                            * SOURCE_DATE_EPOCH's, else the clock's */
  booklet *booklets; size_t nbooklets;
  map assets;              /* asset path below assets/ ("css/site.css") → fingerprinted URL; filled by site before render */
  const page_md *md;       /* the Markdown stage's results, one per page of `all`
                            * (by page->index); set once by that stage, NULL before */
  struct picture_set *pictures; /* the Markdown images (image/picture.h); made by the
                            * build before the Markdown stage, NULL in other uses */
  bool drafts;             /* --drafts */
  bool future;             /* --future: pages dated later than today are published too */
  arena *arena;            /* the build arena */
};

/* Builds the model from the content folder of root: reads site.yaml and every
 * content/ Markdown file (on `jobs` threads; the model does not depend on
 * how many), checks front matter against the types, gives every page its
 * URL, builds sections, taxonomies, menus and references. Errors go to d with
 * positions; returns the site even when there were errors (the caller checks
 * diag_errors), or NULL when nothing could be read at all. */
site *model_build(arena *a, const char *root, bool drafts, int jobs, diag *d);
/* model_build reading the content through cache (load/content.h; NULL:
 * none), for the session of klar serve: the model is the same. */
typedef struct content_cache content_cache;
/* future: publish pages whose `publish` day (or, for a type with
 * publish_on_date, whose `date`) is later than today; without it they are
 * left out like drafts and listed in s->held. model_build holds them back. */
site *model_build_cached(arena *a, const char *root, bool drafts, bool future, int jobs, content_cache *cache,
                         diag *d);

/* Returns what the Markdown stage made of page p: its entry in s->md, or an
 * empty record (html and summary "", no toc, no tree) for a page outside
 * s->all (the made-up 404 page) or before that stage ran. Never NULL. */
const page_md *model_page_md(const site *s, const page *p);

/* The one link resolver of klar: every link written in Markdown, in a
 * page's body, in front matter text rendered by the layouts' markdown()
 * and in the text print layouts make from front matter, is resolved by
 * model_link_resolve, so a link that works in one place works in all.
 * Its signature is md's md_resolve_fn with a model_link as the context: a
 * relative destination ("../temaer/robusthed.md#x", "bilag/plan.pdf") from
 * page `from` to a page becomes the page's site URL with the fragment, to
 * a static file below content/ the file's URL (images: only files).
 * Writes the URL (with the site's base path) to out and returns MD_LINK_OK;
 * for a link to a draft left out of the site returns MD_LINK_DRAFT, for any
 * other broken link MD_LINK_BROKEN with the likely meant destination in out
 * (or out empty), noting the first broken destination in ctx->broken. Scratch memory from ctx->a (the caller's: safe in workers). */
typedef struct model_link {
  const site *s;
  const page *from;
  arena *a;
  const char *broken;  /* the first destination that did not resolve, or NULL */
} model_link;
md_link model_link_resolve(void *ctx, bool is_image, const char *dest, sbuf *out);

/* Returns the page a relative link from page `from` to a .md file names, or
 * NULL. target is as written ("../temaer/robusthed.md", may have #frag).
 * Scratch memory comes from arena a (the caller's: safe in workers). */
page *model_resolve_link(const site *s, const page *from, const char *target, arena *a);
/* Returns the folder-relative path below content/ that target names from
 * page `from` ("../bilag/x.pdf" from "om" → "bilag/x.pdf"), or NULL when it
 * climbs out of content/. In arena a. */
char *model_resolve_path(const page *from, const char *target, arena *a);
/* True when models a and b (of one site, built at two times) have the same
 * structure: what every page shows of the others besides their front
 * matter values, and what makes files: the same pages in the same order,
 * with the same URLs, outputs, kinds, types, sections, titles, dates,
 * weights, drafts, parents, lists (pages, subsections, referrers, terms),
 * menu, statics, booklets, build date and aliases. Title, date and weight
 * count as structure because lists are sorted by them and C helpers (sort)
 * read them directly. Two such models differ only in front matter values,
 * which a page's readers read through the Lua bridge. */
bool model_same_structure(const site *a, const site *b);
/* The day a held-back page (p->held) waits for, as written: its `publish`,
 * else its `date`. */
const char *model_held_until(const page *p);
/* Returns the type schema of a name or NULL. */
const type_schema *model_type(const site *s, const char *name);
/* The checks that need the whole site and every page's Markdown (model/
 * checks.c, body.c, programme.c): the body structure a type declares,
 * conference programmes, links to missing anchors, offers under no theme,
 * duplicate titles, pages of a printed type that are in no booklet. Call
 * after the Markdown stage (s->md set). Errors and warnings go to d with
 * their positions; build and check both run it, so a build never publishes
 * what check calls an error. */
void model_check(const site *s, diag *d);
/* The check of links to #anchors, run after the pages are rendered: ids[i]
 * holds the ids the rendered page s->all.items[i] has (its headings', its
 * layout's, raw HTML's), each after a newline, or NULL when the page was
 * not rendered (then links to it are not checked). The strings are cut up
 * in place (the caller frees them as before). A link whose fragment is no
 * id of its target page is an error at the link, with "did you mean". */
void model_check_anchors(const site *s, char **ids, diag *d);

/* Returns the pages of a content type, in site order (an empty list for an
 * unknown type). Precomputed: safe in workers. */
page_list model_pages_of(const site *s, const char *type);

/* The interface matrix of the output catalog: every proposal (type
 * "proposal"), grouped by its core group (field "group"), against the core
 * groups (type "group", by weight): the group it comes from and the groups
 * its "interfaces" name. The one place that knows which proposal touches
 * which group: the web page (layouts/matrix.xml, through the template
 * helper interface_matrix) and the booklets (print) both read it. */
typedef enum { MATRIX_NONE, MATRIX_OWN, MATRIX_INTERFACE } matrix_mark;

typedef struct matrix_row {
  const page *proposal;
  matrix_mark *marks;  /* one per group, in the matrix's group order */
  const page **to;     /* the other groups it touches, as its front matter lists them */
  size_t nto;
} matrix_row;

typedef struct matrix_block {
  const page *group;
  matrix_row *rows;    /* its proposals, in site order */
  size_t nrows;
} matrix_block;

typedef struct interface_matrix {
  const page **groups; /* by weight, then site order */
  matrix_block *blocks;/* one per group, in the same order */
  int *totals;         /* per group: the proposals naming it as an interface */
  size_t ngroups;
} interface_matrix;

/* Returns the matrix of site s in arena a (groups without proposals keep
 * their block, empty). Never fails: a site without groups gets ngroups 0. */
interface_matrix *model_matrix(const site *s, arena *a);

#endif
