/* arena: region allocation for klar. Every allocation belongs to an arena; an
 * arena is freed (or reset) as a whole. Out of memory aborts with a message, so
 * callers never test the result of an allocation. Foreign objects (cmark trees,
 * libxml2 documents, Lua states) are attached with a destructor and die with it.
 * An arena is not thread-safe: each worker thread owns its own. */
#ifndef KLAR_ARENA_H
#define KLAR_ARENA_H
#include <stddef.h>

typedef struct arena arena;

/* Returns a new empty arena; free it with arena_free. */
arena *arena_new(void);
/* Runs the attached destructors (last attached first) and frees every block.
 * arena_free(NULL) does nothing. */
void arena_free(arena *a);
/* Runs the destructors and forgets every allocation, keeping the first block
 * for reuse: the page arena of a worker is reset after every page. */
void arena_reset(arena *a);

/* Returns n bytes aligned for any type, owned by the arena. Never NULL. */
void *arena_alloc(arena *a, size_t n);
/* As arena_alloc, zero-filled. */
void *arena_calloc(arena *a, size_t count, size_t size);
/* Returns a copy of s (NUL-terminated) in the arena; NULL stays NULL. */
char *arena_strdup(arena *a, const char *s);
/* Returns a NUL-terminated copy of the first n bytes of s. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grows an allocation made in this arena (copies; the old block stays until
 * the arena dies). */
void *arena_realloc(arena *a, void *p, size_t old, size_t n);
/* Attaches fn(obj) to run when the arena is freed or reset. */
void arena_defer(arena *a, void (*fn)(void *), void *obj);
/* Bytes handed out so far (for benchmarks and tests). */
size_t arena_used(const arena *a);

/* Aborts the process with "klar: out of memory". Used by every allocator. */
void klar_oom(void) __attribute__((noreturn));
/* malloc/realloc/strdup that abort instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* xcalloc for a table that is read before it is written (a hash table):
 * the zeros are written at once. calloc leaves a large block's fresh pages
 * untouched, so a look-up maps each page first to the kernel's zero page,
 * and the first store then copies it, with a flush of the other threads'
 * TLBs: on the search index's tables that was a fault twice a page and a
 * tenth of the whole build's time. */
void *xcalloc_touched(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
