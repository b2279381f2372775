/* diag: collected, sorted, printed diagnostics. */
#include "diag.h"
#include "arena.h"
#include "msg.h"
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
  /* Translated here, once, so that every call site stays in English and
   * the Danish table is keyed by exactly what it passes. */
  fmt = msg_tr(fmt);
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
  m->seq = d->n++;
  if (level == DIAG_ERROR) d->errors++;
  if (level == DIAG_WARNING) d->warnings++;
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
  /* Errors before warnings (what must be fixed apart from what may be);
   * build-wide messages (no file) first, then by file and position; equal
   * positions keep the text order so the sort does not depend on threads. */
  if ((a->level == DIAG_ERROR) != (b->level == DIAG_ERROR)) return a->level == DIAG_ERROR ? -1 : 1;
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
  return msg_tr(l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note");
}

/* Length of a message's text without a trailing " (rendering FILE)": one
 * mistake in a layout fails every page that uses it, and is shown once with
 * the count of the other pages. A message repeated word for word (a print
 * layout read by every booklet) is shown once. */
static size_t core_len(const char *t) {
  const char *r = strstr(t, msg_tr(" (rendering "));
  return r ? (size_t)(r - t) : strlen(t);
}

static bool same_mistake(const msg *a, const msg *b) {
  size_t n = core_len(a->text);
  return a->level == b->level && str_eq(a->file, b->file) && a->line == b->line && a->col == b->col &&
         n == core_len(b->text) && !strncmp(a->text, b->text, n);
}

/* ---- source lines under messages ------------------------------------------ */

/* The files read for one print, each once: a build with 200 broken links in
 * one page reads that page once. A file that cannot be read is remembered
 * as NULL, and its messages go without a source line. */
typedef struct source_cache {
  char **names, **texts;
  size_t n, cap;
} source_cache;

/* Only the files an editor or designer writes get a source line; a message
 * about a PDF, a font or a folder has nothing to show. */
static bool shows_source(const char *file) {
  return str_ends(file, ".md") || str_ends(file, ".yaml") || str_ends(file, ".yml") ||
         str_ends(file, ".xml") || str_ends(file, ".lua");
}

/* Larger files are not read for a source line: no page is this long, and a
 * message about one should not cost seconds. */
#define SOURCE_MAX_BYTES (16u << 20)

static const char *cached_text(source_cache *c, const char *file) {
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->names[i], file)) return c->texts[i];
  char *text = NULL;
  FILE *f = fopen(file, "rb");
  if (f) {
    sbuf b = SBUF_INIT;
    char buf[8192];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0 && b.len < SOURCE_MAX_BYTES) sbuf_put(&b, buf, k);
    if (!ferror(f) && b.len < SOURCE_MAX_BYTES) text = sbuf_take(&b);
    sbuf_free(&b);
    fclose(f);
  }
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->names = xrealloc(c->names, c->cap * sizeof *c->names);
    c->texts = xrealloc(c->texts, c->cap * sizeof *c->texts);
  }
  c->names[c->n] = xstrdup(file);
  c->texts[c->n++] = text;
  return text;
}

/* A source line longer than this many characters is shown as the window
 * around the column, so a caret at column 4000 stays on the screen. */
#define SOURCE_WINDOW 100

/* Appends line `line` of file, indented by two spaces, and under it a caret
 * at column col (in characters, as every stage counts them; 0 shows the
 * line alone). Tabs stay tabs in the caret line so the caret lines up
 * whatever the terminal's tab width; invalid UTF-8 shows as U+FFFD. */
static void put_source(sbuf *out, source_cache *c, const char *file, int line, int col) {
  if (!shows_source(file)) return;
  const char *text = cached_text(c, file);
  if (!text) return;
  const char *p = text;
  for (int i = 1; i < line && p; i++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  if (!p || !*p) return;
  const char *end = strchr(p, '\n');
  if (!end) end = p + strlen(p);
  if (end > p && end[-1] == '\r') end--;
  /* Decode once: characters, with their display form. */
  size_t nchars = 0;
  for (const char *q = p; q < end;) {
    if (str_utf8_next(&q, end) < 0) q++;
    nchars++;
  }
  size_t first = 0, last = nchars; /* the window of characters shown */
  if (nchars > SOURCE_WINDOW) {
    size_t at = col > 0 ? (size_t)col - 1 : 0;
    first = at > SOURCE_WINDOW / 2 ? at - SOURCE_WINDOW / 2 : 0;
    last = first + SOURCE_WINDOW < nchars ? first + SOURCE_WINDOW : nchars;
  }
  sbuf_puts(out, "  ");
  if (first) sbuf_puts(out, "…");
  sbuf caret = SBUF_INIT;
  sbuf_puts(&caret, first ? "   " : "  ");
  size_t k = 0;
  for (const char *q = p; q < end; k++) {
    const char *start = q;
    int cp = str_utf8_next(&q, end);
    if (cp < 0) q = start + 1;
    if (k < first || k >= last) continue;
    if (cp < 0) sbuf_puts(out, "\xef\xbf\xbd");
    else if (cp < 0x20 && cp != '\t') sbuf_putc(out, ' ');
    else sbuf_put(out, start, (size_t)(q - start));
    if (col > 0 && k + 1 < (size_t)col) sbuf_putc(&caret, cp == '\t' ? '\t' : ' ');
  }
  if (last < nchars) sbuf_puts(out, "…");
  sbuf_putc(out, '\n');
  if (col > 0) {
    /* A column past the end (a missing closing quote) points just after it. */
    for (size_t j = k; j + 1 < (size_t)col && j < last; j++) sbuf_putc(&caret, ' ');
    sbuf_puts(&caret, "^\n");
    sbuf_puts(out, sbuf_str(&caret));
  }
  sbuf_free(&caret);
}

static void format_all(diag *d, sbuf *out) {
  if (d->n) qsort(d->msgs, d->n, sizeof *d->msgs, cmp_msg);
  source_cache files = {0};
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
    sbuf_printf(out, "%s: %s", level_name(m->level), m->text);
    if (more && core_len(m->text) != strlen(m->text)) {
      if (more == 1) sbuf_puts(out, msg_tr(", and 1 more page"));
      else sbuf_printf(out, msg_tr(", and %zu more pages"), more);
    }
    sbuf_putc(out, '\n');
    if (m->file && m->line) put_source(out, &files, m->file, m->line, m->col);
    i += more;
  }
  for (size_t k = 0; k < files.n; k++) {
    free(files.names[k]);
    free(files.texts[k]);
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
    diag_item it = {m->level, m->file, m->line, m->col, m->text};
    fn(&it, ctx);
  }
  pthread_mutex_unlock(&d->lock);
}
