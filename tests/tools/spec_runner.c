/* spec_runner: runs the examples of one cmark-gfm spec file through klar's
 * md module (site passes off, raw HTML kept) and compares the HTML exactly,
 * after turning \r\n into \n, as upstream's spec_tests.py --no-normalize.
 *   spec_runner [-v] FILE.txt
 * The file's name picks the options of upstream's test/CMakeLists.txt:
 * smart punctuation for smart_punct.txt, the full info string and table
 * style attributes for their files, all six extensions for extensions*.txt;
 * spec.txt and regression.txt attach only the extensions named on each
 * example's line. "disabled" examples are skipped. Ends with
 * "spec: N passed, N failed" (and the skipped count, if any). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/diag.h"
#include "core/str.h"
#include "md/md.h"

#define FENCE "````````````````````````````````"

/* Appends line with each "→" (U+2192) replaced by a tab. */
static void put_tabbed(sbuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x86 &&
        (unsigned char)s[i + 2] == 0x92) {
      sbuf_putc(b, '\t');
      i += 2;
    } else {
      sbuf_putc(b, s[i]);
    }
  }
}

/* Python's str.strip() on ASCII whitespace: returns the bounds in *b, *e. */
static void strip(const char *s, size_t n, size_t *b, size_t *e) {
  size_t i = 0, j = n;
  while (i < j && strchr(" \t\r\n\v\f", s[i])) i++;
  while (j > i && strchr(" \t\r\n\v\f", s[j - 1])) j--;
  *b = i;
  *e = j;
}

static char *normalise(const char *s) {
  size_t n = strlen(s);
  char *r = xmalloc(n + 1), *w = r;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\r' && s[i + 1] == '\n') continue;
    *w++ = s[i];
  }
  *w = 0;
  return r;
}

int main(int argc, char **argv) {
  bool verbose = false;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) verbose = true;
    else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: spec_runner [-v] FILE.txt\n");
    return 2;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 2;
  }
  sbuf file = SBUF_INIT;
  char buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) sbuf_put(&file, buf, got);
  fclose(f);

  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  md_options o = {.site_passes = false, .unsafe = true, .file = base};
  bool per_example = false;
  if (!strcmp(base, "spec.txt") || !strcmp(base, "regression.txt")) {
    per_example = true;
  } else if (!strcmp(base, "smart_punct.txt")) {
    o.smart = true;
    o.extensions = "";
  } else if (!strcmp(base, "extensions-full-info-string.txt")) {
    o.full_info_string = true;
    o.extensions = "";
  } else if (!strcmp(base, "extensions-table-prefer-style-attributes.txt")) {
    o.table_style_attrs = true;
    o.extensions = NULL; /* all six */
  } else if (!strcmp(base, "extensions.txt")) {
    o.extensions = NULL;
  } else {
    per_example = true;
  }

  md_init();
  arena *a = arena_new();
  int passed = 0, failed = 0, skipped = 0, number = 0;
  int state = 0, start_line = 0, line_no = 0;
  sbuf md = SBUF_INIT, html = SBUF_INIT, exts = SBUF_INIT;
  char section[256] = "";
  const char *s = sbuf_str(&file), *end = s + file.len;
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
    line_no++;
    size_t b, e;
    strip(s, n, &b, &e);
    const char *l = s + b;
    size_t ln = e - b;
    if (ln >= 40 && !strncmp(l, FENCE " example", 40)) {
      state = 1;
      sbuf_clear(&exts);
      sbuf_put(&exts, l + 40, ln - 40);
      start_line = 0;
    } else if (ln == 32 && !strncmp(l, FENCE, 32)) {
      state = 0;
      number++;
      const char *words = sbuf_str(&exts);
      bool disabled = strstr(words, "disabled") != NULL;
      if (disabled) {
        skipped++;
      } else {
        md_options eo = o;
        if (per_example) eo.extensions = words;
        diag *d = diag_new();
        md_result res;
        md_render(md.data ? md.data : "", md.len, &eo, a, d, &res);
        char *got_html = normalise(res.html);
        const char *want = sbuf_str(&html);
        size_t wb, we;
        strip(want, html.len, &wb, &we);
        bool ok = !strcmp(got_html, want) || (we - wb == 8 && !strncmp(want + wb, "<IGNORE>", 8));
        if (ok) {
          passed++;
        } else {
          failed++;
          printf("FAIL %s example %d (lines %d-%d) %s\n", base, number, start_line, line_no,
                 section);
          if (verbose) {
            char *msg = diag_text(d);
            printf("--- markdown\n%s--- expected\n%s--- got\n%s%s\n", sbuf_str(&md), want,
                   got_html, msg);
            free(msg);
          }
        }
        free(got_html);
        diag_free(d);
        arena_reset(a);
      }
      sbuf_clear(&md);
      sbuf_clear(&html);
    } else if (ln == 1 && l[0] == '.' && state) {
      state = 2;
    } else if (state == 1) {
      if (!start_line) start_line = line_no - 1;
      put_tabbed(&md, s, n);
    } else if (state == 2) {
      put_tabbed(&html, s, n);
    } else if (state == 0 && n > 1 && s[0] == '#') {
      size_t k = 0;
      while (k < n && s[k] == '#') k++;
      size_t hb, he;
      strip(s + k, n - k, &hb, &he);
      snprintf(section, sizeof section, "%.*s", (int)(he - hb), s + k + hb);
    }
    s += n;
  }
  printf("spec: %d passed, %d failed", passed, failed);
  if (skipped) printf(" (%d skipped as disabled)", skipped);
  printf("\n");
  sbuf_free(&md);
  sbuf_free(&html);
  sbuf_free(&exts);
  sbuf_free(&file);
  arena_free(a);
  return failed ? 1 : 0;
}
