/* typo: Danish typography on text: the site's quotes for straight double
 * quotes, and no-break spaces in amounts, percentages and dates ("10 kr.",
 * "kr. 500", "50 %", "27. maj 2014"), so a line never breaks inside them. */
#include <string.h>
#include "md_int.h"

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

/* Does a unit that belongs to the number before it start at s[r]: "kr",
 * "mio", "mia", "%", "procent", "pct"? ("10 kr.", "50 %", "200 procent") */
static bool unit_at(const char *s, size_t r, size_t e) {
  switch (s[r]) {
  case 'k': return starts_word(s, r, e, "kr");
  case 'm': return starts_word(s, r, e, "mio") || starts_word(s, r, e, "mia");
  case 'p': return starts_word(s, r, e, "procent") || starts_word(s, r, e, "pct");
  case '%': return true;
  default: return false;
  }
}

/* Should the space at s[i] be a no-break space? b..e bounds the text.
 * Every rule needs a digit or a '.' on one side, or a month's last letter
 * before a digit, so most spaces are rejected by the first tests. */
static bool wants_nbsp(const char *s, size_t b, size_t i, size_t e) {
  if (i == b || i + 1 >= e) return false;
  unsigned char l = (unsigned char)s[i - 1];
  size_t r = i + 1;
  unsigned char rc = (unsigned char)s[r];
  /* "10 kr.", "4,95 mio. kr.", "2 mia. kr.", "50 %" */
  if (is_digit(l)) return unit_at(s, r, e);
  if (l == '.') {
    /* "kr. 500" */
    if (is_digit(rc) && i - b >= 3 && memcmp(s + i - 3, "kr.", 3) == 0 &&
        (i - 3 == b || !is_alpha_byte((unsigned char)s[i - 4])))
      return true;
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
uint32_t md_last_cp(const char *s, size_t n) {
  if (!n) return 0;
  size_t k = n - 1;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  const char *p = s + k;
  int cp = str_utf8_next(&p, s + n);
  return cp < 0 ? '?' : (uint32_t)cp;
}

/* Rewrites one text node's literal into out: straight double quotes become
 * the site's quotes, chosen by the character before (prev carries across
 * nodes of one block), and the spaces of "10 kr.", "kr. 500", "50 %",
 * "27. maj 2014" and "mio. kr." become no-break spaces (also when the number
 * ends the node before, as in "**10** kr."). Returns true if anything changed. */
bool md_typo_text(const char *s, sbuf *out, uint32_t *prev, const char *qo, const char *qc) {
  size_t n = strlen(s), copied = 0;
  bool changed = false;
  sbuf_clear(out);
  for (size_t i = 0; i < n; i++) {
    const char *rep;
    if (s[i] == '"') {
      uint32_t pc = i ? md_last_cp(s, i) : *prev;
      rep = opens_after(pc) ? qo : qc;
    } else if (s[i] == ' ' && (wants_nbsp(s, 0, i, n) ||
                               /* "**10** kr.": the number ends the node before */
                               (i == 0 && *prev >= '0' && *prev <= '9' && n > 1 && unit_at(s, 1, n)))) {
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
  if (n) *prev = md_last_cp(s, n);
  return changed;
}


static const md_options default_typo_options = {.site_passes = true};

const char *md_typography(const char *s, const md_options *opts, arena *a) {
  const md_options *o = opts ? opts : &default_typo_options;
  const char *qo = o->quote_open ? o->quote_open : "\xC2\xBB";
  const char *qc = o->quote_close ? o->quote_close : "\xC2\xAB";
  uint32_t prev = 0;
  sbuf out = SBUF_INIT;
  const char *r = s;
  if (s && md_typo_text(s, &out, &prev, qo, qc)) r = sbuf_dup(&out, a);
  sbuf_free(&out);
  return r;
}

