/* pool: a counter that threads take items from. */
#include "pool.h"
#include "arena.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct pool_job {
  atomic_size_t next;
  size_t n;
  pool_fn fn;
  void *shared;
} pool_job;

typedef struct pool_arg {
  pool_job *job;
  void *worker;
} pool_arg;

static void *pool_main(void *p) {
  pool_arg *arg = p;
  for (;;) {
    size_t i = atomic_fetch_add(&arg->job->next, 1);
    if (i >= arg->job->n) break;
    arg->job->fn(arg->job->shared, arg->worker, i);
  }
  return NULL;
}

void pool_run(int jobs, size_t n, pool_fn fn, void *shared, void **workers) {
  if (jobs < 1) jobs = 1;
  pool_job job = {.n = n, .fn = fn, .shared = shared};
  atomic_init(&job.next, 0);
  pool_arg *args = xcalloc((size_t)jobs, sizeof *args);
  pthread_t *th = xcalloc((size_t)jobs, sizeof *th);
  for (int k = 0; k < jobs; k++) {
    args[k].job = &job;
    args[k].worker = workers ? workers[k] : NULL;
  }
  if (jobs == 1) {
    pool_main(&args[0]);
  } else {
    /* The calling thread is one of the workers: jobs - 1 threads are made. */
    for (int k = 1; k < jobs; k++)
      if (pthread_create(&th[k], NULL, pool_main, &args[k]) != 0) klar_oom();
    pool_main(&args[0]);
    for (int k = 1; k < jobs; k++) pthread_join(th[k], NULL);
  }
  free(args);
  free(th);
}
