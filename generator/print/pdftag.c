/* pdftag: unmarked content becomes artifacts (see pdftag.h). */
#include "pdftag.h"
#include <stdlib.h>
#include <string.h>

/* A content stream as operations: each is its operands and its operator,
 * the bytes [start, end) of the stream. */
typedef struct op {
  size_t start, end;
  char name[4];   /* the operator, up to 3 bytes ("BDC", "Tj", "'") */
  bool mcid;      /* a BDC whose properties carry an /MCID */
} op;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0'; }
static bool is_delim(char c) { return strchr("/[]()<>{}%", c) != NULL; }

/* Skips one operand token at p; returns the position after it. */
static size_t skip_token(const char *s, size_t n, size_t p) {
  char c = s[p];
  if (c == '(') {
    int depth = 1;
    for (p++; p < n && depth; p++) {
      if (s[p] == '\\') p++;
      else if (s[p] == '(') depth++;
      else if (s[p] == ')') depth--;
    }
    return p;
  }
  if (c == '<' && p + 1 < n && s[p + 1] == '<') return p + 2;
  if (c == '>' && p + 1 < n && s[p + 1] == '>') return p + 2;
  if (c == '<') {
    while (p < n && s[p] != '>') p++;
    return p < n ? p + 1 : n;
  }
  if (c == '[' || c == ']' || c == '{' || c == '}') return p + 1;
  if (c == '/') p++;
  while (p < n && !is_space(s[p]) && !is_delim(s[p])) p++;
  return p;
}

static bool is_operand_start(const char *s, size_t n, size_t p) {
  char c = s[p];
  if (c == '/' || c == '(' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}') return true;
  if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return true;
  /* true, false and null are operands too */
  for (const char *w = "true\0false\0null\0"; *w; w += strlen(w) + 1) {
    size_t l = strlen(w);
    if (p + l <= n && !memcmp(s + p, w, l) && (p + l == n || is_space(s[p + l]) || is_delim(s[p + l])))
      return true;
  }
  return false;
}

/* Splits the stream into operations (a malloc'd array; *count gets its
 * length). Inline image data (BI … ID data EI) stays inside its EI
 * operation. */
static op *split_ops(const char *s, size_t n, size_t *count) {
  size_t cap = 64, m = 0;
  op *ops = malloc(cap * sizeof *ops);
  size_t p = 0, start = 0;
  bool mcid = false;
  while (p < n) {
    if (is_space(s[p])) {
      p++;
      continue;
    }
    if (s[p] == '%') {
      while (p < n && s[p] != '\n' && s[p] != '\r') p++;
      continue;
    }
    if (is_operand_start(s, n, p)) {
      size_t q = skip_token(s, n, p);
      if (q - p == 5 && !memcmp(s + p, "/MCID", 5)) mcid = true;
      p = q > p ? q : p + 1;
      continue;
    }
    size_t q = p;
    while (q < n && !is_space(s[q]) && !is_delim(s[q])) q++;
    if (q == p) q = p + 1;
    if (q - p == 2 && !memcmp(s + p, "ID", 2)) {
      /* Inline image data: up to the EI that ends it. */
      size_t e = q;
      while (e + 2 <= n && !(s[e] == 'E' && s[e + 1] == 'I' && (e + 2 == n || is_space(s[e + 2])) && is_space(s[e - 1])))
        e++;
      q = e + 2 <= n ? e + 2 : n;
    }
    if (m == cap) ops = realloc(ops, (cap *= 2) * sizeof *ops);
    op *o = &ops[m++];
    o->start = start;
    o->end = q;
    memset(o->name, 0, sizeof o->name);
    memcpy(o->name, s + p, q - p < 3 ? q - p : 3);
    o->mcid = mcid && !strcmp(o->name, "BDC");
    mcid = false;
    p = start = q;
  }
  *count = m;
  return ops;
}

static bool named(const op *o, const char *name) { return !strcmp(o->name, name); }

/* Whether the text object from ops[i] (a BT) to its ET holds a structure
 * element's marked content; *et gets the ET's index. */
static bool text_object_tagged(const op *ops, size_t m, size_t i, size_t *et) {
  bool tagged = false;
  size_t j = i + 1;
  for (; j < m && !named(&ops[j], "ET"); j++)
    if (ops[j].mcid) tagged = true;
  *et = j < m ? j : m - 1;
  return tagged;
}

void pdftag_mark(sbuf *out, const char *s, size_t n) {
  size_t m;
  op *ops = split_ops(s, n, &m);
  int depth = 0;
  bool artifact = false;
  size_t copied = 0;
  for (size_t i = 0; i < m; i++) {
    const op *o = &ops[i];
    size_t last = i; /* the operation a unit at depth 0 ends with */
    bool unit = depth == 0;
    if (named(o, "BDC") || named(o, "BMC")) {
      unit = false;
      depth++;
    } else if (named(o, "EMC")) {
      if (depth > 0) depth--;
      unit = false;
    } else if (unit && named(o, "BT")) {
      size_t et;
      if (text_object_tagged(ops, m, i, &et)) unit = false; /* Cairo tags outside BT; not met */
      else last = et;
    }
    if (unit && !artifact) {
      sbuf_put(out, s + copied, ops[i].start - copied);
      sbuf_puts(out, "\n/Artifact BMC\n");
      copied = ops[i].start;
      artifact = true;
    } else if (!unit && artifact) {
      sbuf_put(out, s + copied, ops[i].start - copied);
      sbuf_puts(out, "\nEMC\n");
      copied = ops[i].start;
      artifact = false;
    }
    i = last;
  }
  sbuf_put(out, s + copied, n - copied);
  if (artifact) sbuf_puts(out, "\nEMC\n");
  free(ops);
}

bool pdftag_artifacts(qpdf_data q) {
  int n = qpdf_get_num_pages(q);
  if (n < 0) return false;
  for (int i = 0; i < n; i++) {
    qpdf_oh pg = qpdf_get_page_n(q, (size_t)i);
    unsigned char *buf = NULL;
    size_t len = 0;
    if (qpdf_oh_get_page_content_data(q, pg, &buf, &len) & QPDF_ERRORS) {
      free(buf);
      return false;
    }
    sbuf out = SBUF_INIT;
    pdftag_mark(&out, (const char *)buf, len);
    free(buf);
    qpdf_oh st = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, st, (const unsigned char *)sbuf_str(&out), out.len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, pg, "/Contents", st);
    sbuf_free(&out);
  }
  return true;
}

typedef struct alt_walk {
  qpdf_data q;
  const char *const *alts;
  size_t n, seen;
} alt_walk;

/* Visits the structure elements below oh in the tree's order. */
static void walk_figures(alt_walk *w, qpdf_oh oh, int depth) {
  if (depth > 200) return; /* a tree Cairo wrote is shallow; a loop is not followed */
  if (qpdf_oh_is_array(w->q, oh)) {
    int n = qpdf_oh_get_array_n_items(w->q, oh);
    for (int i = 0; i < n; i++) walk_figures(w, qpdf_oh_get_array_item(w->q, oh, i), depth + 1);
    return;
  }
  if (!qpdf_oh_is_dictionary(w->q, oh) || !qpdf_oh_has_key(w->q, oh, "/S")) return;
  qpdf_oh s = qpdf_oh_get_key(w->q, oh, "/S");
  if (qpdf_oh_is_name(w->q, s) && strcmp(qpdf_oh_get_name(w->q, s), "/Figure") == 0) {
    if (w->seen < w->n && w->alts[w->seen] && *w->alts[w->seen])
      qpdf_oh_replace_key(w->q, oh, "/Alt", qpdf_oh_new_unicode_string(w->q, w->alts[w->seen]));
    w->seen++;
  }
  if (qpdf_oh_has_key(w->q, oh, "/K")) walk_figures(w, qpdf_oh_get_key(w->q, oh, "/K"), depth + 1);
}

bool pdftag_set_alts(qpdf_data q, const char *const *alts, size_t n) {
  qpdf_oh root = qpdf_get_root(q);
  if (!qpdf_oh_has_key(q, root, "/StructTreeRoot")) return n == 0;
  alt_walk w = {q, alts, n, 0};
  walk_figures(&w, qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/StructTreeRoot"), "/K"), 0);
  return w.seen == n;
}
