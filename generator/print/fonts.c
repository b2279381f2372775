/* fonts: a private fontconfig with the site's own font files (see fonts.h). */
#include "fonts.h"
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include "../core/fsx.h"
#include "../core/str.h"

static void unref_map(void *m) { g_object_unref(m); }

static int cmp_name(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Adds the font files of dir to cfg in name order (the order decides which
 * of two files with the same family and style wins). Returns how many. */
static int add_font_files(FcConfig *cfg, arena *a, const char *dir) {
  DIR *dh = opendir(dir);
  if (!dh) return 0;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dh))) {
    const char *nm = e->d_name;
    if (nm[0] == '.') continue;
    if (!(str_ends(nm, ".ttf") || str_ends(nm, ".otf") || str_ends(nm, ".TTF") || str_ends(nm, ".OTF")))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      names = xrealloc(names, cap * sizeof *names);
    }
    names[n++] = arena_strdup(a, nm);
  }
  closedir(dh);
  if (n) qsort(names, n, sizeof *names, cmp_name);
  int added = 0;
  for (size_t i = 0; i < n; i++) {
    char *path = fsx_join(a, dir, names[i]);
    if (fsx_is_file(path) && FcConfigAppFontAddFile(cfg, (const FcChar8 *)path)) added++;
  }
  free(names);
  return added;
}

PangoFontMap *fonts_map_new(arena *a, const char *dir, const char *file, diag *d) {
  /* FcConfigCreate gives an empty configuration: no config files, no system
   * font folders, no cache; only the files added here exist for it. */
  FcConfig *cfg = FcConfigCreate();
  if (!cfg) klar_oom();
  int n = add_font_files(cfg, a, dir);
  if (n == 0) {
    FcConfigDestroy(cfg);
    diag_error(d, file, 0, 0,
               "there are no font files (.ttf or .otf) in %s; klar prints only with the fonts "
               "the site carries there: put the families the print layout names in that folder",
               dir);
    return NULL;
  }
  PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  if (!fm) klar_oom();
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), cfg);
  FcConfigDestroy(cfg); /* the font map holds its own reference */
  arena_defer(a, unref_map, fm);
  return fm;
}

const char *fonts_families(arena *a, PangoFontMap *fm) {
  PangoFontFamily **fams = NULL;
  int n = 0;
  pango_font_map_list_families(fm, &fams, &n);
  const char **names = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *names);
  for (int i = 0; i < n; i++) names[i] = pango_font_family_get_name(fams[i]);
  qsort(names, (size_t)n, sizeof *names, cmp_name);
  sbuf b = SBUF_INIT;
  for (int i = 0; i < n; i++) {
    if (i) sbuf_puts(&b, ", ");
    sbuf_printf(&b, "'%s'", names[i]);
  }
  g_free(fams);
  const char *r = b.data ? arena_strdup(a, b.data) : "";
  sbuf_free(&b);
  return r;
}
