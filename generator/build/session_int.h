/* session_int: what session.c and session_out.c share. session_out.c owns
 * the session's output folder: the manifest (every file the folder holds,
 * with its size and hash) and the update transaction that writes only files
 * whose bytes changed, each by rename, and removes the files an update no
 * longer makes. Private to generator/build/. */
#ifndef KLAR_SESSION_INT_H
#define KLAR_SESSION_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/arena.h"
#include "../core/diag.h"
#include "../core/map.h"

/* The bytes of an output file, as far as the session needs to know them:
 * two 64-bit hashes with different constants and the length. Keeping every
 * page's last bytes instead would cost the size of the site again in memory
 * (150 MB for the 10,000-page benchmark). */
typedef struct out_sum {
  size_t len;
  uint64_t h[2];
} out_sum;

void out_sum_of(const void *data, size_t len, out_sum *s);
bool out_sum_eq(const out_sum *a, const out_sum *b);

/* The files of the output folder (relative path → out_sum*, heap; NULL for
 * a file removed). Read-only while a pool runs, so workers may look up. */
typedef struct out_manifest {
  map files;
} out_manifest;

void out_manifest_free(out_manifest *m);
/* True when rel is in the manifest with exactly these bytes. */
bool out_manifest_same(const out_manifest *m, const char *rel, const out_sum *s);

/* One update's writes. Everything an update makes goes first into a private
 * folder beside the output (OUT.session-PID/KIND/...); out_txn_commit then
 * moves the files whose bytes changed into the output, one rename each (the
 * server never sees a half-written file and the folder is never missing),
 * and removes the files the update was responsible for but no longer made.
 * out_txn_abort throws the private folder away: the output stays as it was. */
typedef struct out_page {
  const char *rel;     /* below the output */
  out_sum sum;
  bool written;        /* changed: its bytes wait in out_page_tmp(rel) */
  bool moved;          /* renamed into place by the commit */
} out_page;

typedef struct out_txn {
  const char *out;     /* the output folder */
  const char *scratch; /* OUT.session-PID */
  arena *a;
  map made;            /* rel → (void*)1: every file this update made, changed or not */
  bool all;            /* the update made the whole site: remove what it did not make */
  const char *whole;   /* a folder the update made whole ("soeg/indeks/"), or NULL: the
                        * files below it that it did not make are removed too */
  bool created;        /* the output folder was not there at the start */
  out_page *pages;     /* out_txn_page */
  size_t npages, cappages;
  int jobs;            /* threads for the commit's renames (0: one) */
} out_txn;

/* Begins a transaction (a and the strings live as long as the caller
 * keeps them). Returns false with a message in d when the folder cannot be
 * made. */
bool out_txn_begin(out_txn *t, arena *a, const char *out, diag *d);
/* The folder below the scratch folder to write files of one kind into
 * ("pages", "assets", "statics", "other"); made on first use. */
const char *out_txn_dir(out_txn *t, const char *kind);
/* Pages are many, so they skip the private folder and its second reading:
 * a render worker that finds a page's bytes changed (out_manifest_same)
 * writes them to out_page_tmp(rel), a hidden name beside the page's place
 * in the output (no server serves it), and the page is then told to the
 * transaction with its sum; the commit renames it into place. A worker
 * may call out_page_tmp (memory from a, its own arena). */
const char *out_page_tmp(arena *a, const char *out, const char *rel);
void out_txn_page(out_txn *t, const char *rel, const out_sum *s, bool written);
/* Makes the output folder, marked as klar's (fsx_mark_output), if it is not
 * there: a session's folder exists from its first good update on. Moves
 * every changed file into the output and updates the manifest;
 * when t->all, removes the files of the manifest the update did not make
 * (and folders left empty). Returns the number of files written; -1 with
 * a message in d when a rename failed (the manifest then says what is
 * really there, and the next update writes the rest). */
int out_txn_commit(out_txn *t, out_manifest *m, diag *d);
/* Throws the update away; an output folder that was not there at the
 * start is not there after it either. */
void out_txn_abort(out_txn *t);

#endif
