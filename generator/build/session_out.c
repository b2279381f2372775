/* session_out: the session's output folder, written file by file (see
 * session_int.h). */
#include "session_int.h"
#include "../core/fsx.h"
#include "../core/str.h"
#include "../core/pool.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ hashing */

/* A word at a time, two lanes with different odd constants: the session
 * hashes every page it renders (150 MB for a layout edit on the benchmark
 * site), so a byte-at-a-time hash would cost more than writing. Equal sums
 * are taken as equal bytes; two 64-bit lanes and the length make a false
 * match far less likely than a disk error. */
void out_sum_of(const void *data, size_t len, out_sum *s) {
  const unsigned char *p = data;
  uint64_t a = 0x9E3779B97F4A7C15ull ^ len, b = 0xC2B2AE3D27D4EB4Full + len;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    a = (a ^ w) * 0xFF51AFD7ED558CCDull;
    a ^= a >> 32;
    b = (b ^ w) * 0xC4CEB9FE1A85EC53ull;
    b ^= b >> 29;
  }
  uint64_t w = 0;
  memcpy(&w, p + i, len - i);
  a = (a ^ w) * 0xFF51AFD7ED558CCDull;
  a ^= a >> 33;
  b = (b ^ w) * 0xC4CEB9FE1A85EC53ull;
  b ^= b >> 31;
  s->len = len;
  s->h[0] = a;
  s->h[1] = b;
}

bool out_sum_eq(const out_sum *a, const out_sum *b) {
  return a->len == b->len && a->h[0] == b->h[0] && a->h[1] == b->h[1];
}

/* ----------------------------------------------------------- manifest */

void out_manifest_free(out_manifest *m) {
  for (size_t i = 0; i < m->files.n; i++) {
    free((void *)m->files.entries[i].key);
    free(m->files.entries[i].value);
  }
  map_free(&m->files);
  memset(m, 0, sizeof *m);
}

bool out_manifest_same(const out_manifest *m, const char *rel, const out_sum *s) {
  const out_sum *have = map_get(&m->files, rel);
  return have && out_sum_eq(have, s);
}

/* Sets rel's sum (NULL: removed). The key is the manifest's own copy. */
static void manifest_put(out_manifest *m, const char *rel, const out_sum *s) {
  out_sum *have = map_get(&m->files, rel);
  if (!s) {
    free(have);
    if (map_has(&m->files, rel)) map_set(&m->files, rel, NULL);
    return;
  }
  if (!have) {
    have = xmalloc(sizeof *have);
    if (map_has(&m->files, rel)) map_set(&m->files, rel, have);
    else map_set(&m->files, xstrdup(rel), have);
  }
  *have = *s;
}

/* -------------------------------------------------------- transaction */

bool out_txn_begin(out_txn *t, arena *a, const char *out, diag *d) {
  memset(t, 0, sizeof *t);
  t->a = a;
  t->out = out;
  t->created = !fsx_is_dir(out);
  t->scratch = arena_printf(a, "%s.session-%ld", out, (long)getpid());
  /* What a killed update left. */
  if (fsx_is_dir(t->scratch)) fsx_rmtree(t->scratch);
  if (!fsx_mkdirs(t->scratch) || (t->created && !fsx_mkdirs(out))) {
    diag_error(d, t->scratch, 0, 0, "cannot create the folder to build the update in: %s", strerror(errno));
    return false;
  }
  return true;
}

const char *out_txn_dir(out_txn *t, const char *kind) {
  const char *dir = fsx_join(t->a, t->scratch, kind);
  fsx_mkdirs(dir);
  return dir;
}

static void txn_made(out_txn *t, const char *rel) {
  map_set(&t->made, rel, (void *)1);
}

/* Writes the hidden name beside rel's place (see out_page_tmp) into buf
 * (cap bytes), as snprintf does: returns the length it needs. */
static int page_tmp_put(char *buf, size_t cap, const char *out, const char *rel) {
  const char *slash = strrchr(rel, '/');
  int dirlen = slash ? (int)(slash - rel) + 1 : 0;
  return snprintf(buf, cap, "%s/%.*s.%s.session-%ld", out, dirlen, rel, slash ? slash + 1 : rel, (long)getpid());
}

const char *out_page_tmp(arena *a, const char *out, const char *rel) {
  int n = page_tmp_put(NULL, 0, out, rel);
  char *buf = arena_alloc(a, (size_t)n + 1);
  page_tmp_put(buf, (size_t)n + 1, out, rel);
  return buf;
}

void out_txn_page(out_txn *t, const char *rel, const out_sum *s, bool written) {
  if (t->npages == t->cappages) {
    t->cappages = t->cappages ? 2 * t->cappages : 64;
    t->pages = xrealloc(t->pages, t->cappages * sizeof *t->pages);
  }
  t->pages[t->npages++] = (out_page){rel, *s, written, false};
  txn_made(t, rel);
}

typedef struct commit_ctx {
  out_txn *t;
  out_manifest *m;
  const char *dir;
  diag *d;
  int written;
  bool failed;
} commit_ctx;

/* Removes the now empty folders between the output and rel's folder. */
static void prune_dirs(arena *a, const char *out, const char *rel) {
  char *dir = fsx_dirname(a, rel);
  while (*dir) {
    if (rmdir(fsx_join(a, out, dir)) != 0) return;
    dir = fsx_dirname(a, dir);
  }
}

/* Renames from to rel in the output and notes its sum. */
static void move_in(commit_ctx *c, const char *from, const char *rel, const out_sum *s) {
  out_txn *t = c->t;
  const char *to = fsx_join(t->a, t->out, rel);
  if (rename(from, to) != 0) {
    /* A file of the old site where the new one needs a folder (or the
     * other way round) goes first; then once more. */
    char *dir = fsx_dirname(t->a, to);
    if (!fsx_is_dir(dir)) {
      unlink(dir);
      fsx_mkdirs(dir);
    }
    if (fsx_is_dir(to)) fsx_rmtree(to);
    if (rename(from, to) != 0) {
      diag_error(c->d, to, 0, 0, "cannot move the updated file into the output folder: %s", strerror(errno));
      c->failed = true;
      return;
    }
  }
  manifest_put(c->m, rel, s);
  c->written++;
}

static void commit_one(const char *rel, void *ctx) {
  commit_ctx *c = ctx;
  out_txn *t = c->t;
  const char *from = fsx_join(t->a, c->dir, rel);
  rel = arena_strdup(t->a, rel);
  txn_made(t, rel);
  size_t len;
  char *data = fsx_read_heap(from, &len);
  if (!data) {
    diag_error(c->d, from, 0, 0, "cannot read the file the update made: %s", strerror(errno));
    c->failed = true;
    return;
  }
  out_sum s;
  out_sum_of(data, len, &s);
  free(data);
  if (out_manifest_same(c->m, rel, &s)) return;
  move_in(c, from, rel, &s);
}

/* Renames page i of the transaction into place (item i of a pool run):
 * a layout edit of the 10,000-page benchmark site renames 10,063 pages,
 * a seventh of the update's time on one thread. What fails here is left
 * to move_in, on one thread, which mends the odd cases. */
static void rename_page(void *shared, void *worker, size_t i) {
  out_txn *t = shared;
  out_page *pg = &t->pages[i];
  char from[4096], to[4096];
  if (!pg->written) return;
  int nf = page_tmp_put(from, sizeof from, t->out, pg->rel);
  int nt = snprintf(to, sizeof to, "%s/%s", t->out, pg->rel);
  if (nf > 0 && (size_t)nf < sizeof from && nt > 0 && (size_t)nt < sizeof to && rename(from, to) == 0)
    pg->moved = true;
}

int out_txn_commit(out_txn *t, out_manifest *m, diag *d) {
  commit_ctx c = {t, m, NULL, d, 0, false};
  if (!fsx_is_output(t->out) && !fsx_mark_output(t->out)) {
    diag_error(d, t->out, 0, 0, "cannot write the marker of klar's output into the folder: %s", strerror(errno));
    out_txn_abort(t);
    return -1;
  }
  static const char *kinds[] = {"assets", "statics", "other"};
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    c.dir = fsx_join(t->a, t->scratch, kinds[k]);
    if (fsx_is_dir(c.dir)) fsx_walk(c.dir, commit_one, &c);
  }
  pool_run(t->jobs > 1 ? t->jobs : 1, t->npages, rename_page, t, NULL);
  for (size_t i = 0; i < t->npages; i++) {
    out_page *pg = &t->pages[i];
    if (pg->moved) {
      manifest_put(m, pg->rel, &pg->sum);
      c.written++;
    } else if (pg->written) {
      move_in(&c, out_page_tmp(t->a, t->out, pg->rel), pg->rel, &pg->sum);
    }
    pg->written = pg->moved = false;
  }
  if (t->all || t->whole) {
    for (size_t i = 0; i < m->files.n; i++) {
      const char *rel = m->files.entries[i].key;
      if (!m->files.entries[i].value || map_has(&t->made, rel)) continue;
      if (!t->all && !str_starts(rel, t->whole)) continue;
      const char *path = fsx_join(t->a, t->out, rel);
      if (unlink(path) != 0 && errno != ENOENT) {
        diag_error(d, path, 0, 0, "cannot remove the file the site no longer has: %s", strerror(errno));
        c.failed = true;
        continue;
      }
      manifest_put(m, rel, NULL);
      prune_dirs(t->a, t->out, rel);
    }
  }
  t->created = false; /* it holds the site now */
  out_txn_abort(t);
  return c.failed ? -1 : c.written;
}

void out_txn_abort(out_txn *t) {
  for (size_t i = 0; i < t->npages; i++)
    if (t->pages[i].written) {
      unlink(out_page_tmp(t->a, t->out, t->pages[i].rel));
      prune_dirs(t->a, t->out, t->pages[i].rel); /* a new page's folders */
    }
  free(t->pages);
  t->pages = NULL;
  t->npages = t->cappages = 0;
  if (t->scratch) fsx_rmtree(t->scratch);
  t->scratch = NULL;
  map_free(&t->made);
  if (t->created) rmdir(t->out); /* empty again: the update's folders went with it */
  t->created = false;
}
