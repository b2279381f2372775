/* print, check: what a booklet's pages show wrong (see bk.h). The flow
 * never loses text: what does not fit a page goes on to the next one, so a
 * booklet grows instead of overflowing. Where the layout plans its pages
 * (a pixi: a spread per theme, 24 pages in all) that growth is the
 * mistake, and it is found here from the laid-out pages, after the fact,
 * so that the PDF (warnings now, perhaps errors later) and the preview
 * (marks on the pages) judge the same pages the same way. */
#include "bk.h"

/* Whether anything of the content stands on page pg: a fragment with
 * lines or rows, an image, a rule, or a footnote. */
static bool has_content(const bpage *pg) {
  if (pg->notes.n) return true;
  for (size_t i = 0; i < pg->frags.n; i++) {
    const frag *fr = &pg->frags.items[i];
    switch (fr->b->kind) {
    case BX_TEXT:
      if (fr->to > fr->from) return true;
      break;
    case BX_TABLE:
      if (fr->to > fr->from || fr->b->nheader) return true;
      break;
    default: return true;
    }
  }
  return false;
}

static bool flowed(const bpage *pg) { return pg->kind == PG_CONTENT || pg->kind == PG_TOC; }

/* The first page from i on (flowed, of the same part) with something on
 * it, or -1. */
static int next_full(const page_vec *pages, size_t i) {
  for (size_t j = i; j < pages->n; j++) {
    const bpage *pg = pages->items[j];
    if (!flowed(pg) || pg->part != pages->items[i]->part) return -1;
    if (has_content(pg)) return (int)j;
  }
  return -1;
}

static void add(problem_vec *out, print_problem_kind kind, int pno, int other, const char *file,
                int line, int col, bool reported) {
  bk_problem p = {kind, pno, other, file, line, col, reported};
  vec_push(out, p);
}

void bk_find_problems(bk *k, const page_vec *pages, problem_vec *out) {
  const booklet_spec *b = k->b;
  const char *decl = b->file ? b->file : k->L->file;
  int dline = b->file ? b->line : 0, dcol = b->file && b->fields ? b->fields->col : 0;
  double area_h = k->ph - (k->L->top + k->L->bottom) * MM;
  for (size_t i = 0; i < pages->n; i++) {
    const bpage *pg = pages->items[i];
    if (pg->cut) add(out, PRINT_OVERFLOW, (int)i, -1, pg->cut->file, pg->cut->line, pg->cut->col, true);
    const bl_text *tall;
    if ((pg->kind == PG_COVER || pg->kind == PG_BACK) && pg->part && bk_cover_h(k, pg, &tall) > area_h + 0.01) {
      /* The tallest text is the one to shorten: a booklet's field where it
       * is declared, else the layout's own text. */
      const val *v = tall && tall->field && b->fields ? val_get(b->fields, tall->field) : NULL;
      if (v && b->file) add(out, PRINT_OVERFLOW, (int)i, -1, b->file, v->line, v->col, false);
      else add(out, PRINT_OVERFLOW, (int)i, -1, k->L->file, tall ? tall->line : pg->part->line, 0, false);
    }
    if (!flowed(pg)) continue;
    bool planned = pg->part && pg->part->fit;
    if (!has_content(pg)) {
      /* An empty page that a chapter's right-hand start leaves is the
       * layout's wish, unless it plans every page. */
      if (pg->gap && !planned) continue;
      int at = next_full(pages, i);
      const box *nb = at >= 0 ? pages->items[at]->frags.items[0].b : NULL;
      if (nb) add(out, PRINT_BLANK, (int)i, at, nb->file, nb->line, nb->col, false);
      else add(out, PRINT_BLANK, (int)i, -1, decl, dline, dcol, false);
      continue;
    }
    /* A planned page runs over when the page after it goes on with its
     * text instead of starting afresh with a page break. */
    if (!planned || i + 1 >= pages->n) continue;
    const bpage *nx = pages->items[i + 1];
    if (!flowed(nx) || nx->part != pg->part || !nx->frags.n || !has_content(nx)) continue;
    const frag *fr = &nx->frags.items[0];
    if (fr->first && fr->b->brk) continue;
    add(out, PRINT_OVERFLOW, (int)i, (int)i + 1, fr->b->file, fr->b->line, fr->b->col, false);
  }
  if (k->L->pages)
    for (size_t i = (size_t)k->L->pages; i < pages->n; i++)
      add(out, PRINT_OVERRUN, (int)i, -1, decl, dline, dcol, true);
}

void bk_report_problems(bk *k, const page_vec *pages, const problem_vec *ps) {
  const char *name = k->b->name;
  bool overrun = false;
  for (size_t i = 0; i < ps->n; i++) {
    const bk_problem *p = &ps->items[i];
    int no = p->page + 1;
    switch (p->kind) {
    case PRINT_OVERFLOW:
      if (p->reported) break;
      if (p->other >= 0)
        diag_warning(k->d, p->file, p->line, p->col,
                     "page %d of booklet '%s' runs over: the text from here on does not fit on it "
                     "and goes on to page %d; shorten the text of page %d",
                     no, name, p->other + 1, no);
      else
        diag_warning(k->d, p->file, p->line, p->col,
                     "the texts of page %d of booklet '%s' are taller than its text area (%.0f mm) "
                     "and run off the page; shorten them or make their style smaller",
                     no, name, (k->ph - (k->L->top + k->L->bottom) * MM) / MM);
      break;
    case PRINT_BLANK:
      if (p->other >= 0)
        diag_warning(k->d, p->file, p->line, p->col,
                     "page %d of booklet '%s' is empty: this text starts on page %d instead, on "
                     "the side its heading asks for; shorten the text before it",
                     no, name, p->other + 1);
      else
        diag_warning(k->d, p->file, p->line, p->col, "page %d of booklet '%s' is empty", no, name);
      break;
    case PRINT_OVERRUN:
      /* One message for all the pages past the count: the same words as
       * print_booklet's error. */
      if (overrun) break;
      overrun = true;
      diag_warning(k->d, p->file, p->line, p->col,
                   "booklet '%s' needs %zu pages, but layout %s has room for %d; shorten the "
                   "text or choose another layout",
                   name, pages->n, k->L->file, k->L->pages);
      break;
    }
  }
}
