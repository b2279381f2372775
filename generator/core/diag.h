/* diag: diagnostics of a build. Stages report input errors here with the
 * file, line and column the user wrote, and go on, so that one build reports
 * every error at once. The collected messages are printed gcc-style,
 *   content/temaer/robusthed.md:12:5: error: broken link to 'x.md'
 *     - [Robusthed](findes-ikke.md)
 *       ^
 * errors first, then warnings (a note stays with the warnings), each sorted by
 * file and position so output is the same whatever the thread count.
 * Under each message about a line of a .md, .yaml, .xml or .lua file, the
 * printout shows that line read from the file (at print time, each file once)
 * with a caret under the column. Messages are recorded in the language msg
 * chose (English or Danish): call sites pass the English format.
 * Thread-safe. */
#ifndef KLAR_DIAG_H
#define KLAR_DIAG_H
#include <stdbool.h>
#include <stdio.h>

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag diag;

/* Returns a new collector; free with diag_free. */
diag *diag_new(void);
void diag_free(diag *d);
/* Records a message. file may be NULL (a message about the whole build);
 * line and col are 1-based, 0 when unknown; col counts characters. fmt must
 * be an English string literal: it is the key of its Danish translation
 * (core/msg_da.c). The strings are copied. */
void diag_report(diag *d, diag_level level, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define diag_error(d, file, line, col, ...) \
  diag_report(d, DIAG_ERROR, file, line, col, __VA_ARGS__)
#define diag_warning(d, file, line, col, ...) \
  diag_report(d, DIAG_WARNING, file, line, col, __VA_ARGS__)
int diag_errors(const diag *d);
int diag_warnings(const diag *d);
/* Returns the number of errors recorded so far at file (compared as
 * written); 0 for NULL. */
int diag_errors_in(diag *d, const char *file);
/* Prints every message, sorted, to out; then forgets them. */
void diag_print(diag *d, FILE *out);
/* Returns the messages joined as text (caller frees); for tests. */
char *diag_text(diag *d);

/* One collected message as diag_each shows it; the strings belong to d and
 * live until the callback returns. Its source line is in the file (diag
 * reads it there when it prints; so can the caller). */
typedef struct diag_item {
  diag_level level;
  const char *file; /* NULL for a message about the whole build */
  int line, col;    /* 0 when unknown */
  const char *text;
} diag_item;
/* Calls fn for every message in the order diag_print prints them (sorted),
 * without forgetting them: for a caller that shows the messages elsewhere
 * than a terminal (klar serve's error overlay). fn must not call into d. */
void diag_each(diag *d, void (*fn)(const diag_item *m, void *ctx), void *ctx);

#endif
