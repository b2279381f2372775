/* fsx: POSIX file helpers. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fsx.h"
#include "pool.h"
#include "str.h"
#include "vec.h"
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fsx_read_heap(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    errno = EISDIR;
    return NULL;
  }
  size_t cap = (size_t)st.st_size + 1, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      close(fd);
      errno = e;
      return NULL;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

char *fsx_read(arena *a, const char *path, size_t *len) {
  size_t n;
  char *heap = fsx_read_heap(path, &n);
  if (!heap) return NULL;
  char *r = arena_strndup(a, heap, n);
  free(heap);
  if (len) *len = n;
  return r;
}

/* From the folder itself up, not from the root down: the parents usually
 * exist, and trying each of them first cost a failing mkdir per level for
 * every file written into a new folder. */
bool fsx_mkdirs(const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST) return true;
  if (errno != ENOENT) return false;
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return false;
  char *parent = xmalloc((size_t)(slash - path) + 1);
  memcpy(parent, path, (size_t)(slash - path));
  parent[slash - path] = 0;
  bool ok = fsx_mkdirs(parent);
  free(parent);
  return ok && (mkdir(path, 0755) == 0 || errno == EEXIST);
}

static bool mkparents(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return true;
  char *dir = xmalloc((size_t)(slash - path) + 1);
  memcpy(dir, path, (size_t)(slash - path));
  dir[slash - path] = 0;
  bool ok = fsx_is_dir(dir) || fsx_mkdirs(dir);
  free(dir);
  return ok;
}

bool fsx_write(const char *path, const void *data, size_t n) {
  /* The folder is usually there (a build makes its folders first): open
   * first, and make the parents only when that fails for want of them. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 && errno == ENOENT) {
    if (!mkparents(path)) return false;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  if (fd < 0) return false;
  const char *p = data;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      errno = e;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return close(fd) == 0;
}

bool fsx_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fsx_is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

long long fsx_mtime(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

bool fsx_copy(const char *from, const char *to) {
  size_t n;
  char *data = fsx_read_heap(from, &n);
  if (!data) return false;
  bool ok = fsx_write(to, data, n);
  free(data);
  return ok;
}

bool fsx_rmtree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return unlink(path) == 0;
  DIR *d = opendir(path);
  if (!d) return false;
  struct dirent *e;
  bool ok = true;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    size_t n = strlen(path) + strlen(e->d_name) + 2;
    char *child = xmalloc(n);
    snprintf(child, n, "%s/%s", path, e->d_name);
    ok = fsx_rmtree(child) && ok;
    free(child);
  }
  closedir(d);
  return rmdir(path) == 0 && ok;
}

/* "a/b" on the heap; the caller frees it. */
static char *path2(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *r = xmalloc(n);
  snprintf(r, n, "%s/%s", a, b);
  return r;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool walk(const char *root, const char *rel, fsx_walk_stamp_fn fn, void *ctx) {
  size_t n = strlen(root) + strlen(rel) + 2;
  char *dir = xmalloc(n);
  snprintf(dir, n, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(dir);
  free(dir);
  if (!d) return false;
  VEC(char *) names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') vec_push(&names, xstrdup(e->d_name));
  /* An empty folder leaves items NULL, and qsort may not be given NULL. */
  if (names.n) qsort(names.items, names.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < names.n; i++) {
    size_t m = strlen(rel) + strlen(names.items[i]) + 2;
    char *child = xmalloc(m);
    snprintf(child, m, "%s%s%s", rel, *rel ? "/" : "", names.items[i]);
    struct stat st;
    /* Relative to the open folder: the kernel looks up one name, not the
     * whole path again (a tenth of rebuilding the model of 10,000 pages). */
    if (fstatat(dirfd(d), names.items[i], &st, 0) == 0) {
      if (S_ISDIR(st.st_mode)) {
        walk(root, child, fn, ctx);
      } else if (S_ISREG(st.st_mode)) {
        fsx_stamp s = {(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
                       (unsigned long long)st.st_size,
                       (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                       (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec};
        fn(child, &s, ctx);
      }
    }
    free(child);
    free(names.items[i]);
  }
  closedir(d);
  vec_free(&names);
  return true;
}

bool fsx_stamp_eq(const fsx_stamp *a, const fsx_stamp *b) {
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime == b->mtime &&
         a->ctime == b->ctime;
}

bool fsx_walk_stamped(const char *root, fsx_walk_stamp_fn fn, void *ctx) {
  if (!fsx_is_dir(root)) return false;
  return walk(root, "", fn, ctx);
}

typedef struct plain_walk {
  fsx_walk_fn fn;
  void *ctx;
} plain_walk;

static void plain_one(const char *rel, const fsx_stamp *st, void *ctx) {
  plain_walk *w = ctx;
  w->fn(rel, w->ctx);
}

bool fsx_walk(const char *root, fsx_walk_fn fn, void *ctx) {
  plain_walk w = {fn, ctx};
  return fsx_walk_stamped(root, plain_one, &w);
}

static void walk_links(const char *root, const char *rel, fsx_walk_fn fn, void *ctx) {
  char *dir = *rel ? path2(root, rel) : xstrdup(root);
  DIR *d = opendir(dir);
  free(dir);
  if (!d) return;
  /* Only links and folders matter; readdir's d_type tells them apart
   * without a stat of every page (lstat where the file system does not). */
  VEC(char *) names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && e->d_type != DT_REG) vec_push(&names, xstrdup(e->d_name));
  closedir(d);
  if (names.n) qsort(names.items, names.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < names.n; i++) {
    char *child = *rel ? path2(rel, names.items[i]) : xstrdup(names.items[i]);
    char *full = path2(root, child);
    struct stat st;
    if (lstat(full, &st) == 0) {
      if (S_ISLNK(st.st_mode)) fn(child, ctx);
      else if (S_ISDIR(st.st_mode)) walk_links(root, child, fn, ctx);
    }
    free(full);
    free(child);
    free(names.items[i]);
  }
  vec_free(&names);
}

bool fsx_walk_links(const char *root, fsx_walk_fn fn, void *ctx) {
  struct stat st;
  if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  walk_links(root, "", fn, ctx);
  return true;
}

char *fsx_join(arena *a, const char *dir, const char *name) {
  /* "." joins to the bare name, so that messages read content/x.md rather
   * than ./content/x.md when klar runs in the site's folder. */
  if (!dir || !*dir || !strcmp(dir, ".")) return arena_strdup(a, name);
  size_t dl = strlen(dir);
  return arena_printf(a, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", name);
}

char *fsx_dirname(arena *a, const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, "");
}

const char *fsx_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

char *fsx_resolve(arena *a, const char *path) {
  sbuf cur = SBUF_INIT;
  if (path[0] != '/') {
    char *cwd = getcwd(NULL, 0);
    if (!cwd) return NULL;
    sbuf_puts(&cur, cwd);
    free(cwd);
  }
  /* cur is resolved at every step; once a component does not exist, the
   * rest cannot be a symlink, and ".." may pop it lexically. */
  bool exists = true;
  const char *p = path;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
      /* nothing */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (cur.len && cur.data[cur.len - 1] != '/') cur.len--;
      if (cur.len) cur.len--;
      if (cur.data) cur.data[cur.len] = 0;
      if (!exists) {
        struct stat st;
        exists = stat(cur.len ? cur.data : "/", &st) == 0;
      }
    } else {
      sbuf_putc(&cur, '/');
      sbuf_put(&cur, p, n);
      struct stat st;
      if (exists && lstat(cur.data, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
          char *r = realpath(cur.data, NULL);
          if (!r) {
            sbuf_free(&cur);
            return NULL;
          }
          sbuf_clear(&cur);
          if (strcmp(r, "/") != 0) sbuf_puts(&cur, r);
          free(r);
        }
      } else {
        exists = false;
      }
    }
    p += n;
    if (*p == '/') p++;
  }
  char *r = cur.len ? sbuf_dup(&cur, a) : arena_strdup(a, "/");
  sbuf_free(&cur);
  return r;
}

bool fsx_within(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return true;
  return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

bool fsx_is_empty_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) return false;
  struct dirent *e;
  bool empty = true;
  while (empty && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = false;
  closedir(d);
  return empty;
}

static const char marker_text[] =
    "This folder was made by klar (klar build or klar booklets).\n"
    "klar replaces it whole on every build: keep no other files here.\n";

bool fsx_is_output(const char *dir) {
  size_t n = strlen(dir) + sizeof FSX_MARKER + 1;
  char *m = xmalloc(n);
  snprintf(m, n, "%s/%s", dir, FSX_MARKER);
  bool r = fsx_is_file(m);
  free(m);
  return r;
}

bool fsx_mark_output(const char *dir) {
  size_t n = strlen(dir) + sizeof FSX_MARKER + 1;
  char *m = xmalloc(n);
  snprintf(m, n, "%s/%s", dir, FSX_MARKER);
  bool r = fsx_write(m, marker_text, sizeof marker_text - 1);
  free(m);
  return r;
}

/* Removes an output folder of klar's with its marker last, so that a run
 * killed while removing it leaves a folder the next run still knows as
 * klar's (marked) and removes in turn. */
static void remove_output(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fsx_rmtree(dir);
    return;
  }
  VEC(char *) names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, FSX_MARKER))
      vec_push(&names, path2(dir, e->d_name));
  closedir(d);
  for (size_t i = 0; i < names.n; i++) {
    fsx_rmtree(names.items[i]);
    free(names.items[i]);
  }
  vec_free(&names);
  fsx_rmtree(dir);
}

/* True when the process pid no longer runs (a killed run's leftovers). A
 * pid taken since by another process keeps its folder until that one ends. */
static bool pid_gone(long pid) {
  return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* The pid of name when it is base.KIND-PID (KIND tmp or old), else 0. */
static long leftover_pid(const char *name, const char *base, const char *kind) {
  size_t bl = strlen(base), kl = strlen(kind);
  if (strncmp(name, base, bl) != 0 || name[bl] != '.' || strncmp(name + bl + 1, kind, kl) != 0 ||
      name[bl + 1 + kl] != '-')
    return 0;
  const char *digits = name + bl + kl + 2;
  char *end;
  long pid = strtol(digits, &end, 10);
  return *digits && !*end ? pid : 0;
}

static void sweep_leftovers(const char *out) {
  char *dir = xstrdup(out);
  char *slash = strrchr(dir, '/');
  const char *base = slash ? slash + 1 : out;
  const char *parent = slash ? (slash == dir ? "/" : dir) : ".";
  if (slash) *slash = 0;
  DIR *d = opendir(parent);
  if (!d) {
    free(dir);
    return;
  }
  VEC(char *) gone = {0};
  struct dirent *e;
  while ((e = readdir(d))) {
    long pid = leftover_pid(e->d_name, base, "tmp");
    if (!pid) pid = leftover_pid(e->d_name, base, "old");
    if (pid && pid_gone(pid)) vec_push(&gone, path2(parent, e->d_name));
  }
  closedir(d);
  if (gone.n) qsort(gone.items, gone.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < gone.n; i++) {
    char *g = gone.items[i];
    /* Only klar's own folders go: a killed run's stage has the marker from
     * its first moment, or nothing when killed before writing it. */
    if (fsx_is_dir(g) && (fsx_is_output(g) || fsx_is_empty_dir(g))) {
      /* Killed between the renames of fsx_stage_commit: out is missing and
       * its previous version waits in out.old-PID; put it back. */
      bool old = strstr(g + strlen(parent) + 1 + strlen(base), ".old-") != NULL;
      if (!(old && !fsx_is_dir(out) && rename(g, out) == 0)) remove_output(g);
    }
    free(g);
  }
  vec_free(&gone);
  free(dir);
}

char *fsx_stage_begin(arena *a, const char *out) {
  sweep_leftovers(out);
  char *stage = arena_printf(a, "%s.tmp-%ld", out, (long)getpid());
  fsx_rmtree(stage);
  if (!fsx_mkdirs(stage) || !fsx_mark_output(stage)) return NULL;
  return stage;
}

char *fsx_stage_swap(arena *a, const char *stage, const char *out) {
  /* rename() cannot replace a non-empty folder, so move the old site aside
   * first; between the two renames no reader sees a half-written site. */
  char *old = arena_printf(a, "%s.old-%ld", out, (long)getpid());
  fsx_rmtree(old);
  bool had = fsx_is_dir(out);
  if (had && rename(out, old) != 0) return NULL;
  if (rename(stage, out) != 0) {
    if (had) rename(old, out);
    return NULL;
  }
  return had ? old : arena_strdup(a, "");
}

bool fsx_stage_commit(const char *stage, const char *out) {
  arena *a = arena_new();
  char *old = fsx_stage_swap(a, stage, out);
  if (old && *old) remove_output(old);
  arena_free(a);
  return old != NULL;
}

void fsx_stage_abort(const char *stage) { remove_output(stage); }

/* ------------------------------------------------ folder trees, made and removed */

bool fsx_mkdir_tree(const char *root, const char *const *rels, size_t n, char **failed) {
  if (failed) *failed = NULL;
  /* Every folder from root down to each rel; pages come sorted, so most
   * prefixes repeat the one before and are skipped here already. */
  VEC(char *) dirs = {0};
  for (size_t i = 0; i < n; i++) {
    const char *r = rels[i];
    for (const char *s = r; *r; s++) {
      if (*s != '/' && *s) continue;
      size_t len = (size_t)(s - r);
      const char *last = dirs.n ? dirs.items[dirs.n - 1] : NULL;
      if (len && !(last && strlen(last) == len && !memcmp(last, r, len))) {
        char *d = xmalloc(len + 1);
        memcpy(d, r, len);
        d[len] = 0;
        vec_push(&dirs, d);
      }
      if (!*s) break;
    }
  }
  /* Sorted, a parent comes before its children ("a" < "a/b"). */
  if (dirs.n) qsort(dirs.items, dirs.n, sizeof(char *), cmp_str);
  bool ok = true;
  sbuf path = SBUF_INIT;
  for (size_t i = 0; i < dirs.n; i++) {
    if (ok && !(i && !strcmp(dirs.items[i], dirs.items[i - 1]))) {
      sbuf_clear(&path);
      sbuf_puts(&path, root);
      sbuf_putc(&path, '/');
      sbuf_puts(&path, dirs.items[i]);
      if (mkdir(path.data, 0755) != 0 && errno != EEXIST) {
        int e = errno;
        if (failed) *failed = xstrdup(path.data);
        ok = false;
        errno = e;
      }
    }
  }
  for (size_t i = 0; i < dirs.n; i++) free(dirs.items[i]);
  vec_free(&dirs);
  sbuf_free(&path);
  return ok;
}

/* Removes name in the folder open as dirfd, a file (or symlink) or a whole
 * folder, working relative to open folders so that no path is looked up
 * twice. Entries are removed as readdir hands them out; a folder that is
 * still not empty after a pass (readdir may skip entries while the folder
 * changes) gets another. */
static bool rm_at(int dirfd, const char *name, bool is_dir) {
  if (!is_dir) {
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return true;
    if (errno != EISDIR && errno != EPERM) return false;
  }
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return false;
  }
  bool ok = true;
  for (int pass = 0; pass < 4; pass++) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      ok = rm_at(fd, e->d_name, e->d_type == DT_DIR) && ok;
    }
    if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
      closedir(d);
      return ok;
    }
    if (errno != ENOTEMPTY && errno != EEXIST) break;
    rewinddir(d);
  }
  closedir(d);
  return false;
}

typedef struct rm_shared {
  int dirfd;
  char **names;
  unsigned char *is_dir;
} rm_shared;

static void rm_one(void *sh, void *wk, size_t i) {
  rm_shared *r = sh;
  (void)wk;
  rm_at(r->dirfd, r->names[i], r->is_dir[i]);
}

bool fsx_rmtree_jobs(const char *path, int jobs) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return unlink(path) == 0;
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return false;
  }
  VEC(char *) names = {0};
  VEC(unsigned char) dirs = {0};
  struct dirent *e;
  while ((e = readdir(d))) {
    /* An output folder's marker goes last (by the plain removal below), so
     * that a run killed halfway leaves a folder the next run still knows as
     * klar's and removes (see fsx_stage_begin). */
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, FSX_MARKER)) continue;
    vec_push(&names, xstrdup(e->d_name));
    vec_push(&dirs, e->d_type == DT_DIR);
  }
  rm_shared r = {.dirfd = fd, .names = names.items, .is_dir = dirs.items};
  pool_run(jobs, names.n, rm_one, &r, NULL);
  closedir(d);
  for (size_t i = 0; i < names.n; i++) free(names.items[i]);
  vec_free(&names);
  vec_free(&dirs);
  /* Whatever the threads could not remove is tried once more, plainly. */
  return rmdir(path) == 0 || fsx_rmtree(path);
}

/* Hard links cost no space and no copying; file systems without them get
 * a copy. */
bool fsx_link(const char *from, const char *to) {
  return link(from, to) == 0 ||
         ((errno == EPERM || errno == EXDEV || errno == EMLINK || errno == ENOTSUP) && fsx_copy(from, to));
}

/* Links or copies from/rel into to/rel, recursively; see fsx_link_tree. */
static bool link_tree(arena *a, const char *from, const char *to, const char **failed) {
  DIR *d = opendir(from);
  if (!d) {
    *failed = arena_strdup(a, from);
    return false;
  }
  bool ok = true;
  struct dirent *e;
  while (ok && (e = readdir(d))) {
    const char *nm = e->d_name;
    if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, FSX_MARKER)) continue;
    char *src = path2(from, nm), *dst = path2(to, nm);
    struct stat st;
    if (lstat(src, &st) != 0) {
      ok = false;
    } else if (S_ISDIR(st.st_mode)) {
      ok = (mkdir(dst, 0755) == 0 || errno == EEXIST) && link_tree(a, src, dst, failed);
      if (!ok && !*failed) *failed = arena_strdup(a, dst);
    } else if (S_ISREG(st.st_mode)) {
      ok = fsx_link(src, dst);
    }
    if (!ok && !*failed) *failed = arena_strdup(a, dst);
    free(src);
    free(dst);
  }
  int err = errno;
  closedir(d);
  errno = err;
  return ok;
}

bool fsx_link_tree(arena *a, const char *from, const char *to, const char **failed) {
  *failed = NULL;
  return link_tree(a, from, to, failed);
}
