/* search: the text side of the index: Danish words out of text and HTML,
 * stop words, and what a result shows of a page besides its title (type
 * label, life stages). The index itself is made in search_index.c and
 * written by search_out.c. */
#include "search.h"
#include <assert.h>
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

/* word_char of each ASCII byte as a table: the lower-case byte of a letter
 * or digit, 0 for the rest (bytes from 0x80 start UTF-8 sequences, taken
 * apart below). The index reads 8 million words on the benchmark site: a
 * table look-up a byte, not a decoder call a character. */
#define WB(c) ((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') ? (c) : ((c) >= 'A' && (c) <= 'Z') ? (c) + 32 : 0
#define WB4(c) WB(c), WB(c + 1), WB(c + 2), WB(c + 3)
#define WB16(c) WB4(c), WB4(c + 4), WB4(c + 8), WB4(c + 12)
#define WB64(c) WB16(c), WB16(c + 16), WB16(c + 32), WB16(c + 48)
static const unsigned char ascii_word[256] = {WB64(0), WB64(64)}; /* from 128: 0 */

/* The word being cut: its bytes lower-cased (at most MAX_WORD are kept, the
 * buffer is longer so that the index may read it in 8-byte pieces), its
 * length in bytes and characters and where it started. */
typedef struct cut {
  char w[MAX_WORD + 24];
  size_t len, chars, start;
  bool in;
  search_token_fn fn;
  void *ctx;
} cut;

static void cut_end(cut *c, size_t at) {
  if (!c->in) return;
  c->in = false;
  if (c->chars > 1 && c->len <= MAX_WORD) {
    memset(c->w + c->len, 0, 16); /* NUL-terminated, and zeros to read in pieces */
    c->fn(c->ctx, c->w, c->len, c->start, at);
  }
}

static void cut_begin(cut *c, size_t at) {
  if (c->in) return;
  c->in = true;
  c->start = at;
  c->len = c->chars = 0;
}

/* Appends the n bytes of one character (already lower-case). */
static void cut_put(cut *c, const unsigned char *b, size_t n) {
  if (c->len + n <= MAX_WORD) memcpy(c->w + c->len, b, n);
  c->len += n;
  c->chars++;
}

/* Feeds code point cp (from a character reference), which began at byte
 * `at`: a letter goes into the word, a soft hyphen inside a word is
 * dropped, anything else ends the word. */
static void cut_cp(cut *c, int cp, size_t at) {
  if (cp == 0xAD && c->in) return;
  int lc = cp >= 0 && !(cp >= 0xD800 && cp <= 0xDFFF) ? word_char(cp) : -1;
  if (lc < 0) {
    cut_end(c, at);
    return;
  }
  unsigned char b[4];
  size_t n;
  if (lc < 0x80) b[0] = (unsigned char)lc, n = 1;
  else if (lc < 0x800) b[0] = (unsigned char)(0xC0 | (lc >> 6)), b[1] = (unsigned char)(0x80 | (lc & 0x3F)), n = 2;
  else if (lc < 0x10000)
    b[0] = (unsigned char)(0xE0 | (lc >> 12)), b[1] = (unsigned char)(0x80 | ((lc >> 6) & 0x3F)),
    b[2] = (unsigned char)(0x80 | (lc & 0x3F)), n = 3;
  else
    b[0] = (unsigned char)(0xF0 | (lc >> 18)), b[1] = (unsigned char)(0x80 | ((lc >> 12) & 0x3F)),
    b[2] = (unsigned char)(0x80 | ((lc >> 6) & 0x3F)), b[3] = (unsigned char)(0x80 | (lc & 0x3F)), n = 4;
  cut_begin(c, at);
  cut_put(c, b, n);
}

static size_t entity_cp(const char *s, const char *end, int *cp);
static bool is_block(const char *name, size_t n);
static const char *skip_element(const char *gt, const char *end, const char *close);

/* The one cutter of words: over text, or with html over an HTML fragment
 * as search_html_text would give its text (tags dropped, character
 * references decoded, scripts, styles and buttons left out, a block
 * element ending a word), with the offsets in the HTML. Letters and digits
 * of ASCII and the Danish letters (two-byte UTF-8 from C3) take a short
 * way; the rest goes through the UTF-8 decoder and word_char. */
static void cut_words(const char *t, size_t n, bool html, search_token_fn fn, void *ctx) {
  cut c = {.fn = fn, .ctx = ctx};
  const unsigned char *p = (const unsigned char *)t, *end = p + n;
  while (p < end) {
    unsigned char b = *p, lc = ascii_word[b];
    if (lc) {
      if (!c.in) cut_begin(&c, (size_t)(p - (const unsigned char *)t));
      /* In locals: a store into the word (a char) may alias any field of c. */
      const unsigned char *q = p;
      size_t len = c.len;
      char *w = c.w;
      do {
        if (len < MAX_WORD + 1) w[len] = (char)lc;
        len++;
        q++;
      } while (q < end && (lc = ascii_word[*q]));
      c.chars += (size_t)(q - p);
      c.len = len;
      p = q;
      continue;
    }
    size_t at = (size_t)(p - (const unsigned char *)t);
    if (b < 0x80) {
      if (html && b == '<') {
        const char *q = (const char *)p, *e = (const char *)end;
        if (e - q >= 4 && !memcmp(q, "<!--", 4)) { /* a comment: nothing, not even a break */
          const char *x = memmem(q, (size_t)(e - q), "-->", 3);
          p = x ? (const unsigned char *)x + 3 : end;
          continue;
        }
        const char *name = q + 1 + (q + 1 < e && q[1] == '/'), *ne = name;
        while (ne < e && ascii_word[(unsigned char)*ne]) ne++; /* [A-Za-z0-9] */
        const char *gt = ne > name ? memchr(q, '>', (size_t)(e - q)) : NULL;
        if (gt) {
          size_t nl = (size_t)(ne - name);
          const char *close = NULL;
          if (q[1] != '/') {
            if (nl == 6 && !strncasecmp(name, "script", 6)) close = "</script";
            else if (nl == 5 && !strncasecmp(name, "style", 5)) close = "</style";
            else if (nl == 6 && !strncasecmp(name, "button", 6)) close = "</button";
          }
          if (close) {
            gt = skip_element(gt, e, close);
            if (!gt) break; /* never closed: the rest is not text */
          } else if (is_block(name, nl)) {
            cut_end(&c, at);
          }
          p = (const unsigned char *)gt + 1;
          continue;
        }
      } else if (html && b == '&') {
        int cp;
        size_t k = entity_cp((const char *)p + 1, (const char *)end, &cp);
        if (k) {
          cut_cp(&c, cp, at);
          p += 1 + k;
          continue;
        }
      }
      cut_end(&c, at);
      p++;
      continue;
    }
    /* Latin-1 letters: C3 80-BF is U+00C0-00FF (× and ÷ are not letters). */
    if (b == 0xC3 && p + 1 < end && (p[1] & 0xC0) == 0x80 && p[1] != 0x97 && p[1] != 0xB7) {
      unsigned char two[2] = {0xC3, (unsigned char)(p[1] < 0x9F ? p[1] + 0x20 : p[1])};
      cut_begin(&c, at);
      cut_put(&c, two, 2);
      p += 2;
      continue;
    }
    const char *q = (const char *)p;
    int cp = str_utf8_next(&q, (const char *)end);
    if (cp < 0) { /* a byte that is no UTF-8: a break */
      cut_end(&c, at);
      p++;
      continue;
    }
    if (cp == 0xAD && c.in) {
      p = (const unsigned char *)q;
      continue;
    }
    if (word_char(cp) < 0) cut_end(&c, at);
    else {
      cut_begin(&c, at);
      cut_put(&c, p, (size_t)((const unsigned char *)q - p)); /* beyond Latin-1: as written */
    }
    p = (const unsigned char *)q;
  }
  cut_end(&c, n);
}

void search_tokenize(const char *t, size_t n, search_token_fn fn, void *ctx) {
  cut_words(t, n, false, fn, ctx);
}

void search_html_words(const char *html, size_t n, search_token_fn fn, void *ctx) {
  cut_words(html, n, true, fn, ctx);
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

/* The longest stop word, in bytes ("skulle", "været"): longer words, most
 * of the different words a site has, need no search. */
#define STOP_MAX 6

bool search_is_stop(const char *w, size_t n) {
  char buf[STOP_MAX + 1];
  if (n > STOP_MAX) return false;
  memcpy(buf, w, n);
  buf[n] = 0;
  const char *key = buf;
  return bsearch(&key, stop_words, NSTOP, sizeof stop_words[0], cmp_word) != NULL;
}

const char *const *search_stop_words(size_t *n) {
  for (size_t i = 0; i < NSTOP; i++) assert(strlen(stop_words[i]) <= STOP_MAX);
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
  /* Every tag of every page comes here: the name lower-cased once, its
   * first letter and length picking the few names to compare. */
  char low[12];
  if (n == 0 || n >= sizeof low) return false;
  for (size_t i = 0; i < n; i++) low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
  for (int i = 0; blocks[i]; i++) {
    const char *b = blocks[i];
    size_t k = 0;
    while (k < n && b[k] == low[k]) k++; /* low has no NUL: b ends no earlier than k */
    if (k == n && !b[k]) return true;
  }
  return false;
}

/* Decodes the character reference at s (just after '&', up to end) into
 * *cp; returns the bytes it took after '&', or 0 when it is not one. */
static size_t entity_cp(const char *s, const char *end, int *cp) {
  static const struct { const char *name; int cp; } named[] = {
      {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", 0xA0}, {"shy;", 0xAD},
  };
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
    size_t k = strlen(named[i].name);
    if ((size_t)(end - s) >= k && !memcmp(s, named[i].name, k)) {
      *cp = named[i].cp;
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
      *cp = (int)v;
      return (size_t)(q + 1 - s);
    }
  }
  return 0;
}

/* The '>' that ends the element whose start tag ends at gt and whose end
 * tag begins with close ("</script"), or NULL when it is not closed before
 * end. */
static const char *skip_element(const char *gt, const char *end, const char *close) {
  size_t k = strlen(close);
  for (const char *e = gt; (e = memchr(e, '<', (size_t)(end - e))) != NULL; e++) {
    if ((size_t)(end - e) < k) return NULL;
    if (!strncasecmp(e, close, k)) return memchr(e, '>', (size_t)(end - e));
  }
  return NULL;
}

void search_html_text_max(const char *html, size_t n, sbuf *out, size_t max) {
  const char *p = html, *end = html + n;
  while (p < end && out->len < max) {
    if (*p == '&') {
      int cp;
      size_t k = entity_cp(p + 1, end, &cp);
      if (k) {
        sbuf_put_utf8(out, cp);
        p += 1 + k;
        continue;
      }
      sbuf_putc(out, *p++);
      continue;
    }
    if (*p != '<') {
      const char *run = p;
      while (p < end && *p != '<' && *p != '&') p++;
      sbuf_put(out, run, (size_t)(p - run));
      continue;
    }
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
      const char *e = memmem(p, (size_t)(end - p), "-->", 3);
      p = e ? e + 3 : end;
      continue;
    }
    const char *name = p + 1 + (p + 1 < end && p[1] == '/');
    const char *ne = name;
    while (ne < end && ascii_word[(unsigned char)*ne]) ne++;
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
      gt = skip_element(gt, end, close);
      if (!gt) break;
    } else if (is_block(name, nl)) {
      sbuf_putc(out, '\n');
    }
    p = gt + 1;
  }
}

void search_html_text(const char *html, size_t n, sbuf *out) {
  search_html_text_max(html, n, out, (size_t)-1);
}

size_t search_html_block_start(const char *html, size_t off, size_t back, size_t text, bool *mid) {
  size_t low = off > back ? off - back : 0, after_gt = off, chars = 0;
  bool in_tag = false; /* going backwards: between a '>' and its '<' */
  for (size_t i = off; i-- > low;) {
    char c = html[i];
    if (in_tag) {
      if (c != '<') continue;
      in_tag = false;
      const char *name = html + i + 1 + (html[i + 1] == '/'), *ne = name;
      while (ascii_word[(unsigned char)*ne]) ne++;
      if (ne > name && is_block(name, (size_t)(ne - name))) {
        *mid = false;
        return i;
      }
    } else if (c == '>') {
      in_tag = true;
      after_gt = i + 1;
    } else if (++chars > text) { /* text enough before it: start in the middle */
      low = i;
      in_tag = false;
      break;
    }
  }
  *mid = low > 0;
  if (!low) return 0;
  if (in_tag) return after_gt;
  /* In the middle of text: at a space or just after a tag, not inside a
   * character or a character reference; back a little if one is near. */
  for (size_t k = low; k > 0 && low - k < 40; k--)
    if (html[k] == ' ' || html[k - 1] == '>') return k;
  while (low < off && html[low] != ' ') low++;
  return low;
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
