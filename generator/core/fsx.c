/* fsx: POSIX file helpers. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fsx.h"
#include "str.h"
#include "vec.h"
#include <dirent.h>
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

bool fsx_mkdirs(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s == '/') {
      *s = 0;
      if (mkdir(p, 0755) != 0 && errno != EEXIST) { free(p); return false; }
      *s = '/';
    }
  }
  bool ok = mkdir(p, 0755) == 0 || errno == EEXIST;
  free(p);
  return ok;
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
  if (!mkparents(path)) return false;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool walk(const char *root, const char *rel, fsx_walk_fn fn, void *ctx) {
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
  closedir(d);
  qsort(names.items, names.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < names.n; i++) {
    size_t m = strlen(rel) + strlen(names.items[i]) + 2;
    char *child = xmalloc(m);
    snprintf(child, m, "%s%s%s", rel, *rel ? "/" : "", names.items[i]);
    size_t pn = strlen(root) + m + 1;
    char *full = xmalloc(pn);
    snprintf(full, pn, "%s/%s", root, child);
    struct stat st;
    if (stat(full, &st) == 0) {
      if (S_ISDIR(st.st_mode)) walk(root, child, fn, ctx);
      else if (S_ISREG(st.st_mode)) fn(child, ctx);
    }
    free(full);
    free(child);
    free(names.items[i]);
  }
  vec_free(&names);
  return true;
}

bool fsx_walk(const char *root, fsx_walk_fn fn, void *ctx) {
  if (!fsx_is_dir(root)) return false;
  return walk(root, "", fn, ctx);
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

char *fsx_stage_begin(arena *a, const char *out) {
  char *stage = arena_printf(a, "%s.tmp-%ld", out, (long)getpid());
  fsx_rmtree(stage);
  if (!fsx_mkdirs(stage) || !fsx_mark_output(stage)) return NULL;
  return stage;
}

bool fsx_stage_commit(const char *stage, const char *out) {
  /* rename() cannot replace a non-empty folder, so move the old site aside
   * first; between the two renames no reader sees a half-written site. */
  size_t n = strlen(out) + 32;
  char *old = xmalloc(n);
  snprintf(old, n, "%s.old-%ld", out, (long)getpid());
  fsx_rmtree(old);
  bool had = fsx_is_dir(out);
  if (had && rename(out, old) != 0) { free(old); return false; }
  if (rename(stage, out) != 0) {
    if (had) rename(old, out);
    free(old);
    return false;
  }
  if (had) fsx_rmtree(old);
  free(old);
  return true;
}

void fsx_stage_abort(const char *stage) { fsx_rmtree(stage); }
