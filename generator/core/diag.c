/* diag: collected, sorted, printed diagnostics. */
#include "diag.h"
#include "arena.h"
#include "str.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct msg {
  diag_level level;
  char *file;
  int line, col;
  char *text;
  char *source;
  size_t seq;
} msg;

struct diag {
  pthread_mutex_t lock;
  msg *msgs;
  size_t n, cap;
  int errors, warnings;
};

diag *diag_new(void) {
  diag *d = xcalloc(1, sizeof *d);
  pthread_mutex_init(&d->lock, NULL);
  return d;
}

static void clear_msgs(diag *d) {
  for (size_t i = 0; i < d->n; i++) {
    free(d->msgs[i].file);
    free(d->msgs[i].text);
    free(d->msgs[i].source);
  }
  d->n = 0;
}

void diag_free(diag *d) {
  if (!d) return;
  clear_msgs(d);
  free(d->msgs);
  pthread_mutex_destroy(&d->lock);
  free(d);
}

void diag_report(diag *d, diag_level level, const char *file, int line, int col,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *text = xmalloc((size_t)len + 1);
  va_start(ap, fmt);
  vsnprintf(text, (size_t)len + 1, fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&d->lock);
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 16;
    d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
  }
  msg *m = &d->msgs[d->n];
  m->level = level;
  m->file = file ? xstrdup(file) : NULL;
  m->line = line;
  m->col = col;
  m->text = text;
  m->source = NULL;
  m->seq = d->n++;
  if (level == DIAG_ERROR) d->errors++;
  if (level == DIAG_WARNING) d->warnings++;
  pthread_mutex_unlock(&d->lock);
}

void diag_source(diag *d, const char *line_text) {
  pthread_mutex_lock(&d->lock);
  if (d->n) {
    free(d->msgs[d->n - 1].source);
    d->msgs[d->n - 1].source = xstrdup(line_text);
  }
  pthread_mutex_unlock(&d->lock);
}

int diag_errors(const diag *d) { return d->errors; }
int diag_warnings(const diag *d) { return d->warnings; }

int diag_errors_in(diag *d, const char *file) {
  if (!file) return 0;
  int n = 0;
  pthread_mutex_lock(&d->lock);
  for (size_t i = 0; i < d->n; i++)
    if (d->msgs[i].level == DIAG_ERROR && d->msgs[i].file && !strcmp(d->msgs[i].file, file)) n++;
  pthread_mutex_unlock(&d->lock);
  return n;
}

static int cmp_msg(const void *pa, const void *pb) {
  const msg *a = pa, *b = pb;
  /* Build-wide messages (no file) first, then by file and position; equal
   * positions keep the text order so the sort does not depend on threads. */
  if (!a->file != !b->file) return a->file ? 1 : -1;
  int c = a->file ? strcmp(a->file, b->file) : 0;
  if (c) return c;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  if (a->col != b->col) return a->col < b->col ? -1 : 1;
  c = strcmp(a->text, b->text);
  if (c) return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *level_name(diag_level l) {
  return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

/* Length of a message's text without a trailing " (rendering FILE)": one
 * mistake in a layout fails every page that uses it, and is shown once with
 * the count of the other pages. A message repeated word for word (a print
 * layout read by every booklet) is shown once. */
static size_t core_len(const char *t) {
  const char *r = strstr(t, " (rendering ");
  return r ? (size_t)(r - t) : strlen(t);
}

static bool same_mistake(const msg *a, const msg *b) {
  size_t n = core_len(a->text);
  return a->level == b->level && str_eq(a->file, b->file) && a->line == b->line && a->col == b->col &&
         n == core_len(b->text) && !strncmp(a->text, b->text, n);
}

static void format_all(diag *d, sbuf *out) {
  if (d->n) qsort(d->msgs, d->n, sizeof *d->msgs, cmp_msg);
  for (size_t i = 0; i < d->n; i++) {
    msg *m = &d->msgs[i];
    size_t more = 0;
    while (i + 1 + more < d->n && same_mistake(m, &d->msgs[i + 1 + more])) more++;
    if (m->file) {
      sbuf_puts(out, m->file);
      if (m->line) sbuf_printf(out, ":%d", m->line);
      if (m->line && m->col) sbuf_printf(out, ":%d", m->col);
      sbuf_puts(out, ": ");
    } else {
      sbuf_puts(out, "klar: ");
    }
    if (more && core_len(m->text) != strlen(m->text))
      sbuf_printf(out, "%s: %s, and %zu more page%s\n", level_name(m->level), m->text, more, more == 1 ? "" : "s");
    else
      sbuf_printf(out, "%s: %s\n", level_name(m->level), m->text);
    if (m->source) {
      sbuf_printf(out, "  %s\n  ", m->source);
      for (int c = 1; c < m->col; c++) sbuf_putc(out, m->source[c - 1] == '\t' ? '\t' : ' ');
      sbuf_puts(out, "^\n");
    }
    i += more;
  }
}

void diag_print(diag *d, FILE *out) {
  pthread_mutex_lock(&d->lock);
  sbuf b = SBUF_INIT;
  format_all(d, &b);
  fputs(sbuf_str(&b), out);
  sbuf_free(&b);
  clear_msgs(d);
  pthread_mutex_unlock(&d->lock);
}

char *diag_text(diag *d) {
  pthread_mutex_lock(&d->lock);
  sbuf b = SBUF_INIT;
  format_all(d, &b);
  pthread_mutex_unlock(&d->lock);
  return sbuf_take(&b);
}

void diag_each(diag *d, void (*fn)(const diag_item *m, void *ctx), void *ctx) {
  pthread_mutex_lock(&d->lock);
  if (d->n) qsort(d->msgs, d->n, sizeof *d->msgs, cmp_msg);
  for (size_t i = 0; i < d->n; i++) {
    const msg *m = &d->msgs[i];
    diag_item it = {m->level, m->file, m->line, m->col, m->text, m->source};
    fn(&it, ctx);
  }
  pthread_mutex_unlock(&d->lock);
}
