/* cmd_new: the command line of `klar new TYPE PATH`: finds the type, checks
 * that PATH is a new .md file inside content/, and writes the page that
 * site/newpage makes for it. */
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "model/model.h"
#include "site/newpage.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *usage_new =
    "usage: klar new TYPE PATH [options]\n"
    "\n"
    "Makes a new page of a content type: front matter with every field of the\n"
    "type in content/site.yaml, each explained in Danish; required fields\n"
    "filled in so that the page builds as it is (a reference names the first\n"
    "page of its type: choose the right one), optional ones commented out; and\n"
    "the body's headings when the type declares them (a pixi guide's seven\n"
    "themes). layouts/archetypes/TYPE.md, when there, is used instead.\n"
    "\n"
    "  TYPE   a type's name (offer), its title in any case (Tilbud, tilbud),\n"
    "         or the folder of the section whose pages have it (tilbud);\n"
    "         page (or side) for a plain page\n"
    "  PATH   the new file, inside content/ and ending in .md, e.g.\n"
    "         content/tilbud/soevn-og-rutiner.md; missing folders are made,\n"
    "         an existing file is never overwritten\n"
    "\n"
    "options:\n"
    "  -r, --root DIR   the site's folder (default: the current folder);\n"
    "                   PATH is still taken from the current folder\n"
    "  -p, --print      print the page instead of writing it\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 made, 1 the file exists or cannot be written, 2 an\n"
    "unknown type or a path outside content/.\n";

/* Today's date, or SOURCE_DATE_EPOCH's, as 2027-05-27. */
static const char *today(arena *a) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
  struct tm tm;
  if (sde && *sde) gmtime_r(&t, &tm);
  else localtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return arena_strdup(a, buf);
}

/* Returns the path of the new page below content/ ("tilbud/x.md"), or NULL
 * after reporting why path cannot be one. */
static const char *content_rel(arena *a, const char *root, const char *path, diag *d) {
  if (!str_ends(path, ".md") || !strcmp(fsx_basename(path), ".md")) {
    diag_error(d, path, 0, 0, "a page's file name must end in .md, like content/tilbud/soevn-og-rutiner.md");
    return NULL;
  }
  char *content = fsx_resolve(a, fsx_join(a, root, "content"));
  char *full = fsx_resolve(a, path);
  if (!content || !fsx_is_dir(content)) {
    diag_error(d, NULL, 0, 0, "there is no content/ folder in '%s' (use --root for the site's folder)", root);
    return NULL;
  }
  if (!full || !fsx_within(full, content) || !strcmp(full, content)) {
    diag_error(d, path, 0, 0,
               "the new page must lie inside the site's content/ folder (%s), not outside it through '..' or a "
               "symbolic link",
               content);
    return NULL;
  }
  const char *rel = full + strlen(content) + 1;
  for (const char *p = rel; p; p = strchr(p, '/')) {
    if (*p == '/') p++;
    if (*p == '.') {
      diag_error(d, path, 0, 0, "no part of the path may begin with '.': klar skips hidden files and folders");
      return NULL;
    }
  }
  return rel;
}

/* Writes text to path, made new (never replacing a file, even one made
 * between the check and the write), with its folders. */
static bool write_new(const char *path, const char *text, diag *d) {
  arena *a = arena_new();
  bool ok = false;
  char *dir = fsx_dirname(a, path);
  int fd = -1;
  if (*dir && !fsx_mkdirs(dir)) {
    diag_error(d, path, 0, 0, "cannot create the folder for the new page: %s", strerror(errno));
  } else if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
    if (errno == EEXIST)
      diag_error(d, path, 0, 0, "the file exists already; klar new never overwrites a page: choose another name");
    else
      diag_error(d, path, 0, 0, "cannot create the new page: %s", strerror(errno));
  } else {
    size_t n = strlen(text);
    ok = write(fd, text, n) == (ssize_t)n;
    if (close(fd) != 0) ok = false;
    if (!ok) {
      diag_error(d, path, 0, 0, "cannot write the new page: %s", strerror(errno));
      unlink(path);
    }
  }
  arena_free(a);
  return ok;
}

int cmd_new(int argc, char **argv) {
  const char *root = ".", *word = NULL, *path = NULL;
  bool print = false;
  for (int i = 0; i < argc; i++) {
    const char *x = argv[i];
    if (!strcmp(x, "-h") || !strcmp(x, "--help")) {
      fputs(usage_new, stdout);
      return 0;
    } else if (!strcmp(x, "-p") || !strcmp(x, "--print")) {
      print = true;
    } else if (!strcmp(x, "-r") || !strcmp(x, "--root")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "klar new: %s needs a folder\nRun 'klar new --help' for the options.\n", x);
        return 2;
      }
      root = argv[++i];
    } else if (!strncmp(x, "--root=", 7)) {
      root = x + 7;
    } else if (x[0] == '-' && x[1]) {
      fprintf(stderr, "klar new: unknown option '%s'\nRun 'klar new --help' for the options.\n", x);
      return 2;
    } else if (!word) {
      word = x;
    } else if (!path) {
      path = x;
    } else {
      fprintf(stderr, "klar new: one page at a time: '%s' is one argument too many\n", x);
      return 2;
    }
  }
  if (!word || !path) {
    fputs(usage_new, stderr);
    return 2;
  }
  arena *a = arena_new();
  diag *d = diag_new();
  int rc = 2;
  /* The model gives the types and the pages a reference may name; errors
   * in the content are klar check's business, not this command's. */
  diag *quiet = diag_new();
  site *s = fsx_is_dir(fsx_join(a, root, "content")) ? model_build(a, root, false, 1, quiet) : NULL;
  const char *site_file = s ? fsx_join(a, s->content_dir, "site.yaml") : NULL;
  if (s && diag_errors_in(quiet, site_file)) {
    /* The types come from site.yaml: a page made from a half-read schema
     * would be wrong without saying so. */
    diag_error(d, site_file, 0, 0, "the content types cannot be read while site.yaml has errors: run 'klar check' to see them");
    s = NULL;
    rc = 1;
  }
  diag_free(quiet);
  const char *type = s ? newpage_type(s, word) : NULL;
  const char *rel = content_rel(a, root, path, d);
  if (s && !type) {
    sbuf known = SBUF_INIT;
    newpage_known(s, &known);
    const char *near = newpage_suggest(s, word);
    if (near)
      diag_error(d, NULL, 0, 0, "there is no content type '%s' in content/site.yaml: did you mean '%s'? The types are:\n%s",
                 word, near, sbuf_str(&known));
    else
      diag_error(d, NULL, 0, 0, "there is no content type '%s' in content/site.yaml; the types are:\n%s", word,
                 sbuf_str(&known));
    sbuf_free(&known);
  }
  if (s && type && rel) {
    struct stat st;
    sbuf text = SBUF_INIT;
    const char *archetype = NULL;
    rc = 1;
    if (!print && lstat(path, &st) == 0) {
      diag_error(d, path, 0, 0, "the file exists already; klar new never overwrites a page: choose another name");
    } else if (!newpage_text(s, type, rel, today(a), &text, &archetype)) {
      diag_error(d, archetype, 0, 0, "cannot read the archetype: %s", strerror(errno));
    } else if (print) {
      fputs(sbuf_str(&text), stdout);
      rc = 0;
    } else if (write_new(path, sbuf_str(&text), d)) {
      printf("klar: made %s, a page of type %s, from %s\n", path, type,
             archetype ? archetype : "the fields in content/site.yaml");
      rc = 0;
    }
    sbuf_free(&text);
  }
  diag_print(d, stderr);
  diag_free(d);
  arena_free(a);
  return rc;
}
