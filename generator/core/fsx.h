/* fsx: files and folders: reading whole files, walking trees in a sorted
 * (deterministic) order, writing files with their folders, and the atomic
 * output directory that keeps the last good site when a build fails. */
#ifndef KLAR_FSX_H
#define KLAR_FSX_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

/* Reads the whole file into the arena (NUL-terminated); *len gets its size.
 * Returns NULL and sets errno when it cannot be read. */
char *fsx_read(arena *a, const char *path, size_t *len);
/* Reads into a malloc'd buffer the caller frees. */
char *fsx_read_heap(const char *path, size_t *len);
/* Writes n bytes to path, creating its parent folders. Returns false on error
 * (errno set). */
bool fsx_write(const char *path, const void *data, size_t n);
/* Creates path and its parents (like mkdir -p). */
bool fsx_mkdirs(const char *path);
/* Creates root/rels[i] for every i and the folders between root (which
 * exists) and it, each with one mkdir: the distinct folders are made in
 * sorted order, parents first. A folder that is there already is fine; ""
 * names root itself. For a build's output, where writing each file with
 * fsx_write would try every parent again (tens of thousands of failing
 * mkdir calls on a large site). Returns false (errno set) on the first
 * folder it cannot make; *failed, when not NULL, gets its path (heap, the
 * caller frees) or NULL. */
bool fsx_mkdir_tree(const char *root, const char *const *rels, size_t n, char **failed);
/* Removes a tree (like rm -rf); true if it is gone. */
bool fsx_rmtree(const char *path);
/* The same, with the entries at the top of the tree shared out among `jobs`
 * threads (see pool.h): removing an old site of 10,000 pages is mostly the
 * kernel's work per file, which two threads halve. Symlinks are removed,
 * never followed. */
bool fsx_rmtree_jobs(const char *path, int jobs);
bool fsx_is_dir(const char *path);
bool fsx_is_file(const char *path);
/* Copies a file, creating the destination's folders. */
bool fsx_copy(const char *from, const char *to);
/* Modification time in nanoseconds, or -1. */
long long fsx_mtime(const char *path);

/* Calls fn for every regular file below root, in sorted order (byte order of
 * the relative paths, folders walked as they come in that order). rel is the
 * path relative to root with '/' separators. Hidden entries (".x") are
 * skipped. Returns false if root cannot be read. */
typedef void (*fsx_walk_fn)(const char *rel, void *ctx);
bool fsx_walk(const char *root, fsx_walk_fn fn, void *ctx);

/* What tells one version of a file from another without reading it: the
 * file (device, inode), its size, and its times of change (nanoseconds).
 * Two equal stamps are taken to mean the same bytes. */
typedef struct fsx_stamp {
  unsigned long long dev, ino, size;
  long long mtime, ctime;
} fsx_stamp;
bool fsx_stamp_eq(const fsx_stamp *a, const fsx_stamp *b);
/* fsx_walk, also giving each file's stamp (of the file a link leads to),
 * from the stat the walk makes anyway. */
typedef void (*fsx_walk_stamp_fn)(const char *rel, const fsx_stamp *st, void *ctx);
bool fsx_walk_stamped(const char *root, fsx_walk_stamp_fn fn, void *ctx);

/* Calls fn for every symbolic link below root, in the order of fsx_walk,
 * without following any link (so a loop cannot trap it); rel as there.
 * Hidden entries are skipped, as fsx_walk skips them. Returns false if root
 * cannot be read. */
bool fsx_walk_links(const char *root, fsx_walk_fn fn, void *ctx);

/* Joins two path parts with one '/'. */
char *fsx_join(arena *a, const char *dir, const char *name);
/* Returns the folder part of a relative path ("" for none) and the last part. */
char *fsx_dirname(arena *a, const char *path);
const char *fsx_basename(const char *path);

/* Returns path made absolute and free of symlinks, "." and "..", in the
 * arena: the existing part as realpath(3) resolves it, the part that does not
 * exist yet appended as written (with ".." applied), so that two spellings of
 * one folder compare equal before either exists. NULL (errno set) when a
 * component cannot be resolved (a dangling symlink or a loop). */
char *fsx_resolve(arena *a, const char *path);
/* True when path is dir or lies below it; both resolved (fsx_resolve). */
bool fsx_within(const char *path, const char *dir);
/* True for a folder with no entries besides "." and "..". */
bool fsx_is_empty_dir(const char *path);

/* The marker klar writes into every output folder it makes, so that it
 * replaces only folders that are its own (fsx_is_output). */
#define FSX_MARKER ".klar-output"
bool fsx_is_output(const char *dir);
/* Writes the marker into dir; false (errno set) on error. */
bool fsx_mark_output(const char *dir);

/* The atomic output directory: fsx_stage_begin makes a fresh temporary folder
 * beside out ("public.tmp-PID"), with the marker in it; fsx_stage_commit swaps it in for out (the old
 * one removed after the rename); fsx_stage_abort removes it, leaving out as
 * it was. fsx_stage_begin first removes what killed runs left beside out:
 * their "public.tmp-PID" and "public.old-PID" folders whose process is gone
 * (klar's own: marked or empty), and puts back a "public.old-PID" when a run
 * was killed between the two renames of its commit and out is missing.
 * Returns NULL with errno set when the folder cannot be made. */
char *fsx_stage_begin(arena *a, const char *out);
bool fsx_stage_commit(const char *stage, const char *out);
/* fsx_stage_commit without the removal: the old out, if there was one, is
 * renamed to "OUT.old-PID", whose name is returned (in a; "" when there was
 * no old out) for the caller to remove when it suits it (fsx_rmtree_jobs).
 * NULL (out as it was) when a rename fails. */
char *fsx_stage_swap(arena *a, const char *stage, const char *out);
/* Fills the folder to with the files of from as hard links (a copy where the
 * file system has none), folders made anew; from's marker is left out (to
 * has its own). A file later replaced under to by rename(2), as print
 * replaces every PDF, leaves from's file as it was; one written in place
 * (fsx_write) would change it too, so use it only with renaming writers. Returns false with errno
 * set and *failed (in a) naming the file that could not be linked. */
bool fsx_link_tree(arena *a, const char *from, const char *to, const char **failed);
void fsx_stage_abort(const char *stage);
/* Makes the file to a hard link to the file from (a copy where the file
 * system has none); to's folder must exist and to must not. The same
 * caution as fsx_link_tree: replace the linked file by rename only.
 * Returns false with errno set. */
bool fsx_link(const char *from, const char *to);

#endif
