/* lastmod: see lastmod.h. */
#include "lastmod.h"
#include "../core/fsx.h"
#include "../core/str.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Runs git with argv in folder dir and returns its standard output (heap,
 * the caller frees), or NULL when git is missing or fails (not a work
 * tree): then its error output is not shown, as a site without git is
 * normal. Run with fork and exec, not a shell: dir is the user's path. */
static char *git_out(const char *dir, char *const argv[], size_t *n) {
  int fd[2];
  if (pipe(fd)) return NULL;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return NULL;
  }
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    if (chdir(dir)) _exit(127);
    execvp("git", argv);
    _exit(127);
  }
  close(fd[1]);
  sbuf b = SBUF_INIT;
  char buf[65536];
  ssize_t r;
  while ((r = read(fd[0], buf, sizeof buf)) > 0) sbuf_put(&b, buf, (size_t)r);
  close(fd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    sbuf_free(&b);
    return NULL;
  }
  *n = b.len;
  sbuf_str(&b);
  return b.data ? b.data : calloc(1, 1);
}

static long long now_seconds(void) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  return sde && *sde ? strtoll(sde, NULL, 10) : (long long)time(NULL);
}

static void put(const site *s, map *m, const char *src, long long t) {
  long long *v = arena_alloc(s->arena, sizeof *v);
  *v = t;
  map_set(m, src, v);
}

void site_lastmod(const site *s, map *m) {
  long long now = now_seconds();
  /* Newest commit first: the first time a file is named is its last
   * change. Paths are relative to content/, as page->src. */
  char *log_argv[] = {"git", "-c", "core.quotepath=off", "log", "--name-only", "--relative", "--no-renames",
                      "--format=%x01%ct", "--", ".", NULL};
  size_t n = 0;
  map committed = {0};
  char *log = git_out(s->content_dir, log_argv, &n);
  if (log) {
    long long t = 0;
    for (char *line = log, *next; line && *line; line = next) {
      next = strchr(line, '\n');
      if (next) *next++ = 0;
      if (line[0] == 1) t = strtoll(line + 1, NULL, 10);
      else if (*line && !map_get(&committed, line)) put(s, &committed, arena_strdup(s->arena, line), t);
    }
    /* A file edited since its last commit changed when it was saved. */
    char *diff_argv[] = {"git", "-c", "core.quotepath=off", "diff", "--name-only", "--relative", "HEAD", "--", ".", NULL};
    char *diff = git_out(s->content_dir, diff_argv, &n);
    for (char *line = diff, *next; line && *line; line = next) {
      next = strchr(line, '\n');
      if (next) *next++ = 0;
      map_set(&committed, line, NULL);
    }
    free(diff);
    free(log);
  }
  for (size_t i = 0; i < s->all.n; i++) {
    const page *p = s->all.items[i];
    if (!p->src) continue;
    long long *c = map_get(&committed, p->src);
    long long t = c ? *c : fsx_mtime(fsx_join(s->arena, s->content_dir, p->src)) / 1000000000LL;
    if (t < 0) continue;
    put(s, m, p->src, t > now ? now : t);
  }
  map_free(&committed);
}
