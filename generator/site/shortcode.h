/* shortcode: klar's built-in shortcodes, fenced blocks that become HTML on
 * the site. `video` makes a click-to-load facade for a YouTube video: a
 * local thumbnail and a Danish play button, and no request to YouTube until
 * the reader clicks (assets/js/video.js then puts in a youtube-nocookie.com
 * iframe). Its lines are `id: VIDEO-ID` and `title: ...`. */
#ifndef KLAR_SHORTCODE_H
#define KLAR_SHORTCODE_H
#include "../core/arena.h"
#include "../core/str.h"
#include "../model/model.h"

typedef struct shortcode_ctx {
  const site *s;
  const page *p;
  arena *a; /* scratch */
} shortcode_ctx;

/* The md_shortcode_fn of a site build (ctx is a shortcode_ctx): returns 0
 * for names that are not shortcodes, 1 with the HTML in out, -1 with an
 * error message in out. */
int shortcode_site(void *ctx, const char *name, const char *info, const char *text, sbuf *out);

#endif
