/* keep: the booklets' links on the pages, for booklets made now and for
 * those a quick build (klar build --no-booklets) keeps from the previous
 * build, so that such a build loses no PDF and no "Hent som PDF" link. */
#ifndef KLAR_KEEP_H
#define KLAR_KEEP_H
#include "../core/diag.h"
#include "../model/model.h"

/* Records what the layouts show of booklet k, whose PDFs are in folder dir
 * (OUT/booklets or the stage's): its URLs (the imposed one only when
 * NAME-ark.pdf is there) and the size of its reader PDF. With dir NULL
 * (klar check: laid out, not written) the URLs a build would give and size
 * 0. k->npages and k->made are the caller's. Strings in s->arena. */
void build_record_booklet(site *s, booklet *k, const char *dir);

/* For klar build --no-booklets: hard-links the PDFs of every booklet
 * declared in site.yaml from the previous output (out/booklets/) into the
 * stage (stage/booklets/), and records each as made with the size and page
 * count of its reader PDF (read from the PDF itself, so a PDF made by any
 * earlier build or by klar booklets counts right). A booklet whose reader
 * or printer PDF is missing is left out, as before it was ever made; one
 * whose PDF cannot be read gets a warning and is left out. A file that
 * cannot be linked is an error. Returns the number of booklets kept. */
int build_keep_booklets(site *s, const char *out, const char *stage, diag *d);

#endif
