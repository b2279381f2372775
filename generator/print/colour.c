/* colour: lcms2 behind klar's interface (see colour.h). The transforms are
 * made once for the process and used by every booklet thread; they are
 * made without lcms2's one-pixel cache (cmsFLAGS_NOCACHE), which is what
 * makes one transform safe to share between threads. */
#include "colour.h"
#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <zlib.h>

/* The profile, built into the program (deflated, as the PDFs embed it) so
 * that klar finds it wherever it is installed. The Makefile names the file,
 * relative to the top folder where make runs. */
#ifndef KLAR_ICC_Z
#define KLAR_ICC_Z "build/icc/klar-fogra39.icc.z"
#endif
__asm__(".section .rodata\n"
        ".balign 16\n"
        "klar_fogra39_icc_z:\n"
        ".incbin \"" KLAR_ICC_Z "\"\n"
        "klar_fogra39_icc_z_end:\n"
        ".previous\n");
extern const unsigned char klar_fogra39_icc_z[] __asm__("klar_fogra39_icc_z");
extern const unsigned char klar_fogra39_icc_z_end[] __asm__("klar_fogra39_icc_z_end");

/* Colours whose chroma (C*ab, CIELAB D50) is below NEUTRAL_CHROMA print as
 * black ink alone. The greys of the layouts lean blue (#1c2430 has C* 9,
 * #6b7785 has 9); the pale blue background #e3eff5 has 5.5 and would print
 * as grey, so colours lighter than L* 90 keep their hue unless they are
 * grey to the eye (chroma below NEUTRAL_PALE, as #e8e8e8 of a table head):
 * a tint that pale is never rich black. */
#define NEUTRAL_CHROMA 12.0
#define NEUTRAL_MAX_L 90.0
#define NEUTRAL_PALE 2.0

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool ready;
static unsigned char *icc;   /* the profile inflated, for lcms2 */
static size_t icc_len;
static cmsHTRANSFORM to_lab, to_press, to_screen, from_press_lab;
static pthread_mutex_t pixels_lock = PTHREAD_MUTEX_INITIALIZER;
static cmsHTRANSFORM to_press_pixels; /* made on first use: precalculated, costly */
static cmsHPROFILE press, srgb, lab;
static double k_lightness[101]; /* L* of black ink alone, 0..100 % */

const unsigned char *colour_profile_deflated(size_t *len) {
  *len = (size_t)(klar_fogra39_icc_z_end - klar_fogra39_icc_z);
  return klar_fogra39_icc_z;
}

/* Inflates the built-in profile; false when it is damaged. */
static bool inflate_profile(void) {
  size_t zlen;
  const unsigned char *z = colour_profile_deflated(&zlen);
  uLongf n = 1 << 20; /* the profile is 247 kB; 1 MB leaves room */
  icc = malloc(n);
  if (!icc) abort();
  if (uncompress(icc, &n, z, (uLong)zlen) != Z_OK) return false;
  icc_len = n;
  return true;
}

static void open_profiles(void) {
  if (!inflate_profile()) return;
  press = cmsOpenProfileFromMem(icc, (cmsUInt32Number)icc_len);
  srgb = cmsCreate_sRGBProfile();
  lab = cmsCreateLab4Profile(NULL);
  if (!press || !srgb || !lab) return;
  /* Few colours pass through these, so they are not optimised into
   * precalculated grids (which costs tens of milliseconds to make). */
  cmsUInt32Number fl = cmsFLAGS_NOCACHE | cmsFLAGS_NOOPTIMIZE;
  to_lab = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, fl);
  to_press = cmsCreateTransform(srgb, TYPE_RGB_DBL, press, TYPE_CMYK_DBL, INTENT_PERCEPTUAL, fl);
  to_screen = cmsCreateTransform(press, TYPE_CMYK_DBL, srgb, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC,
                                 fl | cmsFLAGS_BLACKPOINTCOMPENSATION);
  from_press_lab = cmsCreateTransform(press, TYPE_CMYK_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, fl);
  if (!to_lab || !to_press || !to_screen || !from_press_lab) return;
  for (int i = 0; i <= 100; i++) {
    double cmyk[4] = {0, 0, 0, i}, out[3];
    cmsDoTransform(from_press_lab, cmyk, out, 1);
    k_lightness[i] = out[0];
  }
  ready = true;
}

bool colour_ready(void) {
  pthread_once(&once, open_profiles);
  return ready;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* The black tint (0..1) that prints with lightness l: the ramp of black
 * ink alone, read backwards; darker than solid black is solid black. */
static double k_for_lightness(double l) {
  if (l >= k_lightness[0]) return 0;
  for (int i = 1; i <= 100; i++)
    if (l >= k_lightness[i]) {
      double f = (k_lightness[i - 1] - l) / (k_lightness[i - 1] - k_lightness[i]);
      return (i - 1 + f) / 100;
    }
  return 1;
}

colour_cmyk colour_press(unsigned rgb) {
  colour_cmyk r = {0, 0, 0, 1};
  if (!colour_ready()) return r;
  double in[3] = {((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0};
  if (in[0] == 1 && in[1] == 1 && in[2] == 1) return (colour_cmyk){0, 0, 0, 0};
  double l[3];
  cmsDoTransform(to_lab, in, l, 1);
  double chroma = hypot(l[1], l[2]);
  if (chroma < NEUTRAL_PALE || (chroma < NEUTRAL_CHROMA && l[0] < NEUTRAL_MAX_L)) {
    r.k = k_for_lightness(l[0]);
    /* Tints that round to nothing or to solid are made exact. */
    r.k = round(r.k * 1000) / 1000;
    return r;
  }
  double out[4];
  cmsDoTransform(to_press, in, out, 1);
  r.c = clamp01(out[0] / 100);
  r.m = clamp01(out[1] / 100);
  r.y = clamp01(out[2] / 100);
  r.k = clamp01(out[3] / 100);
  return r;
}

unsigned colour_screen(colour_cmyk c) {
  if (!colour_ready()) return 0;
  double in[4] = {c.c * 100, c.m * 100, c.y * 100, c.k * 100}, out[3];
  cmsDoTransform(to_screen, in, out, 1);
  unsigned v = 0;
  for (int i = 0; i < 3; i++) v = v << 8 | (unsigned)lround(clamp01(out[i]) * 255);
  return v;
}

void colour_press_pixels(const unsigned char *rgb, size_t n, unsigned char *out) {
  if (!colour_ready()) return;
  pthread_mutex_lock(&pixels_lock);
  if (!to_press_pixels)
    to_press_pixels = cmsCreateTransform(srgb, TYPE_RGB_8, press, TYPE_CMYK_8, INTENT_PERCEPTUAL,
                                         cmsFLAGS_NOCACHE);
  cmsHTRANSFORM t = to_press_pixels;
  pthread_mutex_unlock(&pixels_lock);
  if (t) cmsDoTransform(t, rgb, out, (cmsUInt32Number)n);
}
