/* search: the text side of the index: Danish words out of text and HTML,
 * stop words, and what a result shows of a page besides its title (type
 * label, life stages). The index itself is made in search_index.c. */
#include "search.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ tokenizer */

/* The lower-case form of code point c when it is part of a word, else -1.
 * assets/js/search.js has the same function (wordChar): the browser must cut
 * and fold a query exactly as the index was cut and folded. */
static int word_char(int c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0xDF && c <= 0xFF && c != 0xF7) return c;
  if (c < 0x100) return -1;
  /* Beyond Latin-1: punctuation, symbols and spaces separate words, the
   * rest (letters of other scripts, combining marks) is kept as written. */
  if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || c == 0xFEFF || c >= 0xE000) return -1;
  return c;
}

#define MAX_WORD 40

void search_tokenize(const char *t, size_t n, search_token_fn fn, void *ctx) {
  const char *p = t, *end = t + n;
  sbuf w = SBUF_INIT;
  size_t start = 0, chars = 0;
  bool in = false;
  while (p <= end) {
    const char *at = p;
    int c = p < end ? str_utf8_next(&p, end) : -1;
    if (p == at) p++; /* the end, or a byte str_utf8_next could not take */
    if (c == 0xAD && in) continue; /* a soft hyphen inside a word */
    int lc = c >= 0 ? word_char(c) : -1;
    if (lc >= 0) {
      if (!in) {
        in = true;
        start = (size_t)(at - t);
        chars = 0;
        sbuf_clear(&w);
      }
      sbuf_put_utf8(&w, lc);
      chars++;
      continue;
    }
    if (in) {
      in = false;
      if (chars > 1 && w.len <= MAX_WORD) fn(ctx, w.data, w.len, start, (size_t)(at - t));
    }
    if (at >= end) break;
  }
  sbuf_free(&w);
}

/* Snowball's Danish stop word list, sorted for bsearch (byte order). The
 * start file of the index carries it to the browser, so both drop the
 * same words. */
static const char *const stop_words[] = {
    "ad",     "af",     "alle",   "alt",    "anden",  "at",     "blev",  "blive",  "bliver", "da",
    "de",     "dem",    "den",    "denne",  "der",    "deres",  "det",   "dette",  "dig",    "din",
    "disse",  "dog",    "du",     "efter",  "eller",  "en",     "end",   "er",     "et",     "for",
    "fra",    "ham",    "han",    "hans",   "har",    "havde",  "have",  "hende",  "hendes", "her",
    "hos",    "hun",    "hvad",   "hvis",   "hvor",   "i",      "ikke",  "ind",    "jeg",    "jer",
    "jo",     "kunne",  "man",    "mange",  "med",    "meget",  "men",   "mig",    "min",    "mine",
    "mit",    "mod",    "ned",    "noget",  "nogle",  "nu",     "når",   "og",     "også",   "om",
    "op",     "os",     "over",   "på",     "selv",   "sig",    "sin",   "sine",   "sit",    "skal",
    "skulle", "som",    "sådan",  "thi",    "til",    "ud",     "under", "var",    "vi",     "vil",
    "ville",  "vor",    "være",   "været",
};
#define NSTOP (sizeof stop_words / sizeof stop_words[0])

static int cmp_word(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool search_is_stop(const char *w, size_t n) {
  char buf[MAX_WORD + 1];
  if (n > MAX_WORD) return false;
  memcpy(buf, w, n);
  buf[n] = 0;
  const char *key = buf;
  return bsearch(&key, stop_words, NSTOP, sizeof stop_words[0], cmp_word) != NULL;
}

const char *const *search_stop_words(size_t *n) {
  *n = NSTOP;
  return stop_words;
}

/* ---------------------------------------------------------- HTML → text */

/* Elements whose end (or start) ends a run of text: a snippet should not
 * glue the last word of a heading to the first of the paragraph below. */
static bool is_block(const char *name, size_t n) {
  static const char *const blocks[] = {"p",  "div", "h1", "h2", "h3",         "h4",    "h5", "h6", "li",
                                       "ul", "ol",  "tr", "td", "th",         "table", "br", "dt", "dd",
                                       "blockquote", "pre", "figure", "figcaption", "section", "hr", NULL};
  for (int i = 0; blocks[i]; i++)
    if (strlen(blocks[i]) == n && !strncasecmp(blocks[i], name, n)) return true;
  return false;
}

/* Decodes the character reference at s (just after '&', up to end) into b;
 * returns the bytes it took after '&', or 0 when it is not one. */
static size_t entity(const char *s, const char *end, sbuf *b) {
  static const struct { const char *name; int cp; } named[] = {
      {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", 0xA0}, {"shy;", 0xAD},
  };
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
    size_t k = strlen(named[i].name);
    if ((size_t)(end - s) >= k && !memcmp(s, named[i].name, k)) {
      sbuf_put_utf8(b, named[i].cp);
      return k;
    }
  }
  if (s < end && *s == '#') {
    const char *q = s + 1;
    int base = 10;
    if (q < end && (*q == 'x' || *q == 'X')) base = 16, q++;
    long v = 0;
    const char *digits = q;
    while (q < end && q - digits < 7) {
      int c = *q, d = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                     : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) break;
      v = v * base + d;
      q++;
    }
    if (q > digits && q < end && *q == ';' && v > 0 && v <= 0x10FFFF) {
      sbuf_put_utf8(b, (int)v);
      return (size_t)(q + 1 - s);
    }
  }
  return 0;
}

void search_html_text(const char *html, size_t n, sbuf *out) {
  const char *p = html, *end = html + n;
  while (p < end) {
    if (*p == '&') {
      size_t k = entity(p + 1, end, out);
      if (k) {
        p += 1 + k;
        continue;
      }
      sbuf_putc(out, *p++);
      continue;
    }
    if (*p != '<') {
      sbuf_putc(out, *p++);
      continue;
    }
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
      const char *e = memmem(p, (size_t)(end - p), "-->", 3);
      p = e ? e + 3 : end;
      continue;
    }
    const char *name = p + 1 + (p + 1 < end && p[1] == '/');
    const char *ne = name;
    while (ne < end && ((*ne >= 'a' && *ne <= 'z') || (*ne >= 'A' && *ne <= 'Z') || (*ne >= '0' && *ne <= '9'))) ne++;
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if (!gt || ne == name) { /* a lone '<' in text */
      sbuf_putc(out, *p++);
      continue;
    }
    size_t nl = (size_t)(ne - name);
    bool closing = p[1] == '/';
    /* Scripts, styles and buttons (the video's "Afspil videoen") are not
     * what the page says. */
    const char *close = NULL;
    if (nl == 6 && !strncasecmp(name, "script", 6)) close = "</script";
    else if (nl == 5 && !strncasecmp(name, "style", 5)) close = "</style";
    else if (nl == 6 && !strncasecmp(name, "button", 6)) close = "</button";
    if (!closing && close) {
      const char *e = strcasestr(gt, close);
      if (!e || e >= end) break;
      gt = memchr(e, '>', (size_t)(end - e));
      if (!gt) break;
    } else if (is_block(name, nl)) {
      sbuf_putc(out, '\n');
    }
    p = gt + 1;
  }
}

/* -------------------------------------------------- what a result shows */

const char *search_type_label(const site *s, const page *p) {
  switch (p->kind) {
  case PAGE_HOME: return "Forside";
  case PAGE_SECTION: return "Oversigt";
  case PAGE_TAXONOMY:
  case PAGE_TERM: return "Emne";
  case PAGE_REGULAR: break;
  }
  const type_schema *t = model_type(s, p->type);
  if (t && t->title) return t->title;
  return "Side";
}

/* The title of a referenced page (a VAL_REF's page), or NULL. */
static const char *ref_title(const val *v) {
  if (!v || v->kind != VAL_REF || !v->u.ref.page) return NULL;
  return ((const page *)v->u.ref.page)->title;
}

const char *search_stages(const site *s, const page *p, arena *a) {
  (void)s;
  const char *one = ref_title(val_get(p->fm, "stage"));
  if (one) return one;
  const val *l = val_get(p->fm, "stages");
  if (!l || l->kind != VAL_LIST || !l->u.list.n) return NULL;
  sbuf b = SBUF_INIT;
  for (size_t i = 0; i < l->u.list.n; i++) {
    const char *t = ref_title(l->u.list.items[i]);
    if (!t) continue;
    if (b.len) sbuf_puts(&b, ", ");
    sbuf_puts(&b, t);
  }
  const char *r = b.len ? sbuf_dup(&b, a) : NULL;
  sbuf_free(&b);
  return r;
}
