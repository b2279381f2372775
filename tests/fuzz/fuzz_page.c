/* libFuzzer entry: a whole content file as klar reads it: front matter
 * split, YAML, then the Markdown body through md with the site passes (a
 * link resolver that accepts every other link, the video shortcode's shape
 * of callback). Valid UTF-8 only, as content loading guarantees. */
#include "core/arena.h"
#include "core/diag.h"
#include "core/str.h"
#include "load/content.h"
#include "load/yml.h"
#include "md/md.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static md_link resolve(void *ctx, bool is_image, const char *dest, sbuf *out) {
  (void)ctx;
  (void)is_image;
  sbuf_puts(out, "/x/");
  return strlen(dest) % 2 == 0;
}

static int shortcode(void *ctx, const char *name, const char *info, const char *text, sbuf *out) {
  (void)ctx;
  (void)info;
  if (strcmp(name, "video") != 0) return 0;
  if (!strstr(text, "id:")) {
    sbuf_puts(out, "no id");
    return -1;
  }
  sbuf_puts(out, "<figure></figure>\n");
  return 1;
}

/* The pictures' callback: replaces every other image, reports the rest. */
static int picture(void *ctx, const md_picture *pic, sbuf *out) {
  (void)ctx;
  if (strlen(pic->dest) % 3 == 0) return 0;
  if (strlen(pic->dest) % 3 == 1) return -1;
  sbuf_printf(out, "<img src=\"%s\" alt=\"%s\">", pic->dest, pic->alt);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  const char *text = (const char *)data;
  if (!str_utf8_valid(text, n, NULL) || memchr(text, 0, n)) return 0;
  md_init();
  arena *a = arena_new();
  diag *d = diag_new();
  const char *yaml, *body;
  size_t ylen;
  int bline;
  if (content_split(text, n, &yaml, &ylen, &body, &bline)) {
    if (yaml) yml_parse(a, yaml, ylen, "fuzz.md", 1, d);
    md_options o = {.site_passes = true, .unsafe = true, .footnotes = true, .table_style_attrs = true,
                    .resolve = resolve, .shortcode = shortcode, .picture = picture, .file = "fuzz.md", .line_offset = bline - 1,
                    .tree = true}; /* the print block tree too: the same parse, another walk */
    md_result r;
    md_render(body, n - (size_t)(body - text), &o, a, d, &r);
  }
  diag_free(d);
  arena_free(a);
  return 0;
}
