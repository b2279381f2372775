/* layout: every directive, inheritance three deep, includes with parameters,
 * HTML5 serialisation, the lookup, and every error with its position. The
 * good layouts are files in tests/layout/good/; each error case writes its
 * own small layouts folder. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "core/diag.h"
#include "core/fsx.h"
#include "layout/layout.h"
#include "../layout/site_fixture.h"

static arena *A;
static fixture F;

static bool has(const char *hay, const char *needle) {
  if (hay && strstr(hay, needle)) return true;
  fprintf(stderr, "  missing \"%s\" in:\n%s\n", needle, hay ? hay : "(null)");
  return false;
}

/* Renders page p with layout name from the layouts folder of F.s; returns the
 * HTML (static buffer) or NULL; *errs gets the diagnostics (caller frees). */
static char *last_html;
static const char *render(const char *name, const page *p, char **errs) {
  free(last_html);
  last_html = NULL;
  diag *d = diag_new();
  arena *a = arena_new();
  layout_set *ls = layout_load(a, F.s, d);
  sbuf out = SBUF_INIT;
  bool ok = false;
  if (!diag_errors(d)) {
    layout_worker *w = layout_worker_new(ls, d);
    ok = layout_render(w, p, name, &out, d);
    layout_worker_free(w);
  }
  *errs = diag_text(d);
  diag_free(d);
  arena_free(a);
  if (ok) last_html = sbuf_take(&out);
  sbuf_free(&out);
  return last_html;
}

static const char *good_dir = "tests/layout/good";

TEST(every_directive) {
  F.s->layouts_dir = good_dir;
  char *errs;
  const char *html = render("directives.xml", F.p1, &errs);
  CHECK_STR(errs, "");
  CHECK(html != NULL);
  if (!html) return;
  const char *want =
      "<!DOCTYPE html>\n"
      "<div>\n"
      "<p>har gruppe</p>\n"
      "<ul><li>Fritid og Fællesskab</li><li>Læring</li></ul>\n"
      "<ol><li><b>1</b>: <a href=\"/kernegrupper/fritid/\">Fritid og Fællesskab</a></li>"
      "<li><b>2</b>: <a href=\"/kernegrupper/laering/\">Læring</a></li></ol>\n"
      "<div class=\"content\"><p>Brødtekst &amp; mere</p></div>\n"
      "<section><span>2 snitflader; ja</span></section>\n"
      "beholdt uden em <strong>med strong</strong>\n"
      "<input type=\"checkbox\" checked value=\"2325750\">\n"
      "<div class=\"card\"><h2>Læring</h2><small>ekstra &lt;3</small></div>\n"
      "<p>Læs mere</p>\n"
      "<p>ÅBEN SKOLE!</p>\n"
      "<p>true</p>\n"
      "<p>Læring</p>\n"
      "<div class=\"card\"><h2>Fritid og Fællesskab</h2><small>nr. 1</small></div>"
      "<div class=\"card\"><h2>Læring</h2><small>nr. 2</small></div>\n"
      "\n"
      "</div>\n";
  CHECK_STR(html, want);
  free(errs);
}

TEST(inheritance_three_deep) {
  F.s->layouts_dir = good_dir;
  char *errs;
  const char *html = render("leaf.xml", F.p1, &errs);
  CHECK_STR(errs, "");
  CHECK(html != NULL);
  if (!html) return;
  const char *want =
      "<!DOCTYPE html>\n"
      "<html lang=\"da\">\n"
      "<head>\n"
      "<meta charset=\"utf-8\">\n"
      "<title>Åben skole · KLAR til Læring</title>\n"
      "<link rel=\"stylesheet\" href=\"/css/site.4f3a9c.css\">\n"
      "</head>\n"
      "<body>\n"
      "<nav><a href=\"/\">Forside</a><a href=\"/kernegrupper/\">Kernegrupper</a>"
      "<a href=\"/forslag/\" aria-current=\"page\">Forslag</a>"
      "<a href=\"https://www.hedensted.dk/\">Kommunen</a></nav>\n"
      "<header><p>Standardhoved</p></header>\n"
      "<main><article><h1>Åben skole</h1><div class=\"body\"><p>Brødtekst &amp; mere</p></div>"
      "<aside>Mid-aside</aside></article></main>\n"
      "<footer>Leaf-fod</footer>\n"
      "</body>\n"
      "</html>\n";
  CHECK_STR(html, want);
  free(errs);
  /* the middle layout alone keeps its own defaults */
  html = render("mid.xml", F.p2, &errs);
  CHECK(html && has(html, "<div class=\"body\">Standardtekst</div>"));
  CHECK(html && has(html, "<footer>Mid-fod</footer>"));
  free(errs);
}

TEST(html5_serialisation) {
  F.s->layouts_dir = good_dir;
  char *errs;
  const char *html = render("html5.xml", F.p1, &errs);
  CHECK_STR(errs, "");
  CHECK(html != NULL);
  if (!html) return;
  const char *want =
      "<!DOCTYPE html>\n"
      "<html lang=\"da\">\n"
      "<head><script>if (a < b && c) go(\"x\");</script><script>var s = \"<\\/script>\";</script>"
      "<style>p > a { color: red }</style></head>\n"
      "<body><br><img src=\"a.png\" alt=\"\"><div></div>"
      "<p class=\"a &amp; &quot;b&quot;\">1 &lt; 2 &amp; &quot;3&quot; &gt; 0</p>\n"
      "<option selected data-x=\"&lt;&amp;&quot;\">valg</option>\n"
      "<p>&lt;b&gt;fed&lt;/b&gt; &amp; &quot;citat&quot;</p><div><b>fed</b></div>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><path d=\"M0 0\"></path></svg>\n"
      "<p xml:lang=\"en\">Hello</p><hr><wbr>a &lt; b\n"
      "</body>\n"
      "</html>\n";
  CHECK_STR(html, want);
  free(errs);
}

TEST(lookup) {
  F.s->layouts_dir = good_dir;
  diag *d = diag_new();
  arena *a = arena_new();
  layout_set *ls = layout_load(a, F.s, d);
  CHECK(diag_errors(d) == 0);
  /* layout_pick runs on the render workers: it must not write the shared
   * set, its arena included (ThreadSanitizer saw that race). */
  size_t used = arena_used(a);
  CHECK_STR(layout_pick(ls, F.home, d), "home.xml");
  CHECK_STR(layout_pick(ls, F.groups, d), "kernegrupper-list.xml");
  CHECK_STR(layout_pick(ls, F.proposals, d), "list.xml");
  CHECK_STR(layout_pick(ls, F.p1, d), "proposal.xml");
  CHECK_STR(layout_pick(ls, F.laering, d), "kernegrupper.xml");
  page *plain = fx_page(A, PAGE_REGULAR, "om.md", "", "page", "/om/", "Om");
  CHECK_STR(layout_pick(ls, plain, d), "page.xml");
  val_map_put(A, plain->fm, "layout", val_str(A, "leaf", 4, 9));
  CHECK_STR(layout_pick(ls, plain, d), "leaf.xml");
  page *term = fx_page(A, PAGE_TERM, NULL, "", "page", "/emner/robusthed/", "Robusthed");
  term->file = "/emner/robusthed/";
  CHECK_STR(layout_pick(ls, term, d), "term.xml");
  CHECK(diag_errors(d) == 0);
  page *bad = fx_page(A, PAGE_REGULAR, "x.md", "", "page", "/x/", "X");
  val_map_put(A, bad->fm, "layout", val_str(A, "nope", 4, 9));
  CHECK(layout_pick(ls, bad, d) == NULL);
  page *tax = fx_page(A, PAGE_TAXONOMY, "emner.md", "", "page", "/emner/", "Emner");
  CHECK(layout_pick(ls, tax, d) == NULL);
  CHECK(arena_used(a) == used);
  char *t = diag_text(d);
  CHECK(has(t, "content/x.md:4:9: error: layout 'nope' not found: there is no layouts/nope.xml"));
  CHECK(has(t, "content/emner.md: error: no layout for this page: tried layouts/taxonomy.xml"));
  free(t);
  diag_free(d);
  arena_free(a);
}

/* ---- errors ---------------------------------------------------------------- */

static char tmpdir[64];

/* Makes a fresh layouts folder with the files given as name, text pairs
 * (NULL-terminated) and points the fixture site at it. */
static void layouts(const char *name, ...) {
  if (tmpdir[0]) fsx_rmtree(tmpdir);
  snprintf(tmpdir, sizeof tmpdir, "/tmp/klar-layout-test-XXXXXX");
  CHECK(mkdtemp(tmpdir) != NULL);
  va_list ap;
  va_start(ap, name);
  for (const char *n = name; n; n = va_arg(ap, const char *)) {
    const char *text = va_arg(ap, const char *);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, n);
    CHECK(fsx_write(path, text, strlen(text)));
  }
  va_end(ap);
  F.s->layouts_dir = tmpdir;
}

#define KX "xmlns:k=\"urn:klar:layout\""

/* Loads the current folder and returns its diagnostics (caller frees). */
static char *load_errors(void) {
  diag *d = diag_new();
  arena *a = arena_new();
  layout_load(a, F.s, d);
  char *t = diag_text(d);
  diag_free(d);
  arena_free(a);
  return t;
}

TEST(xml_syntax_error_with_position) {
  layouts("broken.xml", "<div>\n  <p>open\n</div>\n", "ok.xml", "<p/>", NULL);
  char *t = load_errors();
  /* The source line under it is diag's, read from the file's shown name
   * (layouts/broken.xml), which this test's folder does not have. */
  CHECK(has(t, "layouts/broken.xml:3:7: error: XML: Opening and ending tag mismatch: p line 2 and div\n"));
  free(t);
  layouts("ent.xml", "<p>a&nbsp;b</p>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/ent.xml:1:11: error: XML: Entity 'nbsp' not defined (XML knows only"));
  free(t);
  layouts("dtd.xml", "<!DOCTYPE p [<!ENTITY x \"boom\">]>\n<p>&x;</p>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/dtd.xml:1: error: a DOCTYPE declaring entities is not allowed in a layout"));
  free(t);
  layouts("ns.xml", "<p k:text=\"1\">x</p>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/ns.xml:1:"));
  CHECK(has(t, "Namespace prefix k for text on p is not defined"));
  free(t);
}

TEST(unknown_directives) {
  layouts("x.xml", "<div " KX ">\n<p k:iff=\"true\"/>\n<k:loop/>\n<p k:attr-=\"1\"/>\n</div>", NULL);
  char *t = load_errors();
  CHECK(has(t, "layouts/x.xml:2:4: error: unknown directive k:iff (known: k:if, k:for, k:text, k:html, "
               "k:attr-NAME, k:with, k:omit, k:slot)"));
  CHECK(has(t, "layouts/x.xml:3:1: error: unknown directive element <k:loop>"));
  CHECK(has(t, "layouts/x.xml:4:4: error: unknown directive k:attr-"));
  free(t);
  layouts("y.xml", "<div " KX ">\n<p k:for=\"x page.pages\"/>\n<p k:with=\"x == 1\"/>\n"
                   "<img k:text=\"1\"/>\n<br>x</br>\n<k:include src=\"\"/>\n<k:content k:text=\"1\"/></div>",
          NULL);
  t = load_errors();
  CHECK(has(t, "layouts/y.xml:2:4: error: k:for=\"x page.pages\" must read \"x in list\" or \"i, x in list\""));
  CHECK(has(t, "layouts/y.xml:3:4: error: k:with=\"x == 1\" must read \"name = expression\""));
  CHECK(has(t, "layouts/y.xml:4:1: error: <img> is a void element"));
  CHECK(has(t, "layouts/y.xml:5:1: error: <br> is a void element: it cannot have content"));
  CHECK(has(t, "layouts/y.xml:6:1: error: <k:include> needs src="));
  CHECK(has(t, "layouts/y.xml:7:12: error: k:text cannot be used on <k:content>"));
  free(t);
}

TEST(lua_syntax_error_at_load) {
  layouts("x.xml", "<div " KX ">\n\n<p k:text=\"page.title +\"/>\n<p k:if=\"a b\"/></div>", NULL);
  char *t = load_errors();
  CHECK(has(t, "layouts/x.xml:3:4: error: in k:text=\"page.title +\": unexpected symbol near <eof>\n"));
  CHECK(has(t, "layouts/x.xml:4:4: error: in k:if=\"a b\": <eof> expected near 'b'\n"));
  free(t);
  layouts("x.xml", "<p/>", "lua/bad.lua", "function f(\n  return 1\nend\n", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/lua/bad.lua:2: error: <name> or '...' expected near 'return'"));
  free(t);
}

TEST(lua_runtime_error_at_render) {
  layouts("x.xml", "<div " KX ">\n<p>ok</p>\n<p k:text=\"page.foo.bar\"/>\n</div>", NULL);
  char *errs;
  const char *html = render("x.xml", F.p1, &errs);
  CHECK(html == NULL);
  CHECK(has(errs, "layouts/x.xml:3:4: error: in k:text=\"page.foo.bar\": attempt to index a nil value "
                  "(field 'foo') (rendering content/forslag/aaben-skole.md)\n"));
  free(errs);
  layouts("x.xml", "<ul " KX ">\n<li k:for=\"x in page.title\"/></ul>", NULL);
  html = render("x.xml", F.p1, &errs);
  CHECK(has(errs, "layouts/x.xml:2:5: error: in k:for=\"x in page.title\": k:for needs a list, but the value is a string"));
  free(errs);
  layouts("x.xml", "<p " KX " k:text=\"page.interfaces\"/>", NULL);
  html = render("x.xml", F.p1, &errs);
  CHECK(has(errs, "layouts/x.xml:1:30: error: in k:text=\"page.interfaces\": the value is a table, not text"));
  free(errs);
  layouts("x.xml", "<p " KX " k:attr-href=\"asset('nope.css')\"/>", NULL);
  html = render("x.xml", F.p1, &errs);
  CHECK(has(errs, "layouts/x.xml:1:30: error: in k:attr-href=\"asset('nope.css')\": unknown asset 'nope.css'"));
  free(errs);
}

TEST(missing_targets_and_cycles) {
  layouts("child.xml", "<k:layout " KX " extends=\"nope.xml\"/>", NULL);
  char *t = load_errors();
  CHECK(has(t, "layouts/child.xml:1:37: error: extends 'nope.xml', but there is no layouts/nope.xml"));
  free(t);
  layouts("x.xml", "<div " KX ">\n\n<k:include src=\"partials/nope.xml\"/></div>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/x.xml:3:12: error: include of 'partials/nope.xml', but there is no "
               "layouts/partials/nope.xml"));
  free(t);
  layouts("a.xml", "<k:layout " KX " extends=\"b.xml\"/>", "b.xml",
          "<k:layout " KX " extends=\"c.xml\"/>", "c.xml", "<k:layout " KX " extends=\"a.xml\"/>",
          "d.xml", "<k:layout " KX " extends=\"a.xml\"/>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/a.xml:1:37: error: inheritance cycle: a.xml extends b.xml extends c.xml extends a.xml"));
  CHECK(has(t, "layouts/d.xml:1:37: error: inheritance cycle: a.xml extends b.xml extends c.xml extends a.xml"));
  free(t);
  layouts("base.xml", "<main " KX " k:slot=\"main\"/>", "c.xml",
          "<k:layout " KX " extends=\"base.xml\">\n<k:fill slot=\"mian\">x</k:fill>\n<p/></k:layout>", NULL);
  t = load_errors();
  CHECK(has(t, "layouts/c.xml:2:9: error: no slot 'mian' in base.xml or the layouts it extends"));
  CHECK(has(t, "layouts/c.xml:3:1: error: <k:layout> may only hold <k:fill slot=\"NAME\"> elements, not <p>"));
  free(t);
  layouts("loop.xml", "<div " KX "><k:include src=\"loop.xml\"/></div>", NULL);
  char *errs;
  CHECK(render("loop.xml", F.p1, &errs) == NULL);
  CHECK(has(errs, "layouts/loop.xml:1:43: error: includes nest deeper than 64 (does 'loop.xml' include itself?)"));
  free(errs);
  /* A partial 250 elements deep that includes itself nested 16,000
   * elements through 64 includes: a stack overflow under ASan and with a
   * 2 MB stack (found by fuzz_layout). */
  sbuf deep = SBUF_INIT;
  sbuf_puts(&deep, "<div " KX ">\n");
  for (int i = 0; i < 250; i++) sbuf_puts(&deep, "<div>");
  sbuf_puts(&deep, "<k:include src=\"deep.xml\"/>");
  for (int i = 0; i < 250; i++) sbuf_puts(&deep, "</div>");
  sbuf_puts(&deep, "</div>");
  layouts("deep.xml", sbuf_str(&deep), NULL);
  sbuf_free(&deep);
  CHECK(render("deep.xml", F.p1, &errs) == NULL);
  CHECK(has(errs, "layouts/deep.xml:2: error: elements nest more than 1000 deep here, through includes "
                  "and slots (does a layout include itself?)"));
  free(errs);
}

TEST(budget_and_sandbox) {
  layouts("x.xml", "<div " KX ">\n<p k:text=\"spin()\"/></div>", "lua/spin.lua",
          "-- runaway\nfunction spin()\n  while true do end\nend\n", NULL);
  char *errs;
  CHECK(render("x.xml", F.p1, &errs) == NULL);
  CHECK(has(errs, "layouts/x.xml:2:4: error: in k:text=\"spin()\": layouts/lua/spin.lua:3: instruction budget "
                  "exceeded"));
  free(errs);
  layouts("x.xml",
          "<div " KX ">\n<p k:text=\"tostring(os.execute) .. tostring(io) .. tostring(debug) .. "
          "tostring(require) .. tostring(dofile) .. tostring(loadfile)\"/>"
          "<p k:text=\"select(2, load(string.char(27) .. 'Lua'))\"/></div>",
          NULL);
  const char *html = render("x.xml", F.p1, &errs);
  CHECK_STR(errs, "");
  CHECK(html && has(html, "<p>nilnilnilnilnilnil</p><p>binary chunks are not allowed</p>"));
  free(errs);
  layouts("x.xml", "<p " KX " k:text=\"t('nope')\"/>", "i18n.yaml", "da:\n  ja: Ja\n", NULL);
  CHECK(render("x.xml", F.p1, &errs) == NULL);
  CHECK(has(errs, "in k:text=\"t('nope')\": unknown string 'nope' in layouts/i18n.yaml"));
  free(errs);
}

TEST(workers_are_repeatable) {
  /* One worker renders many pages; locals and caches must not leak between them. */
  F.s->layouts_dir = good_dir;
  diag *d = diag_new();
  arena *a = arena_new();
  layout_set *ls = layout_load(a, F.s, d);
  layout_worker *w = layout_worker_new(ls, d);
  sbuf first = SBUF_INIT, again = SBUF_INIT;
  CHECK(layout_render(w, F.p1, "leaf.xml", &first, d));
  for (int i = 0; i < 50; i++) {
    sbuf other = SBUF_INIT;
    CHECK(layout_render(w, i % 2 ? F.p2 : F.p1, "directives.xml", &other, d));
    sbuf_free(&other);
  }
  CHECK(layout_render(w, F.p1, "leaf.xml", &again, d));
  CHECK_STR(sbuf_str(&again), sbuf_str(&first));
  CHECK(diag_errors(d) == 0);
  sbuf_free(&first);
  sbuf_free(&again);
  layout_worker_free(w);
  diag_free(d);
  arena_free(a);
}

int main(void) {
  A = arena_new();
  F = fx_build(A, good_dir);
  RUN(every_directive);
  RUN(inheritance_three_deep);
  RUN(html5_serialisation);
  RUN(lookup);
  RUN(xml_syntax_error_with_position);
  RUN(unknown_directives);
  RUN(lua_syntax_error_at_load);
  RUN(lua_runtime_error_at_render);
  RUN(missing_targets_and_cycles);
  RUN(budget_and_sandbox);
  RUN(workers_are_repeatable);
  if (tmpdir[0]) fsx_rmtree(tmpdir);
  free(last_html);
  fx_free_maps(F.s);
  arena_free(A);
  return harness_done("layout");
}
