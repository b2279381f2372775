/* live: the channel from the server to the open pages. One state per
 * process (the last good build's number and, while an update is failing,
 * its errors), followed by every page's event stream (server-sent events,
 * /_klar/events). A stream that misses an event because another came first
 * gets the later one: the events are states, not steps, so the latest is
 * all a page needs. */
#include "serve_int.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cond;
static unsigned long live_seq;   /* events sent so far */
static unsigned long live_good;  /* number of the last good build */
static char *live_event;         /* the last event, as sent */
static char *live_errors;        /* JSON array while the build is failing */
static unsigned long live_drawn; /* number of the last booklet preview drawn */
static bool live_booklets;       /* the server draws the booklet preview */
static bool live_stopped;

void serve_live_init(void) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  /* Keep-alive waits must not stretch or shrink when the clock is set. */
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&live_cond, &ca);
  pthread_condattr_destroy(&ca);
}

unsigned long serve_live_build(void) {
  pthread_mutex_lock(&live_lock);
  unsigned long n = live_good;
  pthread_mutex_unlock(&live_lock);
  return n;
}

/* Replaces the last event with one of the given name and data and wakes
 * every stream. Takes data. */
static void publish(const char *name, char *data) {
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "event: %s\ndata: %s\n\n", name, data);
  free(data);
  pthread_mutex_lock(&live_lock);
  free(live_event);
  live_event = sbuf_take(&b);
  live_seq++;
  pthread_cond_broadcast(&live_cond);
  pthread_mutex_unlock(&live_lock);
}

unsigned long serve_live_drawn(void) {
  pthread_mutex_lock(&live_lock);
  unsigned long n = live_drawn;
  pthread_mutex_unlock(&live_lock);
  return n;
}

void serve_live_set_booklets(bool on) {
  pthread_mutex_lock(&live_lock);
  live_booklets = on;
  pthread_mutex_unlock(&live_lock);
}

/* The preview's errors replace the state's: a preview is drawn only after
 * a good build (which cleared the build's errors), so what is left to show
 * is the preview's own. */
void serve_live_drawn_ok(const char *fields, const char *errors_json) {
  pthread_mutex_lock(&live_lock);
  unsigned long n = ++live_drawn;
  free(live_errors);
  live_errors = errors_json ? xstrdup(errors_json) : NULL;
  pthread_mutex_unlock(&live_lock);
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "{\"drawn\":%lu,\"errors\":%s%s%s}", n, errors_json ? errors_json : "null", *fields ? "," : "",
              fields);
  publish("booklets", sbuf_take(&b));
}

void serve_live_ok(const char *fields) {
  pthread_mutex_lock(&live_lock);
  unsigned long n = ++live_good;
  free(live_errors);
  live_errors = NULL;
  pthread_mutex_unlock(&live_lock);
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "{\"ok\":true,\"build\":%lu%s%s}", n, *fields ? "," : "", fields);
  publish("reload", sbuf_take(&b));
}

void serve_live_errors(const char *errors_json) {
  pthread_mutex_lock(&live_lock);
  unsigned long n = live_good;
  free(live_errors);
  live_errors = xstrdup(errors_json);
  pthread_mutex_unlock(&live_lock);
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "{\"ok\":false,\"build\":%lu,\"errors\":%s}", n, errors_json);
  publish("errors", sbuf_take(&b));
}

void serve_live_stop(void) {
  pthread_mutex_lock(&live_lock);
  live_stopped = true;
  pthread_cond_broadcast(&live_cond);
  pthread_mutex_unlock(&live_lock);
}

struct live_client {
  unsigned long seen; /* live_seq when this stream last sent */
  bool greeted;
  char *pending;      /* text not yet handed to the connection */
  size_t off, len;
};

live_client *serve_live_client_new(void) { return xcalloc(1, sizeof(live_client)); }

void serve_live_client_free(live_client *c) {
  if (!c) return;
  free(c->pending);
  free(c);
}

static void set_pending(live_client *c, char *text) {
  free(c->pending);
  c->pending = text;
  c->off = 0;
  c->len = strlen(text);
}

/* The first thing a stream sends: how often to reconnect, and the state
 * now (a page that was served before the last good build reloads; one that
 * opens while the build is failing shows the errors at once). */
static char *hello(void) {
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "retry: 1000\nevent: hello\ndata: {\"build\":%lu,\"errors\":%s,\"drawn\":%lu,\"booklets\":%s}\n\n",
              live_good, live_errors ? live_errors : "null", live_drawn, live_booklets ? "true" : "false");
  return sbuf_take(&b);
}

ssize_t serve_live_read(live_client *c, char *buf, size_t max) {
  if (c->off == c->len) {
    pthread_mutex_lock(&live_lock);
    if (live_stopped) {
      pthread_mutex_unlock(&live_lock);
      return -1;
    }
    if (!c->greeted) {
      c->greeted = true;
      c->seen = live_seq;
      set_pending(c, hello());
    } else {
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      until.tv_sec += 15;
      int rc = 0;
      while (c->seen == live_seq && !live_stopped && rc == 0)
        rc = pthread_cond_timedwait(&live_cond, &live_lock, &until);
      if (live_stopped) {
        pthread_mutex_unlock(&live_lock);
        return -1;
      }
      if (c->seen != live_seq) {
        c->seen = live_seq;
        set_pending(c, xstrdup(live_event));
      } else {
        /* A comment now and then keeps proxies and the connection's idle
         * timeout from closing a quiet stream. */
        set_pending(c, xstrdup(": keep-alive\n\n"));
      }
    }
    pthread_mutex_unlock(&live_lock);
  }
  size_t n = c->len - c->off < max ? c->len - c->off : max;
  memcpy(buf, c->pending + c->off, n);
  c->off += n;
  return (ssize_t)n;
}

/* ------------------------------------------------------------ JSON */

void serve_json_str(sbuf *b, const char *s, size_t n) {
  const char *p = s, *end = s + n;
  sbuf_putc(b, '"');
  while (p < end) {
    unsigned char ch = (unsigned char)*p;
    if (ch < 0x80) {
      p++;
      if (ch == '"' || ch == '\\') {
        sbuf_putc(b, '\\');
        sbuf_putc(b, (char)ch);
      } else if (ch == '\n') {
        sbuf_puts(b, "\\n");
      } else if (ch == '\t') {
        sbuf_puts(b, "\\t");
      } else if (ch < 0x20 || ch == 0x7f) {
        sbuf_printf(b, "\\u%04x", ch);
      } else {
        sbuf_putc(b, (char)ch);
      }
      continue;
    }
    const char *start = p;
    int cp = str_utf8_next(&p, end);
    if (cp < 0) {
      if (p == start) p++;
      sbuf_puts(b, "\\ufffd");
    } else {
      sbuf_put(b, start, (size_t)(p - start));
    }
  }
  sbuf_putc(b, '"');
}

typedef struct errors_ctx {
  sbuf *b;
  const char *root;
  size_t n, more;
} errors_ctx;

/* The file's name as the writer knows it: relative to the site's folder. */
static const char *site_relative(const char *file, const char *root) {
  size_t rl = strlen(root);
  if (!strncmp(file, root, rl) && file[rl] == '/') file += rl + 1;
  while (!strncmp(file, "./", 2)) file += 2;
  return file;
}

/* Lines line-2 .. line+1 of the file, for the overlay's excerpt. The file
 * is read again rather than taken from the build: the message may be about
 * a layout or site.yaml, which the build keeps in no one place. */
static void put_lines(sbuf *b, const char *file, int line) {
  sbuf_puts(b, ",\"lines\":[");
  size_t len = 0;
  char *text = line > 0 ? fsx_read_heap(file, &len) : NULL;
  if (text && len < (16u << 20)) {
    int n = 1;
    const char *p = text, *end = text + len;
    bool first = true;
    while (p < end && n <= line + 1) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *stop = nl ? nl : end;
      if (n >= line - 2) {
        size_t w = (size_t)(stop - p);
        if (w && stop[-1] == '\r') w--;
        if (w > 400) w = 400;
        sbuf_printf(b, "%s{\"n\":%d,\"text\":", first ? "" : ",", n);
        serve_json_str(b, p, w);
        sbuf_putc(b, '}');
        first = false;
      }
      n++;
      p = nl ? nl + 1 : end;
    }
  }
  free(text);
  sbuf_putc(b, ']');
}

static void put_error(const diag_item *m, void *ctx) {
  errors_ctx *e = ctx;
  if (m->level == DIAG_NOTE) return;
  if (e->n == 50) {
    e->more++;
    return;
  }
  sbuf *b = e->b;
  sbuf_printf(b, "%s{\"level\":\"%s\",\"file\":", e->n ? "," : "",
              m->level == DIAG_ERROR ? "error" : "warning");
  if (m->file) {
    const char *rel = site_relative(m->file, e->root);
    serve_json_str(b, rel, strlen(rel));
  } else {
    sbuf_puts(b, "null");
  }
  sbuf_printf(b, ",\"line\":%d,\"col\":%d,\"text\":", m->line, m->col);
  serve_json_str(b, m->text, strlen(m->text));
  if (m->file)
    put_lines(b, m->file, m->line);
  else
    sbuf_puts(b, ",\"lines\":[]");
  sbuf_putc(b, '}');
  e->n++;
}

char *serve_errors_json(diag *d, const char *root) {
  sbuf b = SBUF_INIT;
  sbuf_putc(&b, '[');
  errors_ctx e = {&b, root, 0, 0};
  diag_each(d, put_error, &e);
  if (e.more) sbuf_printf(&b, ",{\"more\":%zu}", e.more);
  sbuf_putc(&b, ']');
  return sbuf_take(&b);
}
