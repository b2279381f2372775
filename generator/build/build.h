/* build: one build of the site, start to finish: model, Markdown and layouts
 * on a thread pool, the other output files, then the atomic swap of the
 * output folder. A failed build leaves the previous output untouched. */
#ifndef KLAR_BUILD_H
#define KLAR_BUILD_H
#include <stdbool.h>
#include "../core/diag.h"

typedef struct build_options {
  const char *root;  /* the site's folder (holds content/, layouts/, assets/) */
  const char *out;   /* the output folder (default root/public) */
  int jobs;          /* worker threads; 0 = number of cores */
  bool drafts;       /* include pages with draft: true */
  bool future;       /* include pages held back until a later day (publish:, news dates) */
  bool quiet;        /* no summary line */
  bool no_booklets;  /* make no booklets: keep those of the previous output, with their links */
  bool strict;       /* klar check --strict: warnings fail too (main decides the exit) */
  bool dry_run;      /* `klar check`: run every stage and check, write nothing (out unused;
                      * booklets laid out but not drawn) */
  bool only_booklets;/* `klar booklets`: make booklets into OUT/booklets/, no pages */
  const char **names;/* with only_booklets: the booklets to make (all when count is 0) */
  const char *preview;/* with only_booklets: draw the booklets' preview into
                         PREVIEW/_klar/booklets/ (PNG pages, HTML) instead of
                         making PDFs; nothing else is written */
  int nnames;
} build_options;

typedef struct build_stats {
  int pages, files, booklets, errors, warnings;
  int kept;          /* --no-booklets: booklets kept from the previous output */
  double seconds;
} build_stats;

/* Builds the site. Returns true when the new output is in place; on false,
 * every error is in d and the old output is as it was. */
bool build_site(const build_options *o, diag *d, build_stats *st);

/* ---- stages shared with the session (session.c), one page at a time ---- */
struct site;
struct page;
struct page_md;
struct arena;
struct layout_set;
struct layout_worker;
/* Runs the Markdown stage for page p of site s into m: the body's HTML,
 * summary, headings and (for a booklet page) the print tree, exactly as a
 * build makes them. Results in keep; scratch is reset at the end. */
void build_page_markdown(const struct site *s, const struct page *p, struct page_md *m,
                         struct arena *scratch, struct arena *keep, diag *d);
/* Renders 404.html into out with layouts/404.xml from a made-up page. */
void build_render_404(struct site *s, struct layout_set *ls, struct layout_worker *lw, const char *out,
                      diag *d);

/* Number of online processors (at least 1). */
int build_cores(void);

#endif
