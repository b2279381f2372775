/* guard: refuses, before cmark sees it, Markdown on which Debian's
 * cmark-gfm would take quadratic time or worse (see md.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "md_int.h"
#include "../core/msg.h"

/* ===================================================================== */
/* The pathological-input guard                                           */
/* ===================================================================== */

/* Debian's cmark-gfm is quadratic (or worse) on a few input shapes that
 * later releases fixed: deep nesting of lists and block quotes followed by
 * blank lines, emphasis inside deep block quotes, long chains of unclosed
 * link/image openers ("![[]()"), the "*a ... _a*_" delimiter pattern, and
 * very wide tables. No such shape occurs in a document a person writes, so
 * klar refuses them before parsing instead of letting a build hang. The scan
 * is one linear pass: it tracks, per line, the block containers that the
 * line opens or stays in (quotes, list items by their content column), and
 * per paragraph the depth of unclosed brackets and emphasis delimiters. It
 * approximates cmark's rules; where it is unsure it underestimates, so a
 * legitimate document is never refused, while every known bad shape
 * exceeds the limits by orders of magnitude. Fenced code is skipped. */

typedef struct guard {
  size_t max_nesting, max_columns;
  const char *why; /* the refusal message, or NULL */
  size_t line;     /* 1-based, of the refusal */
  size_t col;      /* 1-based byte column */
  size_t value;
} guard;

typedef struct bt_run {
  size_t start, len, next; /* next: index of the next run of the same length, or SIZE_MAX */
} bt_run;

/* Records the refusal of containers nested deeper than the limit. */
static void refuse_depth(guard *g, size_t line, size_t col) {
  g->why = "nesting too deep (over %zu levels of lists and block quotes)";
  g->value = g->max_nesting;
  g->line = line;
  g->col = col;
}

static int bt_cmp(const void *x, const void *y) {
  const bt_run *a = x, *b = y;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0; }
static bool is_punct(int c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
         (c >= 123 && c <= 126);
}

/* Is s[i..e) from here a thematic break (3+ of one of * - _ and spaces)? */
static bool is_break(const char *s, size_t i, size_t e) {
  char c = 0;
  int count = 0;
  for (; i < e; i++) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') continue;
    if (s[i] != '*' && s[i] != '-' && s[i] != '_') return false;
    if (c && s[i] != c) return false;
    c = s[i];
    count++;
  }
  return count >= 3;
}

/* Is s[i..e) a table delimiter row? Returns its number of cells, or 0. */
static size_t delimiter_cells(const char *s, size_t i, size_t e) {
  size_t cells = 0, pipes = 0;
  bool in_cell = false, dash = false;
  while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
  if (i < e && s[i] == '|') { i++; pipes++; }
  bool trailing = false;
  for (; i < e; i++) {
    char c = s[i];
    if (c == '|') {
      if (!dash) return 0;
      cells++;
      pipes++;
      in_cell = dash = false;
      trailing = true;
    } else if (c == '-' || c == ':') {
      if (c == '-') dash = true;
      in_cell = true;
      trailing = false;
    } else if (c == ' ' || c == '\t') {
      continue;
    } else {
      return 0;
    }
  }
  if (in_cell) {
    if (!dash) return 0;
    cells++;
  }
  (void)trailing;
  return pipes ? cells : 0;
}

/* The bytes the inline scan looks at; it jumps over all others. */
static const bool inline_special[256] = {['\\'] = 1, ['`'] = 1, ['['] = 1, [']'] = 1,
                                         ['!'] = 1,  ['*'] = 1, ['_'] = 1};

/* The inline part: counts unclosed brackets and emphasis delimiters in
 * s[i..e), carrying the counts across the lines of one paragraph. */
typedef struct inline_state {
  size_t brackets, star, under;
  VEC(bt_run) runs;
} inline_state;

static bool scan_inline(guard *g, inline_state *st, const char *s, size_t i, size_t e,
                        size_t lineno, size_t line_start) {
  /* Code spans: pair each backtick run with the next run of the same
   * length on this line (sorting keeps this linear-logarithmic even for
   * thousands of distinct runs). Spans across lines are left uncounted
   * as plain text: that can only make the counts smaller. */
  st->runs.n = 0;
  for (size_t k = memchr(s + i, '`', e - i) ? i : e; k < e;) {
    if (s[k] == '\\' && k + 1 < e) { k += 2; continue; }
    if (s[k] == '`') {
      size_t b = k;
      while (k < e && s[k] == '`') k++;
      bt_run r = {b, k - b, SIZE_MAX};
      vec_push(&st->runs, r);
    } else {
      k++;
    }
  }
  size_t nr = st->runs.n;
  if (nr > 1) {
    bt_run *sorted = xmalloc(nr * sizeof *sorted);
    memcpy(sorted, st->runs.items, nr * sizeof *sorted);
    qsort(sorted, nr, sizeof *sorted, bt_cmp);
    /* runs are in start order in st->runs; map start → next start */
    for (size_t k = 0; k + 1 < nr; k++)
      if (sorted[k].len == sorted[k + 1].len) sorted[k].next = sorted[k + 1].start;
    /* sorted by (len, start); write next back by binary search on start */
    for (size_t k = 0; k < nr; k++) {
      if (sorted[k].next == SIZE_MAX) continue;
      size_t lo = 0, hi = nr;
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->runs.items[mid].start < sorted[k].start) lo = mid + 1;
        else hi = mid;
      }
      st->runs.items[lo].next = sorted[k].next;
    }
    free(sorted);
  }
  size_t ri = 0;
  for (size_t k = i; k < e;) {
    while (k < e && !inline_special[(unsigned char)s[k]]) k++;
    if (k >= e) break;
    unsigned char c = (unsigned char)s[k];
    if (c == '\\' && k + 1 < e) { k += 2; continue; }
    if (c == '`') {
      while (ri < nr && st->runs.items[ri].start < k) ri++;
      size_t len = 1;
      while (k + len < e && s[k + len] == '`') len++;
      if (ri < nr && st->runs.items[ri].start == k && st->runs.items[ri].next != SIZE_MAX) {
        size_t close = st->runs.items[ri].next;
        k = close + len;
        /* skip runs inside the span */
        while (ri < nr && st->runs.items[ri].start < k) ri++;
      } else {
        k += len;
      }
      continue;
    }
    if (c == '[' || (c == '!' && k + 1 < e && s[k + 1] == '[')) {
      st->brackets++;
      k += c == '!' ? 2 : 1;
    } else if (c == ']') {
      if (st->brackets) st->brackets--;
      k++;
    } else if (c == '*' || c == '_') {
      size_t b = k;
      while (k < e && s[k] == (char)c) k++;
      int before = b > i ? (unsigned char)s[b - 1] : 0;
      int after = k < e ? (unsigned char)s[k] : 0;
      bool left = !is_ws(after) && (!is_punct(after) || is_ws(before) || is_punct(before));
      bool right = !is_ws(before) && (!is_punct(before) || is_ws(after) || is_punct(after));
      bool can_open = c == '*' ? left : left && (!right || is_punct(before));
      bool can_close = c == '*' ? right : right && (!left || is_punct(after));
      size_t *count = c == '*' ? &st->star : &st->under;
      size_t len = k - b;
      if (can_close && *count) {
        *count -= *count < len ? *count : len;
      } else if (can_open) {
        *count += len;
      }
    } else {
      k++;
      continue;
    }
    size_t depth = st->brackets + st->star + st->under;
    if (depth > g->max_nesting) {
      g->why = "nesting too deep (over %zu levels of brackets or emphasis)";
      g->value = g->max_nesting;
      g->line = lineno;
      g->col = k - line_start;
      return false;
    }
  }
  return true;
}

/* Returns true if src may be parsed; else fills g->why and the position. */
static bool guard_scan(guard *g, const char *s, size_t n) {
  VEC(size_t) items = {0}; /* content columns of open list items */
  inline_state st = {0};
  bool in_fence = false, in_table = false;
  char fence_char = 0;
  size_t fence_len = 0, fence_quotes = 0, fence_col = 0;
  bool ok = true;
  size_t lineno = 0;
  for (size_t ls = 0; ls < n && ok;) {
    size_t le = ls;
    while (le < n && s[le] != '\n') le++;
    lineno++;
    size_t next = le < n ? le + 1 : n;

    /* Leading block quote markers and indentation. */
    size_t p = ls, col = 0, quotes = 0;
    for (;;) {
      while (p < le && (s[p] == ' ' || s[p] == '\t')) {
        col = s[p] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
        p++;
      }
      if (p < le && s[p] == '>') {
        quotes++;
        p++;
        col++;
        if (quotes > g->max_nesting) break;
        continue;
      }
      break;
    }
    bool blank = true;
    for (size_t k = p; k < le; k++)
      if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r') { blank = false; break; }

    if (quotes > g->max_nesting) {
      refuse_depth(g, lineno, p - ls);
      ok = false;
      break;
    }

    if (in_fence) {
      /* A fence ends at its closing line, or when its container ends. */
      bool closes = false;
      if (!blank && (quotes < fence_quotes || col < fence_col)) closes = true;
      size_t k = p, run = 0;
      while (k < le && s[k] == fence_char) { k++; run++; }
      if (run >= fence_len) {
        while (k < le && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) k++;
        if (k == le) { in_fence = false; ls = next; continue; }
      }
      if (!closes) { ls = next; continue; }
      in_fence = false;
    }

    if (blank) {
      st.brackets = st.star = st.under = 0;
      in_table = false;
      ls = next;
      continue;
    }

    /* Leave the list items whose content column this line does not reach. */
    while (items.n && items.items[items.n - 1] > col) items.n--;
    size_t base = items.n ? items.items[items.n - 1] : 0;
    bool new_block = false;
    if (col >= base + 4) {
      /* indented code (or a lazy continuation): no markers, no inlines */
      ls = next;
      continue;
    }

    /* List markers (and quotes after them), each opening a container. A
     * thematic break ("* * *", "---") is tested once, at the first marker:
     * testing at every marker would make "- - - ..." quadratic. */
    bool rule = is_break(s, p, le);
    for (;;) {
      if (p >= le || rule) break;
      size_t m = p;
      if (s[m] == '-' || s[m] == '+' || s[m] == '*') {
        m++;
      } else if (s[m] >= '0' && s[m] <= '9') {
        while (m < le && m - p < 9 && s[m] >= '0' && s[m] <= '9') m++;
        if (m < le && (s[m] == '.' || s[m] == ')')) m++;
        else break;
      } else if (s[m] == '>') {
        quotes++;
        p++;
        col++;
        new_block = true;
        while (p < le && (s[p] == ' ' || s[p] == '\t')) { col++; p++; }
        goto check;
      } else {
        break;
      }
      if (m < le && s[m] != ' ' && s[m] != '\t' && s[m] != '\r') break;
      {
        size_t mcol = col + (m - p);
        size_t sp = 0, q = m;
        while (q < le && (s[q] == ' ' || s[q] == '\t') && sp < 5) { sp++; q++; }
        if (q >= le || sp >= 5 || sp == 0) sp = 1;
        vec_push(&items, mcol + sp);
        new_block = true;
        col = mcol + sp;
        p = m + sp <= le ? m + sp : le;
        while (p < le && (s[p] == ' ' || s[p] == '\t')) { col++; p++; }
      }
    check:
      if (quotes + items.n > g->max_nesting) {
        refuse_depth(g, lineno, p - ls + 1);
        ok = false;
        break;
      }
    }
    if (!ok) break;
    if (quotes + items.n > g->max_nesting) {
      refuse_depth(g, lineno, p - ls + 1);
      ok = false;
      break;
    }

    /* Fenced code opens here? */
    {
      size_t k = p, run = 0;
      char fc = p < le ? s[p] : 0;
      if (fc == '`' || fc == '~') {
        while (k < le && s[k] == fc) { k++; run++; }
        if (run >= 3) {
          in_fence = true;
          fence_char = fc;
          fence_len = run;
          fence_quotes = quotes;
          fence_col = items.n ? items.items[items.n - 1] : 0;
          ls = next;
          continue;
        }
      }
    }

    size_t cells = delimiter_cells(s, p, le);
    if (cells) {
      if (cells > g->max_columns) {
        g->why = "table too wide (over %zu columns)";
        g->value = g->max_columns;
        g->line = lineno;
        g->col = p - ls + 1;
        ok = false;
        break;
      }
      in_table = true;
    }
    if (new_block || in_table || (p < le && s[p] == '#') || is_break(s, p, le))
      st.brackets = st.star = st.under = 0;
    if (!scan_inline(g, &st, s, p, le, lineno, ls)) { ok = false; break; }
    if (in_table || (p < le && s[p] == '#')) st.brackets = st.star = st.under = 0;
    ls = next;
  }
  vec_free(&items);
  vec_free(&st.runs);
  return ok;
}

bool md_guard_check(const md_options *o, const char *src, size_t n, diag *d) {
  guard g = {o->max_nesting ? o->max_nesting : DEFAULT_MAX_NESTING,
             o->max_columns ? o->max_columns : DEFAULT_MAX_COLUMNS, NULL, 0, 0, 0};
  if (guard_scan(&g, src, n)) return true;
  if (d) {
    char what[160];
    snprintf(what, sizeof what, msg_tr(g.why), g.value);
    int col = md_char_column(src, n, (int)g.line, (int)(g.col ? g.col : 1));
    diag_error(d, o->file, (int)g.line + o->line_offset, col,
               "%s; klar refuses it so the build cannot hang", what);
  }
  return false;
}

