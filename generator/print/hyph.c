/* hyph: libhyphen behind klar's own interface (see hyph.h). */
#include "hyph.h"
#include <assert.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../core/fsx.h"
#include "../core/map.h"

static HyphenDict *dict;
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static void load_dict(void) { dict = hnj_hyphen_load(HYPH_DA_DICT); }

bool hyph_load(void) {
  pthread_once(&dict_once, load_dict);
  return dict != NULL;
}

/* Compounds the patterns break wrongly or not at all: the word in lower
 * case Latin-1... written here in UTF-8 with '-' at the allowed breaks. */
static const char *const exceptions[] = {
    "dag-til-bud", "dag-til-bud-det", "dag-til-bud-de-ne", "sund-heds-ple-jer-ske",
    "sund-heds-ple-jer-sker", "for-æl-dre", "for-æl-dre-ne", "bør-ne-ha-ve",
    "bør-ne-ha-ver", "pej-le-mær-ker", "pej-le-mær-ke", "ker-ne-grup-per-ne",
    "ker-ne-grup-pe", "ker-ne-grup-per", "vug-ge-stu-e", "dag-ple-je",
};

static bool is_letter(int cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
         (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7);
}

/* lat is lower-case Latin-1. */
static bool is_vowel(unsigned char c) {
  return c && strchr("aeiouy", c) ? true : c == 0xE6 || c == 0xF8 || c == 0xE5 || c == 0xE9 || c == 0xE4 || c == 0xF6 || c == 0xFC;
}

static int lower1(int cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;
  return cp;
}

/* Words longer than this are left unhyphenated. */
#define MAX_WORD 255

struct hyph_list {
  map words; /* lower-case Latin-1 word -> its breaks, a string of '0'/'1' */
  int longest;
};

/* The breaks the site's list gives the word's longest listed beginning:
 * returns its length in letters (0: none listed) and fills breaks[] up to
 * it. */
static int listed_breaks(const hyph_list *list, const unsigned char *lat, int len, char *breaks) {
  if (!list) return 0;
  char key[MAX_WORD + 1];
  for (int n = len < list->longest ? len : list->longest; n >= 2; n--) {
    memcpy(key, lat, (size_t)n);
    key[n] = '\0';
    const char *b = map_get(&list->words, key);
    if (!b) continue;
    for (int i = 0; i < n; i++) breaks[i] = b[i] == '1';
    return n;
  }
  return 0;
}

static void pattern_breaks(const unsigned char *lat, int len, char *breaks);

/* Fills breaks[i] = 1 when a break is allowed after letter i of the word
 * (lat: lower-case Latin-1, len letters, 5 <= len <= MAX_WORD). */
static void word_breaks(const hyph_list *list, const unsigned char *lat, int len, char *breaks) {
  assert(len > 0 && len <= MAX_WORD);
  memset(breaks, 0, (size_t)len);
  char mine[MAX_WORD + 1];
  int n = listed_breaks(list, lat, len, mine);
  if (n > 0) {
    /* The listed beginning as written; the ending (and the joint between
     * them) as the patterns break the whole word. */
    if (n < len) pattern_breaks(lat, len, breaks);
    memcpy(breaks, mine, (size_t)(n - 1));
    breaks[n - 1] = n < len && breaks[n - 1];
    for (int i = 0; i < len; i++)
      if (i < 1 || i > len - 4) breaks[i] = 0;
    return;
  }
  for (size_t e = 0; e < sizeof exceptions / sizeof *exceptions; e++) {
    const char *x = exceptions[e];
    int i = 0, ok = 1;
    char tmp[64];
    memset(tmp, 0, sizeof tmp);
    const char *end = x + strlen(x);
    while (x < end && ok) {
      int cp = str_utf8_next(&x, end);
      if (cp == '-') {
        if (i > 0 && i - 1 < (int)sizeof tmp) tmp[i - 1] = 1;
      } else {
        ok = i < len && lat[i] == cp;
        i++;
      }
    }
    if (ok && i == len && len <= (int)sizeof tmp) {
      memcpy(breaks, tmp, (size_t)len);
      return;
    }
  }
  pattern_breaks(lat, len, breaks);
}

/* The patterns' breaks, with the minima: two letters before, three after. */
static void pattern_breaks(const unsigned char *lat, int len, char *breaks) {
  memset(breaks, 0, (size_t)len);
  /* libhyphen takes a length but also reads the word as a C string: it
   * looks for its NOHYPHEN strings (an apostrophe, a hyphen) with strstr and
   * zeroes hyphens[] at every match, and reads the byte after the last
   * letter. Given a word that is not terminated, strstr ran on into stale
   * bytes and the zeroes landed past the end of hy. So it gets a
   * terminated copy, and hy the word_size + 5 bytes it fills. */
  char word[MAX_WORD + 1];
  char hy[MAX_WORD + 5];
  memcpy(word, lat, (size_t)len);
  word[len] = '\0';
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  if (hnj_hyphen_hyphenate3(dict, word, len, hy, NULL, &rep, &pos, &cut, 2, 3, 2, 2) == 0) {
    for (int i = 0; i < len - 1; i++)
      if ((hy[i] & 1) && !(rep && rep[i])) breaks[i] = 1;
  }
  if (rep) {
    for (int i = 0; i < len; i++) free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
  }
  /* The minima again: two letters before, three after. */
  for (int i = 0; i < len; i++)
    if (i < 1 || i > len - 4) breaks[i] = 0;
  /* The patterns often allow breaks on both sides of one letter at a
   * compound's joint ("må-l-ti-der", "lo-ka-l-om-rå-det", "kro-p-s-i-de-a-ler"):
   * all but one split the compound in the wrong place. Of a run of
   * neighbouring breaks one stays: the last that falls between a consonant
   * and a vowel (a second word that begins with a vowel: "lokal-område",
   * "krops-idealer", "derud-over"), else the last ("mål-tider",
   * "senior-rådet"). The site's list mends the words this gets wrong. */
  for (int i = 0; i < len; i++) {
    if (!breaks[i] || i + 1 >= len || !breaks[i + 1]) continue;
    int j = i, keep = -1;
    while (j < len && breaks[j]) {
      if (!is_vowel(lat[j]) && j + 1 < len && is_vowel(lat[j + 1])) keep = j;
      j++;
    }
    if (keep < 0) keep = j - 1;
    for (int k = i; k < j; k++) breaks[k] = k == keep;
    i = j;
  }
}

/* An e-mail or web address: the token (up to white space) from p has an
 * '@' or "://", or begins with "www." (after an opening bracket or quote).
 * Returns its end, or NULL. */
static bool token_end(const char *t, const char *end) {
  unsigned char c = (unsigned char)*t;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0') return true;
  return c == 0xC2 && t + 1 < end && (unsigned char)t[1] == 0xA0; /* no-break space */
}

static const char *address_end(const char *p, const char *end) {
  const char *t = p;
  bool at = false;
  /* Every look ahead stays below end: the text is not terminated there
   * (the fuzzer read past it at a lone 0xC2). */
  while (t < end && !token_end(t, end)) {
    if (*t == '@' || (*t == ':' && end - t >= 3 && t[1] == '/' && t[2] == '/')) at = true;
    t++;
  }
  if (at) return t;
  while (p < t && (*p == '(' || *p == '<' || *p == '[' || *p == '"' || *p == '\'')) p++;
  if (t - p >= 4 && strncasecmp(p, "www.", 4) == 0) return t;
  return NULL;
}

void hyph_put(sbuf *out, const char *s, size_t n) { hyph_put_list(NULL, out, s, n); }

void hyph_put_list(const hyph_list *list, sbuf *out, const char *s, size_t n) {
  const char *p = s, *end = s + n;
  if (!hyph_load()) {
    sbuf_put(out, s, n);
    return;
  }
  bool token_start = true;
  while (p < end) {
    if (token_start) {
      const char *a = address_end(p, end);
      if (a) {
        sbuf_put(out, p, (size_t)(a - p));
        p = a;
        continue;
      }
    }
    const char *q = p;
    int cp = str_utf8_next(&q, end);
    if (cp < 0) q = p + 1; /* not UTF-8: copied a byte at a time, not looped on */
    token_start = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0;
    if (!is_letter(cp)) {
      sbuf_put(out, p, (size_t)(q - p));
      p = q;
      continue;
    }
    /* A word: a run of letters. */
    const char *w = p;
    unsigned char lat[256];
    const char *starts[257];
    int len = 0;
    bool latin = true;
    while (p < end) {
      q = p;
      cp = str_utf8_next(&q, end);
      if (cp < 0 || !(is_letter(cp) || (cp > 0xFF && (cp < 0x2000 || cp > 0x2BFF) && cp < 0x3000)))
        break;
      if (cp > 0xFF) latin = false;
      if (len < 256) {
        lat[len] = (unsigned char)lower1(cp);
        starts[len] = p;
      }
      len++;
      p = q;
    }
    if (!latin || len < 5 || len > MAX_WORD) {
      sbuf_put(out, w, (size_t)(p - w));
      continue;
    }
    starts[len] = p;
    char breaks[256];
    word_breaks(list, lat, len, breaks);
    for (int i = 0; i < len; i++) {
      sbuf_put(out, starts[i], (size_t)(starts[i + 1] - starts[i]));
      if (breaks[i]) sbuf_puts(out, "\xc2\xad");
    }
  }
}

/* One line of the list: the word's letters as lower-case Latin-1 in key,
 * its breaks in brk; returns the column (1-based) of the first character
 * that is neither a letter nor '-', or 0 when the line is a word. */
static int parse_entry(const char *s, const char *end, char *key, char *brk, int *len) {
  const char *p = s;
  int n = 0;
  while (p < end) {
    const char *at = p;
    int cp = str_utf8_next(&p, end);
    if (cp == '-' && n > 0 && brk[n - 1] == '0') {
      brk[n - 1] = '1';
    } else if (cp >= 0 && is_letter(cp) && n < MAX_WORD) {
      key[n] = (char)lower1(cp);
      brk[n++] = '0';
    } else {
      return (int)(at - s) + 1;
    }
  }
  key[n] = brk[n] = '\0';
  *len = n;
  return n >= 2 ? 0 : 1;
}

hyph_list *hyph_list_load(arena *a, const char *path, const char *shown, diag *d) {
  size_t size;
  char *src = fsx_read(a, path, &size);
  if (!src) return NULL;
  hyph_list *l = arena_alloc(a, sizeof *l);
  memset(l, 0, sizeof *l);
  arena_defer(a, (void (*)(void *))map_free, &l->words);
  const char *p = src, *end = src + size;
  for (int line = 1; p < end; line++) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    const char *b = p, *t = e;
    while (b < t && (*b == ' ' || *b == '\t')) b++;
    while (t > b && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r')) t--;
    if (b < t && *b != '#') {
      char key[MAX_WORD + 1], brk[MAX_WORD + 1];
      int len = 0, col = parse_entry(b, t, key, brk, &len);
      if (col) {
        diag_warning(d, shown, line, (int)(b - p) + col,
                     "'%.*s' is not a word with '-' at its breaks (letters a-z, æ, ø, å and the like): the line is skipped",
                     (int)(t - b), b);
      } else {
        char *k = arena_strndup(a, key, (size_t)len);
        map_set(&l->words, k, arena_strndup(a, brk, (size_t)len));
        if (len > l->longest) l->longest = len;
      }
    }
    p = e < end ? e + 1 : end;
  }
  return l;
}
