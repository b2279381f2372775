/* dk: Danish conventions done by klar itself, never through the C locale
 * (no Danish locale is generated on the build machines, and glibc's Danish
 * data differs from Danish practice): slugs, dates, numbers and money. */
#ifndef KLAR_DK_H
#define KLAR_DK_H
#include <stdbool.h>
#include "arena.h"
#include "str.h"

/* Returns a URL slug of s: lower case, æ→ae, ø→oe, å→aa, accents dropped,
 * every other run of non-alphanumerics one '-', no '-' at either end.
 * "Fordybelse og nysgerrighed" → "fordybelse-og-nysgerrighed". */
char *dk_slug(arena *a, const char *s);
/* Appends the slug of the n bytes at s to b. */
void dk_slug_put(sbuf *b, const char *s, size_t n);

/* Parses "2014-05-27" (optionally followed by a time "T10:00" or " 10:00",
 * which is ignored) into y, m, d; returns false if it is not a real date. */
bool dk_parse_date(const char *s, int *y, int *m, int *d);
/* Danish month name, 1..12 ("maj"). */
const char *dk_month(int m);
/* Appends "27. maj 2014". With nbsp, the spaces are no-break (U+00A0), as in
 * running text. */
void dk_date_put(sbuf *b, int y, int m, int d, bool nbsp);
/* Appends "27.5.2014". */
void dk_date_short_put(sbuf *b, int y, int m, int d);
/* Days since 1970-01-01 of a date (for sorting and feeds). */
long dk_days(int y, int m, int d);
/* Weekday name ("tirsdag") of a date. */
const char *dk_weekday(int y, int m, int d);

/* Appends x with '.' between thousands and ',' before decimals:
 * 2325750 → "2.325.750", (4.95, 2) → "4,95". decimals < 0: as many as needed
 * up to 6, trailing zeros dropped. */
void dk_number_put(sbuf *b, double x, int decimals);
/* Appends an amount of kroner: below a million "10 kr." / "2.325.750 kr.",
 * from a million "4,95 mio. kr.", from a billion "1,2 mia. kr."; the space
 * before the unit is a no-break space. */
void dk_money_put(sbuf *b, double kroner);

/* Compares two strings in Danish alphabetical order (a–z, then æ, ø, å;
 * case and accents second), as strcmp returns. */
int dk_collate(const char *a, const char *b);

#endif
