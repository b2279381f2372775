/* search_int: what the two halves of the index share: search_index.c reads
 * every page's words and merges them into the site's terms, search_out.c
 * writes the terms, the page files and the start file. Not for other
 * modules. */
#ifndef KLAR_SEARCH_INT_H
#define KLAR_SEARCH_INT_H
#include "search.h"
#include "../core/arena.h"
#include <stdint.h>

#define TOP_K 5 /* excerpts per term: the first screen of results */
/* Excerpts a page gives at most: to the words it is among the TOP_K best
 * pages of, the words on most pages first (those a parent searches for),
 * then in the page's order. An excerpt for each of a word's best pages
 * stored the page's text several times over: on the generated benchmark
 * site (a third of its text made-up words on a few pages each) 800,000
 * excerpts, twice the size of the Markdown, and an index build that took
 * twice klar's own time. A result without one shows no excerpt. */
#define EXCERPTS_PER_PAGE 12

/* An entry's flags. */
enum {
  SX_TITLE = 1,      /* the stem is in the page's title */
  SX_FIELD = 2,      /* in its summary or another field the index reads */
  SX_BEST = 4,       /* the page is among the term's TOP_K best: its place there in SX_SLOT */
  SX_SLOT_SHIFT = 4  /* bits 4-6: that place */
};

/* One stem on one page: a posting to be. A worker appends a page's entries
 * in the order the stems first occur on it (title, fields, body). */
typedef struct sx_entry {
  uint32_t stem;  /* the worker's stem number; after the scatter, the term's number */
  uint32_t page;  /* index in site->all */
  int32_t off;    /* first byte of its first occurrence in the body's HTML, -1: not in the body;
                   * once it gives an excerpt, the excerpt's place in its page's buffer (ex) */
  uint16_t tf;    /* occurrences in the body, at most 65535; once it gives an excerpt, its length */
  uint8_t flags;
  uint8_t weight; /* 0-63, set by the scatter */
} sx_entry;

/* A stem a worker met, on the pages it read. */
typedef struct sx_stem {
  const char *s;
  uint32_t len;
  uint32_t hash;  /* search_hash: the order of the terms and their shard */
  uint32_t df;    /* the worker's pages with it */
} sx_stem;

struct sx_term;

/* What one worker of the reading made: its stems and its pages' entries;
 * the merge gives each stem its term and the place of the worker's
 * postings among the term's (rel). */
typedef struct sx_worker_out {
  sx_stem *stems; size_t nstems;
  sx_entry *ent; size_t nent;
  struct sx_term **term; /* by stem number */
  uint32_t *rel;         /* by stem number */
} sx_worker_out;

/* A posting: a page's id among the indexed pages, its weight and its
 * entry (worker, place in the worker's list). */
typedef struct sx_post {
  uint32_t id, ent;
  uint16_t worker;
  uint8_t weight;
} sx_post;

/* One worker's share of a term: its stem number there, and its postings,
 * in page order, at term->start + rel, cnt of them. */
typedef struct sx_part {
  struct sx_part *next;
  uint32_t worker, stem, rel, cnt;
} sx_part;

/* A term of the site: a stem and where its pages are. */
typedef struct sx_term {
  const char *s;
  uint32_t len, hash;
  uint32_t df;               /* pages with it */
  uint32_t index;            /* its place in the order of the terms */
  size_t start;              /* its postings: sx_index.post[start .. start + df) */
  sx_part *parts;            /* the workers that met it */
  sx_entry *best[TOP_K];     /* its best pages, best first */
  int nbest;
  uint32_t task;             /* the merge task whose buffer holds its entry */
  size_t at, size;           /* its entry "stem":[...] in that buffer */
} sx_term;

/* A page of the index. */
typedef struct sx_page {
  bool indexed;
  int id;                    /* among the indexed pages, in site order */
  int worker;                /* which worker read it: its entries are that worker's */
  uint32_t first, n;         /* its entries */
  int words;                 /* body words that are not stop words */
  const char *html; size_t hlen; /* the body */
  const char *lead;          /* summary: the excerpt when a term is not in the body */
  const char *label, *stages;
  int label_at, stages_at;   /* their places in the start file's table, -1: none */
  int ex;                    /* which of sx_index.ex holds its excerpts */
} sx_page;

/* The index of a site between the merge and the files: the terms in
 * search_hash order (then by bytes), their postings, which of their best
 * pages give an excerpt, the merge tasks' buffers of entries. */
typedef struct sx_index {
  const site *s;
  sx_page *pages;
  int npages;                /* indexed pages */
  sx_worker_out *w; int nw;
  sx_term **terms; size_t nterms;
  size_t *tfirst;            /* per merge task: its first term; tfirst[ntasks] = nterms */
  sx_post *post;             /* every term's postings, in the order of the terms */
  uint8_t *excerpt;          /* per term: bit b set when best[b] gives it an excerpt */
  sbuf *ex; int nex;         /* the excerpts, made by page: per worker of that step */
  sbuf *bufs; size_t ntasks; /* per merge task: its terms' entries */
} sx_index;

/* Appends the excerpt of page p around its HTML's byte off (-1: the start
 * of its lead) to b as a JavaScript string; tmp is scratch. */
void sx_put_excerpt(sbuf *b, sbuf *tmp, const sx_page *p, int32_t off);
/* Appends n bytes of s as a JavaScript string literal in double quotes. */
void sx_put_js_str(sbuf *b, const char *s, size_t n);

/* search_out.c: renders every term's entry into its task's buffer, on the
 * pool (sx->bufs, each term's at and size). */
void sx_render_entries(sx_index *sx, int jobs);
/* Writes the shards, the page files and the start file below dir. Errors
 * go to d; returns false after errors. */
bool sx_write_files(const sx_index *sx, const char *dir, const map *irregular, const sbuf *labels, int jobs, diag *d,
                    arena *a);

#endif
