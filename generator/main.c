/* main: the command line of klar. The only place that prints usage, sets up
 * the process-wide libraries and exits. */
#include "build/build.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/msg.h"
#include "layout/layout.h"
#include "md/md.h"
#include "serve/serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KLAR_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

static const char *usage_main =
    "usage: klar COMMAND [options]\n"
    "\n"
    "Builds the KLAR til Læring website (and booklets) from Markdown.\n"
    "\n"
    "commands:\n"
    "  build      build the site and the booklets from content/ into public/\n"
    "  booklets   make only the booklets (PDF) into public/booklets/\n"
    "  check      check content and layouts without writing anything\n"
    "  new        make a new page of a content type: klar new tilbud content/tilbud/x.md\n"
    "  serve      preview the site while you write (http://127.0.0.1:1313/)\n"
    "  version    print klar's version\n"
    "  help       show this text; 'klar help build' shows a command's options\n"
    "\n"
    "Run 'klar COMMAND --help' for the options of a command.\n";

static const char *usage_build =
    "usage: klar build [options]\n"
    "\n"
    "Builds the site: reads content/ (Markdown with YAML front matter and\n"
    "content/site.yaml), applies the XML layouts in layouts/ and writes the\n"
    "website into public/. The new site replaces the old one only when every\n"
    "page succeeded: after an error, public/ is exactly as it was.\n"
    "\n"
    "options:\n"
    "  -r, --root DIR   the site's folder, holding content/, layouts/ and\n"
    "                   assets/ (default: the current folder)\n"
    "  -o, --out DIR    write the site here (default: ROOT/public); klar\n"
    "                   replaces it whole, so it must be new, empty or made\n"
    "                   by klar (marked by a .klar-output file), and outside\n"
    "                   the site's sources\n"
    "  -j, --jobs N     render on N threads (default: the number of cores);\n"
    "                   the output is byte-identical whatever N is\n"
    "  -D, --drafts     include pages whose front matter says draft: true\n"
    "  -F, --future     include pages held back until a later day (their\n"
    "                   publish: day, or the date of a news item)\n"
    "  -B, --no-booklets  make no booklets (PDF), for a quicker look at pages:\n"
    "                   the PDFs of the previous build are kept, and linked\n"
    "  -q, --quiet      print nothing but errors and warnings\n"
    "  -h, --help       show this text\n"
    "\n"
    "The booklets declared under 'booklets:' in content/site.yaml are made\n"
    "into public/booklets/: NAME.pdf to read, NAME-tryk.pdf for the print\n"
    "shop, NAME-ark.pdf imposed for saddle stitching when asked for.\n"
    "\n"
    "Errors are printed as file:line:col: error: message, all of them at\n"
    "once. Exit status: 0 built, 1 errors in content or layouts, 2 usage\n"
    "errors. SOURCE_DATE_EPOCH, when set, fixes the build date and the day\n"
    "that pages with a later publish day (or news date) wait for; without it\n"
    "that day is today.\n";

static const char *usage_booklets =
    "usage: klar booklets [options] [NAME...]\n"
    "\n"
    "Makes the booklets declared in content/site.yaml (all of them, or those\n"
    "named) into public/booklets/, without building the pages:\n"
    "  NAME.pdf       the reader PDF, for download from the site\n"
    "  NAME-tryk.pdf  the printer PDF: bleed, crop marks, TrimBox and BleedBox;\n"
    "                 a saddle-stitched booklet padded to a multiple of 4 pages\n"
    "  NAME-ark.pdf   printer spreads for saddle stitching (impose: true)\n"
    "The booklets are made in a fresh folder beside the output (the other\n"
    "files hard-linked in) and swapped in only when all succeeded: after an\n"
    "error or an interruption, the previous PDFs are as they were.\n"
    "\n"
    "options:\n"
    "  -r, --root DIR   the site's folder (default: the current folder)\n"
    "  -o, --out DIR    the output folder (default: ROOT/public)\n"
    "  -j, --jobs N     make N booklets at once (default: the number of cores)\n"
    "  -p, --preview DIR  no PDF: draw the pages as PNG images with an HTML page\n"
    "                   of reader spreads into DIR/_klar/booklets/ (the preview\n"
    "                   of klar serve), overflowing, empty and surplus pages marked;\n"
    "                   a NAME with a '/' is a file (content/pixi/pixi-3-6-aar.md):\n"
    "                   the booklets that use it are drawn\n"
    "  -q, --quiet      print nothing but errors and warnings\n"
    "  -h, --help       show this text\n";

static const char *usage_check =
    "usage: klar check [options]\n"
    "\n"
    "Checks the site as 'klar build' would, and writes nothing at all (no\n"
    "temporary folder either): front matter against the types in site.yaml,\n"
    "every page's Markdown, every page rendered through its layout in memory,\n"
    "and every booklet laid out page by page (text too long for a fixed page\n"
    "count, missing fonts or images) but not drawn into PDF. Laying out the\n"
    "booklets is most of the time check takes; -B skips it.\n"
    "\n"
    "It also checks what each publication needs (a build runs the same checks):\n"
    "  errors    a body that misses, misorders or misspells the sections its\n"
    "            type declares (site.yaml body:, like the pixi guide's seven\n"
    "            themes, each with Pejlemærker and Det kan I gøre); programme\n"
    "            times that are invalid, end before they start, are out of\n"
    "            order, overlap in one room or fall outside the conference;\n"
    "            links to drafts and to missing #anchors; images without\n"
    "            alternative text; links without text or destination\n"
    "  warnings  headings that skip a level; an offer listed under no theme;\n"
    "            pages of one type or section with the same title; a page of\n"
    "            a printed type (pixi, conference ...) that is in no booklet\n"
    "\n"
    "Errors come first, then warnings, each sorted by file and position as\n"
    "file:line:col: error: ..., then a line with the counts.\n"
    "\n"
    "options:\n"
    "  -r, --root DIR   the site's folder (default: the current folder)\n"
    "  -j, --jobs N     work on N threads (default: the number of cores)\n"
    "  -D, --drafts     include drafts (then links to them are not errors)\n"
    "  -F, --future     include pages held back until a later day (then links\n"
    "                   to them are not errors); without it each is a note\n"
    "  -B, --no-booklets  do not lay out the booklets (a quicker check)\n"
    "  -s, --strict     exit 1 for warnings too\n"
    "  -q, --quiet      no summary line when there is nothing to report\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 no errors (warnings allowed unless --strict), 1 errors\n"
    "(or warnings with --strict), 2 usage errors.\n";

/* fmt is English, translated through msg like diag's messages. */
static int usage_error(const char *cmd, const char *fmt, const char *arg) {
  fprintf(stderr, "klar %s: ", cmd);
  fprintf(stderr, msg_tr(fmt), arg);
  fputc('\n', stderr);
  fprintf(stderr, msg_tr("Run 'klar %s --help' for the options.\n"), cmd);
  return EXIT_USAGE;
}

/* Parses the options shared by build and check. Returns -1 when parsing
 * succeeded, else the exit status. */
static int parse_build_args(const char *cmd, int argc, char **argv, build_options *o) {
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *value = NULL;
#define TAKES(shortname, longname)                                                 \
  ((!strcmp(a, shortname) || !strcmp(a, longname)) &&                              \
   (i + 1 < argc ? (value = argv[++i], 1) : (value = NULL, 1)))
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(!strcmp(cmd, "check") ? usage_check : !strcmp(cmd, "booklets") ? usage_booklets : usage_build, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "-B") || !strcmp(a, "--no-booklets")) {
      o->no_booklets = true;
    } else if (!strcmp(a, "-D") || !strcmp(a, "--drafts")) {
      o->drafts = true;
    } else if (!strcmp(a, "-F") || !strcmp(a, "--future")) {
      o->future = true;
    } else if (!strcmp(cmd, "check") && (!strcmp(a, "-s") || !strcmp(a, "--strict"))) {
      o->strict = true;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = true;
    } else if (!strncmp(a, "--root=", 7)) {
      o->root = a + 7;
    } else if (!strncmp(a, "--out=", 6)) {
      o->out = a + 6;
    } else if (!strncmp(a, "--jobs=", 7) || (!strncmp(a, "-j", 2) && a[2])) {
      value = a[1] == 'j' ? a + 2 : a + 7;
      goto jobs;
    } else if (TAKES("-r", "--root")) {
      if (!value) return usage_error(cmd, "%s needs a folder", a);
      o->root = value;
    } else if (TAKES("-o", "--out")) {
      if (!value) return usage_error(cmd, "%s needs a folder", a);
      o->out = value;
    } else if (TAKES("-j", "--jobs")) {
    jobs:
      if (!value) return usage_error(cmd, "%s needs a number of threads", a);
      char *end;
      long n = strtol(value, &end, 10);
      if (*end || n < 1 || n > 256) return usage_error(cmd, "the number of jobs must be 1 to 256, not '%s'", value);
      o->jobs = (int)n;
    } else if (!strcmp(cmd, "booklets") && !strncmp(a, "--preview=", 10)) {
      o->preview = a + 10;
    } else if (!strcmp(cmd, "booklets") && TAKES("-p", "--preview")) {
      if (!value) return usage_error(cmd, "%s needs a folder", a);
      o->preview = value;
    } else if (a[0] != '-' && !strcmp(cmd, "booklets")) {
      o->names[o->nnames++] = a;
    } else {
      return usage_error(cmd, "unknown option '%s'", a);
    }
#undef TAKES
  }
  return -1;
}

/* klar replaces its output folder whole, so a wrong --out would delete
 * whatever is there. Refuses (exit 2) an output folder that holds the site's
 * sources or lies inside them, that is a file, or that exists with files in
 * it but without klar's marker. Paths are compared resolved (symlinks, "..")
 * so no spelling slips past. Returns -1 when out may be written. */
static int check_out(const char *cmd, const build_options *o) {
  arena *a = arena_new();
  const char *out = o->out ? o->out : fsx_join(a, o->root, "public");
  char *rout = fsx_resolve(a, out);
  char *rroot = fsx_resolve(a, o->root);
  int rc = -1;
  if (!rout || !rroot) {
    fprintf(stderr, msg_tr("klar %s: cannot resolve the output folder '%s': %s\n"), cmd, out, strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (fsx_within(rroot, rout)) {
    fprintf(stderr,
            msg_tr("klar %s: refusing to write into '%s': it holds the site's sources (%s), and klar replaces\n"
                   "its output folder whole. Write the site into a folder of its own, like the default %s.\n"),
            cmd, out, rroot, fsx_join(a, o->root, "public"));
    rc = EXIT_USAGE;
    goto done;
  }
  static const char *sources[] = {"content", "layouts", "assets"};
  for (int i = 0; i < 3; i++) {
    char *src = fsx_resolve(a, fsx_join(a, o->root, sources[i]));
    if (src && fsx_within(rout, src)) {
      fprintf(stderr,
              msg_tr("klar %s: refusing to write into '%s': it lies inside the site's %s/ folder, and klar replaces\n"
                     "its output folder whole. Write the site into a folder outside content/, layouts/ and assets/,\n"
                     "like the default %s.\n"),
              cmd, out, sources[i], fsx_join(a, o->root, "public"));
      rc = EXIT_USAGE;
      goto done;
    }
  }
  struct stat st;
  if (stat(rout, &st) == 0 && !S_ISDIR(st.st_mode)) {
    fprintf(stderr, msg_tr("klar %s: refusing to write into '%s': it is a file, not a folder.\n"), cmd, out);
    rc = EXIT_USAGE;
  } else if (stat(rout, &st) == 0 && !fsx_is_empty_dir(rout) && !fsx_is_output(rout)) {
    fprintf(stderr,
            msg_tr("klar %s: refusing to write into '%s': the folder has files in it and was not made by klar\n"
                   "(it has no %s file), and klar replaces its output folder whole. Choose a new or empty folder.\n"
                   "If it is the output of an older klar (before klar marked its folders), remove it once\n"
                   "(rm -r '%s') and build again.\n"),
            cmd, out, FSX_MARKER, out);
    rc = EXIT_USAGE;
  }
done:
  arena_free(a);
  return rc;
}

static int cmd_build(int argc, char **argv, bool check_only, bool booklets) {
  const char *cmd = check_only ? "check" : booklets ? "booklets" : "build";
  build_options o = {.root = ".", .only_booklets = booklets};
  const char *names[argc + 1];
  o.names = names;
  int rc = parse_build_args(cmd, argc, argv, &o);
  if (rc >= 0) return rc;
  o.dry_run = check_only;
  if (check_only) {
    /* klar check writes nothing: no output folder to look at. */
  } else if (o.preview) {
    /* The preview's folder gets the same care as an output folder. */
    build_options po = o;
    po.out = o.preview;
    if ((rc = check_out(cmd, &po)) >= 0) return rc;
  } else if ((rc = check_out(cmd, &o)) >= 0) {
    return rc;
  }
  diag *d = diag_new();
  build_stats st;
  bool ok = build_site(&o, d, &st);
  diag_print(d, stderr);
  if (check_only) {
    /* Each line whole in msg_tr, so the messages suite sees it has Danish. */
    const char *line;
    if (st.errors == 1 && st.warnings == 1)
      line = msg_tr("klar check: %d error, %d warning in %d pages and %d booklets (%.0f ms)\n");
    else if (st.errors == 1)
      line = msg_tr("klar check: %d error, %d warnings in %d pages and %d booklets (%.0f ms)\n");
    else if (st.warnings == 1)
      line = msg_tr("klar check: %d errors, %d warning in %d pages and %d booklets (%.0f ms)\n");
    else
      line = msg_tr("klar check: %d errors, %d warnings in %d pages and %d booklets (%.0f ms)\n");
    if (!o.quiet || st.errors || st.warnings)
      fprintf(stderr, line, st.errors, st.warnings, st.pages, st.booklets, st.seconds * 1000);
    diag_free(d);
    return st.errors || (o.strict && st.warnings) ? EXIT_INPUT : EXIT_OK;
  }
  if (!ok) {
    /* Each line whole in msg_tr, so the messages suite sees it has Danish. */
    fprintf(stderr, st.errors == 1 ? msg_tr("klar: %d error; %s\n") : msg_tr("klar: %d errors; %s\n"), st.errors,
            o.preview ? msg_tr("the preview shows what could be drawn; fix them and draw again")
                        : msg_tr("the previous site is left as it was"));
  } else if (!o.quiet && o.preview) {
    printf(st.booklets == 1 ? msg_tr("klar: drew the preview of %d booklet in %.0f ms into %s/_klar/booklets/\n")
                            : msg_tr("klar: drew the preview of %d booklets in %.0f ms into %s/_klar/booklets/\n"),
           st.booklets, st.seconds * 1000, o.preview);
  } else if (!o.quiet && booklets) {
    printf(st.booklets == 1 ? msg_tr("klar: made %d booklet in %.0f ms\n") : msg_tr("klar: made %d booklets in %.0f ms\n"),
           st.booklets, st.seconds * 1000);
  } else if (!o.quiet) {
    printf(msg_tr("klar: built %d pages (%d files) and %d booklets in %.0f ms%s\n"), st.pages, st.files, st.booklets, st.seconds * 1000, st.warnings ? msg_tr(", with warnings") : "");
    if (st.kept)
      printf(st.kept == 1 ? msg_tr("klar: kept the %d booklet of the previous build\n")
                          : msg_tr("klar: kept the %d booklets of the previous build\n"),
             st.kept);
  }
  diag_free(d);
  return ok ? EXIT_OK : EXIT_INPUT;
}

int cmd_new(int argc, char **argv); /* cmd_new.c */

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  /* The language of messages, fixed before any thread reports one. */
  msg_set_lang(msg_lang_from_env());
  /* cmark-gfm's extension registry is process-global: fill it before any
   * thread starts. */
  md_init();
  layout_init();
  /* Every page attaches every extension, so the table of special
   * characters can be pinned and pages parsed in parallel. */
  md_pin_extensions();
  if (!strcmp(cmd, "build")) return cmd_build(argc - 2, argv + 2, false, false);
  if (!strcmp(cmd, "booklets")) return cmd_build(argc - 2, argv + 2, false, true);
  if (!strcmp(cmd, "check")) return cmd_build(argc - 2, argv + 2, true, false);
  if (!strcmp(cmd, "new")) return cmd_new(argc - 2, argv + 2);
  if (!strcmp(cmd, "serve")) return cmd_serve(argc - 2, argv + 2);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("klar %s\n", KLAR_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    if (argc > 2 && !strcmp(argv[2], "build")) fputs(usage_build, stdout);
    else if (argc > 2 && !strcmp(argv[2], "check")) fputs(usage_check, stdout);
    else if (argc > 2 && !strcmp(argv[2], "booklets")) fputs(usage_booklets, stdout);
    else if (argc > 2 && (!strcmp(argv[2], "new") || !strcmp(argv[2], "serve"))) {
      char *help[] = {"--help", NULL};
      return !strcmp(argv[2], "new") ? cmd_new(1, help) : cmd_serve(1, help);
    } else fputs(usage_main, stdout);
    return EXIT_OK;
  }
  fprintf(stderr, msg_tr("klar: unknown command '%s'\n\n%s"), cmd, usage_main);
  return EXIT_USAGE;
}
