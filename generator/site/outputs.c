/* outputs: one owner for every file of the output. Pages, aliases, the
 * generated files, the booklets, static files and assets are all written
 * into one folder; without this check the one written last would silently
 * replace the other (aliases: ["/"] replaced the front page). */
#include "site.h"
#include "../core/fsx.h"
#include "../core/map.h"
#include <string.h>

/* Who claims a file: shown as "file:line" (line 0: the file alone) and a few
 * words on what it is. */
typedef struct claim {
  const char *file;
  int line, col;
  const char *what;
  bool is_page; /* pages among themselves are the model's check */
} claim;

typedef struct claims {
  const site *s;
  diag *d;
  map files; /* output path → claim */
  map dirs;  /* folder that some output path needs → the first such claim */
  bool ok;
} claims;

static const char *where(const claims *c, const claim *k) {
  if (!k->file) return k->what;
  if (k->line > 0) return arena_printf(c->s->arena, "%s %s:%d", k->what, k->file, k->line);
  return arena_printf(c->s->arena, "%s %s", k->what, k->file);
}

static void clash(claims *c, const claim *k, const char *path, const claim *other, const char *how) {
  diag_error(c->d, k->file, k->line, k->col, "%s writes %s, %s %s; give one of them another URL or name",
             k->what, path, how, where(c, other));
  c->ok = false;
}

/* Claims path for the source described by (file, line, col, what). */
static void take(claims *c, const char *path, const char *file, int line, int col, const char *what,
                 bool is_page) {
  arena *a = c->s->arena;
  claim *k = arena_alloc(a, sizeof *k);
  *k = (claim){file, line, col, what, is_page};
  const claim *other = map_get(&c->files, path);
  if (other) {
    if (!(is_page && other->is_page)) clash(c, k, path, other, "which is written already by");
    return;
  }
  other = map_get(&c->dirs, path);
  if (other) {
    clash(c, k, path, other, "which must be a folder for");
    return;
  }
  /* Every folder on the way must not be some other claim's file. */
  for (const char *sl = strchr(path, '/'); sl; sl = strchr(sl + 1, '/')) {
    char *dir = arena_strndup(a, path, (size_t)(sl - path));
    other = map_get(&c->files, dir);
    if (other) {
      clash(c, k, path, other, arena_printf(a, "inside %s, a file written by", dir));
      return;
    }
    if (!map_get(&c->dirs, dir)) map_set(&c->dirs, dir, k);
  }
  map_set(&c->files, path, k);
}

/* The line of the front matter field that decides a page's path. */
static void page_claim(claims *c, const page *p) {
  const val *v = val_get(p->fm, "url");
  if (!v) v = val_get(p->fm, "slug");
  const char *what = p->src ? "the page" : "the generated list page";
  take(c, p->out, p->file, v ? v->line : 0, v ? v->col : 0, what, true);
}

bool site_check_outputs(const site *s, bool no_booklets, diag *d) {
  claims c = {.s = s, .d = d, .files = MAP_INIT, .dirs = MAP_INIT, .ok = true};
  arena *a = s->arena;
  /* klar's own files first, so that a clash is reported at the user's
   * file (the page, the alias, the static file) that takes their place. */
  const char *layouts404 = fsx_join(a, s->layouts_dir, "404.xml");
  take(&c, "404.html", layouts404, 0, 0, "the page for missing pages", false);
  take(&c, "sitemap.xml", NULL, 0, 0, "the sitemap that klar makes", false);
  take(&c, "robots.txt", NULL, 0, 0, "the robots.txt that klar makes", false);
  if (site_has_feed(s)) take(&c, "feed.xml", NULL, 0, 0, "the news feed that klar makes", false);
  for (size_t i = 0; i < s->nbooklets && !no_booklets; i++) {
    const booklet *k = &s->booklets[i];
    static const char *const kinds[3] = {"", "-tryk", "-ark"};
    for (int j = 0; j < (k->impose ? 3 : 2); j++)
      take(&c, arena_printf(a, "booklets/%s%s.pdf", k->name, kinds[j]), k->file, k->line, 0,
           arena_printf(a, "the booklet '%s'", k->name), false);
  }
  for (size_t i = 0; i < s->all.n; i++) page_claim(&c, s->all.items[i]);
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    const val *al = val_get(p->fm, "aliases");
    if (!al || al->kind != VAL_LIST) continue; /* site_aliases reports it */
    for (size_t j = 0; j < al->u.list.n; j++) {
      const val *v = al->u.list.items[j];
      const char *name = site_alias_out(s, val_as_str(v));
      if (name)
        take(&c, name, p->file, v->line, v->col, arena_printf(a, "the alias %s", val_as_str(v)), false);
    }
  }
  for (size_t i = 0; i < s->statics.n; i++)
    take(&c, s->statics.entries[i].value, fsx_join(a, s->content_dir, s->statics.entries[i].key), 0, 0,
         "the file", false);
  size_t bp = strlen(s->basepath);
  for (size_t i = 0; i < s->assets.n; i++) {
    const char *url = s->assets.entries[i].value;
    if (strncmp(url, s->basepath, bp) != 0) continue;
    take(&c, url + bp, fsx_join(a, s->assets_dir, s->assets.entries[i].key), 0, 0, "the asset", false);
  }
  map_free(&c.files);
  map_free(&c.dirs);
  return c.ok;
}
