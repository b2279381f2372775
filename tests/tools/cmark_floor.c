/* cmark_floor: the floor of Markdown work for the benchmark (bench/run.sh).
 * Reads every .md file below a folder into memory, strips the front matter,
 * then times parsing each body with cmark-gfm (the five GFM extensions plus
 * footnotes, as klar's md module does) and rendering it to HTML. No site
 * model, no layouts, no output files: whatever klar spends beyond this is its
 * own cost, and klar/floor says how much that is.
 *
 *   cmark_floor [-j N] [-r ROUNDS] [-u] DIR
 *
 * -j N runs N threads, each taking the next file (a parser per file, as in a
 * render worker); -r the number of timed rounds (default 3). Prints one line
 *
 *   floor: files=10021 bytes=52718233 threads=1 rounds=3 read_ms=41.2 ms=812.3 min_ms=805.0 mismatches=0
 *
 * where ms is the median round and min_ms the fastest. With -j above 1 the
 * HTML of every file is also hashed and compared with a single-threaded run
 * first: `mismatches` counts files whose HTML differed. Debian's cmark-gfm
 * 0.29.0.gfm.6 toggles a process-global table of special inline characters
 * on every parse (cmark_manage_extensions_special_characters), so parallel
 * parsing with extensions goes wrong (about 60% of the pages differ). The
 * floor pins the table with klar's own md_pin_extensions (the tool is
 * linked with klar's objects; see generator/md/parse.c): the toggle is
 * switched on once for every extension and does nothing after, so the
 * threaded floor does klar's work, correctly, and `mismatches` is 0; -u
 * leaves the table unpinned, to show the difference.
 *
 * A benchmark tool: the one place outside generator/md/ allowed to include
 * cmark-gfm. Exit status 0, or 1 on errors (unreadable folder, no files). */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct doc {
  char *path;
  char *data;        /* the whole file */
  const char *body;  /* after the front matter */
  size_t body_len;
  uint64_t hash;     /* FNV-1a of the rendered HTML */
} doc;

static doc *docs;
static size_t ndocs, capdocs;
static size_t total_bytes;

static const char *const extension_names[] = {
  "table", "strikethrough", "autolink", "tagfilter", "tasklist",
};
static const int options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES;

/* klar's (generator/md/md.h; the header is not included because its
 * arena.h would clash with this file's helpers). */
_Bool md_pin_extensions(void);

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("cmark_floor: out of memory\n", stderr);
    exit(1);
  }
  return p;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Returns the body of a page: what follows a front matter block that opens
 * with a first line "---" and closes with the next line "---". */
static const char *strip_front_matter(const char *s, size_t n, size_t *body_len) {
  *body_len = n;
  if (n < 4 || strncmp(s, "---", 3) != 0 || (s[3] != '\n' && s[3] != '\r'))
    return s;
  const char *p = strchr(s, '\n') + 1, *end = s + n;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *next = eol ? eol + 1 : end;
    size_t len = (size_t)((eol ? eol : end) - p);
    if (len && p[len - 1] == '\r')
      len--;
    if (len == 3 && strncmp(p, "---", 3) == 0) {
      *body_len = (size_t)(end - next);
      return next;
    }
    p = next;
  }
  return s; /* not closed: treat it all as Markdown */
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  size_t n = strlen(path);
  if (flag != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
    return 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cmark_floor: %s: %s\n", path, strerror(errno));
    return 1;
  }
  size_t size = (size_t)st->st_size;
  char *data = xmalloc(size + 1);
  size_t got = fread(data, 1, size, f);
  fclose(f);
  data[got] = '\0';
  if (ndocs == capdocs) {
    capdocs = capdocs ? capdocs * 2 : 1024;
    doc *grown = realloc(docs, capdocs * sizeof *docs);
    if (!grown) {
      fputs("cmark_floor: out of memory\n", stderr);
      exit(1);
    }
    docs = grown;
  }
  doc *d = &docs[ndocs++];
  d->path = strdup(path);
  d->data = data;
  d->body = strip_front_matter(data, got, &d->body_len);
  d->hash = 0;
  total_bytes += d->body_len;
  return 0;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const doc *)a)->path, ((const doc *)b)->path);
}

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* Parses and renders one body, the work a render worker does per page;
 * returns the hash of the HTML. */
static uint64_t render(const doc *d) {
  cmark_parser *parser = cmark_parser_new(options);
  for (size_t i = 0; i < sizeof extension_names / sizeof *extension_names; i++)
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(extension_names[i]));
  cmark_parser_feed(parser, d->body, d->body_len);
  cmark_node *root = cmark_parser_finish(parser);
  char *html = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser));
  uint64_t h = fnv1a(html);
  free(html);
  cmark_node_free(root);
  cmark_parser_free(parser);
  return h;
}

static atomic_size_t next_doc;
static int hash_into_docs; /* 1: store hashes; 2: compare and count */
static atomic_size_t mismatches;

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    size_t i = atomic_fetch_add(&next_doc, 1);
    if (i >= ndocs)
      break;
    uint64_t h = render(&docs[i]);
    if (hash_into_docs == 1)
      docs[i].hash = h;
    else if (hash_into_docs == 2 && docs[i].hash != h)
      atomic_fetch_add(&mismatches, 1);
  }
  return NULL;
}

/* Runs one round over every document with n threads; returns its time. */
static double round_ms(int nthreads) {
  atomic_store(&next_doc, 0);
  double t0 = now_ms();
  if (nthreads <= 1) {
    worker(NULL);
  } else {
    pthread_t *t = xmalloc((size_t)nthreads * sizeof *t);
    for (int i = 0; i < nthreads; i++)
      if (pthread_create(&t[i], NULL, worker, NULL) != 0) {
        fputs("cmark_floor: cannot start a thread\n", stderr);
        exit(1);
      }
    for (int i = 0; i < nthreads; i++)
      pthread_join(t[i], NULL);
    free(t);
  }
  return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void usage(void) {
  fputs("usage: cmark_floor [-j N] [-r ROUNDS] [-u] DIR\n", stderr);
  exit(2);
}

int main(int argc, char **argv) {
  int nthreads = 1, rounds = 3, unpinned = 0;
  const char *dir = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
      nthreads = atoi(argv[++i]);
    else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
      rounds = atoi(argv[++i]);
    else if (strcmp(argv[i], "-u") == 0)
      unpinned = 1;
    else if (argv[i][0] == '-' || dir)
      usage();
    else
      dir = argv[i];
  }
  if (!dir || nthreads < 1 || rounds < 1)
    usage();

  /* Registration is process-global: once, before any thread starts. */
  cmark_gfm_core_extensions_ensure_registered();
  for (size_t i = 0; i < sizeof extension_names / sizeof *extension_names; i++)
    if (!cmark_find_syntax_extension(extension_names[i])) {
      fprintf(stderr, "cmark_floor: no cmark-gfm extension '%s'\n", extension_names[i]);
      return 1;
    }
  int pin = !unpinned && md_pin_extensions();

  double t0 = now_ms();
  if (nftw(dir, visit, 64, FTW_PHYS) != 0) {
    fprintf(stderr, "cmark_floor: cannot read %s\n", dir);
    return 1;
  }
  double read_ms = now_ms() - t0;
  if (ndocs == 0) {
    fprintf(stderr, "cmark_floor: no .md files below %s\n", dir);
    return 1;
  }
  qsort(docs, ndocs, sizeof *docs, by_path);

  if (nthreads > 1) {
    /* Reference hashes from one thread, then every timed round compares. */
    hash_into_docs = 1;
    round_ms(1);
    hash_into_docs = 2;
  }
  double *ms = xmalloc((size_t)rounds * sizeof *ms);
  for (int r = 0; r < rounds; r++)
    ms[r] = round_ms(nthreads);
  qsort(ms, (size_t)rounds, sizeof *ms, cmp_double);

  printf("floor: files=%zu bytes=%zu threads=%d rounds=%d read_ms=%.1f ms=%.1f min_ms=%.1f "
         "mismatches=%zu pinned=%d\n",
         ndocs, total_bytes, nthreads, rounds, read_ms, ms[rounds / 2], ms[0],
         atomic_load(&mismatches), pin);

  free(ms);
  for (size_t i = 0; i < ndocs; i++) {
    free(docs[i].path);
    free(docs[i].data);
  }
  free(docs);
  return 0;
}
