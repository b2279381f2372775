/* print, table: tables into boxes, set so that they fit (see bk.h), and the
 * interface matrix as a table.
 *
 * A table is first tried at its own size. It fits when every column can be
 * as wide as its longest word (the narrowest honest layout: no word broken
 * between letters); the room left goes to the columns in proportion to how
 * much wider their cells would like to be. A table that does not fit is
 * set a step smaller at a time, down to the table style's min-size; one
 * that still does not fit goes on a page of its own turned sideways
 * (landscape: the text area's height becomes the table's width), from its
 * own size down again. Only a table too wide even so has its words broken
 * between letters, and that is a warning at the table: never a cell whose
 * text runs out of it. */
#include "bk.h"
#include <math.h>
#include <string.h>

/* The default least size of a table that is made smaller to fit, pt. */
#define TABLE_MIN_SIZE 6.5
#define TABLE_STEP 0.5
/* Padding inside a cell at the table style's size, pt. */
#define CELL_PAD (1.2 * MM)

/* The width of the widest stretch of t (one line) between two places
 * where a line may break, pt: what its column needs at least. */
static double longest_word(const text *t) {
  PangoLayout *lay = t->lay;
  const char *s = pango_layout_get_text(lay);
  int len = (int)strlen(s), n = 0;
  const PangoLogAttr *la = pango_layout_get_log_attrs_readonly(lay, &n);
  double best = 0;
  int start = 0, ci = 0;
  for (int b = 0; b <= len; ci++) {
    bool end = b == len;
    if (end || (ci > 0 && ci < n && la[ci].is_line_break)) {
      int e = b;
      while (e > start && (s[e - 1] == ' ' || s[e - 1] == '\n')) e--;
      if (e > start) {
        PangoRectangle r0, r1;
        pango_layout_index_to_pos(lay, start, &r0);
        pango_layout_index_to_pos(lay, e - 1, &r1);
        double w = (double)(r1.x + r1.width - r0.x) / PANGO_SCALE;
        if (w > best) best = w;
      }
      start = b;
    }
    if (end) break;
    b = (int)(g_utf8_next_char(s + b) - s);
  }
  return best;
}

/* The styles of body and header cells at size (the body's), scaled alike. */
static void sized(const bk *k, double size, bl_style *td, bl_style *th) {
  *td = k->L->styles[BL_TABLE];
  *th = k->L->styles[BL_TH];
  double f = size / td->size;
  td->size = size;
  th->size *= f;
}

/* Measures the cells of blk at size: nat the width each column's cells
 * want on one line, word the longest word in it. */
static void measure(bk *k, const mdt_block *blk, int nc, double size, double *nat, double *word) {
  bl_style td, th;
  sized(k, size, &td, &th);
  memset(nat, 0, (size_t)nc * sizeof *nat);
  memset(word, 0, (size_t)nc * sizeof *word);
  for (size_t r = 0; r < blk->nchildren; r++) {
    const mdt_block *row = blk->children[r];
    for (size_t ci = 0; ci < row->nchildren && (int)ci < nc; ci++) {
      tbuild tb;
      bk_tb_init(&tb);
      /* Measured with the page references the cells will print, counted
       * once: the cells make them again (bk_settle_refs). */
      int refs = k->npage_refs;
      bk_tb_runs(k, &tb, row->children[ci]->runs, row->children[ci]->nruns, false);
      k->npage_refs = refs;
      text t = bk_make_text(k, &tb, row->header ? &th : &td, -1, false);
      bk_tb_free(&tb);
      double w = longest_word(&t);
      if (t.w > nat[ci]) nat[ci] = t.w;
      if (w > word[ci]) word[ci] = w;
    }
  }
  for (int i = 0; i < nc; i++) {
    if (nat[i] < 4 * MM) nat[i] = 4 * MM;
    if (word[i] > nat[i]) nat[i] = word[i];
  }
}

/* The size, from the table style's down to its min-size, at which the
 * words of blk fit width: the cells' padding shrinks with the type. Returns
 * the size, or 0 when none fits; nat and word as measure leaves them at
 * the size returned (at min-size when none). */
static double fitting_size(bk *k, const mdt_block *blk, int nc, double width, double *nat, double *word,
                           double *pad) {
  const bl_style *td = &k->L->styles[BL_TABLE];
  double size = td->size, least = td->min_size > 0 ? td->min_size : TABLE_MIN_SIZE;
  if (least > size) least = size;
  for (;;) {
    measure(k, blk, nc, size, nat, word);
    *pad = CELL_PAD * size / td->size;
    double sum = 0;
    for (int i = 0; i < nc; i++) sum += word[i];
    if (sum <= width - 2 * *pad * nc + 0.01) return size;
    if (size <= least + 1e-9) return 0;
    size = size - TABLE_STEP < least ? least : size - TABLE_STEP;
  }
}

/* The room of a landscape page: its width is the text area's height, its
 * height the text area's whole width (every column). */
double bk_landscape_w(const bk *k) { return k->frame_h; }
double bk_landscape_h(const bk *k) { return k->pw - (k->L->inner + k->L->outer) * MM; }

box *bk_table_box(bk *k, double x, const mdt_block *blk, const bool *band) {
  box *b = bk_new_box(k, BX_TABLE, &k->L->styles[BL_TABLE], x);
  b->line = blk->line;
  b->col = blk->col;
  int nc = blk->ncols > 0 ? blk->ncols : 1;
  b->ncols = nc;
  b->tag = "Table";
  double *nat = arena_calloc(k->a, (size_t)nc, sizeof *nat);
  double *word = arena_calloc(k->a, (size_t)nc, sizeof *word);
  double size = fitting_size(k, blk, nc, b->w, nat, word, &b->cellpad);
  if (size == 0) {
    size = fitting_size(k, blk, nc, bk_landscape_w(k), nat, word, &b->cellpad);
    b->landscape = true;
    b->x = 0;
    b->w = bk_landscape_w(k);
    b->brk = true;
  }
  bool squeezed = size == 0;
  if (squeezed) {
    const bl_style *td = &k->L->styles[BL_TABLE];
    size = td->min_size > 0 && td->min_size < td->size ? td->min_size
           : td->size < TABLE_MIN_SIZE                 ? td->size
                                                       : TABLE_MIN_SIZE;
    int worst = 0;
    double need = 0;
    for (int i = 0; i < nc; i++) {
      need += word[i] + 2 * b->cellpad;
      if (word[i] > word[worst]) worst = i;
    }
    diag_warning(k->d, b->file, b->line, b->col,
                 "this table is too wide for the page even at %.1f pt on a page turned sideways: "
                 "its longest words need %.0f mm, the page has %.0f mm, so words are broken between "
                 "letters (the widest in column %d); give it fewer columns or shorter words",
                 size, need / MM, bk_landscape_w(k) / MM, worst + 1);
  }
  double avail = b->w - 2 * b->cellpad * nc, sum = 0, wsum = 0, slack = 0;
  for (int i = 0; i < nc; i++) {
    sum += nat[i];
    wsum += word[i];
    slack += nat[i] - word[i];
  }
  b->colw = arena_alloc(k->a, (size_t)nc * sizeof *b->colw);
  b->colx = arena_alloc(k->a, (size_t)nc * sizeof *b->colx);
  /* Too wide for one line each: a column that wants little more than its
   * longest word (a time "17.00–17.15", a room "Lokale A1") gets all it
   * wants while its want is below an even share of what is left; the rest
   * goes to the others in proportion to their wants. */
  bool *whole = arena_calloc(k->a, (size_t)nc, sizeof *whole);
  double rest = avail - wsum;
  if (sum > avail && !squeezed) {
    int left = nc;
    for (bool more = true; more && left > 1;) {
      more = false;
      int best = -1;
      for (int i = 0; i < nc; i++)
        if (!whole[i] && (best < 0 || nat[i] - word[i] < nat[best] - word[best])) best = i;
      if (best >= 0 && (nat[best] - word[best]) * left <= rest) {
        whole[best] = more = true;
        rest -= nat[best] - word[best];
        slack -= nat[best] - word[best];
        left--;
      }
    }
  }
  double cx = 0;
  for (int i = 0; i < nc; i++) {
    double w;
    if (sum <= avail) w = nat[i] + (avail - sum) * nat[i] / sum; /* the whole column wide */
    else if (squeezed) w = avail * word[i] / wsum;
    else if (whole[i]) w = nat[i];
    else w = word[i] + (slack > 0 ? rest * (nat[i] - word[i]) / slack : 0);
    b->colw[i] = w;
    b->colx[i] = cx;
    cx += w + 2 * b->cellpad;
  }
  bl_style td, th;
  sized(k, size, &td, &th);
  b->nrows = (int)blk->nchildren;
  b->rows = arena_calloc(k->a, (size_t)(b->nrows ? b->nrows : 1), sizeof *b->rows);
  for (int r = 0; r < b->nrows; r++) {
    const mdt_block *row = blk->children[r];
    trow *tr = &b->rows[r];
    tr->header = row->header;
    tr->band = band && band[r];
    if (row->header && r == b->nheader) b->nheader++;
    tr->cells = arena_calloc(k->a, (size_t)nc, sizeof *tr->cells);
    double h = 0;
    for (int ci = 0; ci < nc; ci++) {
      bl_style st = row->header ? th : td;
      char al = blk->align ? blk->align[ci] : '-';
      st.align = al == 'c' ? BL_CENTER : al == 'r' ? BL_RIGHT : BL_LEFT;
      tbuild tb;
      bk_tb_init(&tb);
      if ((size_t)ci < row->nchildren)
        bk_tb_runs(k, &tb, row->children[ci]->runs, row->children[ci]->nruns, !row->header);
      tr->cells[ci] = bk_make_text(k, &tb, &st, b->colw[ci], squeezed);
      bk_take_refs(k, b, &tb, NULL, r);
      bk_tb_free(&tb);
      if (tr->cells[ci].h > h) h = tr->cells[ci].h;
    }
    tr->h = h + 2 * b->cellpad;
  }
  b->table_size = size;
  return b;
}

/* ------------------------------------------------------------------------ */
/* The interface matrix as a table                                           */

static mdt_block *cell(bk *k, const char *s, unsigned style) {
  mdt_block *c = arena_calloc(k->a, 1, sizeof *c);
  c->kind = MDT_CELL;
  c->runs = arena_calloc(k->a, 1, sizeof *c->runs);
  c->runs[0] = (mdt_run){MDR_TEXT, style, s ? s : "", NULL, 0};
  c->nruns = 1;
  return c;
}

static mdt_block *row_of(bk *k, size_t ncells, bool header) {
  mdt_block *r = arena_calloc(k->a, 1, sizeof *r);
  r->kind = MDT_ROW;
  r->header = header;
  r->children = arena_calloc(k->a, ncells, sizeof *r->children);
  r->nchildren = ncells;
  return r;
}

const mdt_block *bk_matrix_table(bk *k, const page *p, bool **band) {
  const val *lay = val_get(p->fm, "layout");
  const char *ls = val_as_str(lay);
  if (!k->L->matrix || !ls || strcmp(ls, "matrix") != 0 || !k->s) return NULL;
  const interface_matrix *m = model_matrix(k->s, k->a);
  if (!m->ngroups) return NULL;
  size_t nc = m->ngroups + 1, nrows = 2; /* the header and the sums */
  for (size_t g = 0; g < m->ngroups; g++) nrows += 1 + m->blocks[g].nrows;
  mdt_block *t = arena_calloc(k->a, 1, sizeof *t);
  t->kind = MDT_TABLE;
  t->ncols = (int)nc;
  char *align = arena_alloc(k->a, nc + 1);
  memset(align, 'c', nc);
  align[0] = 'l';
  align[nc] = 0;
  t->align = align;
  t->children = arena_calloc(k->a, nrows, sizeof *t->children);
  *band = arena_calloc(k->a, nrows, sizeof **band);
  /* Where the page's body is in its file: messages about the table point at
   * the page. */
  t->line = p->body_line;
  t->col = 1;
  mdt_block *h = row_of(k, nc, true);
  h->children[0] = cell(k, k->L->matrix_corner, 0);
  for (size_t g = 0; g < m->ngroups; g++) h->children[g + 1] = cell(k, m->groups[g]->title, 0);
  size_t n = 0;
  t->children[n++] = h;
  for (size_t g = 0; g < m->ngroups; g++) {
    const matrix_block *bl = &m->blocks[g];
    /* The group's row: its name, the rest of the row empty. */
    mdt_block *gr = row_of(k, nc, false);
    gr->children[0] = cell(k, bl->group->title, MDS_STRONG);
    for (size_t c = 1; c < nc; c++) gr->children[c] = cell(k, "", 0);
    (*band)[n] = true;
    t->children[n++] = gr;
    for (size_t r = 0; r < bl->nrows; r++) {
      mdt_block *row = row_of(k, nc, false);
      row->children[0] = cell(k, bl->rows[r].proposal->title, 0);
      for (size_t c = 0; c < m->ngroups; c++) {
        matrix_mark mk = bl->rows[r].marks[c];
        row->children[c + 1] = cell(k, mk == MATRIX_OWN ? "\xe2\x97\x8f" : mk == MATRIX_INTERFACE ? "\xc3\x97" : "", MDS_STRONG);
      }
      t->children[n++] = row;
    }
  }
  mdt_block *sums = row_of(k, nc, false);
  sums->children[0] = cell(k, k->L->matrix_total, MDS_STRONG);
  for (size_t g = 0; g < m->ngroups; g++)
    sums->children[g + 1] = cell(k, arena_printf(k->a, "%d", m->totals[g]), MDS_STRONG);
  (*band)[n] = true;
  t->children[n++] = sums;
  t->nchildren = n;
  return t;
}
