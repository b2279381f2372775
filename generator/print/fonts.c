/* fonts: a private fontconfig with the site's own font files (see fonts.h). */
#include "fonts.h"
#include <dirent.h>
#include <pthread.h>
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

/* Pango 1.50 works out a font's approximate character width, the first
 * time it is asked for the font's metrics, by laying out a sample text; a
 * flag in a static variable (in_get_metrics in pangocairo-font.c) keeps
 * that inner layout from recursing, and it is shared by every thread. A
 * font whose metrics are first asked for while another thread's font has
 * the flag set gets an approximate width of 0 for the rest of its life.
 * The line breaker measures the breaks within three such widths of the
 * line's end exactly and takes the others on an estimate, so that font
 * broke its lines differently: booklets made on two threads came out with
 * other line breaks from run to run. The lock below makes every first
 * metrics call happen one at a time; after it Pango only reads its cache. */
static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool metrics_locked; /* this thread holds metrics_lock */

bool fonts_lock_held(void) { return metrics_locked; }

/* Appends to fonts the fonts Pango gives the empty lines of lay (an empty
 * text, or one with an empty paragraph): it loads them from the context's
 * description, the layout's, then the font attributes at the line, and
 * measures them with the context's language when the line is measured
 * (pango_layout_get_empty_extents_and_height_at_index). Such a line has no
 * item, so without this its font, the running header of a page without a
 * section say, had its first metrics outside the lock. */
static void add_empty_line_fonts(PangoLayout *lay, GPtrArray *fonts) {
  PangoContext *pc = pango_layout_get_context(lay);
  const char *text = pango_layout_get_text(lay);
  if (text[0] && !strchr(text, '\n')) return;
  PangoFontDescription *base = pango_font_description_copy(pango_context_get_font_description(pc));
  const PangoFontDescription *fd = pango_layout_get_font_description(lay);
  if (fd) pango_font_description_merge(base, fd, TRUE);
  PangoAttrList *attrs = pango_layout_get_attributes(lay);
  PangoAttrIterator *it = attrs ? pango_attr_list_get_iterator(attrs) : NULL;
  do {
    PangoFontDescription *d = pango_font_description_copy(base);
    if (it) pango_attr_iterator_get_font(it, d, NULL, NULL);
    PangoFont *f = pango_context_load_font(pc, d);
    if (f) g_ptr_array_add(fonts, f);
    pango_font_description_free(d);
  } while (it && pango_attr_iterator_next(it));
  if (it) pango_attr_iterator_destroy(it);
  pango_font_description_free(base);
}

void fonts_prepare_layout(PangoLayout *lay) {
  PangoContext *pc = pango_layout_get_context(lay);
  const char *text = pango_layout_get_text(lay);
  PangoAttrList *attrs = pango_layout_get_attributes(lay);
  const PangoFontDescription *fd = pango_layout_get_font_description(lay);
  /* The layout's own description goes first, under its attributes, as
   * pango_layout_get_effective_attributes does: the same fonts result. */
  PangoAttrList *al = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();
  if (fd) pango_attr_list_insert_before(al, pango_attr_font_desc_new(fd));
  GList *items = pango_itemize(pc, text, 0, (int)strlen(text), al, NULL);
  GPtrArray *empty = g_ptr_array_new_with_free_func(g_object_unref);
  add_empty_line_fonts(lay, empty);
  pthread_mutex_lock(&metrics_lock);
  metrics_locked = true;
  for (GList *l = items; l; l = l->next) {
    PangoItem *it = l->data;
    if (it->analysis.font)
      pango_font_metrics_unref(pango_font_get_metrics(it->analysis.font, it->analysis.language));
  }
  for (guint i = 0; i < empty->len; i++)
    pango_font_metrics_unref(pango_font_get_metrics(empty->pdata[i], pango_context_get_language(pc)));
  metrics_locked = false;
  pthread_mutex_unlock(&metrics_lock);
  g_ptr_array_unref(empty);
  g_list_free_full(items, (GDestroyNotify)pango_item_free);
  pango_attr_list_unref(al);
}
