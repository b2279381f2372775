/* picture: the images written in the pages' Markdown (![Alt](billede.jpg)),
 * made ready for the web at build time. A photo (JPEG, or a PNG that is a
 * photo, see picture.c) is offered in up to three widths (480, 800 and 1200
 * pixels, never wider than it is) as JPEG and as WebP; a drawing (a PNG
 * with transparency or flat colours) and an SVG as they are. Every <img> gets its width and height (no layout shift),
 * loading="lazy" and decoding="async". The files' names carry a hash of the
 * source's bytes, so a variant a previous build made is linked, not made
 * again. The only place that decodes PNG for the site; JPEG and WebP go
 * through photo.h. */
#ifndef KLAR_PICTURE_H
#define KLAR_PICTURE_H
#include <stdbool.h>
#include "../core/diag.h"
#include "../md/md.h"
#include "../model/model.h"

/* The pictures one site's pages use, filled by the Markdown stage (from
 * any thread) and made into files by picture_write. */
typedef struct picture_set picture_set;

/* Returns a new, empty set for site s, freed with s->arena. */
picture_set *picture_set_new(site *s);

/* The widths a picture is offered in, at most (smaller ones only). */
enum { PICTURE_MAX_WIDTHS = 4 };

/* The context of picture_md for one page: the site (its s->pictures),
 * the page, scratch memory of the calling worker and where to report. */
typedef struct picture_ctx {
  const site *s;
  const page *p;
  arena *a;
  diag *d;
} picture_ctx;

/* The md_picture_fn of a site build (ctx a picture_ctx). For a local JPEG,
 * PNG or SVG: appends its <picture> or <img> with size and srcset to out,
 * records it in s->pictures and returns 1. Other local files (GIF, WebP)
 * return 0 and stay as cmark writes them. Reports at the image's position
 * and returns -1 for an image from another site (http:, https:, //: the
 * reader's browser would ask a third party before any consent), an
 * absolute path not below /assets/, a file outside the site's folders, and
 * a JPEG, PNG or SVG whose size cannot be read. */
int picture_md(void *ctx, const md_picture *pic, sbuf *out);

/* Writes the files of every picture in s->pictures into out (a build's
 * stage; NULL: nothing) on `jobs` threads: each file that prev (the
 * previous output, may be NULL) has under its name is hard-linked from
 * there, or, with only_new (an update of klar serve's output, which keeps
 * the files an update does not make), left out; the others are made from
 * the source, which is decoded at most once. A source that cannot be
 * decoded is an error at its file. Returns false on an error. */
bool picture_write(const site *s, const char *out, const char *prev, bool only_new, int jobs, diag *d);

/* Reads what the build reads of an image file: its kind and size from
 * its n bytes, name (its file name) saying what it should be. Returns 0
 * when the build would refuse it, 1 for a photo, 2 a drawing, 3 an SVG,
 * with the size in *w and *h. For the fuzz target. */
int picture_probe(const char *name, const char *data, size_t n, int *w, int *h);

#endif
