/* build, preview: which booklets the preview draws, drawn on the pool (see
 * preview.h). */
#include "preview.h"
#include "../core/fsx.h"
#include "../core/pool.h"
#include "../core/str.h"
#include "../print/print.h"
#include <stdlib.h>
#include <string.h>

typedef struct preview_shared {
  site *s;
  const char *dir; /* OUT/_klar/booklets */
  diag *d;
  booklet **todo;
} preview_shared;

/* One booklet, as booklet_one makes its PDFs: its own memory and fonts,
 * so booklets are drawn in parallel. */
static void preview_one(void *sh, void *wk, size_t i) {
  preview_shared *ps = sh;
  booklet *k = ps->todo[i];
  (void)wk;
  booklet_spec spec = print_spec(k);
  print_preview(ps->s, &spec, ps->dir, ps->d, NULL);
}

/* Draws the n booklets of todo, then the index of them all. */
static int draw(site *s, const char *out, booklet **todo, size_t n, int jobs, diag *d) {
  arena *a = arena_new();
  preview_shared ps = {s, fsx_join(a, out, PREVIEW_DIR), d, todo};
  pool_run(jobs > 0 ? jobs : 1, n, preview_one, &ps, NULL);
  print_preview_index(s, ps.dir, d);
  arena_free(a);
  return (int)n;
}

int build_preview(site *s, const char *out, const char *const *names, int nnames, int jobs, diag *d) {
  /* Paths among the names ask for the booklets that use those files. */
  const char **files = xcalloc((size_t)nnames + 1, sizeof *files);
  size_t nfiles = 0;
  for (int j = 0; j < nnames; j++)
    if (strchr(names[j], '/')) files[nfiles++] = names[j];
  if (nfiles) {
    int made = nfiles == (size_t)nnames ? build_preview_changed(s, out, files, nfiles, jobs, d) : -1;
    if (made < 0)
      diag_error(d, NULL, 0, 0, "name either booklets or the files whose booklets to draw, not both");
    free(files);
    return made < 0 ? 0 : made;
  }
  free(files);
  booklet **todo = xcalloc(s->nbooklets ? s->nbooklets : 1, sizeof *todo);
  size_t n = 0;
  for (size_t i = 0; i < s->nbooklets; i++) {
    bool want = nnames == 0;
    for (int j = 0; j < nnames && !want; j++) want = !strcmp(names[j], s->booklets[i].name);
    if (want) todo[n++] = &s->booklets[i];
  }
  for (int j = 0; j < nnames; j++) {
    bool known = false;
    for (size_t i = 0; i < s->nbooklets && !known; i++) known = !strcmp(names[j], s->booklets[i].name);
    if (!known) diag_error(d, NULL, 0, 0, "there is no booklet named '%s' in content/site.yaml", names[j]);
  }
  int made = draw(s, out, todo, n, jobs, d);
  free(todo);
  return made;
}

/* Whether value v (front matter) refers to the page whose source is src:
 * a booklet's covers, templates and index read referenced pages' fields. */
static bool refers_to(const val *v, const char *src) {
  if (!v) return false;
  switch (v->kind) {
  case VAL_REF: {
    const page *p = v->u.ref.page;
    return p && p->src && !strcmp(p->src, src);
  }
  case VAL_LIST:
    for (size_t i = 0; i < v->u.list.n; i++)
      if (refers_to(v->u.list.items[i], src)) return true;
    return false;
  case VAL_MAP:
    for (size_t i = 0; i < v->u.map.n; i++)
      if (refers_to(v->u.map.vals[i], src)) return true;
    return false;
  default: return false;
  }
}

/* Whether changing file (relative to the site's folder) may change how
 * booklet k prints; *all is set when it may change every booklet. */
static bool uses(const booklet *k, const char *file, bool *all) {
  if (str_starts(file, "content/") && str_ends(file, ".md")) {
    const char *src = file + strlen("content/");
    for (size_t i = 0; i < k->pages.n; i++) {
      const page *p = k->pages.items[i];
      if ((p->src && !strcmp(p->src, src)) || refers_to(p->fm, src)) return true;
    }
    return false;
  }
  /* The site's own look (its HTML layouts, style sheets, scripts) is not
   * printed; anything else print reads may change every booklet. */
  if (str_starts(file, "layouts/") && !str_starts(file, "layouts/print/") && !str_starts(file, "layouts/lua/"))
    return false;
  if (str_starts(file, "assets/") && !str_starts(file, "assets/fonts/")) return false;
  *all = true;
  return true;
}

int build_preview_changed(site *s, const char *out, const char *const *changed, size_t n, int jobs,
                          diag *d) {
  booklet **todo = xcalloc(s->nbooklets ? s->nbooklets : 1, sizeof *todo);
  size_t m = 0;
  bool all = n == 0;
  for (size_t i = 0; i < s->nbooklets; i++) {
    bool want = all;
    for (size_t j = 0; j < n && !want; j++) {
      const char *f = changed[j];
      while (str_starts(f, "./")) f += 2;
      want = uses(&s->booklets[i], f, &all);
    }
    if (want || all) todo[m++] = &s->booklets[i];
  }
  if (all) {
    m = 0;
    for (size_t i = 0; i < s->nbooklets; i++) todo[m++] = &s->booklets[i];
  }
  int made = m ? draw(s, out, todo, m, jobs, d) : 0;
  free(todo);
  return made;
}
