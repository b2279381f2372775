/* hyph: libhyphen behind klar's own interface (see hyph.h). */
#include "hyph.h"
#include <assert.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

static int lower1(int cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;
  return cp;
}

/* Words longer than this are left unhyphenated. */
#define MAX_WORD 255

/* Fills breaks[i] = 1 when a break is allowed after letter i of the word
 * (lat: lower-case Latin-1, len letters, 5 <= len <= MAX_WORD). */
static void word_breaks(const unsigned char *lat, int len, char *breaks) {
  assert(len > 0 && len <= MAX_WORD);
  memset(breaks, 0, (size_t)len);
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
}

void hyph_put(sbuf *out, const char *s, size_t n) {
  const char *p = s, *end = s + n;
  if (!hyph_load()) {
    sbuf_put(out, s, n);
    return;
  }
  while (p < end) {
    const char *q = p;
    int cp = str_utf8_next(&q, end);
    if (cp < 0) q = p + 1; /* not UTF-8: copied a byte at a time, not looped on */
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
    word_breaks(lat, len, breaks);
    for (int i = 0; i < len; i++) {
      sbuf_put(out, starts[i], (size_t)(starts[i + 1] - starts[i]));
      if (breaks[i]) sbuf_puts(out, "\xc2\xad");
    }
  }
}
