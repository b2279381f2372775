/* body: the structure of a page's body that its type declares in site.yaml,
 *   body:
 *     sections: [Robusthed, Automatisering, ...]   the `##` headings, in order
 *     parts: [Pejlemærker, Det kan I gøre]         the `###` headings of each
 * checked against the headings the Markdown stage found. A structured
 * publication (the pixi guide prints one spread per theme) with a theme
 * missing, misspelt or out of order is broken for its readers, so each of
 * these is an error, in build and check alike. Headings of other levels and
 * text before the first `##` are free. */
#include <stdlib.h>
#include <string.h>
#include "checks.h"
#include "../core/arena.h"
#include "../core/str.h"
#include "../core/suggest.h"

/* Structure errors shown per page: past this many the page is far from
 * its type (or made by a machine), and a flood of messages, each looking
 * for the closest name, helps nobody. */
enum { MAX_REPORTS = 30 };

/* One level of the structure: the names expected, in order. */
typedef struct level {
  const char *const *names;
  size_t n;
  const char *list; /* the names joined for messages */
} level;

static const char *join(arena *a, const char *const *names, size_t n) {
  sbuf b = SBUF_INIT;
  for (size_t i = 0; i < n; i++) sbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
  char *r = sbuf_dup(&b, a);
  sbuf_free(&b);
  return r;
}

static int find_name(const level *lv, const char *text) {
  for (size_t i = 0; i < lv->n; i++)
    if (!strcmp(lv->names[i], text)) return (int)i;
  return -1;
}

/* The last line of the page's file, where something missing at the end of
 * the body is reported. */
static int last_line(const page *p) {
  int line = p->body_line;
  for (size_t i = 0; i + 1 < p->body_len; i++)
    if (p->body[i] == '\n') line++;
  return line;
}

/* Matches the headings h[0..n) of one level (all of level `depth`) against
 * lv, reporting unknown, misspelt, repeated and out-of-order headings at
 * their positions, then the missing ones: before the next expected heading
 * that is there, else at (end_line, 1) or, for parts, at the section's own
 * heading. match[k] gets the index in lv of heading k, or -1. */
static void match_level(const page *p, const type_schema *t, const level *lv, const toc_entry *const *h,
                        size_t n, int *match, const toc_entry *owner, int end_line, int *budget, diag *d) {
  const char *hashes = owner ? "###" : "##";
  bool *seen = xcalloc(lv->n + 1, sizeof *seen);
  int last = -1;
  for (size_t k = 0; k < n; k++) {
    if (*budget <= 0) { /* the rest of this level is not looked at */
      match[k] = -1;
      continue;
    }
    const toc_entry *e = h[k];
    int i = find_name(lv, e->title);
    if (i < 0) {
      const char *near = suggest_closest(e->title, lv->names, lv->n);
      if (near) {
        diag_error(d, p->file, e->line, e->col, "'%s %s' is misspelt: did you mean '%s %s'?", hashes, e->title,
                   hashes, near);
        --*budget;
        i = find_name(lv, near);
      } else if (owner) {
        diag_error(d, p->file, e->line, e->col,
                   "'### %s' is not one of the parts of '## %s' in a page of type '%s'; each section has "
                   "these ### headings, in this order: %s",
                   e->title, owner->title, t->name, lv->list);
      } else {
        diag_error(d, p->file, e->line, e->col,
                   "'## %s' is not one of the sections of a page of type '%s', which has these ## "
                   "headings, in this order: %s",
                   e->title, t->name, lv->list);
      }
    }
    match[k] = i;
    if (i < 0) {
      --*budget;
      continue;
    }
    if (seen[i]) {
      diag_error(d, p->file, e->line, e->col, "'%s %s' comes a second time; a page of type '%s' has it once",
                 hashes, lv->names[i], t->name);
      --*budget;
      match[k] = -1;
      continue;
    }
    seen[i] = true;
    if (i < last) {
      diag_error(d, p->file, e->line, e->col,
                 "'%s %s' is out of order: it belongs before '%s %s'; the order is: %s", hashes, lv->names[i],
                 hashes, lv->names[last], lv->list);
      --*budget;
      continue;
    }
    last = i;
  }
  for (size_t i = 0; i < lv->n && *budget > 0; i++) {
    if (seen[i]) continue;
    --*budget;
    /* The first heading there that should come after the missing one. */
    const toc_entry *next = NULL;
    for (size_t k = 0; k < n && !next; k++)
      if (match[k] > (int)i) next = h[k];
    if (owner)
      diag_error(d, p->file, owner->line, owner->col,
                 "'## %s' has no '### %s'; each section of a page of type '%s' has these ### headings, in "
                 "this order: %s",
                 owner->title, lv->names[i], t->name, lv->list);
    else if (next)
      diag_error(d, p->file, next->line, next->col,
                 "the section '## %s' is missing before this heading; a page of type '%s' has these ## "
                 "headings, in this order: %s",
                 lv->names[i], t->name, lv->list);
    else
      diag_error(d, p->file, end_line, 1,
                 "the section '## %s' is missing at the end; a page of type '%s' has these ## headings, "
                 "in this order: %s",
                 lv->names[i], t->name, lv->list);
  }
  free(seen);
}

void mc_body(const site *s, const page *p, const type_schema *t, diag *d) {
  const page_md *m = model_page_md(s, p);
  arena *a = s->arena;
  level sections = {t->sections, t->nsections, join(a, t->sections, t->nsections)};
  level parts = {t->parts, t->nparts, join(a, t->parts, t->nparts)};
  /* The `##` headings, and for each the `###` headings up to the next. */
  const toc_entry **h2 = xcalloc(m->ntoc + 1, sizeof *h2), **h3 = xcalloc(m->ntoc + 1, sizeof *h3);
  int *match = xcalloc(m->ntoc + 1, sizeof *match), *pmatch = xcalloc(m->ntoc + 1, sizeof *pmatch);
  int budget = MAX_REPORTS;
  size_t n2 = 0;
  for (size_t k = 0; k < m->ntoc; k++)
    if (m->toc[k].level == 2) h2[n2++] = &m->toc[k];
  if (t->nsections) match_level(p, t, &sections, h2, n2, match, NULL, last_line(p), &budget, d);
  /* The parts of each section that is one: an unknown or repeated section
   * was reported, and its parts would only add noise. */
  for (size_t k = 0; k < n2 && t->nparts; k++) {
    if (match[k] < 0) continue;
    size_t n3 = 0;
    for (size_t j = (size_t)(h2[k] - m->toc) + 1; j < m->ntoc && m->toc[j].level != 2; j++)
      if (m->toc[j].level == 3) h3[n3++] = &m->toc[j];
    match_level(p, t, &parts, h3, n3, pmatch, h2[k], 0, &budget, d);
  }
  if (budget <= 0)
    diag_error(d, p->file, 1, 1,
               "the body is far from the structure a page of type '%s' has (more than %d mistakes; the rest "
               "are not shown): start from a copy of another page of the type",
               t->name, MAX_REPORTS);
  free(h2);
  free(h3);
  free(match);
  free(pmatch);
}
