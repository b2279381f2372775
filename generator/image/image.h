/* image: the pictures of the site klar draws at build time from the site's
 * logo (assets/logo.svg) and fonts (assets/fonts/): favicon.ico (a 32 px
 * PNG in an ICO), apple-touch-icon.png (180 px), and one share card per
 * content type for Open Graph (og/TYPE.png, og/side.png for the others,
 * 1200 × 630). The same input gives the same bytes. */
#ifndef KLAR_IMAGE_H
#define KLAR_IMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/diag.h"
#include "../model/model.h"

/* The size of the share cards, for the layouts' og:image:width/height. */
enum { IMAGE_CARD_W = 1200, IMAGE_CARD_H = 630 };

/* Draws the icons and cards into out (the build's staging folder; NULL, as
 * in klar check: draws nothing) and records each card's URL in s->assets
 * under "og/TYPE.png" (for the layouts' asset()), also with out NULL. A
 * card's file name carries a hash of what it is drawn from (logo, fonts,
 * titles), so a card of that name in prev (the previous output, may be
 * NULL or missing) is linked, not drawn again. A site without
 * assets/logo.svg gets no icons, one without font files no cards: both
 * are optional. A logo librsvg cannot read is an error at its file.
 * Returns false on an error. */
bool image_site(site *s, const char *out, const char *prev, diag *d);

/* FNV-1a over n bytes, continuing from h (start with IMAGE_HASH_START):
 * the hash the names of made images carry. */
#define IMAGE_HASH_START 0xcbf29ce484222325ULL
uint64_t image_hash(uint64_t h, const void *data, size_t n);

/* Puts file (a path below out) in place by a hard link (or a copy) of the
 * file of that name in prev, the previous output, whose made files carry
 * the hash of what they were made from in their names. Returns false when
 * prev is NULL or has no such file: the caller makes it. Memory from a. */
bool image_link_prev(arena *a, const char *out, const char *prev, const char *file);

#endif
