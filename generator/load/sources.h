/* sources: the site's source folders, content/, layouts/ and assets/, and
 * the promise that klar reads nothing from outside them. A symbolic link
 * below them may point to a file or folder inside one of the three (a shared
 * image folder, say); one that points anywhere else, one that points
 * nowhere, and a loop of links are errors, found before anything is read. */
#ifndef KLAR_SOURCES_H
#define KLAR_SOURCES_H
#include <stdbool.h>
#include "../core/arena.h"
#include "../core/diag.h"

/* Checks every symbolic link below root's content/, layouts/ and assets/
 * (those that exist; the three may themselves be links, to a shared drive
 * say, and count as the site where they lead). Each link that leads outside
 * the three, does not resolve (dangling, or a loop of links) or makes a
 * loop of folders is an error in d at the link's path. Returns true when
 * there is none. Scratch memory in a. */
bool sources_check(arena *a, const char *root, diag *d);

#endif
