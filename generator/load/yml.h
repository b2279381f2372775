/* yml: YAML (front matter and site.yaml) into klar's value tree. The only
 * module that includes libyaml. Scalars stay text unless plain (unquoted)
 * and shaped like a number, true/false or null; dates stay text. Every value
 * keeps its line and column in the file. */
#ifndef KLAR_YML_H
#define KLAR_YML_H
#include <stddef.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/val.h"

/* Parses n bytes of YAML (one document). file is for messages; line_offset
 * is added to libyaml's lines (front matter starts after the first '---').
 * Returns the root value (an empty map for an empty document) in arena a, or
 * NULL after reporting a syntax error to d at its position. Anchors and
 * aliases are refused (they can blow up memory). */
val *yml_parse(arena *a, const char *src, size_t n, const char *file, int line_offset, diag *d);

#endif
