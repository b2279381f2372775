/* checks: what each publication needs, beyond what one page's front matter
 * shows: the checks that look across pages (anchors, offers, duplicate
 * titles, booklets) and the entry point that runs the per-page ones of
 * body.c and programme.c. The rule for error or warning: an error when a
 * reader would meet something broken (a link to nowhere, a missing theme,
 * a wrong programme), a warning when it is advice (a page readers will
 * hardly find, two pages they cannot tell apart). */
#include <stdlib.h>
#include <string.h>
#include "checks.h"
#include "../core/msg.h"
#include "../core/suggest.h"
#include "../md/md.h"

/* ------------------------------------------------------------- offers */

/* An offer reaches parents through the theme pages and the catalog, which
 * list it under each theme it names (layouts/theme.xml), and through the
 * conferences that put it on their programme. One that names no theme is
 * found only in the plain list of offers: advice, not breakage. */
static void check_offer(const page *p, diag *d) {
  const val *th = val_get(p->fm, "themes");
  if (th && th->kind == VAL_LIST && th->u.list.n) return;
  bool in_conference = false;
  for (size_t i = 0; i < p->referrers.n && !in_conference; i++)
    in_conference = !strcmp(p->referrers.items[i]->type, "conference");
  int line = th ? th->line : 1, col = th ? th->col : 1;
  if (in_conference)
    diag_warning(d, p->file, line, col,
                 "this offer is listed under no theme, so parents browsing the themes never meet it; name the "
                 "themes it takes up under 'themes:'");
  else
    diag_warning(d, p->file, line, col,
                 "this offer is listed under no theme and no conference uses it, so parents only find it in "
                 "the list of all offers; name the themes it takes up under 'themes:'");
}

/* -------------------------------------------------- duplicate titles */

static int cmp_title(const void *pa, const void *pb) {
  const page *a = *(page *const *)pa, *b = *(page *const *)pb;
  int c = strcmp(a->section, b->section);
  if (!c) c = strcmp(a->type, b->type);
  if (!c) c = strcmp(a->title, b->title);
  if (!c) c = strcmp(a->src, b->src);
  return c;
}

/* Two pages of one type in one section with the same title look the same
 * in every list, menu and search result. Reported at the later page's
 * title, naming the first. */
static void check_titles(const site *s, diag *d) {
  size_t n = s->regular.n;
  if (n < 2) return;
  page **v = malloc(n * sizeof *v);
  memcpy(v, s->regular.items, n * sizeof *v);
  qsort(v, n, sizeof *v, cmp_title);
  for (size_t i = 1; i < n; i++) {
    page *a = v[i - 1], *b = v[i];
    if (b->broken || !*b->title || strcmp(a->section, b->section) || strcmp(a->type, b->type) ||
        strcmp(a->title, b->title))
      continue;
    size_t k = i - 1;
    while (k > 0 && !strcmp(v[k - 1]->title, b->title) && !strcmp(v[k - 1]->section, b->section) &&
           !strcmp(v[k - 1]->type, b->type))
      k--;
    const val *t = val_get(b->fm, "title");
    diag_warning(d, b->file, t ? t->line : 1, t ? t->col : 1,
                 "'%s' has the same title as %s, another page of type '%s' here: readers cannot tell them apart "
                 "in lists and search; give one of them a title of its own",
                 b->title, v[k]->file, b->type);
  }
  free(v);
}

/* ----------------------------------------------------------- booklets */

/* A type printed one page per booklet (each pixi guide is its own
 * booklet, each conference its programme) is expected to be printed
 * whole: a page of it in no booklet is one the editors most likely forgot
 * to add under booklets: in site.yaml. Two such booklets make the pattern;
 * one booklet that prints a single page of a type (a theme chosen for a
 * handout) does not. */
static void check_booklets(const site *s, diag *d) {
  for (size_t k = 0; k < s->ntypes; k++) {
    const char *type = s->types[k].name;
    const booklet *example = NULL;
    int alone = 0;
    for (size_t i = 0; i < s->nbooklets; i++) {
      const booklet *b = &s->booklets[i];
      if (b->pages.n == 1 && !strcmp(b->pages.items[0]->type, type)) {
        if (!alone++) example = b;
      }
    }
    if (alone < 2) continue;
    page_list l = model_pages_of(s, type);
    for (size_t i = 0; i < l.n; i++) {
      const page *p = l.items[i];
      if (p->nbooklets || p->kind != PAGE_REGULAR || p->broken) continue;
      diag_warning(d, p->file, 1, 1,
                   "this page of type '%s' is in no booklet, while each of the others is printed as its own "
                   "(like '%s' with %s); add it under booklets: in content/site.yaml",
                   type, example->name, example->pages.items[0]->src);
    }
  }
}

/* ------------------------------------------------------------ anchors */

/* The ids of page i as a map, made on first use from its "\nid\n..." text
 * (cut in place: each id becomes a key): one lookup per link, however many
 * ids and links a page has. */
static map *ids_map(map *maps, char **ids, size_t i) {
  map *m = &maps[i];
  if (m->nslots || !ids[i]) return m;
  map_set(m, "", ""); /* made, even when the page has no ids */
  for (char *p = ids[i]; *p;) {
    if (*p == '\n') {
      p++;
      continue;
    }
    char *e = strchr(p, '\n');
    if (e) *e = 0;
    map_set(m, p, p);
    if (!e) break;
    p = e + 1;
  }
  return m;
}

void model_check_anchors(const site *s, char **ids, diag *d) {
  arena *a = arena_new();
  map *maps = xcalloc(s->all.n + 1, sizeof *maps);
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    const page_md *m = model_page_md(s, p);
    for (size_t k = 0; k < m->nanchors; k++) {
      const md_anchor *an = &m->anchors[k];
      const char *hash = strchr(an->dest, '#');
      const char *frag = hash + 1;
      if (!*frag) continue;
      const page *t = p;
      if (hash != an->dest) t = model_resolve_link(s, p, arena_strndup(a, an->dest, (size_t)(hash - an->dest)), a);
      /* A link to no page was reported as broken; a file's fragment
       * (plan.pdf#page=2) is the reader's program's business. */
      if (!t || !ids[t->index]) continue;
      if (map_has(ids_map(maps, ids, t->index), frag)) continue;
      /* "Did you mean" among the target's headings, while that is cheap. */
      const page_md *tm = model_page_md(s, t);
      const char *near = NULL;
      if (tm->ntoc <= 200) {
        const char *ctoc[201];
        for (size_t j = 0; j < tm->ntoc; j++) ctoc[j] = tm->toc[j].id;
        near = suggest_closest(frag, ctoc, tm->ntoc);
      }
      if (near)
        diag_error(d, p->file, an->line, an->col, "the link '%s' goes to no heading of %s: did you mean '#%s'?",
                   an->dest, t == p ? msg_tr("this page") : t->file, near);
      else
        diag_error(d, p->file, an->line, an->col,
                   "the link '%s' goes to no heading of %s: after '#' write the id of one of its headings "
                   "(the heading's words in lower case, joined by '-', like #det-kan-i-goere)",
                   an->dest, t == p ? msg_tr("this page") : t->file);
    }
    arena_reset(a);
  }
  for (size_t i = 0; i < s->all.n; i++) map_free(&maps[i]);
  free(maps);
  arena_free(a);
}

/* --------------------------------------------------------------- all */

void model_check(const site *s, diag *d) {
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    if (!p->src || p->broken) continue;
    const type_schema *t = model_type(s, p->type);
    /* A body md refused (too deeply nested, too wide) has no headings to
     * compare: its own error says enough. */
    bool refused = p->body_len && !*model_page_md(s, p)->html;
    if (t && (t->nsections || t->nparts) && !refused) mc_body(s, p, t, d);
    mc_programme(p, d);
    if (p->kind == PAGE_REGULAR && !strcmp(p->type, "offer")) check_offer(p, d);
  }
  check_titles(s, d);
  check_booklets(s, d);
}
