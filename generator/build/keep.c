/* keep: the booklets' links on the pages (see keep.h). */
#include "keep.h"
#include "../core/fsx.h"
#include "../print/print.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void build_record_booklet(site *s, booklet *k, const char *dir) {
  k->url = arena_printf(s->arena, "/booklets/%s.pdf", k->name);
  k->printer_url = arena_printf(s->arena, "/booklets/%s-tryk.pdf", k->name);
  k->imposed_url = NULL;
  if (!dir) { /* klar check: laid out, nothing written to measure */
    if (k->impose) k->imposed_url = arena_printf(s->arena, "/booklets/%s-ark.pdf", k->name);
    k->bytes = 0;
    return;
  }
  if (k->impose && fsx_is_file(fsx_join(s->arena, dir, arena_printf(s->arena, "%s-ark.pdf", k->name))))
    k->imposed_url = arena_printf(s->arena, "/booklets/%s-ark.pdf", k->name);
  struct stat st;
  k->bytes = stat(fsx_join(s->arena, dir, arena_printf(s->arena, "%s.pdf", k->name)), &st) == 0 ? (long)st.st_size : 0;
}

int build_keep_booklets(site *s, const char *out, const char *stage, diag *d) {
  arena *a = s->arena;
  const char *from = fsx_join(a, out, "booklets");
  const char *to = fsx_join(a, stage, "booklets");
  if (!fsx_is_dir(from)) return 0;
  int kept = 0;
  for (size_t i = 0; i < s->nbooklets; i++) {
    booklet *k = &s->booklets[i];
    static const char *const kinds[3] = {"", "-tryk", "-ark"};
    const char *reader = fsx_join(a, from, arena_printf(a, "%s.pdf", k->name));
    /* Only a booklet made whole before is kept: a reader PDF without its
     * printer PDF is not what a build leaves. */
    if (!fsx_is_file(reader) || !fsx_is_file(fsx_join(a, from, arena_printf(a, "%s-tryk.pdf", k->name)))) continue;
    char err[512];
    int pages = print_pdf_pages(reader, err, sizeof err);
    if (pages < 0) {
      diag_warning(d, reader, 0, 0, "the booklet '%s' of the previous build cannot be read (%s); it is left out until 'klar build' makes it again",
                   k->name, err);
      continue;
    }
    if (!fsx_mkdirs(to)) {
      diag_error(d, to, 0, 0, "cannot create the folder: %s", strerror(errno));
      return kept;
    }
    bool ok = true;
    for (int j = 0; j < 3 && ok; j++) {
      const char *name = arena_printf(a, "%s%s.pdf", k->name, kinds[j]);
      const char *src = fsx_join(a, from, name);
      if (j == 2 && !fsx_is_file(src)) break;
      ok = fsx_link(src, fsx_join(a, to, name));
      if (!ok)
        diag_error(d, src, 0, 0, "cannot link the previous output into the new one: %s", strerror(errno));
    }
    if (!ok) continue;
    k->npages = pages;
    k->made = true;
    build_record_booklet(s, k, to);
    kept++;
  }
  return kept;
}
