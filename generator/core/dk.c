/* dk: Danish slugs, dates and numbers. */
#include "dk.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NBSP "\xC2\xA0"

/* Latin-1 supplement letters and what a slug writes for them. */
static const char *fold_latin1(int cp) {
  switch (cp) {
  case 0xE6: case 0xC6: return "ae";
  case 0xF8: case 0xD8: return "oe";
  case 0xE5: case 0xC5: return "aa";
  case 0xE4: case 0xC4: return "ae";
  case 0xF6: case 0xD6: return "oe";
  case 0xFC: case 0xDC: return "ue";
  case 0xDF: return "ss";
  case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xC0: case 0xC1: case 0xC2: case 0xC3: return "a";
  case 0xE7: case 0xC7: return "c";
  case 0xE8: case 0xE9: case 0xEA: case 0xEB: case 0xC8: case 0xC9: case 0xCA: case 0xCB: return "e";
  case 0xEC: case 0xED: case 0xEE: case 0xEF: case 0xCC: case 0xCD: case 0xCE: case 0xCF: return "i";
  case 0xF1: case 0xD1: return "n";
  case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xD2: case 0xD3: case 0xD4: case 0xD5: return "o";
  case 0xF9: case 0xFA: case 0xFB: case 0xD9: case 0xDA: case 0xDB: return "u";
  case 0xFD: case 0xFF: case 0xDD: return "y";
  default: return NULL;
  }
}

void dk_slug_put(sbuf *b, const char *s, size_t n) {
  const char *p = s, *end = s + n;
  size_t start = b->len;
  bool dash = false;
  while (p < end) {
    int cp = str_utf8_next(&p, end);
    if (cp < 0) { p++; continue; }
    const char *rep = NULL;
    char one[2] = {0, 0};
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      one[0] = (char)cp;
      rep = one;
    } else if (cp >= 'A' && cp <= 'Z') {
      one[0] = (char)(cp - 'A' + 'a');
      rep = one;
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      rep = fold_latin1(cp);
    }
    if (rep) {
      if (dash && b->len > start) sbuf_putc(b, '-');
      dash = false;
      sbuf_puts(b, rep);
    } else {
      dash = true;
    }
  }
}

char *dk_slug(arena *a, const char *s) {
  sbuf b = SBUF_INIT;
  dk_slug_put(&b, s, strlen(s));
  char *r = sbuf_dup(&b, a);
  sbuf_free(&b);
  return r;
}

static const char *months[] = {"januar", "februar", "marts", "april", "maj", "juni",
                               "juli", "august", "september", "oktober", "november", "december"};
static const char *weekdays[] = {"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"};

const char *dk_month(int m) { return m >= 1 && m <= 12 ? months[m - 1] : "?"; }

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : dm[m - 1];
}

static bool digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool dk_parse_date(const char *s, int *y, int *m, int *d) {
  int yy, mm, dd, n = 10;
  /* Layouts format every listed page's date: the plain YYYY-MM-DD shape is
   * read directly (sscanf was 2% of a build); anything else goes through
   * sscanf as before, so what is accepted does not change. */
  if (!(digits(s, 4, &yy) && s[4] == '-' && digits(s + 5, 2, &mm) && s[7] == '-' && digits(s + 8, 2, &dd)) &&
      (sscanf(s, "%4d-%2d-%2d%n", &yy, &mm, &dd, &n) != 3 || n != 10))
    return false;
  if (s[n] && s[n] != 'T' && s[n] != ' ') return false;
  if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm)) return false;
  *y = yy;
  *m = mm;
  *d = dd;
  return true;
}

/* Days from civil, after Howard Hinnant's algorithm. */
long dk_days(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

const char *dk_weekday(int y, int m, int d) {
  long days = dk_days(y, m, d); /* 1970-01-01 was a Thursday */
  long w = ((days % 7) + 7 + 3) % 7;
  return weekdays[w];
}

void dk_date_put(sbuf *b, int y, int m, int d, bool nbsp) {
  const char *sp = nbsp ? NBSP : " ";
  sbuf_printf(b, "%d.%s%s%s%d", d, sp, dk_month(m), sp, y);
}

void dk_date_short_put(sbuf *b, int y, int m, int d) { sbuf_printf(b, "%d.%d.%d", d, m, y); }

void dk_number_put(sbuf *b, double x, int decimals) {
  if (isnan(x) || isinf(x)) {
    sbuf_puts(b, isnan(x) ? "NaN" : x < 0 ? "-∞" : "∞");
    return;
  }
  char tmp[64];
  int dec = decimals < 0 ? 6 : decimals;
  if (dec > 12) dec = 12;
  snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(x));
  char *dot = strchr(tmp, '.');
  size_t intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
  char *frac = dot ? dot + 1 : NULL;
  if (frac && decimals < 0) {
    size_t fl = strlen(frac);
    while (fl && frac[fl - 1] == '0') frac[--fl] = 0;
    if (!fl) frac = NULL;
  }
  bool zero = strspn(tmp, "0.") == strlen(tmp);
  if (x < 0 && !zero) sbuf_putc(b, '-');
  for (size_t i = 0; i < intlen; i++) {
    if (i && (intlen - i) % 3 == 0) sbuf_putc(b, '.');
    sbuf_putc(b, tmp[i]);
  }
  if (frac && *frac) {
    sbuf_putc(b, ',');
    sbuf_puts(b, frac);
  }
}

void dk_money_put(sbuf *b, double kr) {
  double a = fabs(kr);
  if (a >= 1e9) {
    dk_number_put(b, round(kr / 1e7) / 100, -1);
    sbuf_puts(b, NBSP "mia." NBSP "kr.");
  } else if (a >= 1e6) {
    dk_number_put(b, round(kr / 1e4) / 100, -1);
    sbuf_puts(b, NBSP "mio." NBSP "kr.");
  } else {
    dk_number_put(b, kr, floor(a) == a ? 0 : 2);
    sbuf_puts(b, NBSP "kr.");
  }
}

/* The primary weight of a code point in Danish order: letters a–z, then æ ø
 * å; accented letters weigh as their base letter; digits before letters. */
static int primary(int cp) {
  if (cp >= 'A' && cp <= 'Z') cp += 32;
  if (cp >= 'a' && cp <= 'z') return 100 + (cp - 'a');
  if (cp >= '0' && cp <= '9') return 50 + (cp - '0');
  switch (cp) {
  case 0xE6: case 0xC6: case 0xE4: case 0xC4: return 126;
  case 0xF8: case 0xD8: case 0xF6: case 0xD6: return 127;
  case 0xE5: case 0xC5: return 128;
  default: break;
  }
  if (cp >= 0xC0 && cp <= 0xFF) {
    const char *f = fold_latin1(cp);
    if (f) return 100 + (f[0] - 'a');
  }
  return cp < 128 ? cp : 1000 + cp;
}

int dk_collate(const char *a, const char *b) {
  const char *pa = a, *pb = b, *ea = a + strlen(a), *eb = b + strlen(b);
  while (pa < ea && pb < eb) {
    int ca = str_utf8_next(&pa, ea), cb = str_utf8_next(&pb, eb);
    if (ca < 0) { ca = (unsigned char)*pa; pa++; }
    if (cb < 0) { cb = (unsigned char)*pb; pb++; }
    int wa = primary(ca), wb = primary(cb);
    if (wa != wb) return wa < wb ? -1 : 1;
  }
  if (pa < ea) return 1;
  if (pb < eb) return -1;
  return strcmp(a, b);
}
