/* newpage: the text of a new page (klar new): front matter made from the
 * content type's schema in site.yaml, every required field filled with a
 * value that builds and every field explained in Danish from its `title:`
 * and `help:`, and the body's skeleton from the type's `body:` structure;
 * or, when the site has one, the type's archetype file instead. */
#ifndef KLAR_NEWPAGE_H
#define KLAR_NEWPAGE_H
#include <stdbool.h>
#include "../core/str.h"
#include "../model/model.h"

/* The name of the plain page type, which site.yaml does not declare. */
#define NEWPAGE_PLAIN "page"

/* Returns the type name that word means, or NULL: a type's name under
 * `types:` ("offer"), its title ignoring case ("Tilbud", "tilbud"), or the
 * folder of a section whose default type it is under `sections:`
 * ("tilbud"), tried in that order; "page" or "side" is the plain page. The
 * result lives in s. */
const char *newpage_type(const site *s, const char *word);

/* Writes every name newpage_type knows, one type a line with its title and
 * section folder, into out; for the message about an unknown type. */
void newpage_known(const site *s, sbuf *out);

/* Returns the known name closest to word (a type name, title or section
 * folder) when word looks like a typo of it, else NULL. */
const char *newpage_suggest(const site *s, const char *word);

/* Writes the text of a new page of type `type` (as newpage_type returned)
 * at rel (below content/, "tilbud/soevn-og-rutiner.md") into out. date is
 * the date to put in ("2027-05-01"). When root/layouts/archetypes/TYPE.md
 * exists, its text is used with {{title}}, {{date}}, {{type}} and
 * {{section}} replaced, and *archetype gets its path (in s's arena); else
 * the skeleton is made from the schema and *archetype is NULL. Returns
 * false when the archetype cannot be read (errno set). */
bool newpage_text(const site *s, const char *type, const char *rel, const char *date, sbuf *out,
                  const char **archetype);

#endif
