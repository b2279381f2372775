/* fonts: the fonts a booklet is set in. klar prints only with the font files
 * the site carries in assets/fonts/ (TTF or OTF), registered with a private
 * fontconfig configuration as application fonts: no system font is ever
 * seen, so a booklet breaks its lines the same on every machine, and a font
 * a machine happens to lack cannot break a build. The only place that
 * touches fontconfig. */
#ifndef KLAR_FONTS_H
#define KLAR_FONTS_H
#include <pango/pango.h>
#include <stdbool.h>
#include "../core/arena.h"
#include "../core/diag.h"

/* Returns a new Pango font map (PangoCairo, fontconfig backend) that knows
 * only the .ttf and .otf files directly in dir, attached to arena a (it is
 * unreferenced when a is freed). Each call makes its own map and
 * configuration, so booklets set on different threads share nothing. When
 * dir holds no font file, reports an error at file (the print layout) and
 * returns NULL. */
PangoFontMap *fonts_map_new(arena *a, const char *dir, const char *file, diag *d);

/* Returns a comma-separated list of the families in the map (arena a), for
 * the message about a family that is not there. */
const char *fonts_families(arena *a, PangoFontMap *fm);

/* Asks Pango for the metrics of every font that layout lay will use, under
 * one process-wide lock, before the layout is broken into lines: Pango 1.50
 * works the metrics out with a flag shared by all threads, and a font
 * whose metrics were made at the same time as another thread's broke its
 * lines differently (see fonts.c). Call it after the layout's text,
 * attributes and font are set, before anything measures it. */
void fonts_prepare_layout(PangoLayout *lay);

/* True while the calling thread measures fonts in fonts_prepare_layout:
 * tests/tools/metrics_guard checks by it that Pango works out no font's
 * first metrics anywhere else. */
bool fonts_lock_held(void);

#endif
