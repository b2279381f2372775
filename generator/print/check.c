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

/* Whether a column starting with fragment fr starts afresh: with a box
 * that asks for a new page, or with nothing; else text runs on into it. */
static bool fresh(const frag *fr) { return !fr || (fr->first && fr->b->brk); }

/* The start of the column after column col of page i, in the flowed part
 * of page i; *end when there is none. */
static const frag *next_column(const bk *k, const page_vec *pages, size_t i, int col, bool *end) {
  const bpage *pg = pages->items[i];
  *end = false;
  if (col + 1 < k->ncols) return bk_column_start(pg, col + 1);
  if (i + 1 < pages->n && flowed(pages->items[i + 1]) && pages->items[i + 1]->part == pg->part)
    return bk_column_start(pages->items[i + 1], 0);
  *end = true;
  return NULL;
}

/* Whether b is a heading (of the content or of an index group). */
static bool heading(const box *b) { return b->tag && b->tag[0] == 'H' && b->tag[1] >= '1' && b->tag[1] <= '6'; }

/* The lines of text (rows, an image as two) under fragment j of column
 * col on pg, headings not counted. */
static int lines_under(const bpage *pg, size_t j, int col) {
  int lines = 0;
  for (size_t m = j + 1; m < pg->frags.n; m++) {
    const frag *fr = &pg->frags.items[m];
    if (fr->col != col || heading(fr->b)) continue;
    lines += fr->b->kind == BX_TEXT || fr->b->kind == BX_TABLE ? fr->to - fr->from : 2;
  }
  return lines;
}

/* The problems of the text on flowed page i that the flow tried to avoid:
 * a nearly empty page before a page break, a heading at the foot of a column, a word
 * split by a leaf turn, a line alone at the foot or head of a column. */
static void text_problems(bk *k, const page_vec *pages, size_t i, problem_vec *out) {
  const bpage *pg = pages->items[i];
  for (int col = 0; col < k->ncols; col++) {
    const frag *st = bk_column_start(pg, col);
    if (!st) continue;
    bool end;
    const frag *nx = next_column(k, pages, i, col, &end);
    double min_fill = pg->kind == PG_CONTENT && pg->part ? pg->part->min_fill : 0;
    if (min_fill > 0 && !fresh(st) && (end || fresh(nx)) && bk_column_fill(k, pg, col) < min_fill)
      add(out, PRINT_NEARLY_EMPTY, (int)i, -1, st->b->file, st->b->line, st->b->col, false);
    const frag *last = NULL;
    for (size_t j = 0; j < pg->frags.n; j++) {
      const frag *fr = &pg->frags.items[j];
      if (fr->col != col) continue;
      last = fr;
      const box *b = fr->b;
      if (heading(b) && fr->first && !end && !fresh(nx) && lines_under(pg, j, col) < 2)
        add(out, PRINT_HEADING, (int)i, -1, b->file, b->line, b->col, false);
      if (b->kind == BX_TEXT && !heading(b) && b->t.nlines >= 2 && fr->to - fr->from == 1 && fr->first != fr->last)
        add(out, PRINT_LONELY, (int)i, fr->first ? 0 : 1, b->file, b->line, b->col, false);
    }
    /* A leaf turns after the last column of a right-hand page. */
    if (last && i % 2 == 0 && col == k->ncols - 1 && !last->last && last->b->kind == BX_TEXT &&
        last->to > last->from && bk_line_hyphenated(&last->b->t, last->to - 1))
      add(out, PRINT_SPLIT, (int)i, (int)i + 1, last->b->file, last->b->line, last->b->col, false);
  }
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
      if (bk_meant_blank(pg)) continue;
      int at = next_full(pages, i);
      const box *nb = at >= 0 ? pages->items[at]->frags.items[0].b : NULL;
      if (nb) add(out, PRINT_BLANK, (int)i, at, nb->file, nb->line, nb->col, false);
      else add(out, PRINT_BLANK, (int)i, -1, decl, dline, dcol, false);
      continue;
    }
    text_problems(k, pages, i, out);
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

/* The content part's min-fill (0 when it sets none). */
static double min_fill_share(const bk *k) {
  for (size_t i = 0; i < k->L->nparts; i++)
    if (k->L->parts[i].kind == BL_PART_CONTENT) return k->L->parts[i].min_fill;
  return 0;
}

void bk_report_problems(bk *k, const page_vec *pages, const problem_vec *ps, bool strict) {
  const char *name = k->b->name;
  bool overrun = false;
  /* What loses or hides text is an error for the PDF; what only looks
   * wrong is a warning, and the preview warns about everything. */
  diag_level lost = strict ? DIAG_ERROR : DIAG_WARNING;
  for (size_t i = 0; i < ps->n; i++) {
    const bk_problem *p = &ps->items[i];
    int no = p->page + 1;
    switch (p->kind) {
    case PRINT_OVERFLOW:
      if (p->reported) break;
      if (p->other >= 0)
        diag_report(k->d, lost, p->file, p->line, p->col,
                    "page %d of booklet '%s' runs over: the text from here on does not fit on it "
                    "and goes on to page %d; shorten the text of page %d",
                    no, name, p->other + 1, no);
      else
        diag_report(k->d, lost, p->file, p->line, p->col,
                    "the texts of page %d of booklet '%s' are taller than its text area (%.0f mm) "
                    "and run off the page; shorten them or make their style smaller",
                    no, name, (k->ph - (k->L->top + k->L->bottom) * MM) / MM);
      break;
    case PRINT_BLANK:
      if (p->other >= 0)
        diag_report(k->d, lost, p->file, p->line, p->col,
                    "page %d of booklet '%s' is empty: this text starts on page %d instead, on "
                    "the side its heading asks for; shorten the text before it",
                    no, name, p->other + 1);
      else
        diag_report(k->d, lost, p->file, p->line, p->col, "page %d of booklet '%s' is empty", no, name);
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
    case PRINT_NEARLY_EMPTY:
      diag_warning(k->d, p->file, p->line, p->col,
                   "page %d of booklet '%s' holds only the last lines of this text before a page "
                   "break and is less than %.0f%% full; shorten the text so that they fit on page %d, "
                   "or add to it",
                   no, name, min_fill_share(k) * 100, no - 1);
      break;
    case PRINT_HEADING:
      diag_warning(k->d, p->file, p->line, p->col,
                   "this heading stands at the foot of page %d of booklet '%s' with less than two "
                   "lines of its text under it; shorten the text before it",
                   no, name);
      break;
    case PRINT_SPLIT:
      diag_warning(k->d, p->file, p->line, p->col,
                   "a hyphenated word of this text is split across the leaf turn from page %d to "
                   "page %d of booklet '%s'; reword the text a little before it",
                   no, p->other + 1, name);
      break;
    case PRINT_LONELY:
      if (p->other == 0)
        diag_warning(k->d, p->file, p->line, p->col,
                     "the first line of this paragraph stands alone at the foot of page %d of "
                     "booklet '%s'; shorten or lengthen the text before it",
                     no, name);
      else
        diag_warning(k->d, p->file, p->line, p->col,
                     "the last line of this paragraph stands alone at the head of page %d of "
                     "booklet '%s'; shorten the paragraph by a line or lengthen it",
                     no, name);
      break;
    case PRINT_NKINDS: break;
    }
  }
}
