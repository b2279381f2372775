/* content: reading content/: every Markdown file becomes a page with its
 * front matter parsed and its body kept as text; every other file is a static
 * file (a bundle resource or a file copied as it is). URLs, types and checks
 * are the model's work. */
#ifndef KLAR_CONTENT_H
#define KLAR_CONTENT_H
#include "../core/arena.h"
#include "../core/diag.h"
#include "../model/model.h"

typedef struct content {
  page_list pages;           /* every .md file, sorted by src */
  const char **statics;      /* other files below content/ (not site.yaml), sorted */
  size_t nstatics;
} content;

/* Reads every file below dir (the content folder), the files on `jobs`
 * threads. Pages get src, file, dir, section, kind, bundle, fm, body,
 * body_line and resources; errors (invalid UTF-8, malformed front matter) go
 * to d and the page is still listed with an empty front matter when it could
 * be read. The result does not depend on jobs. Memory in arena a (or in
 * arenas that die with it). */
void content_load(arena *a, const char *dir, const char *display_dir, int jobs, content *out, diag *d);

/* The Markdown files content_load read last, for `klar serve`'s session,
 * which builds the model again after a front matter edit: a file whose
 * stamp (fsx_stamp: inode, size, times) is the one it had is taken from
 * here instead of being opened, read and checked again (for the
 * 10,000-page benchmark site, a third of that model's time). Only files
 * that passed the checks are kept; the texts are heap copies (the size of
 * the site's Markdown). Not thread-safe: one build at a time. */
typedef struct content_cache content_cache;
content_cache *content_cache_new(void);
/* Frees it; content_cache_free(NULL) does nothing. */
void content_cache_free(content_cache *c);
/* Forgets the file rel (below the content folder), so that the next load
 * reads it whatever its stamp: a file the watcher saw change is read even
 * when two saves fell in one tick of the file system's clock. */
void content_cache_forget(content_cache *c, const char *rel);
/* How many files the last load took from the cache (for tests). */
size_t content_cache_hits(const content_cache *c);

/* content_load with a cache (NULL: none): unchanged files come from it,
 * and it is brought up to date with the files read. */
void content_load_cached(arena *a, const char *dir, const char *display_dir, int jobs, content_cache *cache,
                         content *out, diag *d);

/* Reads one Markdown file of dir (rel below it, as content_load names it)
 * into a page as content_load does (no resources: those are content_load's
 * work). Never NULL; errors go to d and mark the page broken. In arena a.
 * For the incremental rebuild (build/session), which reloads one file. */
page *content_load_page(arena *a, const char *dir, const char *display_dir, const char *rel, diag *d);
/* Splits front matter from text: fills the YAML part and the body. Returns
 * false (with a message) when a front matter block is opened but not
 * closed. Exposed for tests. */
bool content_split(const char *text, size_t n, const char **yaml, size_t *yaml_len,
                   const char **body, int *body_line);

#endif
