/* cmd: `klar serve`, the command. Two threads of klar's own: the main one
 * waits for Ctrl-C (SIGINT, SIGTERM, SIGHUP are blocked in every thread and
 * taken with sigwait, so no handler runs in the middle of a build), and the
 * worker builds, serves and watches. Stopping ends the event streams,
 * closes the server, waits for a build under way to finish and removes the
 * private folder the site was built into. */
#include "serve.h"
#include "serve_int.h"
#include "../build/session.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include "../core/msg.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A burst of edits ends when no event has come for QUIET_MS and at most
 * MAX_MS after its first event, so a stream of writes cannot hold the build
 * off. Measured here with inotify: `sed -i` (write beside, rename over, as
 * gedit and VS Code save) spreads its 6 events over 0.3 ms, a script's
 * write-and-rename over 0.6 ms, vim's :w (in place) is one event; 5 ms is
 * ten times the widest, and costs 5 ms of every reload (the "wait_ms" of
 * the reload event; bench/serve-latency.sh prints it). */
#define QUIET_MS 5
#define MAX_MS 100

static const char *usage_serve =
    "usage: klar serve [options]\n"
    "\n"
    "Builds the site into a private folder and serves it for a preview while\n"
    "you write, at http://127.0.0.1:1313/ unless told otherwise. It watches\n"
    "content/, layouts/ and assets/: after you save a file, it builds again\n"
    "and the open pages reload by themselves, keeping their scroll position.\n"
    "When an edit breaks the build, the page shows the errors over the last\n"
    "good version until the file is fixed. public/ is never touched.\n"
    "\n"
    "It makes no PDFs (the served pages have no \"Hent som PDF\" links): the\n"
    "booklets are drawn as pages instead, at /_klar/booklets/, once the site\n"
    "is served and again after each edit of a file they use, with any page\n"
    "that runs over, is empty or is one too many marked. `klar build` makes\n"
    "the PDFs.\n"
    "\n"
    "options:\n"
    "  -r, --root DIR   the site's folder (default: the current folder)\n"
    "  -b, --bind ADDR  the address to listen on (default: 127.0.0.1, only\n"
    "                   this machine; 0.0.0.0 shows the preview to others)\n"
    "  -p, --port N     the port (default: 1313; 0 picks a free one)\n"
    "  -D, --drafts     include pages whose front matter says draft: true\n"
    "  -F, --future     include pages held back until a later day\n"
    "  -B, --no-booklets  do not draw the booklets' preview either\n"
    "  -j, --jobs N     build on N threads (default: the number of cores)\n"
    "  -h, --help       show this text\n"
    "\n"
    "Ctrl-C stops the server and removes its folder.\n";

typedef struct server {
  build_options o;
  const char *preview; /* the booklet preview's folder, beside the site's */
  bool booklets;       /* draw the booklet preview (not -B) */
  const char *bind;
  int port;
  int wake[2];         /* written to when the server should stop */
  atomic_bool stopping;
  pthread_t main;
  int rc;
} server;

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "klar serve: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nRun 'klar serve --help' for the options.\n");
  return 2;
}

/* Parses a number in lo..hi; false when it is not one. */
static bool number(const char *s, long lo, long hi, int *out) {
  char *end;
  errno = 0;
  long n = s && *s ? strtol(s, &end, 10) : -1;
  if (!s || !*s || *end || errno || n < lo || n > hi) return false;
  *out = (int)n;
  return true;
}

static int parse_args(server *s, int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    const char *eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL;
    char name[32];
    snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
    bool takes = !strcmp(name, "-r") || !strcmp(name, "--root") || !strcmp(name, "-b") ||
                 !strcmp(name, "--bind") || !strcmp(name, "-p") || !strcmp(name, "--port") ||
                 !strcmp(name, "-j") || !strcmp(name, "--jobs");
    if (takes) {
      v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) return usage_error("%s needs a value", name);
    } else if (eq) {
      return usage_error("unknown option '%s'", a);
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage_serve, stdout);
      return 0;
    } else if (!strcmp(a, "-D") || !strcmp(a, "--drafts")) {
      s->o.drafts = true;
    } else if (!strcmp(a, "-F") || !strcmp(a, "--future")) {
      s->o.future = true;
    } else if (!strcmp(a, "-B") || !strcmp(a, "--no-booklets")) {
      s->booklets = false;
    } else if (!strcmp(name, "-r") || !strcmp(name, "--root")) {
      s->o.root = v;
    } else if (!strcmp(name, "-b") || !strcmp(name, "--bind")) {
      s->bind = v;
    } else if (!strcmp(name, "-p") || !strcmp(name, "--port")) {
      if (!number(v, 0, 65535, &s->port)) return usage_error("the port must be 0 to 65535, not '%s'", v);
    } else if (!strcmp(name, "-j") || !strcmp(name, "--jobs")) {
      if (!number(v, 1, 256, &s->o.jobs)) return usage_error("the number of jobs must be 1 to 256, not '%s'", v);
    } else {
      return usage_error("unknown option '%s'", a);
    }
  }
  return -1;
}

/* The changed files as a JSON array, and for the terminal the first few. */
static void describe(char **paths, size_t n, sbuf *json, sbuf *text) {
  sbuf_puts(json, "\"changed\":[");
  for (size_t i = 0; i < n; i++) {
    if (i) sbuf_putc(json, ',');
    serve_json_str(json, paths[i], strlen(paths[i]));
    if (i < 3) sbuf_printf(text, "%s%s", i ? ", " : "", paths[i]);
  }
  sbuf_putc(json, ']');
  if (n > 3) sbuf_printf(text, " and %zu more", n - 3);
  if (n == (size_t)-1 || n == 0) sbuf_puts(text, "some files");
}

/* Tells the terminal and the open pages how a build went. */
static void report(server *s, diag *d, const session_result *r, char **paths, size_t n, double wait_ms) {
  sbuf json = SBUF_INIT, text = SBUF_INIT;
  if (paths) describe(paths, n == (size_t)-1 ? 0 : n, &json, &text);
  if (r->ok) {
    diag_print(d, stderr); /* warnings */
    if (paths)
      printf(msg_tr("klar: %s changed: rendered %d page(s), wrote %d file(s) in %.0f ms\n"), sbuf_str(&text),
             r->rebuilt, r->written, r->seconds * 1000);
    else
      printf(msg_tr("klar: built %d page(s) in %.0f ms\n"), r->rebuilt, r->seconds * 1000);
    fflush(stdout);
    sbuf_printf(&json, "%s\"ms\":%.1f,\"wait_ms\":%.1f,\"rebuilt\":%d,\"written\":%d", json.len ? "," : "",
                r->seconds * 1000, wait_ms, r->rebuilt, r->written);
    serve_live_ok(sbuf_str(&json));
  } else {
    char *errors = serve_errors_json(d, s->o.root);
    int count = diag_errors(d);
    diag_print(d, stderr);
    fprintf(stderr, msg_tr("klar: %d error(s); the preview shows the last good version until they are fixed\n"),
            count);
    serve_live_errors(errors);
    free(errors);
  }
  sbuf_free(&json);
  sbuf_free(&text);
}

/* Whether content/site.yaml, where booklets are declared, is among paths. */
static bool names_site_yaml(char **paths, size_t n) {
  for (size_t i = 0; i < n && n != (size_t)-1; i++)
    if (!strcmp(paths[i], "content/site.yaml")) return true;
  return false;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000 + ts.tv_nsec / 1e6;
}

static void *worker(void *arg) {
  server *s = arg;
  serve_http *h = NULL;
  diag *d = diag_new();
  /* Watching starts before the first build, so an edit made while it runs
   * is not lost. */
  serve_watch *w = serve_watch_new(s->o.root);
  if (!w) fprintf(stderr, "klar serve: cannot watch the site's folders (%s); pages will not reload\n", strerror(errno));
  session_result r;
  build_session *bs = build_session_open(&s->o, d, &r);
  if (!bs) {
    diag_print(d, stderr);
    fprintf(stderr, "klar serve: there is no content/ folder in '%s' to build\n", s->o.root);
    s->rc = 1;
    goto out;
  }
  report(s, d, &r, NULL, 0, 0);
  if (atomic_load(&s->stopping)) goto out;
  char err[256];
  bool drawing = serve_booklets_begin(s->preview, s->booklets) && s->booklets;
  serve_live_set_booklets(drawing);
  h = serve_http_start(s->bind, s->port, s->o.out, s->preview, err, sizeof err);
  if (!h) {
    fprintf(stderr, "klar serve: %s\n", err);
    s->rc = 1;
    goto out;
  }
  bool v6 = strchr(s->bind, ':') != NULL;
  char base[300];
  snprintf(base, sizeof base, "http://%s%s%s:%d/", v6 ? "[" : "", !strcmp(s->bind, "localhost") ? "127.0.0.1" : s->bind,
           v6 ? "]" : "", serve_http_port(h));
  printf(msg_tr("klar: serving the preview at %s (Ctrl-C stops)\n"), base);
  if (drawing) printf(msg_tr("klar: the booklets' pages at %s_klar/booklets/\n"), base);
  fflush(stdout);
  /* The booklets are drawn once the site is served (a few seconds for the
   * bundled site's fourteen), so the first page does not wait for them.
   * A site without booklets is drawn again only when site.yaml changes. */
  bool has_booklets = false, drawn_all = false;
  if (drawing && r.ok) {
    has_booklets = serve_booklets_draw(&s->o, s->preview, NULL, 0) > 0;
    drawn_all = true;
  }
  while (!atomic_load(&s->stopping)) {
    struct pollfd p[2] = {{w ? serve_watch_fd(w) : -1, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
    if (poll(p, 2, -1) < 0) continue;
    if (p[1].revents & POLLIN) break;
    if (!(p[0].revents & POLLIN)) continue;
    double t0 = now_ms();
    char **paths;
    size_t n = serve_watch_burst(w, s->wake[0], QUIET_MS, MAX_MS, &paths);
    double waited = now_ms() - t0;
    if (n == 0 || atomic_load(&s->stopping)) {
      serve_watch_paths_free(paths, n);
      continue;
    }
    bool all = n == (size_t)-1;
    /* A fresh collector per update: diag counts every error it was ever
     * told, and an update must fail on its own errors only. */
    diag_free(d);
    d = diag_new();
    build_session_update(bs, all ? NULL : (const char *const *)paths, all ? 0 : n, d, &r);
    report(s, d, &r, paths, n, waited);
    /* After a first build that failed, the first good one draws them all. */
    if (drawing && r.ok && !atomic_load(&s->stopping) && !drawn_all) {
      has_booklets = serve_booklets_draw(&s->o, s->preview, NULL, 0) > 0;
      drawn_all = true;
    } else if (drawing && r.ok && !atomic_load(&s->stopping) && (has_booklets || all || names_site_yaml(paths, n))) {
      has_booklets = serve_booklets_draw(&s->o, s->preview, paths, n) > 0 || has_booklets;
    }
    serve_watch_paths_free(paths, n);
  }
out:
  serve_http_stop(h);
  if (!h) serve_live_stop();
  build_session_close(bs);
  serve_watch_free(w);
  diag_free(d);
  /* Stopped on its own (it could not start): wake the main thread. */
  if (!atomic_load(&s->stopping)) pthread_kill(s->main, SIGUSR1);
  return NULL;
}

int cmd_serve(int argc, char **argv) {
  /* The server's build makes no PDFs: the booklet preview shows them. */
  server s = {.o = {.root = ".", .quiet = true, .no_booklets = true}, .bind = "127.0.0.1", .port = 1313, .booklets = true};
  int rc = parse_args(&s, argc, argv);
  if (rc >= 0) return rc;
  if (!fsx_is_dir(s.o.root)) {
    fprintf(stderr, "klar serve: the site's folder '%s' does not exist\n", s.o.root);
    return 1;
  }
  /* The private folder: the site is built into DIR/site (and staged beside
   * it), never into the published public/; the booklet preview into
   * DIR/preview, beside it, since the site's folder is swapped whole. The
   * folder is in memory where it can be (privdir.c says why). */
  const char *tmp = serve_private_base();
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/klar-serve-XXXXXX", tmp);
  if (!mkdtemp(dir)) {
    fprintf(stderr, "klar serve: cannot make a private folder in %s: %s\n", tmp, strerror(errno));
    return 1;
  }
  arena *a = arena_new();
  s.o.out = fsx_join(a, dir, "site");
  s.preview = fsx_join(a, dir, "preview");
  if (pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    perror("klar serve");
    fsx_rmtree(dir);
    arena_free(a);
    return 1;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  /* Blocked before any thread starts, so every thread inherits the mask
   * and only sigwait below sees them. */
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  serve_live_init();
  s.main = pthread_self();
  pthread_t t;
  if (pthread_create(&t, NULL, worker, &s) != 0) {
    perror("klar serve");
    fsx_rmtree(dir);
    arena_free(a);
    return 1;
  }
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  if (sig != SIGUSR1) {
    atomic_store(&s.stopping, true);
    if (write(s.wake[1], "x", 1) < 0) { /* the pipe is empty and ours: cannot fail */
    }
    fputs(msg_tr("klar: stopping\n"), stderr);
  }
  pthread_join(t, NULL);
  close(s.wake[0]);
  close(s.wake[1]);
  if (!fsx_rmtree(dir)) fprintf(stderr, "klar serve: cannot remove %s: %s\n", dir, strerror(errno));
  arena_free(a);
  return s.rc;
}
