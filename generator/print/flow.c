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
  int frame;           /* this frame's number in the flow: page * columns + column */
  double sq;           /* this frame's space before and after, as a share of the styles' */
  const double *sqs;   /* the share of frames sq_base, sq_base + 1, ... (NULL: all 1) */
  size_t nsq;
  int sq_base;
  double min_fill;     /* the content part's min-fill (0: none): a table's last
                          page is filled at least this much (see flow_table) */
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

/* The share of the styles' spacing frame i gets (see bk_flow_content). */
static double squeeze_of(const flow *f, int i) {
  i -= f->sq_base;
  return f->sqs && i >= 0 && (size_t)i < f->nsq ? f->sqs[i] : 1;
}

/* Whether the current frame is the last column of a right-hand page: the
 * reader turns the leaf after it. */
static bool leaf_turn(const flow *f) {
  int no = f->base + (int)(f->pages->n - 1 - f->first);
  return no % 2 == 1 && f->col == f->k->ncols - 1;
}

static void next_frame(flow *f) {
  f->y = 0;
  f->notes_h = 0;
  if (++f->col >= f->k->ncols) {
    f->col = 0;
    f->pg = new_page(f->k, f->pages, f->kind, NULL);
    arena_defer(f->k->a, page_free_frags, f->pg);
  }
  f->frame = (int)(f->pages->n - 1 - f->first) * f->k->ncols + f->col;
  f->sq = squeeze_of(f, f->frame);
}

static void place(flow *f, box *b, int from, int to, double h, bool first, bool last, bool rep) {
  double sb = f->y > 0 ? b->sb * f->sq : 0;
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

/* The height a box needs at least on the page where it starts: two lines
 * of a text, all of it when it has three or fewer (two before a break and
 * two after it). */
static double min_h(const box *b) {
  switch (b->kind) {
  case BX_TEXT: return bk_text_h(b, 0, b->t.nlines <= 3 ? b->t.nlines : 2);
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

/* Whether the last thing placed in the current frame is a heading. */
static bool after_heading(const flow *f) {
  const bpage *pg = f->pg;
  return pg->frags.n && pg->frags.items[pg->frags.n - 1].col == f->col && pg->frags.items[pg->frags.n - 1].b->keep;
}

static void flow_text(flow *f, box *b) {
  int n = b->t.nlines, from = 0;
  while (from < n) {
    double sb = f->y > 0 ? b->sb * f->sq : 0;
    double avail = room(f) - f->y - sb;
    int k = from;
    /* A line goes where its footnotes fit below it too. */
    while (k < n && bk_text_h(b, from, k + 1) + notes_need(f, b, from, k + 1) <= avail + 0.01) k++;
    if (k == n) {
      place(f, b, from, n, bk_text_h(b, from, n), from == 0, true, false);
      place_notes(f, b, from, n);
      f->y += b->sa * f->sq;
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
    /* A word is not split across a leaf turn: its line goes over with it
     * while two lines stay behind, else the paragraph goes over whole
     * (unless a heading above it would be left behind). */
    if (leaf_turn(f) && bk_line_hyphenated(&b->t, k - 1)) {
      if (k - from > 2) {
        k--;
      } else if (from == 0 && f->y > 0 && !after_heading(f)) {
        next_frame(f);
        continue;
      }
    }
    place(f, b, from, k, bk_text_h(b, from, k), from == 0, false, false);
    place_notes(f, b, from, k);
    next_frame(f);
    from = k;
  }
  if (n == 0) place(f, b, 0, 0, 0, true, true, false);
}

/* A new page for a landscape table (see table.c): its frame is the text
 * area turned a quarter, whatever the columns. */
static void landscape_page(flow *f) {
  if (f->y > 0 || f->col > 0 || f->pg->frags.n) {
    f->col = f->k->ncols - 1;
    next_frame(f);
  }
  f->pg->landscape = true;
}

static void flow_table(flow *f, box *b) {
  int r = b->nheader, n = b->nrows;
  bool first = true;
  double hh = header_h(b);
  if (b->landscape) landscape_page(f);
  while (true) {
    double sb = f->y > 0 ? b->sb * f->sq : 0;
    double frame = b->landscape ? bk_landscape_h(f->k) : room(f);
    double avail = frame - f->y - sb - hh;
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
                 frame / MM);
      f->k->ok = false;
      f->pg->cut = b;
      k = r + 1, used = b->rows[r].h;
    }
    /* The rows left for the next page fill it at least min-fill: a table
     * ends on a page that is not nearly empty, rows taken over from this
     * one while two stay here. */
    if (k < n && k > r && f->min_fill > 0) {
      double next = b->landscape ? bk_landscape_h(f->k) : f->k->frame_h;
      double tail = hh, want = f->min_fill * next + 2 * MM;
      for (int j = k; j < n; j++) tail += b->rows[j].h;
      while (tail < want && k - r > 2 && tail + b->rows[k - 1].h <= next) {
        k--;
        tail += b->rows[k].h;
        used -= b->rows[k].h;
      }
    }
    /* A shaded row across the table (a group's name) heads the rows under
     * it: it does not end a page, nor stand over a single one of them. */
    if (k < n && k > r) {
      if (k - r > 1 && b->rows[k - 1].band) k--;
      else if (k - r > 2 && b->rows[k - 2].band && !b->rows[k].band) k -= 2;
      used = 0;
      for (int j = r; j < k; j++) used += b->rows[j].h;
    }
    /* Fragments hold body rows from..to; the header rows are drawn above
     * each of them (first: as the table's own header). */
    place(f, b, r, k, hh + used, first, k == n, !first);
    place_notes(f, b, lo, k);
    if (k == n) {
      f->y += b->sa * f->sq;
      return;
    }
    if (b->landscape) landscape_page(f);
    else next_frame(f);
    first = false;
    r = k;
  }
}

/* What a heading kept with what follows needs at the foot of a frame:
 * itself, every kept box after it, and two lines of what comes next (a
 * text of one line, like a group's mission under its name, takes the
 * start of the text after it along). */
static double keep_need(const flow *f, box **bs, size_t i, size_t n) {
  double sq = f->sq, need = bs[i]->sb * sq;
  size_t j = i;
  for (; j < n && bs[j]->keep; j++) need += (j > i ? bs[j]->sb * sq : 0) + bk_full_h(bs[j]) + bs[j]->sa * sq;
  for (int lines = 0; j < n && lines < 2 && !bs[j]->brk; j++) {
    const box *nb = bs[j];
    need += nb->sb * sq + min_h(nb);
    if (nb->kind != BX_TEXT) break;
    lines += nb->t.nlines <= 3 ? nb->t.nlines : 2;
    if (lines < 2) need += nb->sa * sq;
  }
  return need;
}

/* Starts a flow of boxes on to pages, the first of physical number base. */
static void flow_begin(flow *f, bk *k, page_vec *pages, pg_kind kind, int base) {
  *f = (flow){k, pages, kind, NULL, 0, 0, base, pages->n, 0, 0, 1, NULL, 0, 0, 0};
  for (size_t i = 0; i < k->notes.n; i++) k->notes.items[i]->placed = false;
  f->pg = new_page(k, pages, kind, NULL);
  arena_defer(k->a, page_free_frags, f->pg);
}

/* Flows box i of bs (n boxes: keep-with-next looks ahead). */
static void flow_box(flow *f, box **bs, size_t i, size_t n) {
  bk *k = f->k;
  box *b = bs[i];
  /* What follows a landscape table starts on a page of its own. */
  if (f->pg->landscape && f->pg->frags.n) {
    f->col = k->ncols - 1;
    next_frame(f);
  }
  if (b->brk && (f->y > 0 || f->col > 0 || f->pg->frags.n)) {
    f->col = k->ncols - 1;
    next_frame(f);
  }
  if (b->brk && b->brk_side) {
    /* A left- or right-hand start: leave the facing page empty. */
    int no = f->base + (int)(f->pages->n - 1 - f->first);
    bool right = no % 2 == 1;
    if (right != (b->brk_side == 1)) {
      f->pg->gap = true;
      f->col = k->ncols - 1;
      next_frame(f);
    }
  }
  if (b->keep && f->y > 0) {
    double need = keep_need(f, bs, i, n);
    if (f->y + need > room(f) + 0.01 && need <= k->frame_h) next_frame(f);
  }
  switch (b->kind) {
  case BX_TEXT: flow_text(f, b); break;
  case BX_TABLE: flow_table(f, b); break;
  default: {
    double h = bk_full_h(b);
    if (f->y > 0 && f->y + b->sb * f->sq + h > room(f) + 0.01) next_frame(f);
    place(f, b, 0, 0, h, true, true, false);
    f->y += b->sa * f->sq;
  }
  }
}

void bk_flow_boxes(bk *k, page_vec *pages, pg_kind kind, box **bs, size_t n, int base) {
  flow f;
  flow_begin(&f, k, pages, kind, base);
  for (size_t i = 0; i < n; i++) flow_box(&f, bs, i, n);
}

/* ------------------------------------------------------------------------ */
/* Fitting: spacing squeezed where a page would run over or be nearly empty */

bool bk_line_hyphenated(const text *t, int line) {
  if (line < 0 || line >= t->nlines || !t->lay) return false;
  const char *s = pango_layout_get_text(t->lay);
  int end = t->lines[line].start + t->lines[line].len;
  return end >= 2 && (unsigned char)s[end - 2] == 0xC2 && (unsigned char)s[end - 1] == 0xAD;
}

double bk_frag_h(const frag *fr) {
  const box *b = fr->b;
  switch (b->kind) {
  case BX_TEXT: return bk_text_h(b, fr->from, fr->to);
  case BX_TABLE: {
    double h = header_h(b);
    for (int r = fr->from; r < fr->to; r++) h += b->rows[r].h;
    return h;
  }
  default: return bk_full_h(b);
  }
}

/* The first fragment of column col of page pg, or NULL. */
const frag *bk_column_start(const bpage *pg, int col) {
  for (size_t i = 0; i < pg->frags.n; i++)
    if (pg->frags.items[i].col == col) return &pg->frags.items[i];
  return NULL;
}

double bk_column_fill(const bk *k, const bpage *pg, int col) {
  double y = 0;
  for (size_t i = 0; i < pg->frags.n; i++) {
    const frag *fr = &pg->frags.items[i];
    if (fr->col == col && fr->y + bk_frag_h(fr) > y) y = fr->y + bk_frag_h(fr);
  }
  return y / (pg->landscape ? bk_landscape_h(k) : k->frame_h);
}

/* Whether a frame starting with fragment fr starts afresh: with a box that
 * asks for a new page (or nothing at all), not with text from before. */
static bool fresh(const frag *fr) { return !fr || (fr->first && fr->b->brk); }

/* Whether frame i of the flow from first (column i % ncols of page first
 * + i / ncols) needs mending, and which frame squeezed could mend it: a
 * planned frame that runs over (itself), or the nearly empty page a text
 * leaves before a page break, filled less than min_fill (the frame before
 * it, to pull its lines back). Frames from `from` on are looked at; a segment's last
 * frame is followed by a page break. Returns the frame, or -1 for none but
 * those in done (indexed from `from`). */
static int mend_at(bk *k, const page_vec *pages, size_t first, int from, bool fit, double min_fill,
                   const bool *done, size_t ndone) {
  int nf = (int)(pages->n - first) * k->ncols;
  for (int i = from; i < nf; i++) {
    const bpage *pg = pages->items[first + (size_t)(i / k->ncols)];
    const frag *st = bk_column_start(pg, i % k->ncols);
    const frag *nx = NULL;
    if (i + 1 < nf) nx = bk_column_start(pages->items[first + (size_t)((i + 1) / k->ncols)], (i + 1) % k->ncols);
    int at = -1;
    if (fit && !fresh(nx) && st) at = i;
    else if (min_fill > 0 && i > from && !fresh(st) && fresh(nx) && bk_column_fill(k, pg, i % k->ncols) < min_fill)
      at = i - 1;
    if (at >= from && !((size_t)(at - from) < ndone && done[at - from])) return at;
  }
  return -1;
}

/* The least share of the styles' spacing a frame may be squeezed to, and
 * the step towards it. */
#define SQUEEZE_MIN 0.4
#define SQUEEZE_STEP 0.15

/* What a flow looks like before a segment, to flow it again from there. */
typedef struct mark {
  flow f;
  size_t npages, nfrags, nnotes;
  bool gap, landscape;
  const box *cut;
} mark;

static mark flow_mark(const flow *f) {
  mark m = {*f, f->pages->n, f->pg->frags.n, f->pg->notes.n, f->pg->gap, f->pg->landscape, f->pg->cut};
  return m;
}

/* Back to mark m; the footnotes of boxes from..to were not placed then. */
static void flow_back(flow *f, const mark *m, box **bs, size_t from, size_t to) {
  *f = m->f;
  f->pages->n = m->npages;
  f->pg->frags.n = m->nfrags;
  f->pg->notes.n = m->nnotes;
  f->pg->gap = m->gap;
  f->pg->landscape = m->landscape;
  f->pg->cut = m->cut;
  for (size_t i = from; i < to; i++)
    for (int r = 0; r < bs[i]->nrefs; r++)
      if (bs[i]->refs[r].note) bs[i]->refs[r].note->placed = false;
}

void bk_flow_content(bk *k, page_vec *pages, box **bs, size_t n, int base) {
  const bl_part *part = NULL;
  for (size_t i = 0; i < k->L->nparts; i++)
    if (k->L->parts[i].kind == BL_PART_CONTENT) part = &k->L->parts[i];
  bool fit = part && part->fit;
  double min_fill = part ? part->min_fill : 0;
  flow f;
  flow_begin(&f, k, pages, PG_CONTENT, base);
  f.min_fill = min_fill;
  if (!fit && min_fill <= 0) {
    for (size_t i = 0; i < n; i++) flow_box(&f, bs, i, n);
    return;
  }
  VEC(double) sq = {0};
  VEC(bool) done = {0};
  /* Segment by segment (the boxes up to the next page break, which starts
   * afresh whatever came before): each frame in turn, from the front, as
   * squeezing a frame moves only what comes after it. A frame squeezed to
   * the least that still fails gets its spacing back and is left for
   * check.c to report. A segment a footnote of an earlier one reaches into
   * is flowed as it comes. */
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && !bs[j]->brk) j++;
    mark m = flow_mark(&f);
    sq.n = done.n = 0;
    for (int round = 0;; round++) {
      flow_back(&f, &m, bs, i, j);
      f.sqs = sq.items;
      f.nsq = sq.n;
      f.sq_base = m.f.frame;
      f.sq = squeeze_of(&f, f.frame);
      for (size_t b = i; b < j; b++) flow_box(&f, bs, b, n);
      int at = round < 100 ? mend_at(k, pages, f.first, m.f.frame, fit, min_fill, done.items, done.n) : -1;
      if (at < 0) break;
      size_t r = (size_t)(at - m.f.frame);
      while (sq.n <= r) vec_push(&sq, 1.0);
      while (done.n <= r) vec_push(&done, false);
      if (sq.items[r] > SQUEEZE_MIN + 1e-9) {
        sq.items[r] = sq.items[r] - SQUEEZE_STEP < SQUEEZE_MIN ? SQUEEZE_MIN : sq.items[r] - SQUEEZE_STEP;
      } else {
        sq.items[r] = 1;
        done.items[r] = true;
      }
    }
    f.sqs = NULL;
    f.nsq = 0;
    i = j;
  }
  vec_free(&sq);
  vec_free(&done);
}
