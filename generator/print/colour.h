/* colour: press colour for the printer PDFs, with lcms2 behind klar's own
 * interface. The press condition is Coated FOGRA39 (ISO 12647-2:2004), its
 * ICC profile built into klar (icc/klar-fogra39.icc, made by
 * scripts/fogra39-icc.sh). Screen colours (sRGB, as the layouts and Cairo
 * give them) become CMYK here; the reader PDF and the preview stay RGB.
 * Every function is safe to call from several threads at once. */
#ifndef KLAR_PRINT_COLOUR_H
#define KLAR_PRINT_COLOUR_H
#include <stdbool.h>
#include <stddef.h>

/* The output condition the profile characterises, as PDF/X names it. */
#define COLOUR_CONDITION_ID "FOGRA39"
#define COLOUR_CONDITION_INFO "Coated FOGRA39 (ISO 12647-2:2004)"
#define COLOUR_REGISTRY "http://www.color.org"

/* A press colour: cyan, magenta, yellow and black, each 0..1. */
typedef struct colour_cmyk {
  double c, m, y, k;
} colour_cmyk;

/* The ICC profile's bytes deflated (zlib, as a PDF's FlateDecode stream
 * holds them; static, never freed); *len gets their count. */
const unsigned char *colour_profile_deflated(size_t *len);

/* Opens the profile the first time it is called. Returns false when lcms2
 * cannot read it (a broken build); every other function then gives black
 * for every colour, so callers check this once. */
bool colour_ready(void);

/* The press colour of the screen colour rgb (0xRRGGBB). Colours near the
 * grey axis (as body text, rules and running heads are) become black ink
 * alone, of the tint that prints as light as the colour looks: a near-black
 * text is 100 % K, never four-colour black that would not register on 10 pt
 * type. Other colours go through the profile (perceptual intent), within
 * its 300 % total ink. */
colour_cmyk colour_press(unsigned rgb);

/* The screen colour (0xRRGGBB) a press colour prints as: what the reader
 * PDF and the preview show for a palette colour given only as CMYK. */
unsigned colour_screen(colour_cmyk c);

/* Converts n pixels of 8-bit RGB (3 bytes each) to 8-bit CMYK (4 bytes
 * each, out) through the profile: for the colour images of a printer PDF. */
void colour_press_pixels(const unsigned char *rgb, size_t n, unsigned char *out);

#endif
