/* lastmod: when each page's source file last changed, for sitemap.xml's
 * <lastmod>: the time of the last commit that touched it when the content
 * is in a git work tree and the file is as committed, else the file's
 * modification time; never later than "now" (SOURCE_DATE_EPOCH, else the
 * clock). Content dates (`date:`) are what a page is about, never when it
 * changed, so they are not used. */
#ifndef KLAR_LASTMOD_H
#define KLAR_LASTMOD_H
#include "../core/map.h"
#include "../model/model.h"

/* Fills m (the caller's, empty) with src → seconds since 1970 (a long long
 * in s->arena) for every page of s with a source file. Runs git twice (one
 * `git log --name-only` over content/, one `git diff --name-only`) however
 * many pages there are; without git or a repository, stats the files. */
void site_lastmod(const site *s, map *m);

#endif
