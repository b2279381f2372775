/* serve's parts and what they share: the HTTP side (http.c, the only file
 * that includes <microhttpd.h>), the live channel to the open pages
 * (live.c: server-sent events, the errors as JSON, the injected script),
 * the watcher (watch.c, inotify) and the command (cmd.c). */
#ifndef KLAR_SERVE_INT_H
#define KLAR_SERVE_INT_H
#include "../core/diag.h"
#include "../core/str.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ------------------------------------------------------------ live.c */

/* The live channel is one per process: the latest state of the build (its
 * number and, after a failed update, its errors) that every open page's
 * event stream follows. Thread-safe. */
void serve_live_init(void);
/* The number of the last good build: 1 after the first, +1 for each good
 * update. Pages are served with it, so a page that loads just before an
 * update and listens just after it still learns that it is old. */
unsigned long serve_live_build(void);
/* A good build: bumps the build number and sends every page a "reload"
 * event. fields is JSON object members to add ("" for none). */
void serve_live_ok(const char *fields);
/* A failed update: sends every page an "errors" event with errors_json (a
 * JSON array, serve_errors_json) and keeps it for pages that connect later,
 * until the next good build. */
void serve_live_errors(const char *errors_json);
/* The number of the last booklet preview drawn (0: none yet). The pages
 * of the preview are served with it, as the site's with the build's. */
unsigned long serve_live_drawn(void);
/* Whether the server draws the booklet preview (the pages then show a
 * link to it). Told once, before serving. */
void serve_live_set_booklets(bool on);
/* A booklet preview drawn: bumps its number and sends every page a
 * "booklets" event (the preview's pages reload, the site's do not).
 * errors_json: the preview's errors (a JSON array, kept for pages that
 * connect later, as serve_live_errors) or NULL. fields as serve_live_ok. */
void serve_live_drawn_ok(const char *fields, const char *errors_json);
/* Ends every event stream: their readers return -1 from now on. */
void serve_live_stop(void);

/* One page's event stream. serve_live_read fills buf with at most max
 * bytes of the stream, waiting (up to 15 s, then a keep-alive comment) for
 * an event; returns the count, or -1 once the channel is stopped. */
typedef struct live_client live_client;
live_client *serve_live_client_new(void);
ssize_t serve_live_read(live_client *c, char *buf, size_t max);
void serve_live_client_free(live_client *c);

/* The errors in d (which keeps them) as a JSON array for the overlay:
 * [{"level","file","line","col","text","lines":[{"n","text"}]}], file
 * relative to root, with up to three lines of the file around the line.
 * At most 50 messages, then {"more":N}. Returns heap memory. */
char *serve_errors_json(diag *d, const char *root);
/* Appends s (n bytes) as a JSON string, quotes included; bytes that are not
 * UTF-8 become U+FFFD, so the result is always valid JSON. */
void serve_json_str(sbuf *b, const char *s, size_t n);

/* The script injected into every HTML response (served as /_klar/live.js). */
extern const char serve_live_js[];

/* ------------------------------------------------------------ http.c */

/* Turns the path of a request as it came (still percent-encoded, no query)
 * into a path relative to the site's folder in out (cap bytes): "" for
 * "/", "temaer/" for "/temaer/", "css/site.css" for "/css/site.css".
 * Returns 0 when it is a path to look up, 403 for what may not be asked
 * for (".." or "." segments however encoded, encoded slashes or
 * backslashes, NUL, a path that does not start with '/', a bad escape),
 * 404 for a hidden name (".x") or a path longer than cap. Pure, for tests. */
int serve_path_clean(const char *raw, char *out, size_t cap);
/* The Content-Type for a file name, by its extension. */
const char *serve_content_type(const char *name);
/* Returns a new heap copy of html (n bytes) with the live script's tag
 * inserted before the last </body> (or appended); *len gets its length. */
char *serve_inject(const char *html, size_t n, unsigned long build, size_t *len);

typedef struct serve_http serve_http;
/* Starts serving the folder dir on bind:port (port 0: any free one), and
 * /_klar/booklets/ from the folder preview (which holds _klar/booklets/;
 * NULL: none, a 404). Returns NULL, with a message in err (cap bytes),
 * when it cannot listen. */
serve_http *serve_http_start(const char *bind, int port, const char *dir, const char *preview, char *err,
                             size_t cap);
/* The port it listens on; its address as a URL ("http://127.0.0.1:1313/"). */
int serve_http_port(const serve_http *h);
/* Stops: ends the event streams, closes every connection, frees h. */
void serve_http_stop(serve_http *h);

/* ------------------------------------------------------------ booklets.c */

/* Makes the booklet preview's folder dir (served at /_klar/booklets/ from
 * dir/_klar/booklets/) with a page that says the booklets are being drawn
 * (on) or are not drawn by this server (-B). False, with a message on
 * stderr, when it cannot be written. */
bool serve_booklets_begin(const char *dir, bool on);
/* Draws into dir the preview of the booklets that use any of paths (n of
 * them, relative to the site's folder; every booklet when n is 0 or
 * (size_t)-1), built from the sources with site_o's options. Prints what
 * it drew and its warnings, and when it drew anything (or failed) sends
 * the pages a "booklets" event, with the errors for the overlay. Returns
 * the number of booklets drawn. */
struct build_options;
int serve_booklets_draw(const struct build_options *site_o, const char *dir, char **paths, size_t n);

/* ------------------------------------------------------------ watch.c */

typedef struct serve_watch serve_watch;
/* Watches root's content/, layouts/ and assets/, with every folder below
 * them (and those made later). NULL (errno set) when inotify fails. */
serve_watch *serve_watch_new(const char *root);
/* The descriptor to poll for input. */
int serve_watch_fd(const serve_watch *w);
/* Reads one burst of edits: the events there are and those that follow
 * within quiet_ms of the last (at most max_ms in all), stopping early when
 * stop_fd becomes readable. Sets *paths (heap array of heap strings relative
 * to root, sorted, each once, the caller frees with serve_watch_paths_free)
 * and returns their count; editors' scratch files (hidden, "~", a file made
 * and removed in the burst) are left out. Returns (size_t)-1 when "anything
 * may have changed" (a folder removed or moved away, an overflowed queue). */
size_t serve_watch_burst(serve_watch *w, int stop_fd, int quiet_ms, int max_ms, char ***paths);
void serve_watch_paths_free(char **paths, size_t n);
void serve_watch_free(serve_watch *w);

/* ---------------------------------------------------------- privdir.c */

/* The folder to make the server's private folder in: the first of dirs
 * (n of them; NULL or "" entries are skipped) that is a folder we may
 * write in and is in memory (tmpfs), else the first we may write in, else
 * NULL. For tests; serve_private_base is what the server uses. */
const char *serve_pick_base(const char *const *dirs, size_t n);
/* serve_pick_base of $XDG_RUNTIME_DIR, /dev/shm, $TMPDIR and /tmp, in that
 * order; "/tmp" when none will do (making the folder then fails with the
 * reason). Not heap memory: the environment's or a literal. */
const char *serve_private_base(void);

#endif
