/* site: assets, static files, sitemap, feed, robots and aliases. */
#include "site.h"
#include "cssmin.h"
#include "lastmod.h"
#include <time.h>
#include "../core/dk.h"
#include "../core/fsx.h"
#include "../core/vec.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void site_url_put(const site *s, sbuf *b, const char *path) {
  sbuf_puts(b, s->basepath);
  sbuf_puts(b, path[0] == '/' ? path + 1 : path);
}

static void abs_url_put(const site *s, sbuf *b, const char *path) {
  sbuf_put(b, s->baseurl, strlen(s->baseurl) - 1);
  sbuf_puts(b, path);
}

/* 64-bit FNV-1a: fingerprints change when the bytes change. */
static uint64_t fingerprint(const char *data, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
  return h;
}

typedef struct asset_ctx {
  site *s;
  const char *out;
  diag *d;
  bool ok;
} asset_ctx;

/* Records the URL of asset rel, written to the output as name. */
static void add_url(asset_ctx *c, const char *rel, const char *name) {
  arena *a = c->s->arena;
  sbuf u = SBUF_INIT;
  site_url_put(c->s, &u, name);
  map_set(&c->s->assets, arena_strdup(a, rel), sbuf_dup(&u, a));
  sbuf_free(&u);
}

static void copy_asset(const char *rel, void *ctx) {
  asset_ctx *c = ctx;
  arena *a = c->s->arena;
  /* The TTF and OTF files in fonts/ are the print engine's (see
   * print/fonts.h); the pages load the WOFF2 files beside them. */
  if (str_starts(rel, "fonts/") && (str_ends(rel, ".ttf") || str_ends(rel, ".otf"))) return;
  bool hashed = str_ends(rel, ".css") || str_ends(rel, ".js");
  char *from = fsx_join(a, c->s->assets_dir, rel);
  if (!c->out && !hashed) { /* only the URL is wanted: the name as it is */
    add_url(c, rel, rel);
    return;
  }
  size_t n;
  char *data = fsx_read_heap(from, &n);
  if (!data) {
    diag_error(c->d, from, 0, 0, "cannot read the asset: %s", strerror(errno));
    c->ok = false;
    return;
  }
  /* Stylesheets go out minified (see cssmin.h); the hash is of those bytes. */
  if (str_ends(rel, ".css")) n = cssmin_minify(data, n);
  const char *name = rel;
  /* CSS and JS change with the site and are cached for long: their names
   * carry a hash of their bytes. Fonts and images keep their names, so
   * url(../fonts/x.woff2) in the CSS stays valid. */
  if (hashed) {
    const char *dot = strrchr(rel, '.');
    name = arena_printf(a, "%.*s.%010llx%s", (int)(dot - rel), rel,
                        (unsigned long long)(fingerprint(data, n) & 0xFFFFFFFFFFULL), dot);
  }
  if (c->out && !fsx_write(fsx_join(a, c->out, name), data, n)) {
    diag_error(c->d, from, 0, 0, "cannot write the asset to the output (%s): %s", name, strerror(errno));
    c->ok = false;
  }
  free(data);
  add_url(c, rel, name);
}

bool site_assets(site *s, const char *out, diag *d) {
  asset_ctx c = {s, out, d, true};
  if (!fsx_is_dir(s->assets_dir)) return true;
  fsx_walk(s->assets_dir, copy_asset, &c);
  return c.ok;
}

bool site_statics(const site *s, const char *out, diag *d) {
  bool ok = true;
  if (!out) return true;
  arena *a = s->arena;
  for (size_t i = 0; i < s->statics.n; i++) {
    const char *src = s->statics.entries[i].key, *dst = s->statics.entries[i].value;
    if (!fsx_copy(fsx_join(a, s->content_dir, src), fsx_join(a, out, dst))) {
      diag_error(d, fsx_join(a, s->content_dir, src), 0, 0, "cannot copy the file to the output (%s): %s", dst,
                 strerror(errno));
      ok = false;
    }
  }
  return ok;
}

static bool write_buf(const site *s, const char *out, const char *name, sbuf *b, diag *d) {
  if (!out) { /* klar check: made, not written */
    sbuf_free(b);
    return true;
  }
  char *path = fsx_join(s->arena, out, name);
  bool ok = fsx_write(path, sbuf_str(b), b->len);
  if (!ok) diag_error(d, NULL, 0, 0, "cannot write %s in the output folder: %s", name, strerror(errno));
  sbuf_free(b);
  return ok;
}

static bool noindex(const page *p) {
  return p->kind == PAGE_REGULAR && str_eq(val_as_str(val_get(p->fm, "layout")), "404");
}

bool site_sitemap(const site *s, const char *out, diag *d) {
  /* lastmod is when the source last changed (lastmod.h), not the page's
   * date: a programme dated next spring was not changed next spring. */
  map changed = {0};
  if (out) site_lastmod(s, &changed);
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    if (noindex(p)) continue;
    sbuf_puts(&b, "  <url><loc>");
    sbuf u = SBUF_INIT;
    abs_url_put(s, &u, p->url);
    sbuf_put_xml(&b, u.data, u.len);
    sbuf_free(&u);
    sbuf_puts(&b, "</loc>");
    const long long *t = p->src ? map_get(&changed, p->src) : NULL;
    if (t) {
      time_t tt = (time_t)*t;
      struct tm tm;
      gmtime_r(&tt, &tm);
      char iso[32];
      strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
      sbuf_printf(&b, "<lastmod>%s</lastmod>", iso);
    }
    sbuf_puts(&b, "</url>\n");
  }
  sbuf_puts(&b, "</urlset>\n");
  map_free(&changed);
  return write_buf(s, out, "sitemap.xml", &b, d);
}

static int cmp_newest(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  if (a->days != b->days) return a->days > b->days ? -1 : 1;
  return strcmp(a->url, b->url);
}

static void put_tag(sbuf *b, const char *tag, const char *text) {
  sbuf_printf(b, "<%s>", tag);
  sbuf_put_xml(b, text, strlen(text));
  sbuf_printf(b, "</%s>", tag);
}

static bool in_feed(const site *s, const page *p) {
  const char *section = val_as_str(val_get(val_get(s->config, "feed"), "section"));
  bool in = section ? !strcmp(p->section, section) : !strcmp(p->type, "news");
  return in && p->date;
}

bool site_has_feed(const site *s) {
  for (size_t i = 0; i < s->regular.n; i++)
    if (in_feed(s, s->regular.items[i])) return true;
  return false;
}

bool site_feed(const site *s, const char *out, diag *d) {
  VEC(page *) items = {0};
  for (size_t i = 0; i < s->regular.n; i++)
    if (in_feed(s, s->regular.items[i])) vec_push(&items, s->regular.items[i]);
  if (!items.n) {
    vec_free(&items);
    return true;
  }
  if (items.n) qsort(items.items, items.n, sizeof(page *), cmp_newest);
  sbuf b = SBUF_INIT, u = SBUF_INIT;
  sbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
  /* Links in the entries' HTML are site paths; xml:base makes them absolute. */
  sbuf_printf(&b, " xml:lang=\"%s\" xml:base=\"", s->language);
  sbuf_put_xml(&b, s->baseurl, strlen(s->baseurl));
  sbuf_puts(&b, "\">\n  ");
  put_tag(&b, "title", s->title);
  abs_url_put(s, &u, "/feed.xml");
  sbuf_puts(&b, "\n  <link rel=\"self\" href=\"");
  sbuf_put_xml(&b, u.data, u.len);
  sbuf_puts(&b, "\"/>\n  <link href=\"");
  sbuf_put_xml(&b, s->baseurl, strlen(s->baseurl));
  sbuf_puts(&b, "\"/>\n  ");
  put_tag(&b, "id", s->baseurl);
  sbuf_printf(&b, "\n  <updated>%sT00:00:00Z</updated>\n", items.items[0]->date);
  const char *author = val_as_str(val_get(s->params, "organisation"));
  sbuf_puts(&b, "  <author>");
  put_tag(&b, "name", author ? author : s->title);
  sbuf_puts(&b, "</author>\n");
  for (size_t i = 0; i < items.n && i < 50; i++) {
    page *p = items.items[i];
    sbuf_clear(&u);
    abs_url_put(s, &u, p->url);
    sbuf_puts(&b, "  <entry>\n    ");
    put_tag(&b, "title", p->title);
    sbuf_puts(&b, "\n    <link href=\"");
    sbuf_put_xml(&b, u.data, u.len);
    sbuf_puts(&b, "\"/>\n    ");
    put_tag(&b, "id", u.data);
    sbuf_printf(&b, "\n    <updated>%sT00:00:00Z</updated>\n", p->date);
    const char *pa = val_as_str(val_get(p->fm, "author"));
    if (pa) {
      sbuf_puts(&b, "    <author>");
      put_tag(&b, "name", pa);
      sbuf_puts(&b, "</author>\n");
    }
    const page_md *m = model_page_md(s, p);
    if (*m->summary) {
      sbuf_puts(&b, "    ");
      put_tag(&b, "summary", m->summary);
      sbuf_putc(&b, '\n');
    }
    if (s->md) {
      sbuf_puts(&b, "    <content type=\"html\">");
      sbuf_put_xml(&b, m->html, strlen(m->html));
      sbuf_puts(&b, "</content>\n");
    }
    sbuf_puts(&b, "  </entry>\n");
  }
  sbuf_puts(&b, "</feed>\n");
  sbuf_free(&u);
  vec_free(&items);
  return write_buf(s, out, "feed.xml", &b, d);
}

bool site_robots(const site *s, const char *out, diag *d) {
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "User-agent: *\nAllow: /\n\nSitemap: ");
  abs_url_put(s, &b, "/sitemap.xml");
  sbuf_putc(&b, '\n');
  return write_buf(s, out, "robots.txt", &b, d);
}

const char *site_alias_out(const site *s, const char *from) {
  if (!from || from[0] != '/' || strstr(from, "..") || strstr(from, "//")) return NULL;
  if (str_ends(from, ".html")) return arena_strdup(s->arena, from + 1);
  return arena_printf(s->arena, "%s%sindex.html", from + 1, str_ends(from, "/") ? "" : "/");
}

bool site_aliases(const site *s, const char *out, diag *d) {
  bool ok = true;
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    val *al = val_get(p->fm, "aliases");
    if (!al) continue;
    if (al->kind != VAL_LIST) {
      diag_error(d, p->file, al->line, al->col, "'aliases' must be a list of old URLs");
      ok = false;
      continue;
    }
    for (size_t j = 0; j < al->u.list.n; j++) {
      val *v = al->u.list.items[j];
      const char *from = val_as_str(v);
      const char *name = site_alias_out(s, from);
      if (!name) {
        diag_error(d, p->file, v->line, v->col, "an alias must be a site path like /gammel/side/ (no '..')");
        ok = false;
        continue;
      }
      sbuf target = SBUF_INIT, b = SBUF_INIT;
      site_url_put(s, &target, p->url);
      sbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"");
      sbuf_puts(&b, s->language);
      sbuf_puts(&b, "\"><head><meta charset=\"utf-8\"><title>");
      sbuf_put_html(&b, p->title, strlen(p->title));
      /* Not a page of its own: search engines list the page it leads to
       * (the absolute canonical) and not this address. */
      sbuf abs = SBUF_INIT;
      abs_url_put(s, &abs, p->url);
      sbuf_puts(&b, "</title><meta name=\"robots\" content=\"noindex\"><link rel=\"canonical\" href=\"");
      sbuf_put_html(&b, abs.data, abs.len);
      sbuf_free(&abs);
      sbuf_puts(&b, "\"><meta http-equiv=\"refresh\" content=\"0; url=");
      sbuf_put_html(&b, target.data, target.len);
      sbuf_puts(&b, "\"></head><body><p>Siden er flyttet: <a href=\"");
      sbuf_put_html(&b, target.data, target.len);
      sbuf_puts(&b, "\">");
      sbuf_put_html(&b, p->title, strlen(p->title));
      sbuf_puts(&b, "</a></p></body></html>\n");
      ok = write_buf(s, out, name, &b, d) && ok;
      sbuf_free(&target);
    }
  }
  return ok;
}
