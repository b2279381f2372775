/* Unit tests of md: heading ids, link and image resolution, Danish
 * typography, summary and word count, the pathological-input guard, the
 * GFM extensions, md_inline, and rendering from several threads at once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "md/md.h"

static arena *A;

/* Renders src with site passes on; messages go to *msgs (caller frees). */
static bool render(const char *src, md_options *o, md_result *res, char **msgs) {
  diag *d = diag_new();
  bool ok = md_render(src, strlen(src), o, A, d, res);
  char *t = diag_text(d);
  if (msgs) *msgs = t;
  else free(t);
  diag_free(d);
  return ok;
}

static md_options site(void) {
  md_options o = {.site_passes = true, .unsafe = true, .file = "content/side.md"};
  return o;
}

/* A resolver that knows two pages and records what it was asked. */
static int calls;
static bool last_image;
static md_link resolve(void *ctx, bool is_image, const char *dest, sbuf *out) {
  calls++;
  last_image = is_image;
  if (!strcmp(dest, "../temaer/robusthed.md")) { sbuf_puts(out, "/temaer/robusthed/"); return true; }
  if (!strcmp(dest, "billeder/skov.jpg")) { sbuf_puts(out, "/billeder/skov.jpg"); return true; }
  if (!strcmp(dest, "kladde.md")) return MD_LINK_DRAFT;
  if (!strcmp(dest, "../temaer/robusthd.md")) sbuf_puts(out, "../temaer/robusthed.md");
  return MD_LINK_BROKEN;
}

TEST(heading_ids_danish_and_duplicates) {
  md_options o = site();
  md_result r;
  CHECK(render("# Æbler og ønsker på Åen\n\n## Fordybelse\n\n## Fordybelse\n\n### Fordybelse\n"
               "\n## `kode` og *mere*\n",
               &o, &r, NULL));
  CHECK(strstr(r.html, "<h1 id=\"aebler-og-oensker-paa-aaen\">Æbler og ønsker på Åen</h1>\n") != NULL);
  CHECK(strstr(r.html, "<h2 id=\"fordybelse\">Fordybelse</h2>") != NULL);
  CHECK(strstr(r.html, "<h2 id=\"fordybelse-2\">Fordybelse</h2>") != NULL);
  CHECK(strstr(r.html, "<h3 id=\"fordybelse-3\">Fordybelse</h3>") != NULL);
  CHECK(strstr(r.html, "<h2 id=\"kode-og-mere\"><code>kode</code> og <em>mere</em></h2>") != NULL);
  CHECK(r.nheadings == 5);
  if (r.nheadings == 5) {
    CHECK(r.headings[0].level == 1);
    CHECK_STR(r.headings[0].text, "Æbler og ønsker på Åen");
    CHECK_STR(r.headings[2].id, "fordybelse-2");
    CHECK(r.headings[3].level == 3);
    CHECK_STR(r.headings[4].text, "kode og mere");
  }
}

/* opts->checks: what an editor should fix, at its position (line_offset
 * added), and the links with a fragment collected as written. Without it
 * (front matter text, print's own parses) nothing is reported twice. */
TEST(checks_report_editorial_mistakes) {
  md_options o = site();
  o.checks = true;
  o.line_offset = 3;
  md_result r;
  char *msgs;
  CHECK(!render("Se ![](a.png) og [](x.md) og [tekst]().\n\n#### Dybt\n\n## Et\n\n"
                "[her](#et), [der](../temaer/robusthed.md#x), [ude](https://eks.dk/#y), ![b](c.png#z)\n",
                &o, &r, &msgs));
  CHECK_STR(msgs,
            "content/side.md:4:4: error: an image needs alternative text for readers who cannot see it: "
            "describe it between the brackets, like ![Børn leger i sandkassen](a.png); an image that is only "
            "decoration is written ![pynt](a.png)\n"
            "content/side.md:4:18: error: a link needs text: [](x.md) shows nothing to click; write the "
            "words readers should see between the brackets\n"
            "content/side.md:4:30: error: a link needs a destination: the parentheses after the link text "
            "are empty; write the page (like ../temaer/robusthed.md) or the web address it should open\n"
            "content/side.md:6:1: warning: the body's first heading is level 4, which skips a level: the "
            "page's title is the level-1 heading, so the outline screen readers navigate by has a hole; "
            "start with ## here\n");
  free(msgs);
  CHECK(r.nanchors == 2);
  if (r.nanchors == 2) {
    CHECK_STR(r.anchors[0].dest, "#et");
    CHECK(r.anchors[0].line == 10 && r.anchors[0].col == 1);
    CHECK_STR(r.anchors[1].dest, "../temaer/robusthed.md#x");
  }
  CHECK(r.nheadings == 2 && r.headings[1].line == 8 && r.headings[1].col == 1);
  o.checks = false;
  CHECK(render("![](a.png) [](x.md)\n\n#### Dybt\n", &o, &r, &msgs));
  CHECK_STR(msgs, "");
  free(msgs);
  CHECK(r.nanchors == 0);
}

TEST(no_site_passes_is_plain_cmark) {
  md_options o = {.unsafe = true};
  md_result r;
  CHECK(render("# Hej \"du\"\n\n10 kr.\n", &o, &r, NULL));
  CHECK_STR(r.html, "<h1>Hej &quot;du&quot;</h1>\n<p>10 kr.</p>\n");
  CHECK(r.nheadings == 1); /* still collected, for the model */
}

TEST(links_resolved_and_absolute_left_alone) {
  md_options o = site();
  o.resolve = resolve;
  calls = 0;
  md_result r;
  CHECK(render("Se [robusthed](../temaer/robusthed.md), [ekstern](https://aarhus.dk/x), "
               "[rod](/om/), [afsnit](#mål), [mail](mailto:a@b.dk) og [tel](tel:+4512).\n",
               &o, &r, NULL));
  CHECK(calls == 1);
  CHECK(strstr(r.html, "<a href=\"/temaer/robusthed/\">robusthed</a>") != NULL);
  CHECK(strstr(r.html, "<a href=\"https://aarhus.dk/x\">") != NULL);
  CHECK(strstr(r.html, "<a href=\"/om/\">") != NULL);
  CHECK(strstr(r.html, "<a href=\"#m%C3%A5l\">") != NULL);
  CHECK(strstr(r.html, "<a href=\"mailto:a@b.dk\">") != NULL);
}

TEST(image_resolved) {
  md_options o = site();
  o.resolve = resolve;
  calls = 0;
  last_image = false;
  md_result r;
  CHECK(render("![En skov](billeder/skov.jpg)\n", &o, &r, NULL));
  CHECK(calls == 1 && last_image);
  CHECK_STR(r.html, "<p><img src=\"/billeder/skov.jpg\" alt=\"En skov\" /></p>\n");
}

/* A pictures callback that records what md offered it and replaces the
 * image, or reports an error for "fejl.png". */
static md_picture seen[4];
static int nseen;
static int picture(void *ctx, const md_picture *pic, sbuf *out) {
  (void)ctx;
  if (nseen < 4) {
    seen[nseen] = *pic; /* the strings are md's until the render ends: copied */
    seen[nseen].dest = arena_strdup(A, pic->dest);
    seen[nseen].alt = arena_strdup(A, pic->alt);
    seen[nseen].title = pic->title ? arena_strdup(A, pic->title) : NULL;
    seen[nseen].url = pic->url ? arena_strdup(A, pic->url) : NULL;
    nseen++;
  }
  if (!strcmp(pic->dest, "fejl.png")) return -1;
  sbuf_printf(out, "<picture>%s|%s</picture>", pic->url ? pic->url : "-", pic->alt);
  return 1;
}

TEST(pictures_offered_after_the_walk) {
  md_options o = site();
  o.resolve = resolve;
  o.picture = picture;
  o.tree = true;
  o.line_offset = 3;
  nseen = 0;
  md_result r;
  CHECK(render("Tekst ![En \"skov\" på bakken](billeder/skov.jpg \"Titel\")\n\n![pynt](/assets/streg.svg)\n", &o, &r,
               NULL));
  CHECK(nseen == 2);
  if (nseen == 2) {
    CHECK_STR(seen[0].dest, "billeder/skov.jpg");
    CHECK_STR(seen[0].url, "/billeder/skov.jpg");
    CHECK_STR(seen[0].alt, "En »skov« på bakken"); /* typography applied, as in the text */
    CHECK_STR(seen[0].title, "Titel");
    CHECK(seen[0].line == 4 && seen[0].col == 7);
    CHECK_STR(seen[1].dest, "/assets/streg.svg");
    CHECK(seen[1].url == NULL); /* not given to the resolver */
    CHECK_STR(seen[1].alt, "");  /* ![pynt]: decoration */
  }
  CHECK(strstr(r.html, "<p>Tekst <picture>/billeder/skov.jpg|En »skov« på bakken</picture></p>") != NULL);
  /* The block tree keeps the file as written, and decoration has no alt. */
  CHECK(r.tree && r.tree->nchildren == 2 && r.tree->children[1]->kind == MDT_IMAGE);
  if (r.tree && r.tree->nchildren == 2) CHECK_STR(r.tree->children[1]->alt, "");
  /* An image in another's alternative text is not offered (the fuzzer's
   * find: replacing the outer one freed the inner). */
  nseen = 0;
  CHECK(render("![foo ![bar](/u)](/u2)\n", &o, &r, NULL));
  CHECK(nseen == 1 && !strcmp(seen[0].dest, "/u2") && !strcmp(seen[0].alt, "foo bar"));
  /* -1: the callback reported; the page fails. */
  nseen = 0;
  CHECK(!render("![Et billede](fejl.png)\n", &o, &r, NULL));
}

TEST(broken_link_position) {
  md_options o = site();
  o.resolve = resolve;
  o.line_offset = 4; /* four lines of front matter above the body */
  md_result r;
  char *msgs = NULL;
  /* body line 3, after "  Æøå " (the column counts characters, not bytes) */
  CHECK(!render("Første afsnit.\n\nÆøå ser [her](mangler.md) og\n![x](væk.png)\n", &o, &r, &msgs));
  CHECK_STR(msgs, "content/side.md:7:9: error: broken link to 'mangler.md': there is no such page or file (link to a "
                  "page by the path of its .md file from this page, like ../temaer/robusthed.md)\n"
                  "content/side.md:8:1: error: broken image link to 'væk.png': there is no such file (put the image "
                  "beside the page, or write its path from this page)\n");
  CHECK(strstr(r.html, "<a href=\"mangler.md\">her</a>") != NULL); /* still rendered */
  free(msgs);
}

/* The resolver's two kinds of failure: a draft is named as one, with how
 * to publish or preview it; a misspelt page keeps its "did you mean". */
TEST(link_to_draft_and_did_you_mean) {
  md_options o = site();
  o.resolve = resolve;
  md_result r;
  char *msgs = NULL;
  CHECK(!render("Se [kladden](kladde.md) og [robusthed](../temaer/robusthd.md).\n", &o, &r, &msgs));
  CHECK_STR(msgs, "content/side.md:1:4: error: broken link to 'kladde.md': that page is a draft (draft: true) and is "
                  "left out of the site; publish it first (remove draft: true from its front matter), or build with "
                  "--drafts to preview\n"
                  "content/side.md:1:28: error: broken link to '../temaer/robusthd.md'; did you mean "
                  "'../temaer/robusthed.md'?\n");
  free(msgs);
}

TEST(typography_quotes) {
  md_options o = site();
  md_result r;
  CHECK(render("Hun sagde \"hej\" og \"*meget* vigtigt\". Det er Peters bog, ikk'.\n", &o, &r, NULL));
  CHECK_STR(r.html, "<p>Hun sagde »hej« og »<em>meget</em> vigtigt«. Det er Peters bog, ikk'.</p>\n");
  o.quote_open = "\xE2\x80\x9E"; /* „ “ */
  o.quote_close = "\xE2\x80\x9C";
  CHECK(render("(\"ja\")\n", &o, &r, NULL));
  CHECK_STR(r.html, "<p>(„ja“)</p>\n");
}

TEST(typography_nbsp) {
  md_options o = site();
  md_result r;
  CHECK(render("Det koster 10 kr. fra 27. maj 2014, i alt 4,95 mio. kr. og 2 mia. kr.\n", &o, &r,
               NULL));
  CHECK_STR(r.html, "<p>Det koster 10\u00a0kr. fra 27.\u00a0maj\u00a02014, i alt 4,95\u00a0mio.\u00a0kr. "
                    "og 2\u00a0mia.\u00a0kr.</p>\n");
  /* percentages, the amount after "kr.", a number that ends the node before */
  CHECK(render("50 % af 200 pct. og 3 procent; kr. 1.500 og **10** kr. i alt\n", &o, &r, NULL));
  CHECK_STR(r.html, "<p>50\u00a0% af 200\u00a0pct. og 3\u00a0procent; kr.\u00a01.500 og <strong>10</strong>\u00a0kr. "
                    "i alt</p>\n");
  CHECK(render("| Pris | Dato |\n|---|---|\n| 1.500 kr. | 3. maj |\n", &o, &r, NULL));
  CHECK(strstr(r.html, "<td>1.500\u00a0kr.</td>") && strstr(r.html, "<td>3.\u00a0maj</td>"));
  /* no false positives: "10 kroner", "maj måned", "27. gang", "5 pctx", "skr. 5" */
  CHECK(render("10 kroner i maj måned for 27. gang, 5 pctx og skr. 5\n", &o, &r, NULL));
  CHECK_STR(r.html, "<p>10 kroner i maj måned for 27. gang, 5 pctx og skr. 5</p>\n");
}

TEST(typography_not_in_code) {
  md_options o = site();
  md_result r;
  CHECK(render("Kode `\"x\" 10 kr.` her.\n\n```\n\"y\" 27. maj 2014\n```\n\n    \"z\" 10 kr.\n", &o,
               &r, NULL));
  CHECK_STR(r.html, "<p>Kode <code>&quot;x&quot; 10 kr.</code> her.</p>\n"
                    "<pre><code>&quot;y&quot; 27. maj 2014\n</code></pre>\n"
                    "<pre><code>&quot;z&quot; 10 kr.\n</code></pre>\n");
}

TEST(summary_and_words) {
  md_options o = site();
  md_result r;
  CHECK(render("# Titel\n\nFørste *afsnit* med \"citat\"\nog to linjer.\n\nAndet afsnit.\n", &o, &r,
               NULL));
  CHECK_STR(r.summary, "Første afsnit med »citat« og to linjer.");
  CHECK(r.words == 1 + 7 + 2);

  /* a long first paragraph is cut at a word before 300 characters */
  sbuf b = SBUF_INIT;
  for (int i = 0; i < 80; i++) sbuf_puts(&b, "æble ");
  CHECK(render(sbuf_str(&b), &o, &r, NULL));
  size_t chars = 0;
  for (const char *p = r.summary; *p; p++)
    if (((unsigned char)*p & 0xC0) != 0x80) chars++;
  CHECK(chars <= 301);
  CHECK(chars > 280);
  CHECK(strlen(r.summary) > 3 && !strcmp(r.summary + strlen(r.summary) - 8, "æble\xE2\x80\xA6"));
  CHECK(r.words == 80);
  sbuf_free(&b);

  CHECK(render("# Kun en overskrift\n", &o, &r, NULL));
  CHECK_STR(r.summary, "");
}

TEST(guard_refuses_with_position) {
  md_options o = site();
  o.line_offset = 3;
  md_result r;
  char *msgs = NULL;
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "Indledning.\n\n");
  for (int i = 0; i < 150; i++) sbuf_puts(&b, "> ");
  sbuf_puts(&b, "dybt\n");
  CHECK(!render(sbuf_str(&b), &o, &r, &msgs));
  CHECK_STR(msgs, "content/side.md:6:201: error: nesting too deep (over 100 levels of lists and "
                  "block quotes); klar refuses it so the build cannot hang\n");
  free(msgs);
  CHECK_STR(r.html, "");

  sbuf_clear(&b);
  sbuf_puts(&b, "|");
  for (int i = 0; i < 201; i++) sbuf_puts(&b, " a |");
  sbuf_puts(&b, "\n|");
  for (int i = 0; i < 201; i++) sbuf_puts(&b, "---|");
  sbuf_puts(&b, "\n");
  o.line_offset = 0;
  CHECK(!render(sbuf_str(&b), &o, &r, &msgs));
  CHECK(strstr(msgs, "content/side.md:2:1: error: table too wide (over 200 columns)") != NULL);
  free(msgs);

  /* a lower limit from the options */
  o.max_nesting = 3;
  CHECK(!render("- a\n  - b\n    - c\n      - d\n", &o, &r, &msgs));
  CHECK(strstr(msgs, "content/side.md:4:") != NULL);
  free(msgs);
  sbuf_free(&b);
}

TEST(guard_accepts_legitimate) {
  md_options o = site();
  md_result r;
  /* C in a fenced block: many unclosed '*' and '[' that are not Markdown */
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "Kode:\n\n```c\n");
  for (int i = 0; i < 300; i++) sbuf_puts(&b, "char *p[3 = *q;\n");
  sbuf_puts(&b, "```\n\n* * *\n\n");
  for (int i = 0; i < 300; i++) sbuf_puts(&b, "- punkt med *fremhævning* og [link](x)\n");
  sbuf_puts(&b, "\nTekst med snake_case_navne og 2*3*4 og `*[*[*[` i kode.\n");
  CHECK(render(sbuf_str(&b), &o, &r, NULL));
  sbuf_free(&b);
}

TEST(extensions_render) {
  md_options o = site();
  md_result r;
  CHECK(render("| Navn | Pris |\n|:--|--:|\n| Æble | 10 kr. |\n\n- [x] færdig\n- [ ] åben\n\n"
               "~~væk~~ og www.aarhus.dk\n\nFodnote[^a].\n\n[^a]: Noten.\n\n<script>x</script>\n",
               &o, &r, NULL));
  CHECK(strstr(r.html, "<th align=\"left\">Navn</th>") != NULL);
  CHECK(strstr(r.html, "<td align=\"right\">10\u00a0kr.</td>") != NULL);
  CHECK(strstr(r.html, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> færdig") != NULL);
  CHECK(strstr(r.html, "<del>væk</del>") != NULL);
  CHECK(strstr(r.html, "<a href=\"http://www.aarhus.dk\">www.aarhus.dk</a>") != NULL);
  CHECK(strstr(r.html, "<sup class=\"footnote-ref\"><a href=\"#fn-a\"") != NULL);
  CHECK(strstr(r.html, "<section class=\"footnotes\"") != NULL);
  CHECK(strstr(r.html, "&lt;script>") != NULL); /* tagfilter */
}

TEST(inline_markdown) {
  md_options o = site();
  CHECK_STR(md_inline("Et *kort* \"resumé\" til 10 kr.", &o, A),
            "Et <em>kort</em> »resumé« til 10\u00a0kr.");
  CHECK_STR(md_inline("To\n\nafsnit", &o, A), "<p>To</p>\n<p>afsnit</p>\n");
  CHECK_STR(md_inline("", &o, A), "");
  CHECK_STR(md_inline("a < b", NULL, A), "a &lt; b");
}

/* cmark-gfm 0.29.0.gfm.6 switches special characters on and off globally
 * during a parse; md serialises parsing so that threads cannot disturb each
 * other. Many threads render strikethrough, tables and autolinks at once. */
/* A shortcode that knows one name, for the tree test. */
static int shortcode(void *ctx, const char *name, const char *info, const char *text, sbuf *out) {
  (void)ctx, (void)info, (void)text;
  if (strcmp(name, "video")) return 0;
  sbuf_puts(out, "<figure>video</figure>\n");
  return 1;
}

/* The HTML and the print block tree come from one parse: the tree has the
 * HTML's typography, resolved links and heading ids; an image keeps the
 * file as written (print reads it); a shortcode stays a code block for
 * print's own form of it; and what the guard refuses has no tree at all. */
TEST(tree_from_the_same_parse) {
  md_options o = site();
  o.resolve = resolve;
  o.shortcode = shortcode;
  o.tree = true;
  o.line_offset = 3;
  md_result r;
  CHECK(render("## Om \"robusthed\"\n\nSe [temaet](../temaer/robusthed.md) for 10 kr.\n\n"
               "![Skoven](billeder/skov.jpg)\n\n```video\nid: x\n```\n\n## Om robusthed\n",
               &o, &r, NULL));
  CHECK(strstr(r.html, "<h2 id=\"om-robusthed\">Om \xC2\xBBrobusthed\xC2\xAB</h2>") != NULL);
  CHECK(strstr(r.html, "<figure>video</figure>") != NULL);
  const mdt_block *t = r.tree;
  CHECK(t && t->kind == MDT_DOCUMENT && t->nchildren == 5);
  if (!t || t->nchildren != 5) return;
  CHECK(t->children[0]->kind == MDT_HEADING && t->children[0]->line == 4);
  CHECK_STR(t->children[0]->id, "om-robusthed");
  CHECK_STR(md_tree_plain(A, t->children[0]), "Om \xC2\xBBrobusthed\xC2\xAB");
  CHECK_STR(t->children[4]->id, "om-robusthed-2");
  const mdt_block *p = t->children[1];
  CHECK(p->kind == MDT_PARAGRAPH && p->nruns == 3);
  CHECK_STR(p->runs[1].url, "/temaer/robusthed/");
  CHECK_STR(p->runs[2].text, " for 10\xC2\xA0kr.");
  CHECK(t->children[2]->kind == MDT_IMAGE);
  CHECK_STR(t->children[2]->src, "billeder/skov.jpg");
  CHECK(t->children[3]->kind == MDT_CODE);
  CHECK_STR(t->children[3]->info, "video");
  o.tree = false;
  CHECK(render("Tekst\n", &o, &r, NULL) && r.tree == NULL);
  o.tree = true;
  sbuf wide = SBUF_INIT;
  for (int k = 0; k < 300; k++) sbuf_puts(&wide, "| a ");
  sbuf_puts(&wide, "|\n");
  for (int k = 0; k < 300; k++) sbuf_puts(&wide, "|---");
  sbuf_puts(&wide, "|\n");
  char *msgs;
  CHECK(!render(sbuf_str(&wide), &o, &r, &msgs));
  CHECK(r.tree == NULL);
  CHECK(strstr(msgs, "table too wide") != NULL);
  free(msgs);
  sbuf_free(&wide);
}

static void *worker(void *arg) {
  int *bad = arg;
  arena *a = arena_new();
  md_options o = {.site_passes = true, .unsafe = true};
  const char *src = "~~a~~ www.x.dk\n\n| a | b |\n|---|---|\n| ~~c~~ | d |\n";
  for (int i = 0; i < 300; i++) {
    md_result r;
    md_render(src, strlen(src), &o, a, NULL, &r);
    if (!strstr(r.html, "<p><del>a</del> <a href=\"http://www.x.dk\">") ||
        !strstr(r.html, "<td><del>c</del></td>"))
      (*bad)++;
    arena_reset(a);
  }
  arena_free(a);
  return NULL;
}

TEST(threads) {
  pthread_t t[8];
  int bad[8] = {0};
  for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, worker, &bad[i]);
  int total = 0;
  for (int i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    total += bad[i];
  }
  CHECK(total == 0);
}

/* With the table pinned (what a site build does), parses run without the
 * lock; klar's stand-in for cmark's toggle must keep the table intact, or
 * this fails the way `threads` fails without the lock. Runs last: pinning
 * is for the rest of the process. */
TEST(threads_pinned) {
  CHECK(md_pin_extensions());
  pthread_t t[8];
  int bad[8] = {0};
  for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, worker, &bad[i]);
  int total = 0;
  for (int i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    total += bad[i];
  }
  CHECK(total == 0);
}

int main(void) {
  md_init();
  A = arena_new();
  RUN(heading_ids_danish_and_duplicates);
  RUN(checks_report_editorial_mistakes);
  RUN(no_site_passes_is_plain_cmark);
  RUN(links_resolved_and_absolute_left_alone);
  RUN(image_resolved);
  RUN(pictures_offered_after_the_walk);
  RUN(link_to_draft_and_did_you_mean);
  RUN(broken_link_position);
  RUN(typography_quotes);
  RUN(typography_nbsp);
  RUN(typography_not_in_code);
  RUN(summary_and_words);
  RUN(guard_refuses_with_position);
  RUN(guard_accepts_legitimate);
  RUN(extensions_render);
  RUN(inline_markdown);
  RUN(tree_from_the_same_parse);
  RUN(threads);
  RUN(threads_pinned);
  arena_free(A);
  return harness_done("md");
}
