/* Unit tests of core/msg (the Danish table, the language) and of the source
 * lines diag prints under messages. */
#include "harness.h"
#include "core/diag.h"
#include "core/msg.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST(every_entry_has_the_same_conversions) {
  size_t n = msg_count();
  CHECK(n > 100);
  for (size_t i = 0; i < n; i++) {
    const char *en = msg_english_at(i), *da = msg_danish_at(i);
    if (!en || !da || !*da || !msg_same_conversions(en, da)) {
      fprintf(stderr, "bad entry %zu: \"%s\" -> \"%s\"\n", i, en ? en : "(null)", da ? da : "(null)");
      CHECK(0);
    }
    for (size_t j = 0; j < i; j++)
      if (!strcmp(msg_english_at(j), en)) {
        fprintf(stderr, "entry given twice: \"%s\"\n", en);
        CHECK(0);
      }
  }
}

TEST(conversions_compare_whole) {
  CHECK(msg_same_conversions("'%s' is %d", "'%s' er %d"));
  CHECK(!msg_same_conversions("'%s' is %d", "%d er '%s'"));     /* order */
  CHECK(!msg_same_conversions("%.0f mm", "%f mm"));               /* precision */
  CHECK(!msg_same_conversions("%zu pages", "%d sider"));          /* length */
  CHECK(!msg_same_conversions("%s and %s", "%s og"));             /* count */
  CHECK(msg_same_conversions("100%% of %s", "%s: 100%%"));        /* %% is none */
  CHECK(msg_same_conversions("byte 0x%02X", "byte 0x%02X"));
}

TEST(language_follows_posix_order) {
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "da_DK.UTF-8", 1);
  CHECK(msg_lang_from_env() == MSG_DA);
  setenv("LANG", "da", 1);
  CHECK(msg_lang_from_env() == MSG_DA);
  setenv("LANG", "de_DE.UTF-8", 1);
  CHECK(msg_lang_from_env() == MSG_EN);
  setenv("LANG", "dan", 1);
  CHECK(msg_lang_from_env() == MSG_EN);
  setenv("LC_MESSAGES", "da_DK.UTF-8", 1);
  CHECK(msg_lang_from_env() == MSG_DA); /* LC_MESSAGES over LANG */
  setenv("LC_ALL", "C", 1);
  CHECK(msg_lang_from_env() == MSG_EN); /* LC_ALL over both */
  setenv("LC_ALL", "", 1);
  CHECK(msg_lang_from_env() == MSG_DA); /* empty counts as unset */
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  unsetenv("LANG");
  CHECK(msg_lang_from_env() == MSG_EN);
}

TEST(translation_and_labels) {
  msg_set_lang(MSG_DA);
  CHECK_STR(msg_tr("broken link to '%s'; did you mean '%s'?"), "linket til '%s' virker ikke: siden findes ikke; mente du '%s'?");
  CHECK_STR(msg_tr("no such format in the table"), "no such format in the table");
  diag *d = diag_new();
  diag_error(d, NULL, 0, 0, "there is no booklet named '%s' in content/site.yaml", "x");
  diag_warning(d, "a.pdf", 0, 0, "cannot read the file");
  char *t = diag_text(d);
  CHECK_STR(t, "klar: fejl: der er intet hæfte, der hedder 'x', i content/site.yaml\n"
               "a.pdf: advarsel: filen kan ikke læses\n");
  free(t);
  diag_free(d);
  msg_set_lang(MSG_EN);
  CHECK_STR(msg_tr("broken link to '%s'; did you mean '%s'?"), "broken link to '%s'; did you mean '%s'?");
}

/* Writes text to a file in the current folder. */
static void put(const char *name, const char *text) {
  FILE *f = fopen(name, "wb");
  fputs(text, f);
  fclose(f);
}

TEST(source_line_and_caret) {
  msg_set_lang(MSG_EN);
  char dir[] = "/tmp/klar-msg-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK(chdir(dir) == 0);
  put("side.md", "---\ntitle: Søvn\n---\n\tæble [x](y.md)\nGod l\xe6ring\n");
  char longline[400];
  memset(longline, 'a', sizeof longline - 2);
  longline[sizeof longline - 2] = '\n';
  longline[sizeof longline - 1] = 0;
  put("lang.yaml", longline);
  diag *d = diag_new();
  diag_error(d, "side.md", 2, 8, "first");            /* after a Danish letter */
  diag_error(d, "side.md", 4, 7, "tab and æ");         /* a tab keeps its width */
  diag_error(d, "side.md", 5, 6, "bad byte");          /* shown as U+FFFD */
  diag_error(d, "side.md", 2, 40, "past the end");     /* caret after the line */
  diag_error(d, "side.md", 2, 0, "no column");         /* the line alone */
  diag_error(d, "side.md", 99, 1, "no such line");     /* nothing under it */
  diag_error(d, "lang.yaml", 1, 300, "long");          /* a window round the column */
  diag_error(d, "mangler.md", 1, 1, "no file");
  diag_error(d, "hæfte.pdf", 1, 1, "not a source");
  char *t = diag_text(d);
  char want[4096];
  snprintf(want, sizeof want,
           "hæfte.pdf:1:1: error: not a source\n"
           "lang.yaml:1:300: error: long\n"
           "  …%.100s…\n"
           "   %50s^\n"
           "mangler.md:1:1: error: no file\n"
           "side.md:2: error: no column\n"
           "  title: Søvn\n"
           "side.md:2:8: error: first\n"
           "  title: Søvn\n"
           "         ^\n"
           "side.md:2:40: error: past the end\n"
           "  title: Søvn\n"
           "             ^\n"
           "side.md:4:7: error: tab and æ\n"
           "  \tæble [x](y.md)\n"
           "  \t     ^\n"
           "side.md:5:6: error: bad byte\n"
           "  God l\xef\xbf\xbdring\n"
           "       ^\n"
           "side.md:99:1: error: no such line\n",
           longline, "");
  CHECK_STR(t, want);
  free(t);
  diag_free(d);
  unlink("side.md");
  unlink("lang.yaml");
  CHECK(chdir(cwd) == 0);
  rmdir(dir);
}

int main(void) {
  RUN(every_entry_has_the_same_conversions);
  RUN(conversions_compare_whole);
  RUN(language_follows_posix_order);
  RUN(translation_and_labels);
  RUN(source_line_and_caret);
  return harness_done("msg");
}
