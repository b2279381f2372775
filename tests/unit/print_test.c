/* Unit tests of the print stage: md's block tree as print reads it, print
 * layouts, Danish hyphenation, imposition order, and whole booklets made
 * from pages built by hand (checked back with qpdf's C API). */
#include "harness.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "core/str.h"
#include "core/val.h"
#include "md/md.h"
#include "print/booklayout.h"
#include "print/hyph.h"
#include "print/pdftag.h"
#include "print/impose.h"
#include "print/print.h"
#include <cairo.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *root;   /* the repository, for layouts/print */
static const char *assets; /* root/assets: the fonts the booklets are set in */

/* fontconfig keeps its configuration for the life of the process; that is
 * not a leak of klar's. Read by LeakSanitizer in the sanitizer build. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

/* ---- the block tree ---- */

/* The block tree of src as the Markdown stage makes it (site passes, no
 * site to resolve links against), in arena a. */
static const mdt_block *tree_of(arena *a, const char *src, const char *file, int line_offset, diag *d) {
  md_options o = {.site_passes = true, .footnotes = true, .file = file, .line_offset = line_offset,
                  .tree = true};
  md_result r;
  md_render(src, strlen(src), &o, a, d, &r);
  return r.tree;
}

TEST(tree_blocks_and_runs) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *src =
      "# Robusthed\n"
      "\n"
      "Barnet *lærer* at **klare** `modgang` og ~~give op~~ [læs mere](https://x.dk).\n"
      "\n"
      "- et\n"
      "- [x] to\n"
      "\n"
      "3. tre\n"
      "4. fire\n"
      "\n"
      "> citat\n"
      "\n"
      "```lua\nprint(1)\n```\n"
      "\n"
      "| A | B |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n"
      "\n"
      "---\n"
      "\n"
      "![Et barn](barn.png \"Leg\")\n"
      "\n"
      "# Robusthed\n"
      "\n"
      "Note[^n] og en til[^m].\n"
      "\n"
      "[^m]: Anden.\n"
      "[^n]: Første.\n";
  const mdt_block *doc = tree_of(a, src, "content/t.md", 4, d);
  CHECK(doc->kind == MDT_DOCUMENT);
  CHECK(doc->nchildren == 13);
  const mdt_block *h = doc->children[0];
  CHECK(h->kind == MDT_HEADING && h->level == 1);
  CHECK_STR(h->id, "robusthed");
  CHECK(h->line == 5); /* line 1 of the body + 4 lines of front matter */
  const mdt_block *p = doc->children[1];
  CHECK(p->kind == MDT_PARAGRAPH);
  CHECK(p->nruns == 11);
  CHECK_STR(p->runs[0].text, "Barnet ");
  CHECK(p->runs[1].style == MDS_EMPH);
  CHECK(p->runs[3].style == MDS_STRONG);
  CHECK(p->runs[5].style == MDS_CODE);
  CHECK(p->runs[7].style == MDS_STRIKE);
  CHECK_STR(p->runs[9].url, "https://x.dk");
  CHECK_STR(p->runs[9].text, "læs mere");
  const mdt_block *ul = doc->children[2];
  CHECK(ul->kind == MDT_LIST && !ul->ordered && ul->tight && ul->nchildren == 2);
  CHECK(ul->children[0]->task == -1 && ul->children[1]->task == 1);
  const mdt_block *ol = doc->children[3];
  CHECK(ol->kind == MDT_LIST && ol->ordered && ol->start == 3);
  CHECK(doc->children[4]->kind == MDT_QUOTE);
  const mdt_block *code = doc->children[5];
  CHECK(code->kind == MDT_CODE);
  CHECK_STR(code->info, "lua");
  CHECK_STR(code->text, "print(1)");
  const mdt_block *t = doc->children[6];
  CHECK(t->kind == MDT_TABLE && t->ncols == 2 && t->nchildren == 3);
  CHECK_STR(t->align, "lr");
  CHECK(t->children[0]->header && !t->children[1]->header);
  CHECK_STR(md_tree_plain(a, t->children[2]->children[1]), "4");
  CHECK(doc->children[7]->kind == MDT_BREAK);
  const mdt_block *img = doc->children[8];
  CHECK(img->kind == MDT_IMAGE);
  CHECK_STR(img->src, "barn.png");
  CHECK_STR(img->alt, "Et barn");
  CHECK_STR(img->title, "Leg");
  CHECK_STR(doc->children[9]->id, "robusthed-2"); /* ids are unique */
  const mdt_block *np = doc->children[10];
  CHECK(np->runs[1].kind == MDR_FOOTREF && np->runs[1].number == 1);
  CHECK(np->runs[3].kind == MDR_FOOTREF && np->runs[3].number == 2);
  /* Definitions last, in the order of their first reference. */
  CHECK(doc->children[11]->kind == MDT_FOOTNOTE);
  CHECK_STR(doc->children[11]->label, "1");
  CHECK(doc->children[11]->number == 1);
  CHECK_STR(md_tree_plain(a, doc->children[11]->children[0]), "Første.");
  CHECK(doc->children[12]->kind == MDT_FOOTNOTE && doc->children[12]->number == 2);
  CHECK(diag_errors(d) == 0);
  diag_free(d);
  arena_free(a);
}

/* ---- layouts ---- */

TEST(layout_pixi_loads) {
  arena *a = arena_new();
  diag *d = diag_new();
  booklayout *L = booklayout_load(a, root, "pixi", d);
  CHECK(L != NULL);
  if (L) {
    CHECK(L->width == 100 && L->height == 100 && L->bleed == 3 && L->pages == 24);
    CHECK_STR(L->family, "Noto Sans");
    CHECK(L->styles[BL_H1].break_before);
    CHECK(L->parts[0].kind == BL_PART_COVER && L->parts[L->nparts - 1].kind == BL_PART_BACK);
  }
  booklayout *A5 = booklayout_load(a, root, "a5", d);
  CHECK(A5 != NULL);
  if (A5) CHECK(A5->width == 148 && A5->height == 210 && A5->pages == 0);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  diag_free(d);
  arena_free(a);
}

TEST(layout_errors_have_lines) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *x = "<print xmlns=\"urn:klar:print\">\n"
                  "  <page width=\"100\" heigth=\"100\"/>\n"
                  "  <style element=\"h9\"/>\n"
                  "  <colums count=\"2\"/>\n"
                  "</print>\n";
  CHECK(booklayout_parse(a, x, strlen(x), "layouts/print/bad.xml", d) == NULL);
  char *txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/bad.xml:2:") && strstr(txt, "unknown attribute 'heigth'"));
  CHECK(strstr(txt, "layouts/print/bad.xml:3:") && strstr(txt, "unknown element 'h9'"));
  CHECK(strstr(txt, "layouts/print/bad.xml:4:") && strstr(txt, "unknown element <colums>"));
  free(txt);
  const char *y = "<print xmlns=\"urn:klar:print\">\n<page width=\"abc\"/>\n";
  CHECK(booklayout_parse(a, y, strlen(y), "layouts/print/y.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/y.xml:") != NULL);
  free(txt);
  const char *z = "<!DOCTYPE print [<!ENTITY e \"x\">]>\n<print xmlns=\"urn:klar:print\"/>\n";
  CHECK(booklayout_parse(a, z, strlen(z), "layouts/print/z.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "DOCTYPE") != NULL);
  free(txt);
  const char *w = "<print xmlns=\"urn:klar:print\"><page pages=\"22\"/></print>";
  CHECK(booklayout_parse(a, w, strlen(w), "layouts/print/w.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "multiple of 4") != NULL);
  free(txt);
  /* Columns whose gaps leave them no width were accepted, and the text ran
   * off the page (found by fuzz_booklayout). */
  const char *c = "<print xmlns=\"urn:klar:print\">\n<columns count=\"6\" gap=\"50\"/>\n</print>";
  CHECK(booklayout_parse(a, c, strlen(c), "layouts/print/c.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/c.xml:2:10: error: 6 columns 50 mm apart leave -22.0 mm for each; a "
                    "column needs 20 mm at least") != NULL);
  free(txt);
  /* Colours are six hex digits: strtoul's sign, blanks and 0x passed. */
  const char *col = "<print xmlns=\"urn:klar:print\">\n<style element=\"p\" color=\"#-fffff\"/>\n"
                    "<style element=\"h1\" color=\"# 0xfff\"/>\n<style element=\"h2\" color=\"#0D4f6e\"/></print>";
  CHECK(booklayout_parse(a, col, strlen(col), "layouts/print/col.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/col.xml:2:20: error: attribute 'color' must be a colour #RRGGBB or the name of a <color>, not '#-fffff'"));
  CHECK(strstr(txt, "layouts/print/col.xml:3:21: error: attribute 'color' must be a colour #RRGGBB or the name of a <color>, not '# 0xfff'"));
  CHECK(!strstr(txt, "col.xml:4:"));
  free(txt);
  const char *c2 = "<print xmlns=\"urn:klar:print\"><columns count=\"2\" gap=\"5\"/></print>";
  CHECK(booklayout_parse(a, c2, strlen(c2), "layouts/print/c2.xml", d) != NULL);
  diag_free(d);
  arena_free(a);
}

/* ---- hyphenation ---- */

static const hyph_list *site_hyph;

static char *hyph(const char *s) {
  sbuf b = SBUF_INIT;
  hyph_put_list(site_hyph, &b, s, strlen(s));
  char *r = sbuf_take(&b);
  /* Show the soft hyphens as '-' for the checks. */
  char *w = r;
  for (char *p = r; *p;) {
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xAD) {
      *w++ = '-';
      p += 2;
    } else {
      *w++ = *p++;
    }
  }
  *w = '\0';
  return r;
}

TEST(danish_hyphenation) {
  CHECK(hyph_load());
  char *s = hyph("dagtilbud");
  CHECK_STR(s, "dag-til-bud"); /* from the exception list */
  free(s);
  s = hyph("Forældrene læser for barnet.");
  CHECK(strstr(s, "For-æl-dre-ne") != NULL); /* Latin-1 mapping, case kept */
  CHECK(strstr(s, " for ") != NULL);         /* short words untouched */
  free(s);
  s = hyph("koncentration");
  CHECK(strchr(s, '-') != NULL);
  CHECK(s[0] != '-' && s[1] != '-');                 /* two letters at least before */
  CHECK(strrchr(s, '-') <= s + strlen(s) - 4);       /* three at least after */
  free(s);
  s = hyph("Ωmega-test");
  CHECK(strstr(s, "Ωmega") != NULL);
  free(s);
  /* A byte that is not UTF-8 outside a word looped forever: it is copied
   * as it is (the alarm ends the test if the loop comes back). */
  alarm(10);
  s = hyph("ab \xff sundhedsplejerske\xc3");
  alarm(0);
  CHECK_STR(s, "ab \xff sund-heds-ple-jer-ske\xc3");
  free(s);
}

/* Breaks a proof-reader sent back, and what the site's list and the rule
 * for neighbouring breaks make of them. */
TEST(danish_hyphenation_proofread) {
  CHECK(hyph_load());
  arena *a = arena_new();
  diag *d = diag_new();
  site_hyph = hyph_list_load(a, "layouts/print/hyphenation-da.txt", "layouts/print/hyphenation-da.txt", d);
  CHECK(site_hyph != NULL);
  CHECK(diag_warnings(d) == 0);
  struct {
    const char *in, *out;
  } cases[] = {
      {"lokalområdet", "lokal-om-rå-det"},  /* not "loka-lområdet" */
      {"kerneopgaver", "kerne-op-ga-ver"},  /* not "ker-neopgaver" */
      {"Workshoppen", "Work-shop-pen"},     /* not "Wor-kshoppen" */
      {"Hedensted", "Hedensted"},           /* a name: never broken */
      {"Hedensteds", "Hedensteds"},
      {"måltider", "mål-ti-der"},           /* not "må-ltider": the rule, no list */
      {"virksomhedsejerne", "virk-som-heds-ejerne"},
      {"Derudover", "Derud-over"},
      {"skriv til kontakt@hedensted.dk eller se https://www.hedensted.dk/boernehaver",
       "skriv til kontakt@hedensted.dk el-ler se https://www.hedensted.dk/boernehaver"},
      {"(www.hedensted.dk/dagplejen)", "(www.hedensted.dk/dagplejen)"}, /* after a parenthesis too */
      {"www.sundhedsplejerske.dk", "www.sundhedsplejerske.dk"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *s = hyph(cases[i].in);
    if (strcmp(s, cases[i].out) != 0) fprintf(stderr, "  %s -> %s, want %s\n", cases[i].in, s, cases[i].out);
    CHECK_STR(s, cases[i].out);
    free(s);
  }
  site_hyph = NULL;
  /* A line that is not a word: a warning at its place, the rest still read. */
  char path[] = "/tmp/klar-hyph-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *list = "# forklaring\nstue-gang\n  for ældre\nbørne-have\n";
  CHECK(write(fd, list, strlen(list)) == (ssize_t)strlen(list));
  close(fd);
  diag *d2 = diag_new();
  const hyph_list *l = hyph_list_load(a, path, "layouts/print/hyphenation-da.txt", d2);
  CHECK(l != NULL && diag_warnings(d2) == 1);
  char *msg = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&msg, &n);
  diag_print(d2, f);
  fclose(f);
  CHECK(strstr(msg, "layouts/print/hyphenation-da.txt:3:6") != NULL);
  free(msg);
  site_hyph = l;
  char *s = hyph("stuegangen");
  CHECK_STR(s, "stue-gangen"); /* the list's break; "en" is too short to break off */
  free(s);
  site_hyph = NULL;
  unlink(path);
  /* A text that ends in the first byte of a no-break space, held in exactly
   * its own bytes: the look for the space's second byte read past the end
   * (the fuzzer's heap overflow; the sanitizers suite sees it). */
  char *edge = malloc(5);
  memcpy(edge, "ab@c\xc2", 5);
  sbuf eb = SBUF_INIT;
  hyph_put(&eb, edge, 5);
  CHECK(eb.len == 5);
  sbuf_free(&eb);
  free(edge);
  CHECK(hyph_list_load(a, "/nonexistent/hyphenation-da.txt", "x", d2) == NULL);
  diag_free(d);
  diag_free(d2);
  arena_free(a);
}

/* ---- artifacts ---- */

/* What no structure element holds becomes an artifact: a folio before the
 * tagged text, a rule between, text after; the tagged text and a Span
 * inside a text object stay as they are. */
TEST(unmarked_content_becomes_artifacts) {
  const char *in = "0.2 g BT /f-0-0 1 Tf (2)Tj ET\n"
                   "/P << /MCID 0 >> BDC\nBT (a)Tj /Span << /ActualText <feff00ad> >> BDC EMC (b)Tj ET\nEMC\n"
                   "1 0 0 1 0 0 cm 0 0 10 1 re f\n/H1 <</MCID 1>> BDC BT [(c) 20 (d)] TJ ET EMC\n(x\\) EMC) Tj";
  sbuf b = SBUF_INIT;
  pdftag_mark(&b, in, strlen(in));
  const char *want = "\n/Artifact BMC\n0.2 g BT /f-0-0 1 Tf (2)Tj ET\nEMC\n"
                     "\n/P << /MCID 0 >> BDC\nBT (a)Tj /Span << /ActualText <feff00ad> >> BDC EMC (b)Tj ET\nEMC"
                     "\n/Artifact BMC\n"
                     "\n1 0 0 1 0 0 cm 0 0 10 1 re f\nEMC\n"
                     "\n/H1 <</MCID 1>> BDC BT [(c) 20 (d)] TJ ET EMC"
                     "\n/Artifact BMC\n\n(x\\) EMC) Tj\nEMC\n";
  if (strcmp(sbuf_str(&b), want) != 0) fprintf(stderr, "got:\n%s\n", sbuf_str(&b));
  CHECK_STR(sbuf_str(&b), want);
  sbuf_free(&b);
}

/* ---- imposition ---- */

TEST(imposition_order) {
  int want8[4][2] = {{8, 1}, {2, 7}, {6, 3}, {4, 5}};
  for (int i = 0; i < 4; i++) {
    int l = 0, r = 0;
    CHECK(impose_side(8, i, &l, &r));
    CHECK(l == want8[i][0] && r == want8[i][1]);
  }
  int l, r;
  CHECK(impose_side(24, 0, &l, &r) && l == 24 && r == 1);
  CHECK(impose_side(24, 1, &l, &r) && l == 2 && r == 23);
  CHECK(impose_side(24, 10, &l, &r) && l == 14 && r == 11);
  CHECK(impose_side(24, 11, &l, &r) && l == 12 && r == 13);
  /* Every page exactly once, and each side's pair adds up to n+1. */
  int seen[25] = {0};
  for (int i = 0; i < 12; i++) {
    CHECK(impose_side(24, i, &l, &r));
    CHECK(l + r == 25);
    seen[l]++, seen[r]++;
  }
  for (int p = 1; p <= 24; p++) CHECK(seen[p] == 1);
  CHECK(!impose_side(10, 0, &l, &r));
  CHECK(!impose_side(8, 4, &l, &r));
}

/* ---- booklets ---- */

static const char *themes[] = {"Robusthed", "Automatisering", "Behovsudsættelse",
                               "Fordybelse og nysgerrighed", "Vedholdenhed og koncentration",
                               "Disciplinering", "Gode omgangsformer"};

static page *make_page(arena *a, const char *src, const char *title, const char *body) {
  page *p = arena_calloc(a, 1, sizeof *p);
  p->src = src;
  p->file = arena_printf(a, "content/%s", src);
  p->dir = "pixi";
  p->url = "/pixi/x/";
  p->title = title;
  p->fm = val_new(a, VAL_MAP, 1, 1);
  val_map_put(a, p->fm, "title", val_str(a, title, 2, 8));
  p->body = body;
  p->body_len = strlen(body);
  p->body_line = 5;
  return p;
}

static const char *theme_body(arena *a, int i) {
  return arena_printf(
      a,
      "## Pejlemærker\n\n"
      "Barnet øver sig i %s hver dag. Sundhedsplejersken og dagtilbuddet hjælper forældrene "
      "med at se, hvad barnet allerede kan, og hvad der er det næste skridt i udviklingen.\n\n"
      "- Barnet kan vente kort tid på mad.\n"
      "- Barnet falder til ro med hjælp fra en voksen.\n"
      "- Barnet viser nysgerrighed over for nye ting.\n\n"
      "## Det kan I gøre\n\n"
      "Tal med barnet om det, I ser og gør sammen. Giv barnet tid til at prøve selv, før I "
      "hjælper, og ros indsatsen mere end resultatet. Læs mere på "
      "[klar.hedensted.dk](https://klar.hedensted.dk/temaer/) eller i afsnittet "
      "[Robusthed](#robusthed).\n\n"
      "| Alder | Det ser I |\n|---|---|\n| 0–3 mdr. | Barnet søger øjenkontakt |\n"
      "| 3–6 mdr. | Barnet smiler igen |\n| 6–12 mdr. | Barnet rækker ud efter ting |\n",
      themes[i]);
}

/* The shape of a real pixi guide: an introduction, then per theme an h2
 * with its milestones and what parents can do (h3s), as content/pixi/. */
static const char *pixi_body(arena *a) {
  sbuf s = SBUF_INIT;
  sbuf_puts(&s, "I denne alder leger barnet, lærer sproget og finder venner.\n\n");
  for (int i = 0; i < 7; i++)
    sbuf_printf(&s,
                "## %s\n\n%s er at kunne noget, der er svært.\n\n### Pejlemærker\n\n"
                "- Barnet kan vente kort tid på mad.\n- Barnet falder til ro med hjælp.\n"
                "- Barnet viser nysgerrighed over for nye ting.\n\n### Det kan I gøre\n\n"
                "- Giv barnet tid til at prøve selv.\n- Ros indsatsen mere end resultatet.\n\n",
                themes[i], themes[i]);
  char *r = sbuf_dup(&s, a);
  sbuf_free(&s);
  return r;
}

/* Makes booklet b as klar does: the Markdown stage first (each page's
 * one parse, with its block tree, beside the pages in s->md), then
 * print_booklet. No site to resolve links against: they stay as written. */
static bool make_booklet(site *s, const booklet_spec *b, const char *outdir, diag *d,
                         booklet_info *info) {
  arena *a = arena_new();
  page_md *md = arena_calloc(a, b->npages ? b->npages : 1, sizeof *md);
  s->all.items = b->pages;
  s->all.n = b->npages;
  for (size_t i = 0; i < b->npages; i++) {
    page *p = b->pages[i];
    p->index = i;
    md_options o = {.site_passes = true, .unsafe = true, .footnotes = true, .file = p->file,
                    .line_offset = p->body_line - 1, .tree = true};
    md_result r;
    md_render(p->body, p->body_len, &o, a, d, &r);
    md[i].tree = r.tree;
  }
  s->md = md;
  bool ok = print_booklet(s, b, outdir, d, info);
  s->md = NULL;
  s->all = (page_list){0};
  arena_free(a);
  return ok;
}

static int pdf_pages(const char *path, double trim[4], double bleed[4], double media[4],
                     char *lang, size_t langlen) {
  qpdf_data q = qpdf_init();
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  int n = -1;
  if (!(qpdf_read(q, path, NULL) & QPDF_ERRORS)) {
    n = qpdf_get_num_pages(q);
    qpdf_oh cat = qpdf_get_root(q);
    qpdf_oh l = qpdf_oh_get_key(q, cat, "/Lang");
    snprintf(lang, langlen, "%s", qpdf_oh_is_string(q, l) ? qpdf_oh_get_utf8_value(q, l) : "");
    if (n > 0) {
      qpdf_oh pg = qpdf_get_page_n(q, 0);
      const char *keys[3] = {"/TrimBox", "/BleedBox", "/MediaBox"};
      double *outs[3] = {trim, bleed, media};
      for (int k = 0; k < 3; k++) {
        qpdf_oh arr = qpdf_oh_get_key(q, pg, keys[k]);
        for (int i = 0; i < 4; i++)
          outs[k][i] = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_numeric_value(
                                                      q, qpdf_oh_get_array_item(q, arr, i))
                                                : -1;
      }
    }
  }
  qpdf_cleanup(&q);
  return n;
}

static bool near(double a, double b) { return a > b - 0.05 && a < b + 0.05; }

TEST(pixi_booklet) {
  arena *a = arena_new();
  diag *d = diag_new();
  page *pages[1];
  pages[0] = make_page(a, "pixi/pixi-0-1-aar.md", "Det lille barn", pixi_body(a));
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  s.baseurl = "https://klar.hedensted.dk/";
  s.build_date = "2018-01-15";
  booklet_spec b = {0};
  b.name = "pixi-test";
  b.layout = "pixi";
  b.title = "KLAR til Læring";
  b.subtitle = "0–1 år";
  b.pages = pages;
  b.npages = 1;
  b.impose = true;
  const char *out = "build/print-test-out";
  booklet_info info = {0};
  bool ok = make_booklet(&s, &b, out, d, &info);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(ok);
  CHECK(info.pages == 24 && info.printer_pages == 24);
  printf("pixi booklet (24 pages, reader + printer + imposed): %.0f ms\n", info.seconds * 1000);
  double trim[4], bleed[4], media[4];
  char lang[32];
  CHECK(pdf_pages("build/print-test-out/pixi-test.pdf", trim, bleed, media, lang, sizeof lang) ==
        24);
  CHECK_STR(lang, "da-DK");
  CHECK(near(media[2] - media[0], 283.46) && near(media[3] - media[1], 283.46));
  CHECK(pdf_pages("build/print-test-out/pixi-test-tryk.pdf", trim, bleed, media, lang,
                  sizeof lang) == 24);
  CHECK(near(trim[2] - trim[0], 283.46) && near(trim[3] - trim[1], 283.46));
  CHECK(near(bleed[2] - bleed[0], 300.47) && near(bleed[0], trim[0] - 8.50));
  CHECK(media[2] - media[0] > bleed[2] - bleed[0] + 10); /* room for the crop marks */
  CHECK(pdf_pages("build/print-test-out/pixi-test-ark.pdf", trim, bleed, media, lang,
                  sizeof lang) == 12);
  CHECK(near(trim[2] - trim[0], 2 * 283.46));
  /* No temporary file is left beside the PDFs. */
  CHECK(!fsx_is_file(arena_printf(a, "%s/pixi-test.pdf.tmp-%d", out, (int)getpid())));
  diag_free(d);
  arena_free(a);
}

static char *read_cmd(const char *cmd) {
  FILE *f = popen(cmd, "r");
  if (!f) return NULL;
  sbuf s = SBUF_INIT;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_put(&s, buf, n);
  pclose(f);
  return sbuf_take(&s);
}

/* Task lists print with a box (□ open, ▣ done) and, in an ordered list,
 * their number: the Markdown's "[x]" printed as "[x" and the numbers were
 * lost. */
TEST(task_lists_print_with_boxes) {
  arena *a = arena_new();
  diag *d = diag_new();
  page *pg = make_page(a, "temaer/opgaver.md", "Opgaver",
                       "Tjekliste:\n\n1. [x] Første punkt\n2. [ ] Andet punkt\n\n- [x] Løst punkt\n- [ ] Åbent punkt\n");
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  booklet_spec b = {0};
  b.name = "opgaver";
  b.layout = "a5";
  b.title = "Opgaver";
  b.pages = &pg;
  b.npages = 1;
  booklet_info info = {0};
  CHECK(make_booklet(&s, &b, "build/print-test-out", d, &info));
  char *txt = read_cmd("pdftotext -layout build/print-test-out/opgaver.pdf -");
  /* Each item's line (pdftotext -layout spaces them out): the number,
   * then the box, then the text. */
  const char *want[][3] = {{"1.", "\xe2\x96\xa3", "Første punkt"},
                           {"2.", "\xe2\x96\xa1", "Andet punkt"},
                           {"", "\xe2\x96\xa3", "Løst punkt"},
                           {"", "\xe2\x96\xa1", "Åbent punkt"}};
  for (int i = 0; i < 4 && txt; i++) {
    char *at = strstr(txt, want[i][2]);
    CHECK(at != NULL);
    if (!at) continue;
    char *bol = at;
    while (bol > txt && bol[-1] != '\n') bol--;
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(at - bol), bol);
    char *box = strstr(line, want[i][1]);
    CHECK(box != NULL);
    char *num = *want[i][0] ? strstr(line, want[i][0]) : NULL;
    CHECK(!*want[i][0] || (num && box && num < box));
  }
  CHECK(txt && !strstr(txt, "[x") && !strstr(txt, "[ ]"));
  if (txt && !strstr(txt, "Første")) fprintf(stderr, "%s\n", txt);
  free(txt);
  diag_free(d);
  arena_free(a);
}

TEST(a5_booklet_with_toc_and_padding) {
  arena *a = arena_new();
  diag *d = diag_new();
  page *pages[7];
  for (int i = 0; i < 7; i++)
    pages[i] = make_page(a, arena_printf(a, "temaer/t%d.md", i), themes[i], theme_body(a, i));
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  s.baseurl = "https://klar.hedensted.dk/";
  booklet_spec b = {0};
  b.name = "temaer";
  b.layout = "a5";
  b.title = "Den Røde Tråd i Læring";
  b.subtitle = "Syv temaer";
  b.pages = pages;
  b.npages = 7;
  booklet_info info = {0};
  bool ok = make_booklet(&s, &b, "build/print-test-out", d, &info);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(ok);
  /* cover, blank, contents, seven themes each from a new page, back */
  CHECK(info.pages >= 11);
  CHECK(info.printer_pages % 4 == 0 && info.printer_pages >= info.pages &&
        info.printer_pages < info.pages + 4);
  double trim[4], bleed[4], media[4];
  char lang[32];
  CHECK(pdf_pages("build/print-test-out/temaer-tryk.pdf", trim, bleed, media, lang,
                  sizeof lang) == info.printer_pages);
  CHECK(near(trim[2] - trim[0], 419.53) && near(trim[3] - trim[1], 595.28));
  diag_free(d);
  arena_free(a);
}

TEST(layout_new_elements) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *x = "<print xmlns=\"urn:klar:print\">\n"
                  "  <style element=\"h2\" break-before=\"left\"/>\n"
                  "  <style element=\"h3\" break-before=\"between\"/>\n"
                  "  <links print-url=\"false\" page-ref=\"jf. s. {page}\"/>\n"
                  "  <video qr=\"true\"/>\n"
                  "  <style element=\"table\" size=\"8\" min-size=\"6\"/>\n"
                  "  <matrix corner=\"Forslag\" total=\"I alt\"/>\n"
                  "  <page-title if=\"group stages\" level=\"2\"/>\n"
                  "  <template place=\"after\" if=\"programme\">| a | b |\n  |---|---|\n"
                  "  <each field=\"programme\">| {start} | {offer.title/title} |\n  </each></template>\n"
                  "  <sequence><cover/><toc/><content/><index field=\"stages\" title=\"R\"/>"
                  "<notes title=\"Noter\" fill=\"true\" lines=\"6\"><text>Set</text></notes><page/><back/></sequence>\n"
                  "</print>\n";
  booklayout *L = booklayout_parse(a, x, strlen(x), "layouts/print/ok.xml", d);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(L != NULL);
  if (L) {
    CHECK(L->styles[BL_H2].break_before && L->styles[BL_H2].break_side == 2);
    CHECK(L->styles[BL_H3].break_before && L->styles[BL_H3].break_between);
    CHECK(!L->print_urls && L->video_qr);
    CHECK(L->styles[BL_TABLE].min_size == 6 && L->styles[BL_TABLE].size == 8);
    CHECK(L->matrix && !L->matrix_legend);
    CHECK_STR(L->matrix_corner, "Forslag");
    CHECK_STR(L->matrix_total, "I alt");
    CHECK_STR(L->page_ref, "jf. s. {page}");
    CHECK_STR(L->title_if, "group stages");
    CHECK(L->title_level == 2);
    CHECK(L->ntemplates == 1 && L->templates[0].after && L->templates[0].nsegs >= 2);
    CHECK(L->templates[0].segs[0].text[0] == '|'); /* indentation dropped */
    CHECK(L->nparts == 7 && L->parts[3].kind == BL_PART_INDEX && L->parts[4].kind == BL_PART_NOTES);
    CHECK(L->parts[4].fill && L->parts[4].ntexts == 1 && L->parts[5].text_page);
  }
  const char *y = "<print xmlns=\"urn:klar:print\">\n"
                  "  <style element=\"h2\" break-before=\"sometimes\"/>\n"
                  "  <template><foo/></template>\n"
                  "  <sequence><content/>\n<index/></sequence>\n"
                  "  <links page-ref=\"se side\"/>\n"
                  "</print>\n";
  CHECK(booklayout_parse(a, y, strlen(y), "layouts/print/bad.xml", d) == NULL);
  txt = diag_text(d);
  CHECK(strstr(txt, "bad.xml:2:") && strstr(txt, "break-before must be"));
  CHECK(strstr(txt, "bad.xml:3:") && strstr(txt, "unknown element <foo> in <template>"));
  CHECK(strstr(txt, "bad.xml:5:") && strstr(txt, "<index> needs a field"));
  CHECK(strstr(txt, "bad.xml:6:10: error: attribute 'page-ref' must hold {page} once"));
  free(txt);
  diag_free(d);
  arena_free(a);
}

TEST(tree_danish_quotes) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *src = "Hun sagde \"*hej*\" og \"farvel\". `\"kode\"`\n";
  const mdt_block *doc = tree_of(a, src, "q.md", 0, d);
  CHECK(doc->nchildren == 1);
  sbuf s = SBUF_INIT;
  for (size_t i = 0; doc->nchildren && i < doc->children[0]->nruns; i++)
    sbuf_puts(&s, doc->children[0]->runs[i].text);
  CHECK_STR(sbuf_str(&s), "Hun sagde \xC2\xBBhej\xC2\xAB og \xC2\xBB" "farvel\xC2\xAB. \"kode\"");
  sbuf_free(&s);
  diag_free(d);
  arena_free(a);
}

TEST(catalog_templates_and_index) {
  arena *a = arena_new();
  diag *d = diag_new();
  /* Two life stages (pages referenced from the offers' `stages`) and three
   * offers; the katalog layout sets the offers' facts from a template and
   * lists them by life stage in an index after the content. */
  page *st[2];
  st[0] = make_page(a, "livsfaser/skolestart.md", "Skolestart", "x\n");
  st[0]->weight = 5;
  st[1] = make_page(a, "livsfaser/graviditet.md", "Graviditet", "x\n");
  st[1]->weight = 1;
  page *pages[3];
  for (int i = 0; i < 3; i++) {
    pages[i] = make_page(a, arena_printf(a, "tilbud/t%d.md", i), themes[i], theme_body(a, i));
    val *l = val_new(a, VAL_LIST, 3, 1);
    for (int j = 0; j <= i % 2; j++) {
      val *r = val_new(a, VAL_REF, 3, 1);
      r->u.ref.s = st[j]->src;
      r->u.ref.page = st[j];
      val_list_push(a, l, r);
    }
    val_map_put(a, pages[i]->fm, "stages", l);
    val_map_put(a, pages[i]->fm, "contact", val_str(a, "Skolerne, skole@hedensted.dk", 4, 1));
  }
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  booklet_spec b = {0};
  b.name = "katalog-test";
  b.layout = "katalog";
  b.title = "Tema- og tilbudskatalog";
  b.pages = pages;
  b.npages = 3;
  booklet_info with = {0}, without = {0};
  bool ok = make_booklet(&s, &b, "build/print-test-out", d, &with);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(ok);
  for (int i = 0; i < 3; i++) pages[i]->fm = val_new(a, VAL_MAP, 1, 1);
  CHECK(make_booklet(&s, &b, "build/print-test-out", d, &without));
  CHECK(with.pages > without.pages); /* the index and the facts take room */
  diag_free(d);
  arena_free(a);
}

/* The Markdown a print template makes from front matter goes through md's
 * guard like a body: deep nesting in a field is refused with a message at
 * the template (before, print parsed it unguarded and said nothing). */
TEST(templates_through_md) {
  arena *a = arena_new();
  diag *d = diag_new();
  page *pages[1];
  pages[0] = make_page(a, "kernegrupper/laering.md", "Læring", "Tekst.\n");
  sbuf deep = SBUF_INIT;
  for (int i = 0; i < 3000; i++) sbuf_puts(&deep, "*[");
  val_map_put(a, pages[0]->fm, "mission", val_str(a, sbuf_str(&deep), 4, 10));
  sbuf_free(&deep);
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  booklet_spec b = {0};
  b.name = "katalog-test";
  b.layout = "katalog";
  b.title = "Katalog";
  b.pages = pages;
  b.npages = 1;
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  char *txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/katalog.xml:") != NULL);
  CHECK(strstr(txt, "nesting too deep") != NULL);
  free(txt);
  diag_free(d);
  arena_free(a);
}

TEST(fit_errors_and_low_dpi) {
  arena *a = arena_new();
  diag *d = diag_new();
  /* A layout whose h1 is taller than its text area: an error at the
   * heading's line, and no PDF. */
  fsx_mkdirs("build/print-test-fit/layouts/print");
  fsx_mkdirs("build/print-test-fit/content/temaer");
  const char *x = "<print xmlns=\"urn:klar:print\"><page width=\"100\" height=\"100\"/>"
                  "<margins inner=\"10\" outer=\"10\" top=\"10\" bottom=\"10\"/>"
                  "<style element=\"h2\" size=\"200\"/></print>\n";
  FILE *f = fopen("build/print-test-fit/layouts/print/huge.xml", "w");
  CHECK(f != NULL);
  if (f) {
    fputs(x, f);
    fclose(f);
  }
  page *pages[1];
  pages[0] = make_page(a, "temaer/stor.md", "Stor", "Tekst.\n\n## Kæmpe\n\nMere tekst.\n");
  pages[0]->dir = "temaer";
  site s = {0};
  s.root = "build/print-test-fit";
  s.assets_dir = assets;
  s.content_dir = "build/print-test-fit/content";
  s.title = "KLAR til Læring";
  booklet_spec b = {0};
  b.name = "stor";
  b.layout = "huge";
  b.pages = pages;
  b.npages = 1;
  CHECK(!make_booklet(&s, &b, "build/print-test-fit/out", d, NULL));
  char *txt = diag_text(d);
  CHECK(strstr(txt, "content/temaer/stor.md:7:1: error:") && strstr(txt, "taller than the page's text area"));
  free(txt);
  CHECK(!fsx_is_file("build/print-test-fit/out/stor.pdf"));
  /* A 100 px image across an A5 column prints at 22 dpi: a warning with
   * its position, and the booklet is still made. */
  diag *d2 = diag_new();
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 50);
  CHECK(cairo_surface_write_to_png(img, "build/print-test-fit/content/temaer/lille.png") ==
        CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(img);
  pages[0] = make_page(a, "temaer/lille.md", "Lille", "Tekst.\n\n![Lille](lille.png)\n");
  pages[0]->dir = "temaer";
  s.root = root;
  s.assets_dir = assets;
  b.layout = "a5";
  b.name = "lille";
  CHECK(make_booklet(&s, &b, "build/print-test-fit/out", d2, NULL));
  txt = diag_text(d2);
  CHECK(strstr(txt, "content/temaer/lille.md:7:1: warning:") && strstr(txt, "dpi, below the 200"));
  free(txt);
  diag_free(d2);
  diag_free(d);
  arena_free(a);
}

TEST(booklet_errors) {
  arena *a = arena_new();
  diag *d = diag_new();
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "content";
  /* Too long for the 24 pages of a pixi book. */
  page *pages[30];
  for (int i = 0; i < 30; i++)
    pages[i] = make_page(a, arena_printf(a, "p%d.md", i), "Side", "Tekst.\n");
  booklet_spec b = {0};
  b.name = "too-long";
  b.layout = "pixi";
  b.pages = pages;
  b.npages = 30;
  b.file = "content/site.yaml";
  b.line = 12;
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  char *txt = diag_text(d);
  CHECK(strstr(txt, "content/site.yaml:12:") && strstr(txt, "has room for 24"));
  free(txt);
  CHECK(!fsx_is_file("build/print-test-out/too-long.pdf"));
  /* A missing image names the page and line. */
  pages[0] = make_page(a, "pixi/img.md", "Billede", "Tekst.\n\n![Et barn](findes-ikke.png)\n");
  b.name = "img";
  b.npages = 1;
  b.file = NULL;
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  txt = diag_text(d);
  CHECK(strstr(txt, "content/pixi/img.md:7:") && strstr(txt, "findes-ikke.png"));
  free(txt);
  /* A layout that names a font that is not installed. */
  b.layout = "no-such-layout";
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/no-such-layout.xml") != NULL);
  free(txt);
  diag_free(d);
  arena_free(a);
}


/* A long page: a table split over pages, long paragraphs, a quote, code, a
 * nested list, footnotes and an image; rendered and looked at by hand, and
 * checked here for its page count and the figures it reports. */
TEST(long_a5_page) {
  arena *a = arena_new();
  diag *d = diag_new();
  fsx_mkdirs("build/print-test-out/content/temaer");
  /* 1400 px across the 116 mm column: 306 dpi, no warning. */
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1400, 700);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 0.05, 0.31, 0.43);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.7, 0.13, 0.18);
  cairo_arc(cr, 700, 350, 230, 0, 6.3);
  cairo_fill(cr);
  cairo_destroy(cr);
  CHECK(cairo_surface_write_to_png(img, "build/print-test-out/content/temaer/cirkel.png") ==
        CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(img);
  sbuf b = SBUF_INIT;
  sbuf_puts(&b, "Indledning med en fodnote[^1] og *kursiv*, **fed** og `kode`.\n\n");
  for (int i = 0; i < 6; i++)
    sbuf_printf(&b, "Afsnit %d. Forældresamarbejdet i dagtilbuddene bygger på en fælles "
                    "forståelse af barnets udvikling, og sundhedsplejersken, pædagogerne og "
                    "UU-vejlederen arbejder sammen om at give forældrene konkrete redskaber. "
                    "Koncentration, vedholdenhed og behovsudsættelse er færdigheder, som "
                    "barnet øver hver eneste dag i samspillet med andre børn og voksne.\n\n",
                i + 1);
  sbuf_puts(&b, "## En lang tabel\n\n| Nr. | Tilbud | Varighed |\n|--:|---|:-:|\n");
  for (int i = 1; i <= 60; i++)
    sbuf_printf(&b, "| %d | Oplæg ved sundhedsplejerske om søvn og rutiner, del %d | %d min. |\n",
                i, i, 30 + i % 4 * 15);
  sbuf_puts(&b, "\n> Et citat fra en forælder, der fortæller om at vente på tur og om at "
                "give sig tid til fordybelse.\n\n"
                "1. Første punkt\n2. Andet punkt\n   - indlejret\n   - også indlejret\n"
                "3. Tredje punkt\n\n"
                "```\nkode på flere linjer\n  med indrykning\n```\n\n"
                "![Rød cirkel på blå bund](cirkel.png \"Figur 1. Den røde tråd\")\n\n"
                "[^1]: Fodnoten står nederst på siden.\n");
  page *pages[1];
  pages[0] = make_page(a, "temaer/lang.md", "En lang side", sbuf_str(&b));
  pages[0]->dir = "temaer";
  site s = {0};
  s.root = root;
  s.assets_dir = assets;
  s.content_dir = "build/print-test-out/content";
  s.title = "KLAR til Læring";
  s.baseurl = "https://klar.hedensted.dk/";
  s.build_date = "2018-01-15";
  booklet_spec bs = {0};
  bs.name = "lang";
  bs.layout = "a5";
  bs.pages = pages;
  bs.npages = 1;
  booklet_info info = {0};
  CHECK(make_booklet(&s, &bs, "build/print-test-out", d, &info));
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(info.pages >= 7 && info.printer_pages % 4 == 0);
  sbuf_free(&b);
  diag_free(d);
  arena_free(a);
}

/* ---- footnotes at the foot of the page ---- */

/* Finds the first word of pdftotext -bbox output html that begins with
 * prefix: returns its page (0-based) and sets its top and bottom, or -1. */
static int find_word(const char *html, const char *prefix, double *ymin, double *ymax) {
  int pg = -1;
  size_t pl = strlen(prefix);
  for (const char *p = html; (p = strchr(p, '<')); p++) {
    if (strncmp(p, "<page ", 6) == 0) pg++;
    if (strncmp(p, "<word ", 6) != 0) continue;
    const char *gt = strchr(p, '>');
    if (!gt || strncmp(gt + 1, prefix, pl) != 0) continue;
    const char *a = strstr(p, "yMin=\""), *b = strstr(p, "yMax=\"");
    if (!a || !b || a > gt || b > gt) continue;
    *ymin = atof(a + 6);
    *ymax = atof(b + 6);
    return pg;
  }
  return -1;
}


typedef struct pword {
  int page;
  double x, y0, y1;
  char text[40];
} pword;

/* The words of pdftotext -bbox output html, at most max, in order. */
static int words_of(const char *html, pword *out, int max) {
  int pg = -1, n = 0;
  for (const char *p = html; n < max && (p = strchr(p, '<')); p++) {
    if (strncmp(p, "<page ", 6) == 0) pg++;
    if (strncmp(p, "<word ", 6) != 0) continue;
    const char *gt = strchr(p, '>'), *x = strstr(p, "xMin=\"");
    const char *y0 = strstr(p, "yMin=\""), *y1 = strstr(p, "yMax=\"");
    if (!gt || !x || x > gt || !y0 || y0 > gt || !y1 || y1 > gt) continue;
    out[n].y0 = atof(y0 + 6);
    out[n].y1 = atof(y1 + 6);
    const char *end = strchr(gt, '<');
    out[n].page = pg;
    out[n].x = atof(x + 6);
    snprintf(out[n].text, sizeof out[n].text, "%.*s", end ? (int)(end - gt - 1) : 0, gt + 1);
    n++;
  }
  return n;
}

TEST(footnotes_at_the_foot_of_the_page) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *x = "<print xmlns=\"urn:klar:print\">\n"
                  "  <footnotes place=\"foot\"/>\n"
                  "</print>\n";
  CHECK(booklayout_parse(a, x, strlen(x), "layouts/print/f.xml", d) == NULL);
  char *txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/f.xml:2:") && strstr(txt, "place must be page or section"));
  free(txt);
  diag_free(d);
  d = diag_new();
  /* A layout of its own, in a root of its own: A5, notes on the page. */
  fsx_mkdirs("build/print-test-out/fnroot/layouts/print");
  const char *lay = "<print xmlns=\"urn:klar:print\">\n"
                    "  <page width=\"148\" height=\"210\"/>\n"
                    "  <margins inner=\"18\" outer=\"14\" top=\"16\" bottom=\"18\"/>\n"
                    "  <font size=\"9.5\"/>\n"
                    "  <footnotes place=\"page\"/>\n"
                    "  <footer text=\"{page}\" align=\"outside\"/>\n"
                    "</print>\n";
  FILE *lf = fopen("build/print-test-out/fnroot/layouts/print/fod.xml", "w");
  CHECK(lf != NULL);
  if (lf) fputs(lay, lf), fclose(lf);
  booklayout *L = booklayout_load(a, "build/print-test-out/fnroot", "fod", d);
  CHECK(L && L->notes_on_page);
  /* Eight booklet pages, each with two references after 0..7 filler
   * paragraphs, so that references fall at every height of a page and some
   * at its foot, where a line must move on for its note to fit. */
  enum { NP = 8 };
  page *pages[NP];
  for (int i = 0; i < NP; i++) {
    sbuf b = SBUF_INIT;
    for (int j = 0; j < i; j++)
      sbuf_puts(&b, "Forældresamarbejdet i dagtilbuddene bygger på en fælles forståelse af "
                    "barnets udvikling, og sundhedsplejersken og pædagogerne arbejder sammen om "
                    "at give forældrene konkrete redskaber til hverdagen.\n\n");
    sbuf_printf(&b, "Her er den første henvisning R%da[^a] og straks efter den anden R%db[^b], "
                    "så begge noter hører til samme side som teksten.\n\n",
                i, i);
    sbuf_printf(&b, "[^a]: N%da Den første fodnote står nederst på siden.\n"
                    "[^b]: N%db Den anden fodnote står lige under den første, også når den er "
                    "lidt længere og fylder to linjer i den mindre skrift.\n",
                i, i);
    pages[i] = make_page(a, arena_printf(a, "temaer/f%d.md", i), themes[i % 7],
                         arena_strdup(a, sbuf_str(&b)));
    sbuf_free(&b);
  }
  site s = {0};
  s.root = "build/print-test-out/fnroot";
  s.assets_dir = assets;
  s.content_dir = "content";
  s.title = "KLAR til Læring";
  booklet_spec bs = {0};
  bs.name = "fodnoter";
  bs.layout = "fod";
  bs.pages = pages;
  bs.npages = NP;
  booklet_info info = {0};
  CHECK(make_booklet(&s, &bs, "build/print-test-out", d, &info));
  txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  CHECK(info.pages >= 3);
  char *html = read_cmd("pdftotext -bbox build/print-test-out/fodnoter.pdf - 2>/dev/null");
  CHECK(html && strstr(html, "<page "));
  double ph = 595.28, text_bottom = ph - 18 * 72 / 25.4;
  for (int i = 0; html && i < NP; i++) {
    for (int n = 0; n < 2; n++) {
      char rw[16], nw[16];
      snprintf(rw, sizeof rw, "R%d%c", i, "ab"[n]);
      snprintf(nw, sizeof nw, "N%d%c", i, "ab"[n]);
      double r0 = 0, r1 = 0, n0 = 0, n1 = 0;
      int rp = find_word(html, rw, &r0, &r1), np = find_word(html, nw, &n0, &n1);
      CHECK(rp >= 0 && rp == np); /* the note on its reference's page */
      CHECK(n0 > r1);             /* below it */
      CHECK(n0 > ph * 0.7);       /* at the foot of the page */
      CHECK(n1 <= text_bottom + 1); /* above the footer */
    }
  }
  /* No text runs into the notes: on every page, the body's words (9.5 pt,
   * 12.9 pt high in pdftotext's boxes) end above the first of the notes'
   * words (7.6 pt, 10.4 pt high) in the text area. */
  enum { MAXW = 4000 };
  pword *w = calloc(MAXW, sizeof *w);
  int nw = html ? words_of(html, w, MAXW) : 0, pages_with_notes = 0;
  CHECK(nw > 300 && nw < MAXW);
  for (int p = 0; p < info.pages; p++) {
    double body = 0, notes = ph;
    for (int i = 0; i < nw; i++) {
      if (w[i].page != p) continue;
      double h = w[i].y1 - w[i].y0;
      if (h > 11.5 && w[i].y1 > body) body = w[i].y1;
      /* (the raised reference numbers, smaller still, are the body's) */
      if (h > 10 && h < 11.5 && w[i].y1 <= text_bottom + 1 && w[i].y0 < notes) notes = w[i].y0;
    }
    if (notes < ph) pages_with_notes++;
    CHECK(body < notes);
  }
  CHECK(pages_with_notes >= 3);
  free(w);
  free(html);
  diag_free(d);
  arena_free(a);
}

/* ---- creep compensation ---- */

TEST(creep_compensation) {
  /* The shift per sheet: none on the outermost, all on the innermost. */
  CHECK(impose_creep(0.8, 24, 0) == 0 && impose_creep(0.8, 24, 1) == 0);
  CHECK(near(impose_creep(0.8, 24, 2), 0.16) && near(impose_creep(0.8, 24, 3), 0.16));
  CHECK(near(impose_creep(0.8, 24, 6), 0.48));
  CHECK(near(impose_creep(0.8, 24, 10), 0.8) && near(impose_creep(0.8, 24, 11), 0.8));
  CHECK(near(impose_creep(1, 8, 2), 1) && impose_creep(1, 4, 1) == 0);
  CHECK(impose_creep(1, 10, 0) == 0 && impose_creep(1, 8, 4) == 0 && impose_creep(1, 8, -1) == 0);
  arena *a = arena_new();
  diag *d = diag_new();
  const char *x = "<print xmlns=\"urn:klar:print\">\n"
                  "  <impose creep=\"-1\"/>\n"
                  "  <impose crep=\"1\"/>\n"
                  "</print>\n";
  CHECK(booklayout_parse(a, x, strlen(x), "layouts/print/c.xml", d) == NULL);
  char *txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/c.xml:2:") && strstr(txt, "'creep' of <impose>"));
  CHECK(strstr(txt, "layouts/print/c.xml:3:") && strstr(txt, "unknown attribute 'crep'"));
  free(txt);
  diag_free(d);
  d = diag_new();
  /* The pixi layout with 2 mm of creep, beside the pixi layout without. */
  fsx_mkdirs("build/print-test-out/creeproot/layouts/print");
  size_t len = 0;
  char *pixi = fsx_read(a, arena_printf(a, "%s/layouts/print/pixi.xml", root), &len);
  CHECK(pixi != NULL);
  if (!pixi) return;
  /* Creep goes on the layout's own <impose> when it has one (the sheet
   * stays as it is), else on a new one after <page>. */
  char *imp = strstr(pixi, "<impose");
  char *pg = strstr(pixi, "<page ");
  char *eol = pg ? strchr(pg, '\n') : NULL;
  CHECK(imp != NULL || eol != NULL);
  if (!imp && !eol) return;
  FILE *lf = fopen("build/print-test-out/creeproot/layouts/print/pixi.xml", "w");
  CHECK(lf != NULL);
  if (!lf) return;
  if (imp)
    fprintf(lf, "%.*s<impose creep=\"2\"%s", (int)(imp - pixi), pixi, imp + strlen("<impose"));
  else
    fprintf(lf, "%.*s\n  <impose creep=\"2\"/>%s", (int)(eol - pixi), pixi, eol);
  fclose(lf);
  char *html[2] = {NULL, NULL};
  for (int v = 0; v < 2; v++) {
    page *pages[1];
    pages[0] = make_page(a, "pixi/pixi-0-1-aar.md", "Det lille barn", pixi_body(a));
    site s = {0};
    s.root = v ? "build/print-test-out/creeproot" : root;
    s.assets_dir = assets;
    s.content_dir = "content";
    s.title = "KLAR til Læring";
    s.build_date = "2018-01-15";
    booklet_spec b = {0};
    b.name = v ? "pixi-creep" : "pixi-nocreep";
    b.layout = "pixi";
    b.title = "KLAR til Læring";
    b.subtitle = "0–1 år";
    b.pages = pages;
    b.npages = 1;
    b.impose = true;
    CHECK(make_booklet(&s, &b, "build/print-test-out", d, NULL));
    html[v] = read_cmd(arena_printf(a, "pdftotext -bbox build/print-test-out/%s-ark.pdf - 2>/dev/null", b.name));
  }
  txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  /* Every word of every sheet side moved by its sheet's creep, toward the
   * middle of the sheet: the left page right, the right page left. */
  enum { MAXW = 6000 };
  pword *w0 = calloc(MAXW, sizeof *w0), *w1 = calloc(MAXW, sizeof *w1);
  int n0 = html[0] ? words_of(html[0], w0, MAXW) : 0, n1 = html[1] ? words_of(html[1], w1, MAXW) : 0;
  CHECK(n0 > 200 && n0 == n1 && n0 < MAXW);
  /* The fold is in the middle of the sheet, whether the sheet is the spread
   * itself or a press sheet the spread is centred on. */
  const char *pw = html[0] ? strstr(html[0], "<page width=\"") : NULL;
  double mid = pw ? atof(pw + strlen("<page width=\"")) / 2 : 283.46 + (3 + 8) * 72 / 25.4;
  /* The slug line above the spread (its bleed 300.47 pt high, centred)
   * stays where it is: only the pages move. */
  const char *ph = html[0] ? strstr(html[0], "height=\"") : NULL;
  double spread_top = ph ? (atof(ph + strlen("height=\"")) - 300.47) / 2 : 0;
  int bad = 0, inner = 0, slug = 0;
  for (int i = 0; i < n0 && n0 == n1; i++) {
    if (w0[i].y1 < spread_top) {
      slug++;
      continue;
    }
    double want = impose_creep(2 * 72 / 25.4, 24, w0[i].page) * (w0[i].x < mid ? 1 : -1);
    if (w0[i].page != w1[i].page || strcmp(w0[i].text, w1[i].text) ||
        !near(w1[i].x - w0[i].x, want))
      bad++;
    if (w0[i].page >= 10) inner++;
  }
  CHECK(bad == 0);
  CHECK(inner > 10); /* the innermost sheet has text, moved by the whole 2 mm */
  CHECK(slug > 12 * 5); /* a slug line on each of the 12 sheet sides */
  free(w0);
  free(w1);
  free(html[0]);
  free(html[1]);
  diag_free(d);
  arena_free(a);
}

/* The press sheet of the imposed PDF: names and WxH read in landscape, a
 * size that is none reported with its line; the shipped pixi layout puts its
 * spreads on A4 and the imposed PDF has A4 pages. */
/* <notes pad="true">: the padding's place, with no pages of its own unless
 * it asks for them. A spread whose marks do not fit the sheet is an error
 * at sheet=: the pixi's two 100 mm pages with bleed (3 mm), slug (8) and
 * the band of the sheet's marks (10) are 242 mm wide. */
TEST(notes_pad_and_sheet_room) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *x = "<print xmlns=\"urn:klar:print\">\n  <sequence>\n    <content/>\n"
                  "    <notes pad=\"true\" lines=\"8\"/>\n    <notes title=\"Mine\"/>\n    <back/>\n"
                  "  </sequence>\n</print>\n";
  booklayout *L = booklayout_parse(a, x, strlen(x), "layouts/print/n.xml", d);
  CHECK(L && L->nparts == 4);
  CHECK(L && L->parts[1].pad && L->parts[1].count == 0 && !strcmp(L->parts[1].title, "Noter"));
  CHECK(L && !L->parts[2].pad && L->parts[2].count == 1);
  char *txt = diag_text(d);
  CHECK_STR(txt, "");
  free(txt);
  /* The pixi layout on an A5 sheet (210 x 148 mm). */
  char *pixi = fsx_read(a, arena_printf(a, "%s/layouts/print/pixi.xml", root), NULL);
  char *sh = pixi ? strstr(pixi, "<impose sheet=\"A4\"") : NULL;
  CHECK(sh != NULL);
  if (!sh) return;
  sh[strlen("<impose sheet=\"A")] = '5';
  fsx_mkdirs("build/print-test-out/a5sheet/layouts/print");
  CHECK(fsx_write("build/print-test-out/a5sheet/layouts/print/pixi.xml", pixi, strlen(pixi)));
  page *pages[1] = {make_page(a, "pixi/pixi-0-1-aar.md", "Det lille barn", pixi_body(a))};
  site s = {0};
  s.root = "build/print-test-out/a5sheet";
  s.assets_dir = assets;
  s.content_dir = "content";
  s.build_date = "2018-01-15";
  booklet_spec b = {0};
  b.name = "pixi-a5sheet";
  b.layout = "pixi";
  b.pages = pages;
  b.npages = 1;
  b.impose = true;
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/pixi.xml:20:") &&
        strstr(txt, "the imposed spread with bleed and printer's marks is 242 x 142 mm and does not fit on the "
                    "sheet A5 (210 x 148 mm)"));
  free(txt);
  diag_free(d);
  arena_free(a);
}

TEST(impose_sheet) {
  arena *a = arena_new();
  diag *d = diag_new();
  const char *ok = "<print xmlns=\"urn:klar:print\">\n  <page width=\"100\" height=\"100\"/>\n"
                   "  <impose sheet=\"225x320\"/>\n</print>\n";
  booklayout *L = booklayout_parse(a, ok, strlen(ok), "layouts/print/s.xml", d);
  CHECK(L && L->sheet_w == 320 && L->sheet_h == 225);
  const char *bad = "<print xmlns=\"urn:klar:print\">\n  <impose sheet=\"B9\"/>\n</print>\n";
  CHECK(booklayout_parse(a, bad, strlen(bad), "layouts/print/s.xml", d) == NULL);
  char *txt = diag_text(d);
  CHECK(strstr(txt, "layouts/print/s.xml:2:11: error: sheet='B9' is not a sheet size") != NULL);
  free(txt);
  char *info = read_cmd("pdfinfo build/print-test-out/pixi-nocreep-ark.pdf 2>/dev/null");
  CHECK(info && strstr(info, "841.89 x 595.276 pts (A4)"));
  free(info);
  diag_free(d);
  arena_free(a);
}

/* ---- fonts: only the site's own ---- */

/* Writes the pixi layout with its family replaced, into ROOT/layouts/print/pixi.xml. */
static bool write_layout_with_family(arena *a, const char *dir, const char *family) {
  size_t len = 0;
  char *pixi = fsx_read(a, arena_printf(a, "%s/layouts/print/pixi.xml", root), &len);
  char *f = pixi ? strstr(pixi, "family=\"Noto Sans\"") : NULL;
  if (!f) return false;
  fsx_mkdirs(arena_printf(a, "%s/layouts/print", dir));
  sbuf b = SBUF_INIT;
  sbuf_printf(&b, "%.*sfamily=\"%s\"%s", (int)(f - pixi), pixi, family, f + strlen("family=\"Noto Sans\""));
  bool ok = fsx_write(arena_printf(a, "%s/layouts/print/pixi.xml", dir), b.data, b.len);
  sbuf_free(&b);
  return ok;
}

TEST(fonts_only_from_the_site) {
  arena *a = arena_new();
  page *pages[1];
  pages[0] = make_page(a, "pixi/pixi-0-1-aar.md", "Det lille barn", pixi_body(a));
  booklet_spec b = {0};
  b.name = "pixi-fonts";
  b.layout = "pixi";
  b.pages = pages;
  b.npages = 1;
  /* A family the system has (fontconfig finds DejaVu Sans here) but the
   * site does not carry is refused: the booklet never sees system fonts. */
  const char *dir = "build/print-test-out/fontroot";
  CHECK(write_layout_with_family(a, dir, "DejaVu Sans"));
  site s = {0};
  s.root = dir;
  s.assets_dir = assets;
  s.content_dir = "content";
  s.build_date = "2018-01-15";
  diag *d = diag_new();
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  char *txt = diag_text(d);
  CHECK(strstr(txt, "font family 'DejaVu Sans' is not among the site's fonts") != NULL);
  CHECK(strstr(txt, "'Noto Sans', 'Noto Sans Mono'") != NULL);
  free(txt);
  diag_free(d);
  /* An assets folder without font files: an error naming the folder. */
  fsx_mkdirs("build/print-test-out/fontroot/assets/fonts");
  s.root = root;
  s.assets_dir = "build/print-test-out/fontroot/assets";
  d = diag_new();
  CHECK(!make_booklet(&s, &b, "build/print-test-out", d, NULL));
  txt = diag_text(d);
  CHECK(strstr(txt, "no font files (.ttf or .otf) in build/print-test-out/fontroot/assets/fonts") != NULL);
  free(txt);
  diag_free(d);
  /* The bundled fonts are the ones embedded, whatever the machine has. */
  s.assets_dir = assets;
  d = diag_new();
  CHECK(make_booklet(&s, &b, "build/print-test-out", d, NULL));
  char *fonts = read_cmd("pdffonts build/print-test-out/pixi-fonts.pdf 2>/dev/null");
  CHECK(fonts && strstr(fonts, "NotoSans-Regular") && strstr(fonts, "NotoSans-Bold"));
  free(fonts);
  diag_free(d);
  arena_free(a);
}

int main(void) {
  root = getenv("KLAR_ROOT") ? getenv("KLAR_ROOT") : ".";
  static char assets_buf[4096];
  snprintf(assets_buf, sizeof assets_buf, "%s/assets", root);
  assets = assets_buf;
  md_init();
  RUN(tree_blocks_and_runs);
  RUN(layout_pixi_loads);
  RUN(layout_errors_have_lines);
  RUN(danish_hyphenation);
  RUN(danish_hyphenation_proofread);
  RUN(unmarked_content_becomes_artifacts);
  RUN(imposition_order);
  RUN(pixi_booklet);
  RUN(a5_booklet_with_toc_and_padding);
  RUN(task_lists_print_with_boxes);
  RUN(layout_new_elements);
  RUN(tree_danish_quotes);
  RUN(catalog_templates_and_index);
  RUN(templates_through_md);
  RUN(fit_errors_and_low_dpi);
  RUN(booklet_errors);
  RUN(long_a5_page);
  RUN(footnotes_at_the_foot_of_the_page);
  RUN(creep_compensation);
  RUN(impose_sheet);
  RUN(notes_pad_and_sheet_room);
  RUN(fonts_only_from_the_site);
  return harness_done("print");
}
