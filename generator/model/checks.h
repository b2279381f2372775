/* checks: the model's checks of what each publication needs, run once every
 * page's Markdown is parsed (model_check in model.h); shared by the files of
 * model/ that make them (checks.c, body.c, programme.c), nothing outside. */
#ifndef KLAR_MODEL_CHECKS_H
#define KLAR_MODEL_CHECKS_H
#include "model.h"

/* body.c: the `##`/`###` structure a page's type declares (site.yaml
 * body: sections/parts) against the page's headings. */
void mc_body(const site *s, const page *p, const type_schema *t, diag *d);

/* programme.c: a page's `programme:` (times valid, each item ending after
 * it starts, in time order, no two at once in one room, all inside the
 * page's own start/end). */
void mc_programme(const page *p, diag *d);

#endif
