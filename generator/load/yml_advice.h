/* yml_advice: libyaml's error phrases turned into advice for editors. Part
 * of the yml module (only yml.c calls it); it needs no libyaml types. */
#ifndef KLAR_YML_ADVICE_H
#define KLAR_YML_ADVICE_H
#include "../core/diag.h"
#include <stdbool.h>
#include <stddef.h>

/* Where libyaml failed: its two phrases and marks (0-based line and column
 * in characters, relative to the YAML text). */
typedef struct yml_failure {
  const char *problem, *context;
  int pline, pcol, cline, ccol;
} yml_failure;

/* Reports f in plain words with a fix, at the place the editor must look,
 * when it is a mistake editors make (a colon or a quote in a value, a tab,
 * indentation, an unclosed quote or list); returns false, reporting
 * nothing, for any other failure. src/n is the YAML text, line_offset the
 * lines of the file before it. */
bool yml_advise(diag *d, const char *file, int line_offset, const char *src, size_t n, const yml_failure *f);

#endif
