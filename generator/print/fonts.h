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

#endif
