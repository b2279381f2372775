/* build, preview: the booklet preview of the live preview (/_klar/booklets/)
 * for a built site model: which booklets to draw, on the pool, then the
 * list of booklets. The drawing itself is print's (print_preview). */
#ifndef KLAR_BUILD_PREVIEW_H
#define KLAR_BUILD_PREVIEW_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/diag.h"
#include "../model/model.h"

/* The folder of the preview below an output folder. */
#define PREVIEW_DIR "_klar/booklets"

/* Draws the booklets named in names (all when nnames is 0; an unknown
 * name is an error) into out/_klar/booklets/ and rewrites its index.html.
 * Names with a '/' are files instead, as for build_preview_changed.
 * s must have been through the Markdown stage (s->md), as for the PDFs.
 * Returns the number of booklets drawn; problems and errors go to d. */
int build_preview(site *s, const char *out, const char *const *names, int nnames, int jobs, diag *d);

/* For the server after an edit: draws again the booklets that use any of
 * the files in changed (paths relative to the site's folder, as
 * build_session_update takes them: "content/pixi/pixi-3-6-aar.md"): those
 * that print a changed page, and every booklet when anything else that
 * print reads changed (content/site.yaml, layouts/print/, assets/fonts/,
 * an image) or when n is 0. s is the model after the edit, with its
 * Markdown stage run. Returns the number drawn (0: nothing to do). */
int build_preview_changed(site *s, const char *out, const char *const *changed, size_t n, int jobs,
                          diag *d);

#endif
