/* html5: the HTML5 serialisation rules the layout renderer follows: which
 * elements are void (no end tag) or raw text (no escaping), and how text and
 * attribute values are escaped. No libxml2 here: plain bytes in, bytes out. */
#ifndef KLAR_HTML5_H
#define KLAR_HTML5_H
#include <stdbool.h>
#include <stddef.h>
#include "../core/str.h"

/* True for area base br col embed hr img input link meta source track wbr. */
bool html5_is_void(const char *name);
/* True for script and style, whose text is written unescaped. */
bool html5_is_raw(const char *name);
/* Appends text escaped (& < > "). */
void html5_put_text(sbuf *b, const char *s, size_t n);
/* Appends ` name="value"` with the value escaped; value NULL gives the
 * boolean form ` name`. */
void html5_put_attr(sbuf *b, const char *name, const char *value);
/* Appends the start of the document: "<!DOCTYPE html>\n". */
void html5_put_doctype(sbuf *b);

#endif
