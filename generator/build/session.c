/* session: the build kept between edits. This first version rebuilds the
 * whole site on every update (build_site into the session's folder); the
 * dependency graph that rebuilds only what an edit affects replaces it. */
#include "session.h"
#include "../core/arena.h"
#include <stdlib.h>
#include <string.h>

struct build_session {
  build_options o;
  char *root, *out;
};

static bool session_full(build_session *bs, diag *d, session_result *r) {
  build_stats st;
  memset(r, 0, sizeof *r);
  r->ok = build_site(&bs->o, d, &st);
  r->rebuilt = st.pages;
  r->written = st.files;
  r->full = true;
  r->seconds = st.seconds;
  return r->ok;
}

build_session *build_session_open(const build_options *o, diag *d, session_result *r) {
  build_session *bs = xcalloc(1, sizeof *bs);
  bs->o = *o;
  bs->root = xstrdup(o->root);
  bs->out = xstrdup(o->out);
  bs->o.root = bs->root;
  bs->o.out = bs->out;
  bs->o.names = NULL;
  bs->o.nnames = 0;
  session_full(bs, d, r);
  return bs;
}

bool build_session_update(build_session *bs, const char *const *changed, size_t n, diag *d,
                          session_result *r) {
  (void)changed;
  (void)n;
  return session_full(bs, d, r);
}

void build_session_close(build_session *bs) {
  if (!bs) return;
  free(bs->root);
  free(bs->out);
  free(bs);
}
