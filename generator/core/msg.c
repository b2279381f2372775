/* msg: the language of messages and the lookup in the Danish table
 * (msg_da.c). */
#include "msg.h"
#include "map.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The table lives in msg_da.c: pairs of English and Danish formats. */
extern const char *const msg_table_da[][2];
extern const size_t msg_table_da_len;

static int lang = -1; /* -1 until set or read from the environment */
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static map index_da; /* English format → its row, built once */
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

/* "da", "da_DK", "da_DK.UTF-8", "da@euro" are Danish; "dan" is not a
 * POSIX locale name and "de" is German. */
static bool names_danish(const char *v) {
  return v[0] == 'd' && v[1] == 'a' && (v[2] == 0 || v[2] == '_' || v[2] == '.' || v[2] == '@');
}

msg_lang msg_lang_from_env(void) {
  static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v) return names_danish(v) ? MSG_DA : MSG_EN;
  }
  return MSG_EN;
}

static void read_env(void) {
  if (lang < 0) lang = msg_lang_from_env();
}

void msg_set_lang(msg_lang l) { lang = (int)l; }

msg_lang msg_current(void) {
  if (lang < 0) pthread_once(&env_once, read_env);
  return (msg_lang)lang;
}

static void build_index(void) {
  for (size_t i = 0; i < msg_table_da_len; i++)
    map_set(&index_da, msg_table_da[i][0], (void *)(i + 1));
}

const char *msg_danish(const char *fmt) {
  if (!fmt) return NULL;
  pthread_once(&index_once, build_index);
  size_t row = (size_t)map_get(&index_da, fmt);
  return row ? msg_table_da[row - 1][1] : NULL;
}

const char *msg_tr(const char *fmt) {
  if (!fmt || msg_current() != MSG_DA) return fmt;
  const char *da = msg_danish(fmt);
  return da ? da : fmt;
}

size_t msg_count(void) { return msg_table_da_len; }
const char *msg_english_at(size_t i) { return i < msg_table_da_len ? msg_table_da[i][0] : NULL; }
const char *msg_danish_at(size_t i) { return i < msg_table_da_len ? msg_table_da[i][1] : NULL; }

/* Advances *p to the next conversion and returns its length (from '%' to
 * the conversion letter), 0 at the end. "%%" is no conversion. */
static size_t next_conv(const char **p) {
  const char *s = *p;
  for (;;) {
    s = strchr(s, '%');
    if (!s) { *p = s; return 0; }
    if (s[1] == '%') { s += 2; continue; }
    size_t n = 1 + strspn(s + 1, "-+ #0'123456789.*hlLqjzt");
    if (s[n]) n++;
    *p = s;
    return n;
  }
}

bool msg_same_conversions(const char *a, const char *b) {
  for (;;) {
    size_t na = next_conv(&a), nb = next_conv(&b);
    if (na != nb || (na && strncmp(a, b, na))) return false;
    if (!na) return true;
    a += na;
    b += nb;
  }
}
