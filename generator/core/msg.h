/* msg: the messages in Danish. A table keyed by each English printf format
 * (as written at the call to diag_error and friends) gives the Danish
 * format with the same conversions in the same order, so call sites stay in
 * English and diag translates when it records a message. The language comes
 * from LC_ALL, LC_MESSAGES or LANG (first set wins, as POSIX orders them);
 * no setlocale, as no Danish locale need be installed. */
#ifndef KLAR_MSG_H
#define KLAR_MSG_H
#include <stdbool.h>
#include <stddef.h>

typedef enum { MSG_EN, MSG_DA } msg_lang;

/* Returns the language the environment asks for: MSG_DA when the first set
 * of LC_ALL, LC_MESSAGES, LANG names Danish ("da", "da_DK.UTF-8"). */
msg_lang msg_lang_from_env(void);
/* Sets the language of every later message; main calls it once before any
 * thread starts. Until then the environment's is used. */
void msg_set_lang(msg_lang l);
msg_lang msg_current(void);

/* Returns fmt in the current language: the Danish format when Danish is on
 * and the table has fmt, else fmt itself. Never NULL for non-NULL fmt; the
 * result is static or fmt. */
const char *msg_tr(const char *fmt);
/* Returns the Danish format for the English fmt, or NULL. */
const char *msg_danish(const char *fmt);

/* The table's entries, for the test that checks them: n, then each pair. */
size_t msg_count(void);
const char *msg_english_at(size_t i);
const char *msg_danish_at(size_t i);

/* Returns true when a and b have the same printf conversions in the same
 * order (flags, width, precision and length included), so one argument list
 * fits both. */
bool msg_same_conversions(const char *a, const char *b);

#endif
