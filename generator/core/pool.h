/* pool: the thread pool every parallel stage runs on (reading the content,
 * Markdown, layouts, booklets, removing an old output). One call runs one
 * function over the items 0..n-1 and returns when all are done; no thread
 * outlives the call, so a stage's shared state needs no teardown order. */
#ifndef KLAR_POOL_H
#define KLAR_POOL_H
#include <stddef.h>

/* The work for item i: shared is the same for every call, worker is the
 * calling thread's own state (workers[k] of pool_run), so it may be written
 * without a lock. */
typedef void (*pool_fn)(void *shared, void *worker, size_t i);

/* Runs fn(shared, workers[k], i) for i in 0..n-1 on `jobs` threads (jobs 1:
 * on the calling thread, no thread made). Items are handed out in order,
 * one at a time, so that one long item does not hold up a whole chunk; which
 * thread takes which item varies from run to run, so results must be stored
 * by i, never in the order they finish. workers may be NULL when fn needs
 * no per-thread state. Aborts (klar_oom) when a thread cannot be started. */
void pool_run(int jobs, size_t n, pool_fn fn, void *shared, void **workers);

#endif
