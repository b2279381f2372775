/* site: the files of the output besides the pages' own HTML: fingerprinted
 * assets, static files from content/, sitemap.xml, the Atom feed,
 * robots.txt and alias redirects. Each function writes below `out` (the
 * staging folder of the build) and reports failures to d; with out NULL
 * (klar check) it checks and makes what it would write, and writes nothing. */
#ifndef KLAR_SITE_H
#define KLAR_SITE_H
#include <stdbool.h>
#include "../core/diag.h"
#include "../core/str.h"
#include "../model/model.h"

/* Copies assets/ into out, CSS and JS with a content hash in their names
 * ("css/site.3f9a0c1b2d.css"), and fills s->assets (path → URL). With out
 * NULL it only fills s->assets (klar booklets: the Markdown stage needs the
 * URLs, the site is not written). */
bool site_assets(site *s, const char *out, diag *d);
/* Copies the non-Markdown files of content/ (bundle resources and others). */
bool site_statics(const site *s, const char *out, diag *d);
/* Writes sitemap.xml with every page's absolute URL (and date when known). */
bool site_sitemap(const site *s, const char *out, diag *d);
/* Writes the Atom feed of the news pages (type `news`, or the section named by
 * site.yaml's feed.section) as feed.xml (and index.xml in that section). */
bool site_feed(const site *s, const char *out, diag *d);
/* Writes robots.txt pointing at the sitemap. */
bool site_robots(const site *s, const char *out, diag *d);
/* Writes a redirect page for each front matter `aliases` entry. */
bool site_aliases(const site *s, const char *out, diag *d);
/* The file an alias ("/gammel/side/") writes below out ("gammel/side/index.html"),
 * in s->arena; NULL when the alias is not a valid site path. */
const char *site_alias_out(const site *s, const char *from);
/* True when the site has pages for the feed, so that feed.xml is written. */
bool site_has_feed(const site *s);
/* Checks that no two sources claim one output file: pages (the model checked
 * those among themselves), aliases, 404.html, sitemap.xml, feed.xml,
 * robots.txt, the booklets' PDFs (unless no_booklets), static files and
 * assets (s->assets must be filled). Each clash is an error at the later
 * claim naming the earlier one, file:line where known; also a file claimed
 * where another claim needs a folder. Returns true when there is none. */
bool site_check_outputs(const site *s, bool no_booklets, diag *d);
/* Returns the public URL of a site path ("/temaer/" → basepath + "temaer/")
 * appended to b. */
void site_url_put(const site *s, sbuf *b, const char *path);

#endif
