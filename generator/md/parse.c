/* parse: cmark-gfm's process-wide state (extension registry, the table of
 * special characters and the lock around it) and the parse of one text. */
#include <cmark-gfm/render.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "md_int.h"

/* ===================================================================== */
/* Process-wide state                                                     */
/* ===================================================================== */

/* cmark-gfm 0.29.0.gfm.6 keeps the table of "special" inline characters in
 * a global array that every parse switches on (process_inlines, and the
 * table extension's row parser) and off again when it finishes. Two threads
 * parsing at once can therefore switch '~', '|' or ':' off under each
 * other's feet and render `~~x~~` literally. Parsing is serialised with
 * this lock; the passes and the HTML rendering, most of the work after the
 * block parse, run outside it. */
static const char *const all_extensions[] = {"table", "strikethrough", "autolink", "tagfilter",
                                             "tasklist"};
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The lock costs the site build its parallelism: parsing is most of the
 * Markdown work. A site build attaches the same extensions to every parser,
 * so the table never needs to change: md_pin_extensions switches it on once
 * for the full set and from then on the toggle does nothing, and parses run
 * in parallel without the lock. The toggle is cmark's exported function
 * cmark_manage_extensions_special_characters, which both libcmark-gfm and
 * the extensions library call through the PLT: klar's definition below
 * takes its place (ordinary ELF symbol interposition) and forwards to the
 * library's own until the table is pinned. Where the dynamic linker cannot
 * find the library's function, pinning is refused and the lock stays. */
typedef void (*manage_fn)(cmark_parser *, int);
static manage_fn library_manage;
static atomic_bool pinned;

static manage_fn find_library_manage(void) {
  if (!library_manage)
    library_manage = (manage_fn)(uintptr_t)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
  return library_manage;
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add) {
  if (atomic_load_explicit(&pinned, memory_order_acquire)) return;
  manage_fn f = find_library_manage();
  if (f) f(parser, add);
}

/* A private syntax extension that never parses anything: heading nodes are
 * tagged with it so that cmark's HTML renderer calls heading_html, which
 * writes the id attribute (cmark has no hook for heading attributes). */
cmark_syntax_extension *md_heading_ext;

static void put_attr(cmark_strbuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': cmark_strbuf_puts(b, "&amp;"); break;
    case '<': cmark_strbuf_puts(b, "&lt;"); break;
    case '>': cmark_strbuf_puts(b, "&gt;"); break;
    case '"': cmark_strbuf_puts(b, "&quot;"); break;
    default: cmark_strbuf_putc(b, *s);
    }
  }
}

static void heading_html(cmark_syntax_extension *ext, cmark_html_renderer *r, cmark_node *node,
                         cmark_event_type ev, int options) {
  cmark_strbuf *html = r->html;
  int level = cmark_node_get_heading_level(node);
  char tag[16];
  if (ev == CMARK_EVENT_ENTER) {
    if (html->size && html->ptr[html->size - 1] != '\n') cmark_strbuf_putc(html, '\n');
    snprintf(tag, sizeof tag, "<h%d", level);
    cmark_strbuf_puts(html, tag);
    const char *id = cmark_node_get_user_data(node);
    if (id && *id) {
      cmark_strbuf_puts(html, " id=\"");
      put_attr(html, id);
      cmark_strbuf_putc(html, '"');
    }
    cmark_strbuf_putc(html, '>');
  } else {
    snprintf(tag, sizeof tag, "</h%d>\n", level);
    cmark_strbuf_puts(html, tag);
  }
}

static void init_once_fn(void) {
  cmark_gfm_core_extensions_ensure_registered();
  md_heading_ext = cmark_syntax_extension_new("klar-heading-ids");
  cmark_syntax_extension_set_html_render_func(md_heading_ext, heading_html);
}

void md_init(void) { pthread_once(&init_once, init_once_fn); }

bool md_pin_extensions(void) {
  md_init();
  if (atomic_load(&pinned)) return true;
  manage_fn f = find_library_manage();
  if (!f) return false;
  cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (size_t k = 0; k < sizeof all_extensions / sizeof *all_extensions; k++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(all_extensions[k]);
    if (e) cmark_parser_attach_syntax_extension(p, e);
  }
  f(p, 1);
  cmark_parser_free(p);
  atomic_store(&pinned, true);
  return true;
}

static bool has_word(const char *list, const char *w) {
  size_t n = strlen(w);
  for (const char *p = list; *p;) {
    while (*p == ' ') p++;
    const char *q = p;
    while (*q && *q != ' ') q++;
    if ((size_t)(q - p) == n && memcmp(p, w, n) == 0) return true;
    p = q;
  }
  return false;
}

int md_cmark_options(const md_options *o) {
  int opt = CMARK_OPT_DEFAULT;
  if (o->unsafe) opt |= CMARK_OPT_UNSAFE;
  if (o->smart) opt |= CMARK_OPT_SMART;
  if (o->footnotes || !o->extensions || has_word(o->extensions, "footnotes"))
    opt |= CMARK_OPT_FOOTNOTES;
  if (o->full_info_string) opt |= CMARK_OPT_FULL_INFO_STRING;
  if (o->table_style_attrs) opt |= CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES;
  return opt;
}

/* Parses under the lock (see parse_lock). The parser is returned too: its
 * extension list is what the HTML renderer needs. */
cmark_node *md_cmark_parse(const md_options *o, const char *src, size_t n, cmark_parser **pp) {
  md_init();
  int opt = md_cmark_options(o);
  cmark_parser *p = cmark_parser_new(opt);
  for (size_t k = 0; k < sizeof all_extensions / sizeof *all_extensions; k++) {
    if (o->extensions && !atomic_load(&pinned) && !has_word(o->extensions, all_extensions[k])) continue;
    cmark_syntax_extension *e = cmark_find_syntax_extension(all_extensions[k]);
    if (e) cmark_parser_attach_syntax_extension(p, e);
  }
  /* Once pinned, the table holds the characters of every extension, so
   * every parser gets every extension (see md_pin_extensions). */
  bool lock = !atomic_load_explicit(&pinned, memory_order_acquire);
  if (lock) pthread_mutex_lock(&parse_lock);
  cmark_parser_feed(p, src, n);
  cmark_node *doc = cmark_parser_finish(p);
  if (lock) pthread_mutex_unlock(&parse_lock);
  *pp = p;
  return doc;
}

