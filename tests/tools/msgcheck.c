/* msgcheck: every message has both languages. Reads C sources, finds each
 * call of diag_error, diag_warning and diag_report, takes its format (the
 * argument after the position; adjacent string literals joined, over as many
 * lines as the call spans) and checks that core/msg has a Danish entry with
 * the same conversions. Prints each one missing as
 *   generator/x.c:12: no Danish for "the English format"
 * so that the translator can copy it, and ends "N passed, N failed".
 *   msgcheck [--list] FILE...   (--list prints every format found, one a line) */
#include "core/msg.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  size_t k;
  while ((k = fread(s + n, 1, cap - n - 1, f)) > 0) {
    n += k;
    if (cap - n < 2) s = realloc(s, cap *= 2);
  }
  fclose(f);
  s[n] = 0;
  return s;
}

/* Appends the string literal at *p (at its opening quote) to out,
 * unescaped; advances *p past the closing quote. */
static void literal(const char **p, char *out, size_t *len, size_t cap) {
  const char *s = *p + 1;
  while (*s && *s != '"') {
    char c = *s++;
    if (c == '\\') {
      char e = *s++;
      switch (e) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case '0': case '1': case '2': case '3': {
        int v = e - '0';
        for (int i = 0; i < 2 && *s >= '0' && *s <= '7'; i++) v = v * 8 + (*s++ - '0');
        c = (char)v;
        break;
      }
      case 'x': {
        int v = 0;
        while ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))
          v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10), s++;
        c = (char)v;
        break;
      }
      default: c = e; break;
      }
    }
    if (*len + 1 < cap) out[(*len)++] = c;
  }
  if (*s == '"') s++;
  *p = s;
}

/* Skips spaces and comments. */
static const char *skip_space(const char *s, int *line) {
  for (;;) {
    if (*s == '\n') (*line)++, s++;
    else if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\\') s++;
    else if (s[0] == '/' && s[1] == '/') { while (*s && *s != '\n') s++; }
    else if (s[0] == '/' && s[1] == '*') {
      s += 2;
      while (*s && !(s[0] == '*' && s[1] == '/')) { if (*s == '\n') (*line)++; s++; }
      if (*s) s += 2;
    } else return s;
  }
}

/* Skips one argument (up to the ',' or ')' that ends it at depth 0). */
static const char *skip_arg(const char *s, int *line) {
  int depth = 0;
  while (*s) {
    s = skip_space(s, line);
    char c = *s;
    if (c == '"' || c == '\'') {
      s++;
      while (*s && *s != c) { if (*s == '\\' && s[1]) s++; s++; }
      if (*s) s++;
      continue;
    }
    if (!c) break;
    if (c == '(' || c == '[' || c == '{') depth++;
    else if (c == ')' || c == ']' || c == '}') { if (!depth) return s; depth--; }
    else if (c == ',' && !depth) return s;
    s++;
  }
  return s;
}

static bool ident_char(char c) {
  return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static int passed, failed;

static void check_file(const char *path, bool list) {
  char *src = slurp(path);
  if (!src) { fprintf(stderr, "msgcheck: cannot read %s\n", path); failed++; return; }
  /* Each function that takes a message format, and the arguments before
   * it: diag's, the wrappers of the layout and print-layout readers (which
   * translate through msg_tr), and msg_tr itself for pieces and for the
   * lines main prints. */
  static const struct { const char *name; int skip; } fns[] = {
      {"diag_error", 4}, {"diag_warning", 4}, {"diag_report", 5}, {"lerror", 2},
      {"aerror", 3},     {"aerr", 3},         {"err", 2},         {"msg_tr", 0},  {"usage_error", 1}};
  enum { NFNS = sizeof fns / sizeof fns[0] };
  int line = 1;
  const char *s = src;
  while (*s) {
    if (*s == '\n') { line++; s++; continue; }
    if (*s == '"' || *s == '\'' || (s[0] == '/' && (s[1] == '/' || s[1] == '*'))) {
      if (*s == '/') { s = skip_space(s, &line); continue; }
      char q = *s++;
      while (*s && *s != q) { if (*s == '\\' && s[1]) s++; if (*s == '\n') line++; s++; }
      if (*s) s++;
      continue;
    }
    /* Macro definitions and the prototype are not calls. */
    if (*s == '#') { while (*s && *s != '\n') { if (*s == '\\' && s[1] == '\n') line++, s++; s++; } continue; }
    int f = -1;
    for (int i = 0; i < NFNS; i++) {
      size_t n = strlen(fns[i].name);
      if (!strncmp(s, fns[i].name, n) && (s == src || !ident_char(s[-1])) && !ident_char(s[n])) {
        f = i;
        s += n;
        break;
      }
    }
    if (f < 0) { s++; continue; }
    int call_line = line;
    const char *t = skip_space(s, &line);
    if (*t != '(') { s = t; continue; }
    t++;
    for (int k = 0; k < fns[f].skip && *t && *t != ')'; k++) {
      t = skip_arg(t, &line);
      if (*t == ',') t++;
    }
    t = skip_space(t, &line);
    if (*t != '"') { s = t; continue; } /* a format that is not a literal (a prototype, "%s" built elsewhere) */
    char fmt[4096];
    size_t len = 0;
    while (*t == '"') {
      literal(&t, fmt, &len, sizeof fmt);
      t = skip_space(t, &line);
    }
    fmt[len] = 0;
    s = t;
    /* A literal joined with a macro ("... xmlns=\"" NS "\"") is no key
     * that msg can find: the call must pass the macro as an argument. */
    if (*t != ',' && *t != ')') {
      printf("%s:%d: the format \"%s...\" is joined with a macro; pass it as an argument (%%s)\n", path, call_line,
             fmt);
      failed++;
      continue;
    }
    if (list) { printf("%s\n", fmt); continue; }
    const char *da = msg_danish(fmt);
    if (!da) {
      printf("%s:%d: no Danish for \"", path, call_line);
      for (const char *c = fmt; *c; c++) {
        if (*c == '"' || *c == '\\') putchar('\\');
        if (*c == '\n') fputs("\\n", stdout); else putchar(*c);
      }
      printf("\"\n");
      failed++;
    } else if (!msg_same_conversions(fmt, da)) {
      printf("%s:%d: the Danish of \"%s\" has other conversions: \"%s\"\n", path, call_line, fmt, da);
      failed++;
    } else {
      passed++;
    }
  }
  free(src);
}

int main(int argc, char **argv) {
  bool list = argc > 1 && !strcmp(argv[1], "--list");
  for (int i = list ? 2 : 1; i < argc; i++) check_file(argv[i], list);
  if (list) return 0;
  printf("messages have Danish: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
