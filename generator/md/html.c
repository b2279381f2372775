/* html: the HTML body of a parsed, walked document. */
#include <string.h>
#include "md_int.h"

/* cmark-gfm labels the footnote back links in English; the site speaks
 * Danish. */
static const char backref_en[] = "aria-label=\"Back to content\"";
static const char backref_da[] = "aria-label=\"Tilbage til teksten\"";

char *md_html_render(cmark_node *doc, cmark_parser *p, const md_options *o, arena *a) {
  char *html = cmark_render_html(doc, md_cmark_options(o), cmark_parser_get_syntax_extensions(p));
  char *r;
  if (o->site_passes && strstr(html, backref_en)) {
    sbuf b = SBUF_INIT;
    const char *at = html, *hit;
    while ((hit = strstr(at, backref_en))) {
      sbuf_put(&b, at, (size_t)(hit - at));
      sbuf_puts(&b, backref_da);
      at = hit + sizeof backref_en - 1;
    }
    sbuf_puts(&b, at);
    r = sbuf_dup(&b, a);
    sbuf_free(&b);
  } else {
    r = arena_strdup(a, html);
  }
  cmark_get_default_mem_allocator()->free(html);
  return r;
}

