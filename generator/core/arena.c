/* arena: a list of blocks, bump allocation inside each, and a list of
 * destructors for foreign objects. */
#include "arena.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

typedef struct block {
  struct block *next;
  size_t size, used;
  /* payload follows, aligned */
  _Alignas(16) unsigned char data[];
} block;

typedef struct defer {
  struct defer *next;
  void (*fn)(void *);
  void *obj;
} defer;

struct arena {
  block *head;
  defer *defers;
  size_t total;
};

void klar_oom(void) {
  fputs("klar: out of memory\n", stderr);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) klar_oom();
  return p;
}

void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) klar_oom();
  return p;
}

void *xcalloc_touched(size_t count, size_t size) {
  if (count && size > SIZE_MAX / count) klar_oom();
  size_t n = count * size;
  void *p = xmalloc(n);
  explicit_bzero(p, n); /* memset after malloc: the compiler makes it calloc */
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) klar_oom();
  return q;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xmalloc(n);
  memcpy(p, s, n);
  return p;
}

static block *block_new(size_t min) {
  size_t size = min > ARENA_BLOCK ? min : ARENA_BLOCK;
  block *b = xmalloc(sizeof(block) + size);
  b->next = NULL;
  b->size = size;
  b->used = 0;
  return b;
}

arena *arena_new(void) {
  arena *a = xcalloc(1, sizeof *a);
  return a;
}

static void run_defers(arena *a) {
  while (a->defers) {
    defer *d = a->defers;
    a->defers = d->next;
    d->fn(d->obj);
    free(d);
  }
}

void arena_free(arena *a) {
  if (!a) return;
  run_defers(a);
  while (a->head) {
    block *b = a->head;
    a->head = b->next;
    free(b);
  }
  free(a);
}

void arena_reset(arena *a) {
  run_defers(a);
  block *keep = NULL;
  while (a->head) {
    block *b = a->head;
    a->head = b->next;
    if (!a->head && b->size == ARENA_BLOCK) {
      keep = b;
    } else {
      free(b);
    }
  }
  if (keep) keep->used = 0;
  a->head = keep;
  a->total = 0;
}

void *arena_alloc(arena *a, size_t n) {
  n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (n == 0) n = ARENA_ALIGN;
  block *b = a->head;
  if (!b || b->size - b->used < n) {
    if (n > ARENA_BLOCK / 4) {
      /* A large allocation gets a block of its own behind the current one, so
       * the space left in the current block is not wasted. */
      block *big = block_new(n);
      big->used = n;
      if (b) {
        big->next = b->next;
        b->next = big;
      } else {
        a->head = big;
      }
      a->total += n;
      return big->data;
    }
    b = block_new(n);
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  a->total += n;
  return p;
}

void *arena_calloc(arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) klar_oom();
  void *p = arena_alloc(a, count * size);
  memset(p, 0, count * size);
  return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(arena *a, const char *s) {
  return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void *arena_realloc(arena *a, void *p, size_t old, size_t n) {
  if (n <= old) return p;
  void *q = arena_alloc(a, n);
  if (p && old) memcpy(q, p, old);
  return q;
}

void arena_defer(arena *a, void (*fn)(void *), void *obj) {
  defer *d = xmalloc(sizeof *d);
  d->fn = fn;
  d->obj = obj;
  d->next = a->defers;
  a->defers = d;
}

size_t arena_used(const arena *a) { return a->total; }
