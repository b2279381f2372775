/* http: the preview's HTTP side, the only file that includes
 * <microhttpd.h>. One thread per connection (an event stream waits in its
 * reader; the preview has a handful of tabs, not thousands of clients).
 *
 * Every file is opened below the served folder with openat2's
 * RESOLVE_BENEATH, so no spelling of a path and no symlink can reach a file
 * outside it; the request's path is taken as it came (libmicrohttpd's own
 * unescaping is turned off) and decoded here, refusing "..", encoded
 * slashes and NUL before any look-up. */
#include "serve_int.h"
#include "../core/arena.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct serve_http {
  struct MHD_Daemon *daemon;
  char *dir;
  char *preview; /* the booklet preview's folder, or NULL */
  int port;
};

/* ------------------------------------------------------------ paths */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int serve_path_clean(const char *raw, char *out, size_t cap) {
  if (raw[0] != '/') return 403; /* "http://host/x", "*", a bare name */
  size_t n = 0;
  const char *p = raw;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    /* One segment, decoded into out at n. */
    size_t start = n;
    for (; *p && *p != '/'; p++) {
      char c = *p;
      if (c == '%') {
        int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
        if (lo < 0) return 403;
        c = (char)(hi * 16 + lo);
        p += 2;
        /* An encoded slash would let "a%2f..%2fb" pass as one segment. */
        if (c == '/' || c == '\0') return 403;
      }
      if (c == '\\') return 403;
      if (n + 2 >= cap) return 404;
      out[n++] = c;
    }
    size_t len = n - start;
    if ((len == 1 && out[start] == '.') || (len == 2 && out[start] == '.' && out[start + 1] == '.'))
      return 403;
    if (out[start] == '.') return 404; /* hidden: the output's marker, editors' files */
    out[n++] = '/';
  }
  /* Keep the trailing slash only when the request had one: "/temaer" is a
   * folder asked for without it, which is redirected. */
  if (n && raw[strlen(raw) - 1] != '/') n--;
  out[n] = '\0';
  return 0;
}

const char *serve_content_type(const char *name) {
  static const struct {
    const char *ext, *type;
  } types[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".xml", "application/xml"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".pdf", "application/pdf"},
      {".webmanifest", "application/manifest+json"},
  };
  const char *dot = strrchr(name, '.');
  const char *slash = strrchr(name, '/');
  if (dot && (!slash || dot > slash))
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
      if (!strcasecmp(dot, types[i].ext)) return types[i].type;
  return "application/octet-stream";
}

char *serve_inject(const char *html, size_t n, unsigned long build, size_t *len) {
  char tag[96];
  int tl = snprintf(tag, sizeof tag, "<script src=\"/_klar/live.js\" data-build=\"%lu\" defer></script>", build);
  size_t at = n;
  for (size_t i = n; i >= 7; i--)
    if (!strncasecmp(html + i - 7, "</body>", 7)) {
      at = i - 7;
      break;
    }
  char *out = xmalloc(n + (size_t)tl + 1);
  memcpy(out, html, at);
  memcpy(out + at, tag, (size_t)tl);
  memcpy(out + at + tl, html + at, n - at);
  *len = n + (size_t)tl;
  out[*len] = '\0';
  return out;
}

/* Opens rel below the folder dirfd, never outside it: openat2 refuses "..",
 * absolute symlinks and symlinks that lead out (EXDEV). On a kernel without
 * openat2, every part of the path is checked not to be a symlink. */
static int open_beneath(int dirfd, const char *rel, int flags) {
  struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return fd;
  char part[4096];
  size_t n = strlen(rel);
  if (n >= sizeof part) return errno = ENAMETOOLONG, -1;
  for (size_t i = 0; i <= n; i++) {
    if (rel[i] != '/' && rel[i]) continue;
    memcpy(part, rel, i);
    part[i] = '\0';
    struct stat st;
    if (i && fstatat(dirfd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) return errno = EXDEV, -1;
  }
  return openat(dirfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
}

/* Opens the served folder. A build swaps a new folder in with two renames,
 * so for a moment there may be none: wait for it (a few ms at most), unless
 * no build has succeeded yet (then there is none to wait for). */
static int open_root(const char *dir) {
  int tries = serve_live_build() ? 500 : 1;
  for (int i = 0; i < tries; i++) {
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT) return fd;
    usleep(1000);
  }
  return -1;
}

/* True when the folder at dir is no longer the one open as fd (a build
 * swapped a new one in since). */
static bool swapped(const char *dir, int fd) {
  struct stat a, b;
  if (fstat(fd, &a) != 0) return true;
  if (stat(dir, &b) != 0) return true;
  return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* ------------------------------------------------------------ responses */

/* How long a response may be kept: not at all, except an image of the
 * booklet preview asked for by its version (p05.png?v=HASH, the hash of
 * its pixels), whose bytes never change; so a spread page that reloads
 * after an edit fetches only the pages whose pixels changed. */
static const char no_store[] = "no-store", immutable[] = "max-age=31536000, immutable";

static enum MHD_Result reply_cached(struct MHD_Connection *c, unsigned code, struct MHD_Response *r, const char *type,
                                    const char *cache) {
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", cache);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  enum MHD_Result ok = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, struct MHD_Response *r, const char *type) {
  return reply_cached(c, code, r, type, no_store);
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *text) {
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  return reply(c, code, r, "text/plain; charset=utf-8");
}

/* Sends an HTML page with the live script in it. Takes html. */
static enum MHD_Result send_html(struct MHD_Connection *c, unsigned code, char *html, size_t n, unsigned long build) {
  size_t len;
  char *page = serve_inject(html, n, build, &len);
  free(html);
  struct MHD_Response *r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
  return reply(c, code, r, "text/html; charset=utf-8");
}

/* Reads the whole open file; NULL on error. Closes fd. */
static char *read_fd(int fd, size_t *len) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return NULL;
  }
  size_t cap = (size_t)st.st_size + 1, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 == cap) buf = xrealloc(buf, cap *= 2);
    ssize_t got = read(fd, buf + n, cap - 1 - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      free(buf);
      close(fd);
      return NULL;
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  close(fd);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* Sends the open regular file fd (taken) named name, to be kept as cache
 * says (no_store, immutable). */
static enum MHD_Result send_file(struct MHD_Connection *c, unsigned code, int fd, const char *name,
                                 unsigned long build, const char *cache) {
  const char *type = serve_content_type(name);
  if (!strncmp(type, "text/html", 9)) {
    size_t n;
    char *html = read_fd(fd, &n);
    if (!html) return send_text(c, 500, "500: the file could not be read\n");
    return send_html(c, code, html, n, build);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return send_text(c, 500, "500: the file could not be read\n");
  }
  struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
  if (!r) {
    close(fd);
    return MHD_NO;
  }
  return reply_cached(c, code, r, type, cache);
}

static const char not_built[] =
    "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Siden er ikke bygget endnu</title></head>\n<body><main><h1>Siden er ikke bygget endnu</h1>"
    "<p>klar serve har ikke kunnet bygge siden. Fejlene står i terminalen og over denne side; "
    "når de er rettet, bygges siden, og denne side genindlæses af sig selv.</p></main></body></html>\n";

/* The site's 404 page with status 404, or a short text when the site has
 * none. */
static enum MHD_Result send_404(struct MHD_Connection *c, int root, unsigned long build) {
  int fd = root >= 0 ? open_beneath(root, "404.html", O_RDONLY) : -1;
  if (fd < 0) return send_text(c, 404, "404: no such page\n");
  return send_file(c, 404, fd, "404.html", build, no_store);
}

/* The Location of a folder asked for without its slash: the clean path,
 * percent-encoded where it must be, never "//host" (which a browser would
 * take for another site). */
static enum MHD_Result send_redirect(struct MHD_Connection *c, const char *rel) {
  sbuf b = SBUF_INIT;
  sbuf_putc(&b, '/');
  for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
      sbuf_putc(&b, (char)*p);
    else
      sbuf_printf(&b, "%%%02X", *p);
  }
  sbuf_putc(&b, '/');
  struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(r, "Location", sbuf_str(&b));
  sbuf_free(&b);
  return reply(c, MHD_HTTP_MOVED_PERMANENTLY, r, "text/plain; charset=utf-8");
}

/* Serves rel (a clean path, serve_path_clean) from the folder dir: the
 * site's, or with preview the booklet preview's, whose pages carry the
 * preview's number instead of the build's (live.js compares it). */
static enum MHD_Result serve_file(struct MHD_Connection *c, const char *dir, const char *rel, bool preview) {
  /* The build number before the file: the page is at least that new. */
  unsigned long build = preview ? serve_live_drawn() : serve_live_build();
  const char *cache = preview && MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "v") &&
                              !strcmp(serve_content_type(rel), "image/png")
                          ? immutable
                          : no_store;
  for (int attempt = 0;; attempt++) {
    int root = open_root(dir);
    if (root < 0) return send_html(c, 503, xstrdup(not_built), strlen(not_built), build);
    int fd = open_beneath(root, *rel ? rel : ".", O_RDONLY);
    if (fd < 0) {
      int e = errno;
      if ((e == ENOENT || e == ENOTDIR) && attempt < 3 && swapped(dir, root)) {
        close(root);
        continue;
      }
      enum MHD_Result ok = e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG
                               ? send_404(c, root, build)
                               : send_text(c, 403, "403: that file lies outside the site\n");
      close(root);
      return ok;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      close(root);
      return send_text(c, 500, "500: the file could not be read\n");
    }
    const char *name = rel;
    if (S_ISDIR(st.st_mode)) {
      size_t n = strlen(rel);
      if (n && rel[n - 1] != '/') {
        close(fd);
        close(root);
        return send_redirect(c, rel);
      }
      int idx = open_beneath(fd, "index.html", O_RDONLY);
      close(fd);
      if (idx < 0) {
        enum MHD_Result ok = send_404(c, root, build);
        close(root);
        return ok;
      }
      fd = idx;
      name = "index.html";
      if (fstat(fd, &st) != 0) st.st_mode = 0;
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      enum MHD_Result ok = send_404(c, root, build);
      close(root);
      return ok;
    }
    close(root);
    return send_file(c, 200, fd, name, build, cache);
  }
}

/* ------------------------------------------------------------ events */

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  ssize_t n = serve_live_read(cls, buf, max);
  return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void events_free(void *cls) { serve_live_client_free(cls); }

static enum MHD_Result send_events(struct MHD_Connection *c) {
  live_client *lc = serve_live_client_new();
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, events_read, lc, events_free);
  if (!r) {
    serve_live_client_free(lc);
    return MHD_NO;
  }
  return reply(c, 200, r, "text/event-stream; charset=utf-8");
}

/* ------------------------------------------------------------ requests */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **req) {
  serve_http *h = cls;
  (void)version;
  (void)upload;
  (void)upload_size;
  (void)req;
  if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Allow", "GET, HEAD");
    return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, r, "text/plain; charset=utf-8");
  }
  /* klar serve's own two names; /_klar/booklets/ (the booklet preview)
   * comes from the preview's folder, beside the site's. */
  if (!strcmp(url, "/_klar/events")) return send_events(c);
  if (!strcmp(url, "/_klar/live.js")) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(serve_live_js), (void *)serve_live_js, MHD_RESPMEM_PERSISTENT);
    return reply(c, 200, r, "text/javascript; charset=utf-8");
  }
  char rel[4096];
  int code = serve_path_clean(url, rel, sizeof rel);
  if (code == 403) return send_text(c, 403, "403: that path is not allowed\n");
  if (code == 404) {
    int root = open_root(h->dir);
    enum MHD_Result ok = send_404(c, root, serve_live_build());
    if (root >= 0) close(root);
    return ok;
  }
  if (!strncmp(rel, "_klar/", 6)) {
    bool booklets = !strcmp(rel, "_klar/booklets") || !strncmp(rel, "_klar/booklets/", 15);
    if (booklets && h->preview) return serve_file(c, h->preview, rel, true);
    int root = open_root(h->dir);
    enum MHD_Result ok = send_404(c, root, serve_live_build());
    if (root >= 0) close(root);
    return ok;
  }
  return serve_file(c, h->dir, rel, false);
}

/* libmicrohttpd would decode the path before klar sees it, turning "%2f"
 * into a slash and "%00" into the end of the string; klar decodes it
 * itself (serve_path_clean), so this leaves it as it came. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

serve_http *serve_http_start(const char *bind, int port, const char *dir, const char *preview, char *err,
                             size_t cap) {
  struct sockaddr_storage sa;
  memset(&sa, 0, sizeof sa);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ITC;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;
  if (!strcmp(bind, "localhost")) bind = "127.0.0.1";
  if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
  } else if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    flags |= MHD_USE_IPv6;
  } else {
    snprintf(err, cap, "'%s' is not an IP address to listen on (like 127.0.0.1 or ::1)", bind);
    return NULL;
  }
  serve_http *h = xcalloc(1, sizeof *h);
  h->dir = xstrdup(dir);
  h->preview = preview ? xstrdup(preview) : NULL;
  errno = 0;
  h->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, h,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                               MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
                               MHD_OPTION_END);
  if (!h->daemon) {
    snprintf(err, cap, "cannot listen on %s port %d: %s", bind, port,
             errno == EADDRINUSE || errno == 0 ? "the port is in use (choose another with --port)" : strerror(errno));
    free(h->dir);
    free(h->preview);
    free(h);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  h->port = info ? info->port : port;
  return h;
}

int serve_http_port(const serve_http *h) { return h->port; }

void serve_http_stop(serve_http *h) {
  if (!h) return;
  serve_live_stop();
  MHD_stop_daemon(h->daemon);
  free(h->dir);
  free(h->preview);
  free(h);
}
