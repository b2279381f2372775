/* md: Markdown → HTML through cmark-gfm, with klar's passes (see md.h).
 *
 * The file is fenced into four sections: the pathological-input guard (a
 * linear scan that runs before cmark sees the text), Danish typography on
 * text nodes, the tree walk that does the site passes and collects headings,
 * summary and word count, and the public entry points. */
#include "md.h"
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm/render.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../core/dk.h"
#include "../core/map.h"
#include "../core/vec.h"

enum { DEFAULT_MAX_NESTING = 100, DEFAULT_MAX_COLUMNS = 200, SUMMARY_CHARS = 300 };

/* ===================================================================== */
/* Process-wide state                                                     */
/* ===================================================================== */

/* cmark-gfm 0.29.0.gfm.6 keeps the table of "special" inline characters in
 * a global array that every parse switches on (process_inlines, and the
 * table extension's row parser) and off again when it finishes. Two threads
 * parsing at once can therefore switch '~', '|' or ':' off under each
 * other's feet and render `~~x~~` literally. Parsing is serialised with
 * this lock; the passes and the HTML rendering, most of the work after the
 * block parse, run outside it. */
static const char *const all_extensions[] = {"table", "strikethrough", "autolink", "tagfilter",
                                             "tasklist"};
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The lock costs the site build its parallelism: parsing is most of the
 * Markdown work. A site build attaches the same extensions to every parser,
 * so the table never needs to change: md_pin_extensions switches it on once
 * for the full set and from then on the toggle does nothing, and parses run
 * in parallel without the lock. The toggle is cmark's exported function
 * cmark_manage_extensions_special_characters, which both libcmark-gfm and
 * the extensions library call through the PLT: klar's definition below
 * takes its place (ordinary ELF symbol interposition) and forwards to the
 * library's own until the table is pinned. Where the dynamic linker cannot
 * find the library's function, pinning is refused and the lock stays. */
typedef void (*manage_fn)(cmark_parser *, int);
static manage_fn library_manage;
static atomic_bool pinned;

static manage_fn find_library_manage(void) {
  if (!library_manage)
    library_manage = (manage_fn)(uintptr_t)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
  return library_manage;
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add) {
  if (atomic_load_explicit(&pinned, memory_order_acquire)) return;
  manage_fn f = find_library_manage();
  if (f) f(parser, add);
}

/* A private syntax extension that never parses anything: heading nodes are
 * tagged with it so that cmark's HTML renderer calls heading_html, which
 * writes the id attribute (cmark has no hook for heading attributes). */
static cmark_syntax_extension *heading_ext;

static void put_attr(cmark_strbuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': cmark_strbuf_puts(b, "&amp;"); break;
    case '<': cmark_strbuf_puts(b, "&lt;"); break;
    case '>': cmark_strbuf_puts(b, "&gt;"); break;
    case '"': cmark_strbuf_puts(b, "&quot;"); break;
    default: cmark_strbuf_putc(b, *s);
    }
  }
}

static void heading_html(cmark_syntax_extension *ext, cmark_html_renderer *r, cmark_node *node,
                         cmark_event_type ev, int options) {
  cmark_strbuf *html = r->html;
  int level = cmark_node_get_heading_level(node);
  char tag[16];
  if (ev == CMARK_EVENT_ENTER) {
    if (html->size && html->ptr[html->size - 1] != '\n') cmark_strbuf_putc(html, '\n');
    snprintf(tag, sizeof tag, "<h%d", level);
    cmark_strbuf_puts(html, tag);
    const char *id = cmark_node_get_user_data(node);
    if (id && *id) {
      cmark_strbuf_puts(html, " id=\"");
      put_attr(html, id);
      cmark_strbuf_putc(html, '"');
    }
    cmark_strbuf_putc(html, '>');
  } else {
    snprintf(tag, sizeof tag, "</h%d>\n", level);
    cmark_strbuf_puts(html, tag);
  }
}

static void init_once_fn(void) {
  cmark_gfm_core_extensions_ensure_registered();
  heading_ext = cmark_syntax_extension_new("klar-heading-ids");
  cmark_syntax_extension_set_html_render_func(heading_ext, heading_html);
}

void md_init(void) { pthread_once(&init_once, init_once_fn); }

bool md_pin_extensions(void) {
  md_init();
  if (atomic_load(&pinned)) return true;
  manage_fn f = find_library_manage();
  if (!f) return false;
  cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (size_t k = 0; k < sizeof all_extensions / sizeof *all_extensions; k++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(all_extensions[k]);
    if (e) cmark_parser_attach_syntax_extension(p, e);
  }
  f(p, 1);
  cmark_parser_free(p);
  atomic_store(&pinned, true);
  return true;
}

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

/* ===================================================================== */
/* Danish typography                                                      */
/* ===================================================================== */

static const char *const months[] = {"januar", "februar", "marts",     "april",
                                     "maj",    "juni",    "juli",      "august",
                                     "september", "oktober", "november", "december"};

static bool is_alpha_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Does s[i..e) start with word w followed by a non-letter (or the end)? */
static bool starts_word(const char *s, size_t i, size_t e, const char *w) {
  size_t n = strlen(w);
  if (e - i < n || memcmp(s + i, w, n) != 0) return false;
  return i + n == e || !is_alpha_byte((unsigned char)s[i + n]);
}

static bool starts_month(const char *s, size_t i, size_t e) {
  for (int m = 0; m < 12; m++)
    if (starts_word(s, i, e, months[m])) return true;
  return false;
}

/* Is the word ending at s[e) exactly a month name (preceded by a non-letter)? */
static bool ends_month(const char *s, size_t b, size_t e) {
  for (int m = 0; m < 12; m++) {
    size_t n = strlen(months[m]);
    if (e - b >= n && memcmp(s + e - n, months[m], n) == 0 &&
        (e - n == b || !is_alpha_byte((unsigned char)s[e - n - 1])))
      return true;
  }
  return false;
}

/* Should the space at s[i] be a no-break space? b..e bounds the text.
 * Every rule needs a digit or a '.' on one side, or a month's last letter
 * before a digit, so most spaces are rejected by the first tests. */
static bool wants_nbsp(const char *s, size_t b, size_t i, size_t e) {
  if (i == b || i + 1 >= e) return false;
  unsigned char l = (unsigned char)s[i - 1];
  size_t r = i + 1;
  unsigned char rc = (unsigned char)s[r];
  if (is_digit(l)) {
    /* "10 kr.", "4,95 mio. kr.", "2 mia. kr." */
    return (rc == 'k' && starts_word(s, r, e, "kr")) ||
           (rc == 'm' && (starts_word(s, r, e, "mio") || starts_word(s, r, e, "mia")));
  }
  if (l == '.') {
    if (rc == 'k' && i - b >= 4 &&
        (memcmp(s + i - 4, "mio.", 4) == 0 || memcmp(s + i - 4, "mia.", 4) == 0) &&
        starts_word(s, r, e, "kr"))
      return true;
    /* "27. maj" */
    if (i - b >= 2 && is_digit((unsigned char)s[i - 2])) {
      size_t d = i - 2;
      while (d > b && is_digit((unsigned char)s[d - 1])) d--;
      if (i - 1 - d <= 2 && (d == b || !is_alpha_byte((unsigned char)s[d - 1])) &&
          starts_month(s, r, e))
        return true;
    }
    return false;
  }
  /* "maj 2014" */
  if (is_digit(rc) && strchr("rsljit", l) && e - r >= 4 && is_digit((unsigned char)s[r + 1]) &&
      is_digit((unsigned char)s[r + 2]) && is_digit((unsigned char)s[r + 3]) &&
      (e - r == 4 || !is_digit((unsigned char)s[r + 4])) && ends_month(s, b, i))
    return true;
  return false;
}

/* Is the character before a quote one after which a quote opens? */
static bool opens_after(uint32_t prev) {
  return prev == 0 || prev == ' ' || prev == '\t' || prev == '\n' || prev == 0xA0 ||
         prev == '(' || prev == '[' || prev == '{' || prev == '/' || prev == '-' ||
         prev == 0x2013 || prev == 0x2014 || prev == 0xBB || prev == 0xAB;
}

/* Returns the last code point of s (0 for ""). */
static uint32_t last_cp(const char *s, size_t n) {
  if (!n) return 0;
  size_t k = n - 1;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  const char *p = s + k;
  int cp = str_utf8_next(&p, s + n);
  return cp < 0 ? '?' : (uint32_t)cp;
}

/* Rewrites one text node's literal into out: straight double quotes become
 * the site's quotes, chosen by the character before (prev carries across
 * nodes of one block), and the spaces of "10 kr.", "27. maj 2014" and
 * "mio. kr." become no-break spaces. Returns true if anything changed. */
static bool typography(const char *s, sbuf *out, uint32_t *prev, const char *qo, const char *qc) {
  size_t n = strlen(s), copied = 0;
  bool changed = false;
  sbuf_clear(out);
  for (size_t i = 0; i < n; i++) {
    const char *rep;
    if (s[i] == '"') {
      uint32_t pc = i ? last_cp(s, i) : *prev;
      rep = opens_after(pc) ? qo : qc;
    } else if (s[i] == ' ' && wants_nbsp(s, 0, i, n)) {
      rep = "\xC2\xA0";
    } else {
      continue;
    }
    sbuf_put(out, s + copied, i - copied);
    sbuf_puts(out, rep);
    copied = i + 1;
    changed = true;
  }
  if (changed) sbuf_put(out, s + copied, n - copied);
  if (n) *prev = last_cp(s, n);
  return changed;
}

/* ===================================================================== */
/* The tree walk                                                          */
/* ===================================================================== */

typedef struct walk {
  const md_options *o;
  arena *a;
  diag *d;
  const char *src;
  size_t n;
  bool ok;
  map ids;
  VEC(md_heading) headings;
  sbuf tmp, plain;
  cmark_node *collecting; /* heading or summary paragraph whose text is gathered */
  bool summary_done;
  const char *summary;
  bool in_word;
  int words;
  VEC(cmark_node *) shortcodes; /* code blocks to replace by their HTML after the walk */
  VEC(const char *) shortcode_html;
} walk;

static bool is_block(cmark_node *n) {
  return (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
}

/* A destination that klar resolves: relative paths only. Absolute URLs
 * (any scheme, including mailto:), "//host", "/path", "#frag" and empty
 * destinations are left as written. */
static bool is_relative(const char *u) {
  if (!u || !*u || u[0] == '/' || u[0] == '#' || u[0] == '?') return false;
  const char *p = u;
  if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
      p++;
    if (*p == ':') return false;
  }
  return true;
}

/* Converts cmark's byte column on a 1-based line of src to a character
 * column, which is what editors show. */
static int char_column(const char *src, size_t n, int line, int bytecol) {
  size_t p = 0;
  for (int l = 1; l < line && p < n; p++)
    if (src[p] == '\n') l++;
  int col = 1;
  for (size_t k = 0; (int)k < bytecol - 1 && p + k < n && src[p + k] != '\n'; k++)
    if (((unsigned char)src[p + k] & 0xC0) != 0x80) col++;
  return col;
}

static void count_words(walk *w, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    if (*p == 0xC2 && p[1] == 0xA0) { space = true; p++; }
    if (space) w->in_word = false;
    else if (!w->in_word) { w->in_word = true; w->words++; }
  }
}

static void resolve_link(walk *w, cmark_node *node) {
  const md_options *o = w->o;
  bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
  const char *url = cmark_node_get_url(node);
  if (!o->resolve || !is_relative(url)) return;
  sbuf out = SBUF_INIT;
  if (o->resolve(o->resolve_ctx, image, url, &out)) {
    cmark_node_set_url(node, sbuf_str(&out));
  } else if (w->d) {
    int line = cmark_node_get_start_line(node);
    int col = char_column(w->src, w->n, line, cmark_node_get_start_column(node));
    diag_error(w->d, o->file, line + o->line_offset, col, "broken %s to '%s'",
               image ? "image link" : "link", url);
    w->ok = false;
  }
  sbuf_free(&out);
}

/* Joins runs of adjacent text nodes (cmark splits text at characters that
 * might start markup), so that typography sees "10 kr." whole. */
static void merge_text(walk *w, cmark_node *node) {
  cmark_node *nx = cmark_node_next(node);
  if (!nx || cmark_node_get_type(nx) != CMARK_NODE_TEXT) return;
  sbuf_clear(&w->tmp);
  sbuf_puts(&w->tmp, cmark_node_get_literal(node));
  while (nx && cmark_node_get_type(nx) == CMARK_NODE_TEXT) {
    sbuf_puts(&w->tmp, cmark_node_get_literal(nx));
    cmark_node *dead = nx;
    nx = cmark_node_next(nx);
    cmark_node_free(dead); /* unlinks it */
  }
  cmark_node_set_literal(node, sbuf_str(&w->tmp));
}

static const char *unique_id(walk *w, const char *text) {
  char *base = dk_slug(w->a, text);
  if (!*base) base = "afsnit";
  const char *id = base;
  for (int k = 2; map_has(&w->ids, id); k++) id = arena_printf(w->a, "%s-%d", base, k);
  map_set(&w->ids, id, (void *)id);
  return id;
}

/* Cuts plain text at a word boundary before SUMMARY_CHARS characters. */
static const char *make_summary(arena *a, const char *s) {
  size_t chars = 0, cut = 0, len = strlen(s);
  for (size_t k = 0; k < len; k++) {
    if (((unsigned char)s[k] & 0xC0) == 0x80) continue;
    if (chars == SUMMARY_CHARS) {
      size_t end = cut ? cut : k;
      while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',' || s[end - 1] == ';' ||
                         s[end - 1] == ':'))
        end--;
      sbuf b = SBUF_INIT;
      sbuf_put(&b, s, end);
      sbuf_puts(&b, "\xE2\x80\xA6");
      char *r = sbuf_dup(&b, a);
      sbuf_free(&b);
      return r;
    }
    if (s[k] == ' ') cut = k;
    chars++;
  }
  return arena_strdup(a, s);
}

/* Offers a fenced block with an info string to the shortcode callback; a
 * block it handles is replaced after the walk (the iterator must not see
 * the tree change under it). */
static void run_shortcode(walk *w, cmark_node *node) {
  const char *info = cmark_node_get_fence_info(node);
  if (!info || !*info) return;
  size_t n = strcspn(info, " \t{");
  if (!n) return;
  char *name = arena_strndup(w->a, info, n);
  sbuf out = SBUF_INIT;
  int r = w->o->shortcode(w->o->shortcode_ctx, name, info, cmark_node_get_literal(node), &out);
  if (r > 0) {
    vec_push(&w->shortcodes, node);
    vec_push(&w->shortcode_html, sbuf_dup(&out, w->a));
  } else if (r < 0) {
    int line = cmark_node_get_start_line(node) + w->o->line_offset;
    if (w->d) diag_error(w->d, w->o->file, line, cmark_node_get_start_column(node), "%s", sbuf_str(&out));
    w->ok = false;
  }
  sbuf_free(&out);
}

static void replace_shortcodes(walk *w) {
  for (size_t i = 0; i < w->shortcodes.n; i++) {
    cmark_node *html = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(html, w->shortcode_html.items[i]);
    cmark_node_replace(w->shortcodes.items[i], html);
    cmark_node_free(w->shortcodes.items[i]);
  }
  vec_free(&w->shortcodes);
  vec_free(&w->shortcode_html);
}

static void walk_tree(walk *w, cmark_node *doc) {
  const md_options *o = w->o;
  const char *qo = o->quote_open ? o->quote_open : "\xC2\xBB";
  const char *qc = o->quote_close ? o->quote_close : "\xC2\xAB";
  uint32_t prev = 0;
  sbuf typo = SBUF_INIT;
  cmark_iter *it = cmark_iter_new(doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(node);
    if (is_block(node)) {
      prev = 0;
      w->in_word = false;
      if (ev == CMARK_EVENT_ENTER) {
        if (t == CMARK_NODE_HEADING ||
            (t == CMARK_NODE_PARAGRAPH && !w->summary_done && cmark_node_parent(node) == doc)) {
          w->collecting = node;
          sbuf_clear(&w->plain);
        } else if (t == CMARK_NODE_CODE_BLOCK) {
          count_words(w, cmark_node_get_literal(node));
          if (o->site_passes && o->shortcode) run_shortcode(w, node);
        }
      } else if (node == w->collecting) {
        const char *text = sbuf_dup(&w->plain, w->a);
        w->collecting = NULL;
        if (t == CMARK_NODE_HEADING) {
          md_heading h = {cmark_node_get_heading_level(node), unique_id(w, text), text};
          vec_push(&w->headings, h);
          if (o->site_passes) {
            cmark_node_set_user_data(node, (void *)h.id);
            cmark_node_set_syntax_extension(node, heading_ext);
          }
        } else {
          w->summary = make_summary(w->a, text);
          w->summary_done = true;
        }
      }
      continue;
    }
    if (ev != CMARK_EVENT_ENTER) continue;
    switch (t) {
    case CMARK_NODE_TEXT: {
      if (o->site_passes) {
        merge_text(w, node);
        if (typography(cmark_node_get_literal(node), &typo, &prev, qo, qc))
          cmark_node_set_literal(node, sbuf_str(&typo));
      }
      const char *lit = cmark_node_get_literal(node);
      count_words(w, lit);
      if (w->collecting) sbuf_puts(&w->plain, lit);
      break;
    }
    case CMARK_NODE_CODE: {
      const char *lit = cmark_node_get_literal(node);
      prev = last_cp(lit, strlen(lit));
      count_words(w, lit);
      if (w->collecting) sbuf_puts(&w->plain, lit);
      break;
    }
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      prev = ' ';
      w->in_word = false;
      if (w->collecting) sbuf_putc(&w->plain, ' ');
      break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
      if (o->site_passes) resolve_link(w, node);
      break;
    default:
      break;
    }
  }
  cmark_iter_free(it);
  sbuf_free(&typo);
}

/* ===================================================================== */
/* Entry points                                                           */
/* ===================================================================== */


static bool has_word(const char *list, const char *w) {
  size_t n = strlen(w);
  for (const char *p = list; *p;) {
    while (*p == ' ') p++;
    const char *q = p;
    while (*q && *q != ' ') q++;
    if ((size_t)(q - p) == n && memcmp(p, w, n) == 0) return true;
    p = q;
  }
  return false;
}

static int cmark_options(const md_options *o) {
  int opt = CMARK_OPT_DEFAULT;
  if (o->unsafe) opt |= CMARK_OPT_UNSAFE;
  if (o->smart) opt |= CMARK_OPT_SMART;
  if (o->footnotes || !o->extensions || has_word(o->extensions, "footnotes"))
    opt |= CMARK_OPT_FOOTNOTES;
  if (o->full_info_string) opt |= CMARK_OPT_FULL_INFO_STRING;
  if (o->table_style_attrs) opt |= CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES;
  return opt;
}

/* Parses under the lock (see parse_lock). The parser is returned too: its
 * extension list is what the HTML renderer needs. */
static cmark_node *parse(const md_options *o, const char *src, size_t n, cmark_parser **pp) {
  md_init();
  int opt = cmark_options(o);
  cmark_parser *p = cmark_parser_new(opt);
  for (size_t k = 0; k < sizeof all_extensions / sizeof *all_extensions; k++) {
    if (o->extensions && !atomic_load(&pinned) && !has_word(o->extensions, all_extensions[k])) continue;
    cmark_syntax_extension *e = cmark_find_syntax_extension(all_extensions[k]);
    if (e) cmark_parser_attach_syntax_extension(p, e);
  }
  /* Once pinned, the table holds the characters of every extension, so
   * every parser gets every extension (see md_pin_extensions). */
  bool lock = !atomic_load_explicit(&pinned, memory_order_acquire);
  if (lock) pthread_mutex_lock(&parse_lock);
  cmark_parser_feed(p, src, n);
  cmark_node *doc = cmark_parser_finish(p);
  if (lock) pthread_mutex_unlock(&parse_lock);
  *pp = p;
  return doc;
}

/* cmark-gfm labels the footnote back links in English; the site speaks
 * Danish. */
static const char backref_en[] = "aria-label=\"Back to content\"";
static const char backref_da[] = "aria-label=\"Tilbage til teksten\"";

static char *render(cmark_node *doc, cmark_parser *p, const md_options *o, arena *a) {
  char *html = cmark_render_html(doc, cmark_options(o), cmark_parser_get_syntax_extensions(p));
  char *r;
  if (o->site_passes && strstr(html, backref_en)) {
    sbuf b = SBUF_INIT;
    const char *at = html, *hit;
    while ((hit = strstr(at, backref_en))) {
      sbuf_put(&b, at, (size_t)(hit - at));
      sbuf_puts(&b, backref_da);
      at = hit + sizeof backref_en - 1;
    }
    sbuf_puts(&b, at);
    r = sbuf_dup(&b, a);
    sbuf_free(&b);
  } else {
    r = arena_strdup(a, html);
  }
  cmark_get_default_mem_allocator()->free(html);
  return r;
}

static const md_options default_options = {.site_passes = true, .unsafe = true};

static bool check(const md_options *o, const char *src, size_t n, diag *d) {
  guard g = {o->max_nesting ? o->max_nesting : DEFAULT_MAX_NESTING,
             o->max_columns ? o->max_columns : DEFAULT_MAX_COLUMNS, NULL, 0, 0, 0};
  if (guard_scan(&g, src, n)) return true;
  if (d) {
    char what[160];
    snprintf(what, sizeof what, g.why, g.value);
    int col = char_column(src, n, (int)g.line, (int)(g.col ? g.col : 1));
    diag_error(d, o->file, (int)g.line + o->line_offset, col,
               "%s; klar refuses it so the build cannot hang", what);
  }
  return false;
}

bool md_render(const char *src, size_t n, const md_options *opts, arena *a, diag *d,
               md_result *res) {
  const md_options *o = opts ? opts : &default_options;
  memset(res, 0, sizeof *res);
  res->html = "";
  res->summary = "";
  if (!check(o, src, n, d)) return false;

  cmark_parser *p;
  cmark_node *doc = parse(o, src, n, &p);
  walk w = {.o = o, .a = a, .d = d, .src = src, .n = n, .ok = true};
  walk_tree(&w, doc);
  replace_shortcodes(&w);
  res->html = render(doc, p, o, a);
  res->summary = w.summary ? w.summary : "";
  res->nheadings = w.headings.n;
  if (w.headings.n) {
    res->headings = arena_alloc(a, w.headings.n * sizeof *res->headings);
    memcpy(res->headings, w.headings.items, w.headings.n * sizeof *res->headings);
  }
  res->words = w.words;
  cmark_node_free(doc);
  cmark_parser_free(p);
  vec_free(&w.headings);
  map_free(&w.ids);
  sbuf_free(&w.tmp);
  sbuf_free(&w.plain);
  return w.ok;
}

const char *md_inline(const char *src, const md_options *opts, arena *a) {
  const md_options *o = opts ? opts : &default_options;
  size_t n = strlen(src);
  if (!check(o, src, n, NULL)) {
    sbuf b = SBUF_INIT;
    sbuf_put_html(&b, src, n);
    char *r = sbuf_dup(&b, a);
    sbuf_free(&b);
    return r;
  }
  cmark_parser *p;
  cmark_node *doc = parse(o, src, n, &p);
  /* no diag here: a broken link in front matter text keeps its destination */
  walk w = {.o = o, .a = a, .d = NULL, .src = src, .n = n, .ok = true};
  walk_tree(&w, doc);
  cmark_node *first = cmark_node_first_child(doc);
  char *html;
  if (first && !cmark_node_next(first) && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH) {
    /* One paragraph: drop its <p> and </p>\n. */
    html = render(doc, p, o, a);
    size_t len = strlen(html);
    if (len >= 8 && strncmp(html, "<p>", 3) == 0 && strcmp(html + len - 5, "</p>\n") == 0) {
      html[len - 5] = 0;
      html += 3;
    }
  } else {
    html = render(doc, p, o, a);
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  vec_free(&w.headings);
  map_free(&w.ids);
  sbuf_free(&w.tmp);
  sbuf_free(&w.plain);
  return html;
}

const char *md_typography(const char *s, const md_options *opts, arena *a) {
  const md_options *o = opts ? opts : &default_options;
  const char *qo = o->quote_open ? o->quote_open : "\xC2\xBB";
  const char *qc = o->quote_close ? o->quote_close : "\xC2\xAB";
  uint32_t prev = 0;
  sbuf out = SBUF_INIT;
  const char *r = s;
  if (s && typography(s, &out, &prev, qo, qc)) r = sbuf_dup(&out, a);
  sbuf_free(&out);
  return r;
}
