/* layout: XML layouts with Lua expressions. The only module that includes
 * libxml2. layout_load reads every layout file once, compiles directives
 * into a node tree and checks every expression compiles; workers then render
 * pages, each with its own Lua state (see script/klua.h). */
#ifndef KLAR_LAYOUT_H
#define KLAR_LAYOUT_H
#include <stdbool.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/str.h"
#include "../model/model.h"
#include "../script/klua.h"

/* Initialises libxml2 once for the process (its parser keeps global tables
 * that must be set up before threads parse: the print stage reads its
 * layouts on worker threads). Call in main before any thread starts. */
void layout_init(void);

typedef struct layout_set layout_set;
typedef struct layout_worker layout_worker;

/* Loads and compiles every layout below site->layouts_dir (parsed without
 * network access or external entities), the helpers in the layouts/lua/ files and
 * the strings in layouts/i18n.yaml. Errors (XML syntax, unknown directive,
 * expression that does not compile, extends/include of a missing file,
 * inheritance cycle) go to d with layouts/FILE:LINE. Returns the set (also
 * after errors; check diag_errors). Memory in arena a. */
layout_set *layout_load(arena *a, const site *s, diag *d);

/* Returns the name ("proposal.xml") of the layout a page uses, following the
 * lookup of docs/reference.md, or NULL after reporting "no layout for ..." at
 * the page's file. */
const char *layout_pick(const layout_set *ls, const page *p, diag *d);

/* A render worker: one Lua state with the sandbox, the helpers and the
 * site's read-only model. One per thread; not shareable. */
layout_worker *layout_worker_new(const layout_set *ls, diag *d);
void layout_worker_free(layout_worker *w);

/* Records what later renders on w use, for the incremental rebuild of
 * `klar serve` (build/session): file is called with the file of every
 * layout a render goes through ("layouts/base.xml": the picked layout, the
 * ones it extends, every partial included), read with what the render reads
 * of other pages (klua_set_watch). Either may be NULL; both run on w's
 * thread and must be quick. */
typedef void (*layout_file_fn)(void *ctx, const char *file);
void layout_worker_watch(layout_worker *w, layout_file_fn file, klua_watch_fn read, void *ctx);

/* Renders page p with layout `name` into out (HTML5, starting with
 * <!DOCTYPE html>). Lua errors are reported with the layout's file:line, the
 * expression and Lua's message; returns false then. */
bool layout_render(layout_worker *w, const page *p, const char *name, sbuf *out, diag *d);

#endif
