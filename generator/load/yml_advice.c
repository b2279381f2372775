/* yml_advice: libyaml's phrases ("mapping values are not allowed in this
 * context") are true but mean nothing to the people who write the front
 * matter. Each case here was found by feeding libyaml the mistakes editors
 * make (tests/messages/yaml/ holds one file for each); the advice names the
 * usual cause and shows the fix on the editor's own line. */
#include "yml_advice.h"
#include "../core/str.h"
#include <stdlib.h>
#include <string.h>

/* One line of the YAML text: its bytes, and its parts as "key: value". */
typedef struct yline {
  const char *s;  /* start of the line */
  size_t len;     /* without the newline */
  size_t indent;  /* leading spaces */
  char key[128];  /* the field name, "" when the line has no "key: " */
  char value[256];/* the rest after ": ", trimmed; "" if none */
} yline;

static bool get_line(const char *src, size_t n, int line, yline *y) {
  memset(y, 0, sizeof *y);
  const char *p = src, *end = src + n;
  for (int i = 0; i < line; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return false;
    p = nl + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  y->s = p;
  y->len = nl ? (size_t)(nl - p) : (size_t)(end - p);
  if (y->len && p[y->len - 1] == '\r') y->len--;
  while (y->indent < y->len && p[y->indent] == ' ') y->indent++;
  const char *k = p + y->indent, *le = p + y->len;
  const char *colon = NULL;
  for (const char *c = k; c < le; c++)
    if (*c == ':' && (c + 1 == le || c[1] == ' ')) { colon = c; break; }
  if (colon && colon > k && (size_t)(colon - k) < sizeof y->key && *k != '-' && *k != '"' && *k != '\'') {
    memcpy(y->key, k, (size_t)(colon - k));
    const char *v = colon + 1;
    while (v < le && *v == ' ') v++;
    const char *ve = le;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    size_t vn = (size_t)(ve - v) < sizeof y->value - 1 ? (size_t)(ve - v) : sizeof y->value - 1;
    memcpy(y->value, v, vn);
  }
  return true;
}

/* The byte at character column col (0-based) of the line, or NULL past its
 * end. */
static const char *at_col(const yline *y, int col) {
  const char *p = y->s, *end = y->s + y->len;
  for (int i = 0; i < col && p < end; i++)
    if (str_utf8_next(&p, end) < 0) p++;
  return p < end ? p : NULL;
}

/* The character at p as a string (one UTF-8 sequence), in buf. */
static const char *char_at(const char *p, const yline *y, char buf[8]) {
  const char *q = p, *end = y->s + y->len;
  if (str_utf8_next(&q, end) < 0) q = p + 1;
  size_t k = (size_t)(q - p) < 7 ? (size_t)(q - p) : 7;
  memcpy(buf, p, k);
  buf[k] = 0;
  return buf;
}

static bool has(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

/* A value that cannot start with its first character (@ ` % , * & ! | >):
 * the fix is quotes, shown on the editor's own field when the line has one. */
static void cannot_start(diag *d, const char *file, int line, int col, const yline *y, const char *ch) {
  if (y->key[0] && y->value[0] && !strchr(y->value, '"'))
    diag_error(d, file, line, col, "a value cannot start with '%s' in YAML: put the value in quotes, like %s: \"%s\"",
               ch, y->key, y->value);
  else
    diag_error(d, file, line, col, "a value cannot start with '%s' in YAML: put the value in quotes", ch);
}

static void tab(diag *d, const char *file, int line, int col) {
  diag_error(d, file, line, col,
             "a tab character: YAML indents with spaces only; replace the tab with spaces");
}

bool yml_advise(diag *d, const char *file, int off, const char *src, size_t n, const yml_failure *f) {
  const char *pr = f->problem, *cx = f->context;
  yline pl, cl;
  if (!get_line(src, n, f->pline, &pl)) memset(&pl, 0, sizeof pl);
  if (!get_line(src, n, f->cline, &cl)) memset(&cl, 0, sizeof cl);
  int pline = f->pline + 1 + off, pcol = f->pcol + 1;
  int cline = f->cline + 1 + off, ccol = f->ccol + 1;
  const char *pc = pl.s ? at_col(&pl, f->pcol) : NULL;
  const char *cc = cl.s ? at_col(&cl, f->ccol) : NULL;
  char buf[8];

  /* A colon in a value, a field indented under another, or a colon
   * without its space on the line above: libyaml says the same for all. */
  if (has(pr, "mapping values are not allowed")) {
    if (pl.key[0] && (size_t)(pc ? pc - pl.s : 0) > pl.indent + strlen(pl.key)) {
      if (!strchr(pl.value, '"'))
        diag_error(d, file, pline, pcol, "a colon inside the value of '%s': put the value in quotes, like %s: \"%s\"",
                   pl.key, pl.key, pl.value);
      else
        diag_error(d, file, pline, pcol, "a colon inside the value of '%s': put the value in quotes", pl.key);
      return true;
    }
    yline prev;
    int before = f->pline - 1;
    while (before >= 0 && get_line(src, n, before, &prev) && prev.indent == prev.len) before--;
    if (before >= 0 && get_line(src, n, before, &prev)) {
      if (pl.indent > prev.indent && prev.key[0]) {
        diag_error(d, file, pline, (int)pl.indent + 1,
                   "this line is indented more than the line above: start each field at the beginning of the line "
                   "(only the items of a list are indented under their field)");
        return true;
      }
      if (!prev.key[0]) {
        const char *c = memchr(prev.s, ':', prev.len);
        if (c)
          diag_error(d, file, before + 1 + off, (int)(c - prev.s) + 1,
                     "a colon without a space after it: write a space after the colon, like 'title: Robusthed'");
        else
          diag_error(d, file, before + 1 + off, (int)prev.indent + 1,
                     "this line has no colon: write each field as 'name: value', like 'title: Robusthed'");
        return true;
      }
    }
    return false;
  }
  if (has(pr, "found character that cannot start any token") || has(pr, "found a tab character")) {
    if (has(pr, "tab") || (pc && *pc == '\t')) tab(d, file, pline, pcol);
    else if (pc) cannot_start(d, file, pline, pcol, &pl, char_at(pc, &pl, buf));
    else return false;
    return true;
  }
  if (has(pr, "while scanning an alias") || has(pr, "while scanning an anchor") ||
      has(cx, "while scanning an alias") || has(cx, "while scanning an anchor") ||
      has(cx, "while scanning a block scalar") || has(cx, "while parsing a block node") ||
      has(cx, "while parsing a flow node") || has(pr, "found undefined tag handle") ||
      has(cx, "while scanning a tag")) {
    const char *c = cc ? cc : pc;
    if (!c) return false;
    cannot_start(d, file, cc ? cline : pline, cc ? ccol : pcol, cc ? &cl : &pl, char_at(c, cc ? &cl : &pl, buf));
    return true;
  }
  if (has(pr, "end of stream") && has(cx, "quoted scalar") && cc) {
    diag_error(d, file, cline, ccol, "the quote (%s) that starts this value is never closed: end the value with %s on the same line",
               char_at(cc, &cl, buf), buf);
    return true;
  }
  if (has(pr, "unknown escape character") && cc) {
    diag_error(d, file, cline, ccol,
               "a backslash (\\) inside double quotes starts a special character: write \\\\ for a backslash, or use single quotes");
    return true;
  }
  if (has(cx, "flow sequence") || has(cx, "flow mapping")) {
    bool list = has(cx, "flow sequence");
    if (list)
      diag_error(d, file, cline, ccol,
                 "the list opened with '[' is not closed with ']' on its line, like [trivsel, læring]; "
                 "for text that starts with '[', put the value in quotes");
    else
      diag_error(d, file, cline, ccol,
                 "the '{' that starts this value is not closed with '}'; for text that starts with '{', put the value in quotes");
    return true;
  }
  if (has(pr, "block sequence entries are not allowed")) {
    diag_error(d, file, pline, pcol,
               "a list cannot start on the line of its field: put each item on its own line below, indented, "
               "like '  - trivsel'; for text that starts with '-', put the value in quotes");
    return true;
  }
  if (has(pr, "did not find expected key") || has(pr, "did not find expected '-' indicator")) {
    /* The problem is at the line's first character (indentation) or after
     * a closed quote or list on the line (text after it). */
    if (pc && (size_t)(pc - pl.s) > pl.indent) {
      char first = pl.value[0];
      if (first == '[' || first == '{')
        diag_error(d, file, pline, pcol,
                   "text after a list in '[ ]': for text that starts with '%c', put the whole value in quotes, like %s: \"%s\"",
                   first, pl.key, pl.value);
      else
        diag_error(d, file, pline, pcol,
                   "text after the closing quote: put the whole value in quotes; to write a quote inside them, "
                   "use the other kind (\"Mor's dag\") or write ' twice ('Mor''s dag')");
      return true;
    }
    diag_error(d, file, pline, pcol,
               "this line does not line up with the lines above: fields start at the beginning of the line, and the "
               "items of one list are all indented by the same number of spaces");
    return true;
  }
  return false;
}
