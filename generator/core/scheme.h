/* scheme: recognises the URL schemes content may not use in links, images
 * and raw HTML — javascript: and vbscript: (they run a script when clicked)
 * and data: (a whole document or script hidden in the address) — as a
 * browser reads them, so that spelling tricks do not slip past. */
#ifndef KLAR_SCHEME_H
#define KLAR_SCHEME_H
#include <stddef.h>

/* Returns "javascript:", "vbscript:" or "data:" when the URL u (n bytes) has
 * that scheme as a browser reads it, else NULL. A browser drops leading
 * spaces and control characters and every tab and line break inside a URL,
 * and reads the scheme in any case: " JaVa\tScript:" is javascript:. */
const char *scheme_unsafe(const char *u, size_t n);

/* Likewise for an HTML attribute value as written in the source, whose
 * character references the browser decodes first: "jav&#x09;ascript:",
 * "&#106;avascript:" and "javascript&colon;" are all javascript:. */
const char *scheme_unsafe_attr(const char *v, size_t n);

/* Why a scheme that scheme_unsafe returned is refused and what to write
 * instead, for messages: "it runs a script in the reader's browser; link to
 * a page or an https:// address instead". */
const char *scheme_advice(const char *scheme);

#endif
