/* klua: sandboxed Lua 5.4 states for klar. The only module that includes Lua.
 * A state sees the site's read-only model through `page`, `site` and the
 * helpers of docs/reference.md, runs the site's helpers (layouts/lua/NAME.lua), and
 * evaluates template expressions under an instruction budget and a memory
 * ceiling. One state per thread; a klua is not shareable. */
#ifndef KLAR_KLUA_H
#define KLAR_KLUA_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/diag.h"
#include "../core/str.h"
#include "../core/val.h"
#include "../model/model.h"

typedef struct klua klua;

/* Default limits: instructions per evaluation (expression or helper file)
 * and bytes per state. */
#define KLUA_BUDGET (50L * 1000 * 1000)
#define KLUA_MEMORY ((size_t)256 << 20)
/* Instructions for all the evaluations of one page together (each k:for
 * round costs KLUA_ROUND_COST of them): a layout that nests k:for over long
 * lists makes many evaluations, each within its own budget, and would
 * otherwise never end. */
#define KLUA_PAGE_BUDGET (4 * KLUA_BUDGET)
#define KLUA_ROUND_COST 16
/* Seconds (monotonic clock) for all the evaluations of one page together: a
 * backstop for work done in C that costs one instruction however long it
 * takes (comparing or searching strings of tens of megabytes in a loop). A
 * page of the bundled site takes milliseconds; this only ends what would
 * otherwise never end, so it cannot make a good build differ. */
#define KLUA_PAGE_SECONDS 20.0

/* Returns a new sandboxed state for site s (which must outlive it): base
 * functions (filtered), string, table, math, utf8, os.time/date/clock, the
 * helpers, `site`. Never NULL (out of memory aborts). */
klua *klua_new(const site *s);
/* Closes the state. klua_free(NULL) does nothing. */
void klua_free(klua *k);

/* Sets the instruction budget of each later evaluation, and the memory
 * ceiling of the state (for tests; the defaults above otherwise). */
void klua_set_budget(klua *k, long instructions);
void klua_set_memory_limit(klua *k, size_t bytes);
/* Sets the time of each later page (klua_set_page) or helper file, in
 * seconds (for tests; KLUA_PAGE_SECONDS otherwise). */
void klua_set_time_limit(klua *k, double seconds);

/* Gives the strings of layouts/i18n.yaml (a map language → map key →
 * string; may be NULL) to the `t` helper; file names it in messages. Both
 * must outlive k. */
void klua_set_strings(klua *k, const val *strings, const char *file);

/* Runs one helper file: the globals it defines become helpers. name is the
 * file as shown in messages ("layouts/lua/format.lua"). Syntax and runtime
 * errors go to d with name:line; returns false then. */
bool klua_run_file(klua *k, const char *path, const char *name, diag *d);
/* Runs every dir/lua/NAME.lua in sorted order (dir is the layouts folder, shown
 * as "layouts"). Returns false if any failed (errors in d). */
bool klua_run_helpers(klua *k, const char *dir, diag *d);

/* Makes p the current `page` (and the page the menu's `active` is computed
 * for), and forgets the scratch memory of the previous page. */
void klua_set_page(klua *k, const page *p);

/* What a render read of a page, for the incremental rebuild of `klar
 * serve` (build/session): one of the Markdown stage's results of the page
 * (KLUA_READ_CONTENT, _SUMMARY, _TOC, _WORDS: the fields content, summary,
 * toc, words; bits, so that a reader can keep a set of them), any other
 * field (KLUA_READ_FIELD), or a page list enumerated (KLUA_READ_LIST; p is
 * the page that owns it: a section's pages, referrers, subsections; NULL
 * for a site-wide list: site.pages, site.sections, site.taxonomies,
 * pages_of). */
typedef enum {
  KLUA_READ_CONTENT = 1,
  KLUA_READ_SUMMARY = 2,
  KLUA_READ_TOC = 4,
  KLUA_READ_WORDS = 8,
  KLUA_READ_FIELD = 16,
  KLUA_READ_LIST = 32
} klua_read;
typedef void (*klua_watch_fn)(void *ctx, const page *p, klua_read what);
/* Calls fn for every such read from now on (NULL stops it). fn runs on the
 * state's thread, inside evaluations: it must be quick and must not raise. */
void klua_set_watch(klua *k, klua_watch_fn fn, void *ctx);

/* The last error message (Lua's message without the expression's own
 * position; errors in helper files keep theirs). Valid until the next call. */
const char *klua_error(const klua *k);

/* ---- expressions ------------------------------------------------------ */

/* Compiles expression src (a Lua expression, not a statement). Returns a
 * handle >= 0 valid for the life of k, or -1 with klua_error set to Lua's
 * syntax message. */
int klua_compile(klua *k, const char *src);
/* Checks that src compiles, without keeping it: the message goes to *err
 * (malloc'd, caller frees) on failure. */
bool klua_check(klua *k, const char *src, char **err);

/* Evaluates expression h; on a Lua error returns false with klua_error set. */
bool klua_eval_truthy(klua *k, int h, bool *out);

typedef enum {
  KLUA_ESC_HTML, /* escape & < > " */
  KLUA_ESC_RAW,  /* as is (k:html) */
  KLUA_ESC_SCRIPT /* inside <script>/<style>: as is, but "</" written "<\/" */
} klua_esc;

/* Evaluates h and appends its value as text to out: strings as they are,
 * numbers Lua-style (integers without ".0"), booleans, pages by title; nil
 * appends nothing. A table or function is an error. */
bool klua_eval_put(klua *k, int h, sbuf *out, klua_esc esc);

/* Evaluates h for an attribute: returns 0 when nil or false (omit it), 1 when
 * true (a boolean attribute), 2 after appending the escaped text to out, -1 on
 * error. */
int klua_eval_attr(klua *k, int h, sbuf *out);

/* ---- local names (k:with, k:for, include parameters) -------------------- */

/* Locals are dynamically scoped: klua_mark returns the current depth, the
 * bind calls shadow a name until klua_restore(mark) puts the old values back.
 * name must stay valid until the restore. */
size_t klua_mark(const klua *k);
/* Binds name to the value of h. */
bool klua_bind(klua *k, const char *name, int h);
/* Evaluates h as a list for k:for: nil is empty; a sequence iterates its
 * items; a table with only other keys iterates them sorted (i is the key).
 * Returns false on error (also for a string or number). *n gets the count;
 * *slot identifies the list for klua_for_bind until the restore. Both names
 * (iname may be NULL) are saved for restore. */
bool klua_for_begin(klua *k, int h, const char *iname, const char *xname, size_t *n,
                    size_t *slot);
/* Binds the names to item i (0-based) of the list in slot. Returns false,
 * with klua_error set, once the page's budget is spent. */
bool klua_for_bind(klua *k, size_t slot, size_t i, const char *iname, const char *xname);
void klua_restore(klua *k, size_t mark);

/* ---- convenience for tests and tools ------------------------------------ */

/* Compiles and evaluates one expression, appending its value as text (as
 * klua_eval_put with KLUA_ESC_RAW). Returns false with klua_error set. */
bool klua_eval_string(klua *k, const char *src, sbuf *out);
/* Runs a chunk of statements in the helpers' environment (for tests). */
bool klua_exec(klua *k, const char *chunk, const char *name);

#endif
