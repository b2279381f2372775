/* shortcode: the video facade. */
#include "shortcode.h"
#include "../core/fsx.h"
#include "site.h"
#include <stdio.h>
#include <string.h>

/* Finds "key: value" on its own line in text; returns the value (trimmed,
 * in arena a) or NULL. */
static const char *field(arena *a, const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    while (n && (*line == ' ' || *line == '\t')) { line++; n--; }
    if (n > kl && !strncmp(line, key, kl) && line[kl] == ':') {
      const char *v = line + kl + 1;
      size_t vn = n - kl - 1;
      while (vn && (*v == ' ' || *v == '\t')) { v++; vn--; }
      while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r')) vn--;
      if (vn >= 2 && ((v[0] == '"' && v[vn - 1] == '"') || (v[0] == '\'' && v[vn - 1] == '\''))) {
        v++;
        vn -= 2;
      }
      return arena_strndup(a, v, vn);
    }
    line = end ? end + 1 : NULL;
  }
  return NULL;
}

static bool video_id_ok(const char *id) {
  if (strlen(id) != 11) return false;
  for (const char *c = id; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
      return false;
  return true;
}

/* The thumbnail: a file of the page's bundle (ID.jpg or thumbnail.jpg),
 * else assets/video/ID.jpg. */
static const char *thumbnail(shortcode_ctx *c, const char *id) {
  const char *names[] = {arena_printf(c->a, "%s.jpg", id), "thumbnail.jpg"};
  for (int i = 0; i < 2 && c->p->bundle; i++) {
    const char *t = map_get(&c->s->statics, arena_printf(c->a, "%s/%s", c->p->dir, names[i]));
    if (t) {
      sbuf u = SBUF_INIT;
      site_url_put(c->s, &u, t);
      char *r = sbuf_dup(&u, c->a);
      sbuf_free(&u);
      return r;
    }
  }
  return map_get(&c->s->assets, arena_printf(c->a, "video/%s.jpg", id));
}

static int video(shortcode_ctx *c, const char *text, sbuf *out) {
  const char *id = field(c->a, text, "id");
  const char *title = field(c->a, text, "title");
  if (!id || !video_id_ok(id)) {
    sbuf_puts(out, "a video needs a line 'id: ...' with the 11-character YouTube id "
                   "(the part after watch?v= in its address)");
    return -1;
  }
  if (!title || !*title) {
    sbuf_puts(out, "a video needs a line 'title: ...': the title names the video for screen readers");
    return -1;
  }
  const char *thumb = thumbnail(c, id);
  if (!thumb) {
    sbuf_printf(out, "no thumbnail for the video %s: add assets/video/%s.jpg (or %s.jpg beside the page "
                     "in its bundle); klar never fetches it from YouTube", id, id, id);
    return -1;
  }
  sbuf_printf(out, "<figure class=\"video\" data-video-id=\"%s\">"
                   "<a class=\"video-facade\" href=\"https://www.youtube.com/watch?v=%s\">", id, id);
  /* A thumbnail of assets/ comes in several widths and as WebP (made by
   * image/image.c), so a phone loads the small one. */
  const char *rel = arena_printf(c->a, "video/%s.jpg", id);
  const char *size = thumb == map_get(&c->s->assets, rel) ? map_get(&c->s->assets, arena_printf(c->a, "%s#size", rel)) : NULL;
  int w = 640, h = 360;
  if (size && sscanf(size, "%d %d", &w, &h) == 2) {
    const char *sizes = "(min-width: 50rem) 48rem, 100vw"; /* .video is at most 48rem wide */
    const char *webp = map_get(&c->s->assets, arena_printf(c->a, "%s#webp", rel));
    const char *jpeg = map_get(&c->s->assets, arena_printf(c->a, "%s#jpeg", rel));
    sbuf_puts(out, "<picture><source type=\"image/webp\" srcset=\"");
    sbuf_put_html(out, webp, strlen(webp));
    sbuf_printf(out, "\" sizes=\"%s\"><img srcset=\"", sizes);
    sbuf_put_html(out, jpeg, strlen(jpeg));
    sbuf_printf(out, "\" sizes=\"%s\" src=\"", sizes);
  } else {
    sbuf_puts(out, "<img src=\"");
  }
  sbuf_put_html(out, thumb, strlen(thumb));
  sbuf_printf(out, "\" alt=\"\" width=\"%d\" height=\"%d\" loading=\"lazy\">%s"
                   "<span class=\"video-play\">Afspil videoen: ", w, h, size ? "</picture>" : "");
  sbuf_put_html(out, title, strlen(title));
  sbuf_puts(out, "</span></a><figcaption>");
  sbuf_put_html(out, title, strlen(title));
  sbuf_puts(out, "</figcaption></figure>\n");
  return 1;
}

int shortcode_site(void *ctx, const char *name, const char *info, const char *text, sbuf *out) {
  (void)info;
  if (!strcmp(name, "video")) return video(ctx, text, out);
  return 0;
}
