/* html5: serialisation rules of HTML5 (WHATWG "Serialising HTML fragments"),
 * the part klar needs: void and raw text elements, escaping. */
#include "html5.h"
#include <string.h>

static const char *const void_elements[] = {"area", "base", "br",    "col",   "embed",
                                            "hr",   "img",  "input", "link",  "meta",
                                            "source", "track", "wbr", NULL};

bool html5_is_void(const char *name) {
  for (int i = 0; void_elements[i]; i++)
    if (!strcmp(name, void_elements[i])) return true;
  return false;
}

bool html5_is_raw(const char *name) { return !strcmp(name, "script") || !strcmp(name, "style"); }

void html5_put_text(sbuf *b, const char *s, size_t n) { sbuf_put_html(b, s, n); }

void html5_put_attr(sbuf *b, const char *name, const char *value) {
  sbuf_putc(b, ' ');
  sbuf_puts(b, name);
  if (!value) return;
  sbuf_puts(b, "=\"");
  sbuf_put_html(b, value, strlen(value));
  sbuf_putc(b, '"');
}

void html5_put_doctype(sbuf *b) { sbuf_puts(b, "<!DOCTYPE html>\n"); }
