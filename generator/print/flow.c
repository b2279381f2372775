/* print, flow: boxes into columns and pages (see bk.h). */
#include "bk.h"

/* ------------------------------------------------------------------------ */
/* Flow: boxes into columns and pages                                        */

typedef struct flow {
  bk *k;
  page_vec *pages;
  pg_kind kind;
  bpage *pg;
  int col;
  double y;
  int base;            /* physical number of the first page flowed, for left/right breaks */
  size_t first;        /* its index in pages */
  double notes_h;      /* the footnotes at the foot of this frame, with their rule */
} flow;

static bpage *new_page(bk *k, page_vec *pages, pg_kind kind, const bl_part *part) {
  bpage *p = arena_calloc(k->a, 1, sizeof *p);
  p->kind = kind;
  p->part = part;
  vec_push(pages, p);
  return p;
}

static void page_free_frags(void *p) {
  vec_free(&((bpage *)p)->frags);
  vec_free(&((bpage *)p)->notes);
}

static void next_frame(flow *f) {
  f->y = 0;
  f->notes_h = 0;
  if (++f->col < f->k->ncols) return;
  f->col = 0;
  f->pg = new_page(f->k, f->pages, f->kind, NULL);
  arena_defer(f->k->a, page_free_frags, f->pg);
}

static void place(flow *f, box *b, int from, int to, double h, bool first, bool last, bool rep) {
  double sb = f->y > 0 ? b->sb : 0;
  frag fr = {b, from, to, f->col, f->y + sb, first, last, rep};
  vec_push(&f->pg->frags, fr);
  f->y += sb + h;
}

/* The height of the frame the text may fill: what its footnotes leave. */
static double room(const flow *f) { return f->k->frame_h - f->notes_h; }

/* Whether reference i of b is the first in lines from..to to its note. */
static bool first_ref(const box *b, int i, int from, int to) {
  const fnref *r = &b->refs[i];
  if (!r->note || r->line < from || r->line >= to) return false;
  for (int j = 0; j < i; j++)
    if (b->refs[j].note == r->note && b->refs[j].line >= from && b->refs[j].line < to) return false;
  return true;
}

/* The height that the footnotes referred to in lines (or rows) from..to of
 * b add to the current frame: those not set yet, the first of the frame
 * with the rule above it. */
static double notes_need(const flow *f, const box *b, int from, int to) {
  double h = 0, have = f->notes_h;
  for (int i = 0; i < b->nrefs; i++) {
    if (!first_ref(b, i, from, to) || b->refs[i].note->placed) continue;
    double add = (have > 0 ? NOTE_GAP(f->k) : NOTE_RULE) + b->refs[i].note->h;
    h += add;
    have += add;
  }
  return h;
}

/* Sets the footnotes of lines (rows) from..to of b at the foot of the frame. */
static void place_notes(flow *f, const box *b, int from, int to) {
  for (int i = 0; i < b->nrefs; i++) {
    fnote *n = b->refs[i].note;
    if (!first_ref(b, i, from, to) || n->placed) continue;
    f->notes_h += (f->notes_h > 0 ? NOTE_GAP(f->k) : NOTE_RULE) + n->h;
    n->placed = true;
    pnote pn = {n, f->col};
    vec_push(&f->pg->notes, pn);
  }
}

double bk_text_h(const box *b, int from, int to) {
  if (to <= from) return 0;
  return b->t.lines[to - 1].bottom - b->t.lines[from].top + 2 * b->pad;
}

static double header_h(const box *b) {
  double h = 0;
  for (int i = 0; i < b->nheader; i++) h += b->rows[i].h;
  return h;
}

/* The height a box needs at least on the page where it starts. */
static double min_h(const box *b) {
  switch (b->kind) {
  case BX_TEXT: return bk_text_h(b, 0, b->t.nlines < 2 ? b->t.nlines : 2);
  case BX_IMAGE: return b->ih;
  case BX_TABLE: return header_h(b) + (b->nrows > b->nheader ? b->rows[b->nheader].h : 0);
  default: return 1;
  }
}

double bk_full_h(const box *b) {
  switch (b->kind) {
  case BX_TEXT: return bk_text_h(b, 0, b->t.nlines);
  case BX_IMAGE: return b->ih;
  case BX_TABLE: {
    double h = 0;
    for (int i = 0; i < b->nrows; i++) h += b->rows[i].h;
    return h;
  }
  default: return 1;
  }
}

static void flow_text(flow *f, box *b) {
  int n = b->t.nlines, from = 0;
  while (from < n) {
    double sb = f->y > 0 ? b->sb : 0;
    double avail = room(f) - f->y - sb;
    int k = from;
    /* A line goes where its footnotes fit below it too. */
    while (k < n && bk_text_h(b, from, k + 1) + notes_need(f, b, from, k + 1) <= avail + 0.01) k++;
    if (k == n) {
      place(f, b, from, n, bk_text_h(b, from, n), from == 0, true, false);
      place_notes(f, b, from, n);
      f->y += b->sa;
      return;
    }
    /* Split: two lines at least before the break (orphans) and after it
     * (widows); a frame that cannot hold them starts afresh. */
    if (n - k < 2) k = n - 2;
    if (k - from < 2 && !(f->y == 0 && k > from)) {
      if (f->y > 0 || k > from) {
        next_frame(f);
        continue;
      }
      /* A line taller than a frame cannot be set, nor one whose footnotes
       * leave it no room. */
      if (bk_text_h(b, from, from + 1) <= avail + 0.01)
        diag_error(f->k->d, b->file, b->line, b->col,
                   "the footnotes referred to in this text are too long to stand on one page "
                   "with their reference (%.0f mm); shorten them or set the layout's "
                   "<footnotes place=\"section\"/>",
                   f->k->frame_h / MM);
      else
        diag_error(f->k->d, b->file, b->line, b->col,
                   "a line of this text is taller than the page's text area (%.0f mm); make "
                   "the text smaller or the layout's margins narrower",
                   f->k->frame_h / MM);
      f->k->ok = false;
      f->pg->cut = b;
      k = from + 1;
    }
    place(f, b, from, k, bk_text_h(b, from, k), from == 0, false, false);
    place_notes(f, b, from, k);
    next_frame(f);
    from = k;
  }
  if (n == 0) place(f, b, 0, 0, 0, true, true, false);
}

static void flow_table(flow *f, box *b) {
  int r = b->nheader, n = b->nrows;
  bool first = true;
  double hh = header_h(b);
  while (true) {
    double sb = f->y > 0 ? b->sb : 0;
    double avail = room(f) - f->y - sb - hh;
    double used = 0;
    int k = r, lo = first ? 0 : r; /* the first fragment carries the header's references */
    while (k < n && used + b->rows[k].h + notes_need(f, b, lo, k + 1) <= avail + 0.01) {
      used += b->rows[k].h;
      k++;
    }
    if (k == r && r < n) {
      if (f->y > 0) {
        next_frame(f);
        continue;
      }
      diag_error(f->k->d, b->file, b->line, b->col,
                 "a row of this table is taller than the page's text area (%.0f mm); shorten "
                 "the cell's text",
                 f->k->frame_h / MM);
      f->k->ok = false;
      f->pg->cut = b;
      k = r + 1, used = b->rows[r].h;
    }
    /* Fragments hold body rows from..to; the header rows are drawn above
     * each of them (first: as the table's own header). */
    place(f, b, r, k, hh + used, first, k == n, !first);
    place_notes(f, b, lo, k);
    if (k == n) {
      f->y += b->sa;
      return;
    }
    next_frame(f);
    first = false;
    r = k;
  }
}

/* Flows boxes onto pages appended to pages; base is the physical number
 * of the first of them (odd: a right-hand page). */
void bk_flow_boxes(bk *k, page_vec *pages, pg_kind kind, box **bs, size_t n, int base) {
  flow f = {k, pages, kind, NULL, 0, 0, base, pages->n, 0};
  for (size_t i = 0; i < k->notes.n; i++) k->notes.items[i]->placed = false;
  f.pg = new_page(k, pages, kind, NULL);
  arena_defer(k->a, page_free_frags, f.pg);
  for (size_t i = 0; i < n; i++) {
    box *b = bs[i];
    if (b->brk && (f.y > 0 || f.col > 0 || f.pg->frags.n)) {
      f.col = k->ncols - 1;
      next_frame(&f);
    }
    if (b->brk && b->brk_side) {
      /* A left- or right-hand start: leave the facing page empty. */
      int no = f.base + (int)(pages->n - 1 - f.first);
      bool right = no % 2 == 1;
      if (right != (b->brk_side == 1)) {
        f.pg->gap = true;
        f.col = k->ncols - 1;
        next_frame(&f);
      }
    }
    /* Keep with next: the box, every kept box after it and the start of
     * the first one not kept must fit together. */
    if (b->keep && f.y > 0) {
      double need = b->sb;
      size_t j = i;
      while (j < n && bs[j]->keep) {
        need += bk_full_h(bs[j]) + bs[j]->sa + (j > i ? bs[j]->sb : 0);
        j++;
      }
      if (j < n) need += bs[j]->sb + min_h(bs[j]);
      if (f.y + need > room(&f) + 0.01 && need <= k->frame_h) next_frame(&f);
    }
    switch (b->kind) {
    case BX_TEXT: flow_text(&f, b); break;
    case BX_TABLE: flow_table(&f, b); break;
    default: {
      double h = bk_full_h(b);
      if (f.y > 0 && f.y + b->sb + h > room(&f) + 0.01) next_frame(&f);
      place(&f, b, 0, 0, h, true, true, false);
      f.y += b->sa;
    }
    }
  }
}

