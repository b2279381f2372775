/* watch: the site's source folders under inotify. Every folder below
 * content/, layouts/ and assets/ has a watch (folders made later get one as
 * they appear); the events of one burst (an editor's save is several: a
 * scratch file, a rename, a write) become one list of changed files.
 *
 * Editors save in different ways: in place (IN_CLOSE_WRITE), by writing a
 * new file and renaming it over the old one (IN_MOVED_TO: VS Code, gedit,
 * vim with backupcopy=no), or by renaming the old one to a backup first
 * (vim's default, "name~"). Their scratch files are hidden or end in "~",
 * or are made and removed inside the burst (vim's "4913"), and are left
 * out. */
#include "serve_int.h"
#include "../core/arena.h"
#include "../core/fsx.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DIR_EVENTS                                                                                   \
  (IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR | \
   IN_EXCL_UNLINK)

static const char *const sources[] = {"content", "layouts", "assets"};

struct serve_watch {
  int fd;
  char *root;
  int root_wd;
  char **dirs; /* by watch descriptor: the folder's path relative to root */
  size_t ndirs;
};

/* One file's events in the current burst. */
typedef struct change {
  char *path;
  bool created; /* its first event in the burst made it */
} change;

typedef struct burst {
  change *items;
  size_t n, cap;
  bool everything;
} burst;

static void note(burst *b, const char *path, bool created) {
  for (size_t i = 0; i < b->n; i++)
    if (!strcmp(b->items[i].path, path)) return;
  if (b->n == b->cap) b->items = xrealloc(b->items, (b->cap = b->cap ? b->cap * 2 : 16) * sizeof *b->items);
  b->items[b->n].path = xstrdup(path);
  b->items[b->n].created = created;
  b->n++;
}

static bool scratch_name(const char *name) {
  size_t n = strlen(name);
  return name[0] == '.' || name[0] == '#' || (n && name[n - 1] == '~');
}

static void set_dir(serve_watch *w, int wd, const char *rel) {
  if ((size_t)wd >= w->ndirs) {
    size_t n = (size_t)wd * 2 + 8;
    w->dirs = xrealloc(w->dirs, n * sizeof *w->dirs);
    memset(w->dirs + w->ndirs, 0, (n - w->ndirs) * sizeof *w->dirs);
    w->ndirs = n;
  }
  free(w->dirs[wd]);
  w->dirs[wd] = xstrdup(rel);
}

/* Watches the folder rel and every folder below it; with b, notes every
 * file found as changed (a folder that appears may bring files that were
 * made before its watch was). Depth-limited against symlink loops. */
static void add_tree(serve_watch *w, const char *rel, burst *b, int depth) {
  if (depth > 64) return;
  arena *a = arena_new();
  const char *abs = fsx_join(a, w->root, rel);
  int wd = inotify_add_watch(w->fd, abs, DIR_EVENTS);
  if (wd >= 0) set_dir(w, wd, rel);
  DIR *dir = wd >= 0 ? opendir(abs) : NULL;
  struct dirent *e;
  while (dir && (e = readdir(dir))) {
    if (scratch_name(e->d_name)) continue;
    const char *child = fsx_join(a, rel, e->d_name);
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) is_dir = fsx_is_dir(fsx_join(a, w->root, child));
    if (is_dir)
      add_tree(w, child, b, depth + 1);
    else if (b)
      note(b, child, false);
  }
  if (dir) closedir(dir);
  arena_free(a);
}

/* Forgets the watches of the folder rel and those below it (moved away). */
static void drop_tree(serve_watch *w, const char *rel) {
  size_t n = strlen(rel);
  for (size_t i = 0; i < w->ndirs; i++) {
    char *d = w->dirs[i];
    if (d && !strncmp(d, rel, n) && (d[n] == '\0' || d[n] == '/')) {
      inotify_rm_watch(w->fd, (int)i);
      free(d);
      w->dirs[i] = NULL;
    }
  }
}

serve_watch *serve_watch_new(const char *root) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return NULL;
  serve_watch *w = xcalloc(1, sizeof *w);
  w->fd = fd;
  w->root = xstrdup(root);
  /* The site's folder itself, for a source folder made after the start. */
  w->root_wd = inotify_add_watch(fd, root, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
  arena *a = arena_new();
  for (size_t i = 0; i < 3; i++)
    if (fsx_is_dir(fsx_join(a, root, sources[i]))) add_tree(w, sources[i], NULL, 0);
  arena_free(a);
  return w;
}

int serve_watch_fd(const serve_watch *w) { return w->fd; }

static void handle(serve_watch *w, const struct inotify_event *ev, burst *b) {
  if (ev->mask & IN_Q_OVERFLOW) {
    b->everything = true;
    return;
  }
  if (ev->mask & IN_IGNORED) {
    if (ev->wd >= 0 && (size_t)ev->wd < w->ndirs) {
      free(w->dirs[ev->wd]);
      w->dirs[ev->wd] = NULL;
    }
    return;
  }
  if (!ev->len) return; /* an event about the watched folder itself */
  if (ev->wd == w->root_wd) {
    for (size_t i = 0; i < 3; i++)
      if (!strcmp(ev->name, sources[i]) && (ev->mask & IN_ISDIR)) add_tree(w, sources[i], b, 0);
    return;
  }
  if (ev->wd < 0 || (size_t)ev->wd >= w->ndirs || !w->dirs[ev->wd]) return;
  if (scratch_name(ev->name)) return;
  arena *a = arena_new();
  const char *rel = fsx_join(a, w->dirs[ev->wd], ev->name);
  if (ev->mask & IN_ISDIR) {
    if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
      add_tree(w, rel, b, 0);
    } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
      /* Its files are gone from the site; which ones, the watcher no longer
       * knows: let the session look at everything. */
      drop_tree(w, rel);
      b->everything = true;
    }
  } else {
    note(b, rel, (ev->mask & IN_CREATE) != 0);
  }
  arena_free(a);
}

/* Reads what is queued; false when nothing was. */
static bool drain(serve_watch *w, burst *b) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool any = false;
  for (;;) {
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n <= 0) return any;
    any = true;
    for (char *p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      handle(w, ev, b);
      p += sizeof *ev + ev->len;
    }
  }
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

size_t serve_watch_burst(serve_watch *w, int stop_fd, int quiet_ms, int max_ms, char ***paths) {
  burst b = {0};
  long long start = now_ms();
  drain(w, &b);
  for (;;) {
    long long left = start + max_ms - now_ms();
    if (left <= 0) break;
    struct pollfd p[2] = {{w->fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int r = poll(p, 2, (int)(left < quiet_ms ? left : quiet_ms));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || (p[1].revents & POLLIN)) break;
    drain(w, &b);
  }
  char **out = xcalloc(b.n ? b.n : 1, sizeof *out);
  size_t n = 0;
  arena *a = arena_new();
  for (size_t i = 0; i < b.n; i++) {
    struct stat st;
    bool exists = lstat(fsx_join(a, w->root, b.items[i].path), &st) == 0;
    if (b.items[i].created && !exists)
      free(b.items[i].path); /* made and removed within the burst: scratch */
    else
      out[n++] = b.items[i].path;
  }
  arena_free(a);
  free(b.items);
  qsort(out, n, sizeof *out, cmp_str);
  *paths = out;
  if (!b.everything) return n;
  for (size_t i = 0; i < n; i++) free(out[i]);
  return (size_t)-1;
}

void serve_watch_paths_free(char **paths, size_t n) {
  if (!paths) return;
  if (n != (size_t)-1)
    for (size_t i = 0; i < n; i++) free(paths[i]);
  free(paths);
}

void serve_watch_free(serve_watch *w) {
  if (!w) return;
  close(w->fd);
  for (size_t i = 0; i < w->ndirs; i++) free(w->dirs[i]);
  free(w->dirs);
  free(w->root);
  free(w);
}
