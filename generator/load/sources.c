/* sources: symbolic links below the site's source folders (see sources.h). */
#define _DEFAULT_SOURCE
#include "sources.h"
#include "../core/fsx.h"
#include "../core/vec.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const folders[] = {"content", "layouts", "assets"};
enum { NFOLDERS = 3 };

/* A link to a folder: where it lies and where it leads, both resolved. The
 * walks of the readers follow such links, so they are checked for loops. */
typedef struct dir_link {
  const char *shown; /* as the user knows it: content/a/b */
  const char *at;    /* the link's own place, its folder resolved */
  const char *to;    /* its target, resolved */
} dir_link;

typedef struct check_ctx {
  arena *a;
  diag *d;
  const char *dir;   /* the folder walked, as given (root/content) */
  const char *shown; /* its name in messages */
  const char *real[NFOLDERS];
  VEC(dir_link) dirs;
  bool ok;
} check_ctx;

static bool inside_sources(const check_ctx *c, const char *path) {
  for (int i = 0; i < NFOLDERS; i++)
    if (c->real[i] && fsx_within(path, c->real[i])) return true;
  return false;
}

static void on_link(const char *rel, void *ctx) {
  check_ctx *c = ctx;
  char *full = fsx_join(c->a, c->dir, rel);
  char *shown = fsx_join(c->a, c->shown, rel);
  char target[PATH_MAX];
  ssize_t n = readlink(full, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  char *real = realpath(full, NULL);
  if (!real) {
    if (errno == ELOOP)
      diag_error(c->d, shown, 0, 0, "the symbolic link leads back to itself (a loop of links); remove it");
    else if (errno == ENOENT || errno == ENOTDIR)
      diag_error(c->d, shown, 0, 0, "the symbolic link points to '%s', which does not exist; remove the link or make it point to a file of the site",
                 target);
    else
      diag_error(c->d, shown, 0, 0, "cannot follow the symbolic link to '%s': %s", target, strerror(errno));
    c->ok = false;
    return;
  }
  if (!inside_sources(c, real)) {
    diag_error(c->d, shown, 0, 0,
               "the symbolic link points to '%s', outside the site's content/, layouts/ and assets/ "
               "folders; klar publishes nothing from outside the site: copy the file in instead",
               target);
    c->ok = false;
    free(real);
    return;
  }
  struct stat st;
  if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
    /* The link's place, with its folder resolved (the walk followed no link
     * below the source folder, so only the folder itself may be one). */
    char *parent = realpath(fsx_join(c->a, c->dir, fsx_dirname(c->a, rel)), NULL);
    if (parent) {
      dir_link l = {shown, fsx_join(c->a, parent, fsx_basename(rel)), arena_strdup(c->a, real)};
      vec_push(&c->dirs, l);
      free(parent);
    }
  }
  free(real);
}

/* A folder link leads to link j when j lies in its target's tree: following
 * both, the walk comes to j. A link that can come back to itself that way
 * makes the readers' walks go round (content/a → content, or a/x → b with
 * b/y → a). Marks in loop[] every such link. */
static void find_loops(const check_ctx *c, bool *loop) {
  size_t n = c->dirs.n;
  bool *seen = xcalloc(n ? n : 1, sizeof *seen);
  size_t *stack = xcalloc(n ? n : 1, sizeof *stack);
  for (size_t i = 0; i < n; i++) {
    memset(seen, 0, n * sizeof *seen);
    size_t top = 0;
    stack[top++] = i;
    while (top && !loop[i]) {
      size_t k = stack[--top];
      for (size_t j = 0; j < n; j++) {
        if (!fsx_within(c->dirs.items[j].at, c->dirs.items[k].to)) continue;
        if (j == i) loop[i] = true;
        else if (!seen[j]) {
          seen[j] = true;
          stack[top++] = j;
        }
      }
    }
  }
  free(seen);
  free(stack);
}

bool sources_check(arena *a, const char *root, diag *d) {
  check_ctx c = {.a = a, .d = d, .ok = true};
  char *dirs[NFOLDERS];
  for (int i = 0; i < NFOLDERS; i++) {
    dirs[i] = fsx_join(a, root, folders[i]);
    char *r = realpath(dirs[i], NULL);
    if (r) {
      c.real[i] = arena_strdup(a, r);
      free(r);
    }
  }
  for (int i = 0; i < NFOLDERS; i++) {
    if (!c.real[i]) continue;
    c.dir = dirs[i];
    c.shown = dirs[i];
    fsx_walk_links(dirs[i], on_link, &c);
  }
  bool *loop = xcalloc(c.dirs.n ? c.dirs.n : 1, sizeof *loop);
  find_loops(&c, loop);
  for (size_t i = 0; i < c.dirs.n; i++) {
    if (!loop[i]) continue;
    diag_error(d, c.dirs.items[i].shown, 0, 0,
               "the symbolic link leads back to a folder that contains it, so reading the site "
               "would go round in circles; remove it");
    c.ok = false;
  }
  free(loop);
  vec_free(&c.dirs);
  return c.ok;
}
