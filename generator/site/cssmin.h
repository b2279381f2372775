/* cssmin: a small, safe CSS minifier for the asset stage. It removes what a
 * browser ignores (comments, runs of whitespace, the last semicolon of a
 * block) and nothing else: strings and url() are copied byte for byte, no
 * value is rewritten, so the minified sheet means exactly what the source
 * meant. Fingerprints are taken of the minified bytes. */
#ifndef KLAR_CSSMIN_H
#define KLAR_CSSMIN_H
#include <stddef.h>

/* Minifies the n bytes of CSS at buf in place and returns the new length
 * (never more than n; the result is not NUL-terminated unless the caller
 * puts one). Never fails: an unterminated comment ends the sheet, an
 * unterminated string or url( is copied to the end as it is. */
size_t cssmin_minify(char *buf, size_t n);

#endif
