/* session: a build that stays in memory between edits, for `klar serve`.
 * Not thread-safe: one thread opens, updates and closes a session (an
 * update uses the thread pool inside).
 * The session builds the whole site once into its output folder (a private
 * folder of the server's, never the published public/), then, told which
 * source files changed, rebuilds only what depends on them and rewrites
 * only the output files whose bytes changed. A failed update leaves every
 * output file at its last good version. */
#ifndef KLAR_SESSION_H
#define KLAR_SESSION_H
#include "build.h"
#include <stddef.h>

typedef struct build_session build_session;

/* What an update did, for the server's reload message. */
typedef struct session_result {
  bool ok;             /* the output is up to date with the sources */
  int rebuilt;         /* pages rendered again */
  int written;         /* output files rewritten (their bytes changed) */
  bool full;           /* the update had to rebuild everything */
  double seconds;
} session_result;

/* Builds the site into o->out (which must be set). Errors go to d; the
 * session is returned even then (an update may mend them). NULL only when
 * there is nothing to build at all (no content folder), or when o->out is
 * a non-empty folder klar did not make (reported in d).
 *
 * The output folder is best on tmpfs (/dev/shm, $XDG_RUNTIME_DIR): each
 * changed file is put in place by rename(2), and ext4 writes a file
 * renamed over another to disk at once (its auto_da_alloc): on this
 * machine's disk a layout edit of the bundled site took 668 ms against
 * 83 ms on /dev/shm, a body edit 11.6 ms against 7.7 ms (medians, one
 * run each, on a shared machine).
 *
 * The session makes no booklets: pages carry no booklet links, as with
 * `klar build --no-booklets`, whose output the session's matches byte for
 * byte (tests/session). How an update decides what to rebuild is told at
 * the top of session.c. */
build_session *build_session_open(const build_options *o, diag *d, session_result *r);

/* Brings the output up to date after the files in changed (paths relative
 * to the site's folder, like "content/temaer/robusthed.md" or
 * "layouts/page.xml") were edited, created or removed. n == 0 means "any
 * file may have changed". Errors go to d; on errors the output is left as
 * it was. */
bool build_session_update(build_session *bs, const char *const *changed, size_t n, diag *d,
                          session_result *r);

void build_session_close(build_session *bs);

#endif
