/* klua: the sandbox, the limits, the bridge from the model to Lua and the
 * template helpers, on a site built by hand. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "script/klua.h"
#include "../layout/site_fixture.h"

static arena *A;
static fixture F;

/* Evaluates src in k and returns its text (static buffer), or "ERROR: msg". */
static const char *ev(klua *k, const char *src) {
  static char buf[4096];
  sbuf b = SBUF_INIT;
  if (klua_eval_string(k, src, &b)) snprintf(buf, sizeof buf, "%s", sbuf_str(&b));
  else snprintf(buf, sizeof buf, "ERROR: %s", klua_error(k));
  sbuf_free(&b);
  return buf;
}

static bool has(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

TEST(sandbox_has_no_escape_hatches) {
  klua *k = klua_new(F.s);
  const char *gone[] = {"io", "debug", "require", "package", "dofile", "loadfile", "print",
                        "collectgarbage", "os.execute", "os.remove", "os.rename", "os.exit",
                        "os.getenv", "string.dump", "coroutine", NULL};
  for (int i = 0; gone[i]; i++) {
    char src[64];
    snprintf(src, sizeof src, "%s == nil", gone[i]);
    CHECK_STR(ev(k, src), "true");
  }
  CHECK_STR(ev(k, "type(os.time()) == 'number' and type(os.clock) == 'function' and type(os.date) == 'function'"),
            "true");
  CHECK_STR(ev(k, "string.upper('æble') ~= nil and math.max(1, 2) == 2 and utf8.len('æøå') == 3"),
            "true");
  CHECK_STR(ev(k, "type(pairs) .. type(pcall) .. type(setmetatable)"), "functionfunctionfunction");
  /* binary chunks are refused, text chunks load in the environment given */
  CHECK_STR(ev(k, "select(2, load('\\27Lua\\84\\0'))"), "binary chunks are not allowed");
  CHECK_STR(ev(k, "select(2, load('return 1', 'x', 'b'))"),
            "binary chunks are not allowed (load mode must include 't')");
  CHECK_STR(ev(k, "load('return x + 1', 'c', 't', {x = 41})()"), "42");
  CHECK_STR(ev(k, "load('return io', 'c', 't')() == nil"), "true");
  /* the string metatable cannot reach the full libraries either */
  CHECK_STR(ev(k, "('x').dump == nil"), "true");
  /* pages cannot be changed or have their metatable taken */
  CHECK_STR(ev(k, "getmetatable(page_at('forslag/overgange.md'))"), "page");
  CHECK(has(ev(k, "pcall(function() page_at('forslag/overgange.md').title = 'x' end) and 'no' or 'refused'"),
            "refused"));
  klua_free(k);
}

TEST(instruction_budget_stops_runaway_helpers) {
  klua *k = klua_new(F.s);
  klua_set_budget(k, 200000);
  CHECK(klua_exec(k, "function spin()\n  while true do end\nend\n"
                     "function sneaky()\n  while true do pcall(function() while true do end end) end\nend\n",
                  "@layouts/lua/spin.lua"));
  const char *r = ev(k, "spin()");
  CHECK(has(r, "instruction budget exceeded"));
  CHECK(has(r, "layouts/lua/spin.lua:2"));
  CHECK(has(ev(k, "sneaky()"), "instruction budget exceeded"));
  /* the state is still usable, with a fresh budget per evaluation */
  CHECK_STR(ev(k, "1 + 1"), "2");
  CHECK_STR(ev(k, "(function() local n = 0 for i = 1, 1000 do n = n + i end return n end)()"), "500500");
  klua_free(k);
}

TEST(memory_ceiling_fails_cleanly) {
  klua *k = klua_new(F.s);
  klua_set_memory_limit(k, (size_t)16 << 20);
  const char *r = ev(k, "#string.rep('x', 64 * 1024 * 1024)");
  CHECK_STR(r, "ERROR: memory limit exceeded (16 MiB per Lua state)");
  r = ev(k, "(function() local t = {} for i = 1, 1e8 do t[i] = {i} end return #t end)()");
  CHECK(has(r, "memory limit exceeded"));
  CHECK_STR(ev(k, "#string.rep('x', 1000)"), "1000");
  klua_free(k);
}

TEST(page_fields) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.p1);
  CHECK_STR(ev(k, "page.title"), "Åben skole");
  CHECK_STR(ev(k, "tostring(page)"), "Åben skole");
  CHECK_STR(ev(k, "page.url"), "/forslag/aaben-skole/");
  CHECK_STR(ev(k, "page.permalink"), "https://klar.hedensted.dk/forslag/aaben-skole/");
  CHECK_STR(ev(k, "page.kind .. ' ' .. page.type .. ' ' .. page.section"), "page proposal forslag");
  CHECK_STR(ev(k, "page.date .. ' ' .. page.days"), "2014-05-27 16217");
  CHECK_STR(ev(k, "page.content"), "<p>Brødtekst &amp; mere</p>");
  CHECK_STR(ev(k, "page.summary .. '/' .. page.words .. '/' .. page.file"),
            "Skolen åbner sig/3/content/forslag/aaben-skole.md");
  CHECK_STR(ev(k, "page.toc[2].id .. ' ' .. page.toc[2].title .. ' ' .. page.toc[2].level"),
            "forslag Forslag 2");
  CHECK_STR(ev(k, "page.parent.title .. ' < ' .. page.parent.parent.title"), "Forslag < Forside");
  CHECK_STR(ev(k, "page.group.title"), "Læring");
  CHECK_STR(ev(k, "#page.interfaces .. ' ' .. page.interfaces[1].title"), "2 Fritid og Fællesskab");
  CHECK_STR(ev(k, "page.status .. ' ' .. page.params.status"), "idé idé");
  CHECK_STR(ev(k, "page.budget"), "2325750");
  CHECK_STR(ev(k, "page.weight .. tostring(page.draft)"), "0false");
  CHECK_STR(ev(k, "page.nonexistent == nil and page.parent.date == nil"), "true");
  CHECK_STR(ev(k, "page.foo.bar"), "ERROR: attempt to index a nil value (field 'foo')");
  CHECK_STR(ev(k, "#page_at('forslag/_index.md').pages .. ' ' .. #site.sections.kernegrupper.pages"), "3 2");
  CHECK_STR(ev(k, "join(page_at('_index.md').subsections, ', ')"), "Kernegrupper, Forslag");
  klua_free(k);
}

TEST(page_identity_and_caches) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.p1);
  CHECK_STR(ev(k, "page.group == page_at('kernegrupper/laering.md')"), "true");
  CHECK_STR(ev(k, "rawequal(page.interfaces[2], page.group)"), "true");
  CHECK_STR(ev(k, "page.group == page.interfaces[1]"), "false");
  CHECK_STR(ev(k, "rawequal(site.pages, site.pages) and rawequal(page.interfaces, page.interfaces)"),
            "true");
  CHECK_STR(ev(k, "rawequal(page.parent.pages, page_at('forslag/_index.md').pages)"), "true");
  CHECK_STR(ev(k, "rawequal(page, page_at('forslag/aaben-skole.md'))"), "true");
  klua_free(k);
}

TEST(referrers) {
  klua *k = klua_new(F.s);
  CHECK_STR(ev(k, "join(page_at('kernegrupper/laering.md').referrers, ', ')"),
            "Åben skole, Bedre overgange, Æbler i skolen");
  CHECK_STR(ev(k, "join(page_at('kernegrupper/fritid.md').referrers, ' | ', 'url')"),
            "/forslag/aaben-skole/ | /forslag/overgange/");
  CHECK_STR(ev(k, "#page_at('forslag/aebler.md').referrers"), "0");
  klua_free(k);
}

TEST(danish_formatting) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.p1);
  /* dates never break across lines: no-break spaces inside them */
  CHECK_STR(ev(k, "date('2014-05-27')"), "27.\u00a0maj\u00a02014");
  CHECK_STR(ev(k, "date(page)"), "27.\u00a0maj\u00a02014");
  CHECK_STR(ev(k, "date(page.date, 'short')"), "27.5.2014");
  CHECK_STR(ev(k, "date(page.date, 'iso')"), "2014-05-27");
  CHECK_STR(ev(k, "date(page.date, 'weekday')"), "tirsdag 27.\u00a0maj\u00a02014");
  CHECK_STR(ev(k, "date(page.date, 'month')"), "maj\u00a02014");
  CHECK(has(ev(k, "date('2014-02-30')"), "'2014-02-30' is not a date"));
  CHECK(has(ev(k, "date(nil)"), "date: no date given"));
  CHECK(has(ev(k, "date(page.date, 'long-ish')"), "unknown style 'long-ish'"));
  CHECK_STR(ev(k, "number(2325750)"), "2.325.750");
  CHECK_STR(ev(k, "number(4.95, 2)"), "4,95");
  CHECK_STR(ev(k, "number(page.budget)"), "2.325.750");
  CHECK_STR(ev(k, "money(10)"), "10\xc2\xa0kr.");
  CHECK_STR(ev(k, "money(4950000)"), "4,95\xc2\xa0mio.\xc2\xa0kr.");
  CHECK_STR(ev(k, "plural(1, 'tilbud', 'tilbud')"), "1 tilbud");
  CHECK_STR(ev(k, "plural(3, 'gruppe', 'grupper')"), "3 grupper");
  CHECK_STR(ev(k, "plural(1200, 'side', 'sider')"), "1.200 sider");
  CHECK_STR(ev(k, "slug('Fordybelse og nysgerrighed – Æblegrød')"), "fordybelse-og-nysgerrighed-aeblegroed");
  CHECK_STR(ev(k, "len('Læring') .. ' ' .. len(page.interfaces) .. ' ' .. len(nil)"), "6 2 0");
  CHECK(has(ev(k, "number('x')"), "bad argument #1 to 'number'"));
  klua_free(k);
}

TEST(list_helpers) {
  klua *k = klua_new(F.s);
  /* where: equal, contained in a list, referencing a page (or its path) */
  CHECK_STR(ev(k, "join(where(site.pages, 'type', 'proposal'), ', ')"),
            "Åben skole, Æbler i skolen, Bedre overgange");
  CHECK_STR(ev(k, "join(where(site.pages, 'group', page_at('kernegrupper/laering.md')), ', ')"),
            "Åben skole, Æbler i skolen");
  CHECK_STR(ev(k, "join(where(site.pages, 'group', 'kernegrupper/fritid.md'), ', ')"), "Bedre overgange");
  CHECK_STR(ev(k, "join(where(site.pages, 'interfaces', page_at('kernegrupper/laering.md')), ', ')"),
            "Åben skole, Bedre overgange");
  CHECK_STR(ev(k, "#where(nil, 'x', 1)"), "0");
  CHECK_STR(ev(k, "join(where({{n = 1}, {n = 2}, {n = 1}}, 'n', 1), ',', 'n')"), "1,1");
  /* sort: Danish order (æ ø å after z), stable, nil last, desc */
  CHECK_STR(ev(k, "join(sort(pages_of('proposal'), 'title'), ', ')"),
            "Bedre overgange, Æbler i skolen, Åben skole");
  CHECK_STR(ev(k, "join(sort(pages_of('proposal'), 'title', 'desc'), ', ')"),
            "Åben skole, Æbler i skolen, Bedre overgange");
  CHECK_STR(ev(k, "join(sort(pages_of('proposal'), 'date', 'desc'), ', ')"),
            "Bedre overgange, Åben skole, Æbler i skolen");
  CHECK_STR(ev(k, "join(sort(pages_of('group'), 'weight'), ', ')"), "Fritid og Fællesskab, Læring");
  CHECK_STR(ev(k, "join(sort(pages_of('proposal'), 'group'), ', ')"),
            "Bedre overgange, Åben skole, Æbler i skolen");
  CHECK_STR(ev(k, "join(sort({3, 1, 2}), '')"), "123");
  CHECK(has(ev(k, "sort(site.pages, 'title', 'up')"), "direction must be"));
  /* the input list is not changed */
  CHECK_STR(ev(k, "(function() local l = pages_of('proposal'); sort(l, 'title'); return l[1].title end)()"),
            "Åben skole");
  /* group: order of first appearance; key is the page for references */
  CHECK_STR(ev(k, "(function() local out = {} for _, g in ipairs(group(pages_of('proposal'), 'group')) do "
                  "out[#out + 1] = g.title .. ':' .. #g.pages .. ':' .. tostring(g.key == page_at(g.key.file)) end "
                  "return table.concat(out, ';') end)()"),
            "Læring:2:true;Fritid og Fællesskab:1:true");
  CHECK_STR(ev(k, "(function() local out = {} for _, g in ipairs(group(pages_of('proposal'), 'interfaces')) do "
                  "out[#out + 1] = g.title .. '=' .. join(g.pages, '+') end return table.concat(out, ';') end)()"),
            "Fritid og Fællesskab=Åben skole;Læring=Åben skole+Bedre overgange");
  CHECK_STR(ev(k, "group(site.pages, 'status')[2].key"), "besluttet");
  /* first, join, contains */
  CHECK_STR(ev(k, "join(first(site.pages, 2), ', ')"), "Fritid og Fællesskab, Læring");
  CHECK_STR(ev(k, "#first(site.pages, 99) .. ' ' .. #first(site.pages, 0)"), "5 0");
  CHECK_STR(ev(k, "join({'a', 'b', 3}, ' · ')"), "a · b · 3");
  CHECK_STR(ev(k, "join(pages_of('group'), ', ', 'url')"), "/kernegrupper/fritid/, /kernegrupper/laering/");
  CHECK_STR(ev(k, "contains(page_at('forslag/aaben-skole.md').interfaces, page_at('kernegrupper/fritid.md'))"),
            "true");
  CHECK_STR(ev(k, "contains(page_at('forslag/overgange.md').interfaces, page_at('kernegrupper/fritid.md'))"),
            "false");
  CHECK_STR(ev(k, "tostring(contains('Fordybelse', 'dyb')) .. tostring(contains({1, 2}, 3))"), "truefalse");
  CHECK(has(ev(k, "page_at('nope.md')"), "page_at: no page 'content/nope.md'"));
  klua_free(k);
}

TEST(site_and_menu) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.laering);
  CHECK_STR(ev(k, "site.title .. ' ' .. site.language .. ' ' .. site.baseurl .. ' ' .. site.build_date"),
            "KLAR til Læring da https://klar.hedensted.dk/ 2018-01-01");
  CHECK_STR(ev(k, "site.params.kommune"), "Hedensted");
  CHECK_STR(ev(k, "#site.pages"), "5");
  CHECK_STR(ev(k, "site.sections.forslag.title"), "Forslag");
  const char *menu = "(function() local o = {} for _, m in ipairs(site.menu) do o[#o + 1] = m.title .. "
                     "'=' .. m.url .. (m.active and '*' or '') end return table.concat(o, ' ') end)()";
  CHECK_STR(ev(k, menu), "Forside=/ Kernegrupper=/kernegrupper/* Forslag=/forslag/ "
                         "Kommunen=https://www.hedensted.dk/");
  klua_set_page(k, F.home);
  CHECK_STR(ev(k, menu), "Forside=/* Kernegrupper=/kernegrupper/ Forslag=/forslag/ "
                         "Kommunen=https://www.hedensted.dk/");
  klua_set_page(k, F.p2);
  CHECK_STR(ev(k, menu), "Forside=/ Kernegrupper=/kernegrupper/ Forslag=/forslag/* "
                         "Kommunen=https://www.hedensted.dk/");
  CHECK_STR(ev(k, "site.menu[2].page == page_at('kernegrupper/_index.md')"), "true");
  klua_free(k);
}

TEST(urls_and_assets) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.p2);
  CHECK_STR(ev(k, "url('/temaer/')"), "/temaer/");
  CHECK_STR(ev(k, "abs_url('/temaer/')"), "https://klar.hedensted.dk/temaer/");
  CHECK_STR(ev(k, "abs_url(page)"), "https://klar.hedensted.dk/forslag/overgange/");
  CHECK_STR(ev(k, "asset('css/site.css')"), "/css/site.4f3a9c.css");
  CHECK(has(ev(k, "asset('css/nope.css')"), "unknown asset 'css/nope.css'"));
  klua_free(k);

  /* a site below a base path */
  site sub = *F.s;
  sub.baseurl = "https://example.dk/klar/";
  sub.basepath = "/klar/";
  k = klua_new(&sub);
  klua_set_page(k, F.p2);
  CHECK_STR(ev(k, "page.url"), "/klar/forslag/overgange/");
  CHECK_STR(ev(k, "page.permalink"), "https://example.dk/klar/forslag/overgange/");
  CHECK_STR(ev(k, "url('/temaer/') .. ' ' .. url(url('/temaer/')) .. ' ' .. url('https://x.dk/')"),
            "/klar/temaer/ /klar/temaer/ https://x.dk/");
  CHECK_STR(ev(k, "abs_url(page.url)"), "https://example.dk/klar/forslag/overgange/");
  CHECK_STR(ev(k, "asset('css/site.css')"), "/klar/css/site.4f3a9c.css");
  klua_free(k);
}

TEST(strings) {
  klua *k = klua_new(F.s);
  val *root = val_new(A, VAL_MAP, 1, 1), *da = val_new(A, VAL_MAP, 1, 1);
  val_map_put(A, da, "read_more", val_str(A, "Læs mere", 2, 14));
  val_map_put(A, root, "da", da);
  klua_set_strings(k, root, "layouts/i18n.yaml");
  CHECK_STR(ev(k, "t('read_more')"), "Læs mere");
  CHECK_STR(ev(k, "t('nope')"), "ERROR: unknown string 'nope' in layouts/i18n.yaml (language 'da')");
  klua_free(k);
}

TEST(locals_and_for) {
  klua *k = klua_new(F.s);
  klua_set_page(k, F.p1);
  int list = klua_compile(k, "page.interfaces");
  int title = klua_compile(k, "i .. '. ' .. g.title");
  int name = klua_compile(k, "page.title:upper()");
  CHECK(list >= 0 && title >= 0 && name >= 0);
  CHECK(klua_compile(k, "page.title +") < 0);
  CHECK(has(klua_error(k), "unexpected symbol near ')'") || has(klua_error(k), "near"));
  size_t mark = klua_mark(k), n, slot;
  CHECK(klua_for_begin(k, list, "i", "g", &n, &slot));
  CHECK(n == 2);
  sbuf out = SBUF_INIT;
  for (size_t i = 0; i < n; i++) {
    klua_for_bind(k, slot, i, "i", "g");
    CHECK(klua_eval_put(k, title, &out, KLUA_ESC_HTML));
    sbuf_putc(&out, ';');
  }
  CHECK_STR(sbuf_str(&out), "1. Fritid og Fællesskab;2. Læring;");
  /* shadowing `page` with a local, and restoring it */
  int other = klua_compile(k, "page_at('forslag/overgange.md')");
  CHECK(klua_bind(k, "page", other));
  sbuf_clear(&out);
  CHECK(klua_eval_put(k, name, &out, KLUA_ESC_HTML));
  CHECK_STR(sbuf_str(&out), "BEDRE OVERGANGE");
  klua_restore(k, mark);
  sbuf_clear(&out);
  CHECK(klua_eval_put(k, name, &out, KLUA_ESC_HTML));
  CHECK_STR(sbuf_str(&out), "ÅBEN SKOLE");
  CHECK_STR(ev(k, "g == nil and i == nil"), "true");
  /* a map iterates its keys in order; a string is not a list */
  int kmap = klua_compile(k, "{b = 2, a = 1, c = 3}");
  int kv = klua_compile(k, "key .. '=' .. v");
  CHECK(klua_for_begin(k, kmap, "key", "v", &n, &slot) && n == 3);
  sbuf_clear(&out);
  for (size_t i = 0; i < n; i++) {
    klua_for_bind(k, slot, i, "key", "v");
    CHECK(klua_eval_put(k, kv, &out, KLUA_ESC_HTML));
  }
  CHECK_STR(sbuf_str(&out), "a=1b=2c=3");
  klua_restore(k, mark);
  int str = klua_compile(k, "'abc'");
  CHECK(!klua_for_begin(k, str, NULL, "x", &n, &slot));
  CHECK_STR(klua_error(k), "k:for needs a list, but the value is a string");
  /* escaping and text forms */
  int esc = klua_compile(k, "'<a href=\"x\">&</a>'");
  sbuf_clear(&out);
  CHECK(klua_eval_put(k, esc, &out, KLUA_ESC_HTML));
  CHECK_STR(sbuf_str(&out), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  int tbl = klua_compile(k, "page.interfaces");
  CHECK(!klua_eval_put(k, tbl, &out, KLUA_ESC_HTML));
  CHECK(has(klua_error(k), "the value is a table, not text"));
  int fl = klua_compile(k, "3 / 1");
  sbuf_clear(&out);
  CHECK(klua_eval_put(k, fl, &out, KLUA_ESC_HTML));
  CHECK_STR(sbuf_str(&out), "3");
  sbuf_free(&out);
  klua_free(k);
}

TEST(helper_errors_name_the_file) {
  klua *k = klua_new(F.s);
  CHECK(klua_exec(k, "function inner() error('boom') end\nfunction outer()\n  local r = inner()\n  return r\nend\n",
                  "@layouts/lua/h.lua"));
  CHECK_STR(ev(k, "outer()"), "ERROR: layouts/lua/h.lua:1: boom (called from layouts/lua/h.lua:3)");
  CHECK_STR(ev(k, "error({})"), "ERROR: (error object is a table value)");
  klua_free(k);
}

TEST(markdown_helper) {
  klua *k = klua_new(F.s);
  const char *r = ev(k, "markdown('*vigtigt* og **mere**')");
  CHECK(has(r, "<em>vigtigt</em>"));
  CHECK(has(r, "<strong>mere</strong>"));
  CHECK(!has(r, "<p>"));
  klua_set_page(k, F.p1);
  /* Resolved by the body's resolver: pages, and files of the site. */
  map_set(&F.s->statics, "forslag/foto.jpg", (void *)"forslag/foto.jpg");
  map_set(&F.s->statics, "forslag/plan.pdf", (void *)"forslag/plan.pdf");
  CHECK_STR(ev(k, "markdown('Se [Læring](../kernegrupper/laering.md#maal) og ![foto](foto.jpg)')"),
            "Se <a href=\"/kernegrupper/laering/#maal\">Læring</a> og <img src=\"/forslag/foto.jpg\" alt=\"foto\" />");
  CHECK_STR(ev(k, "markdown('[planen](plan.pdf#s2)')"), "<a href=\"/forslag/plan.pdf#s2\">planen</a>");
  /* A broken link in front matter text is an error, as in the body. */
  r = ev(k, "markdown('Se [x](nope.md)')");
  CHECK(has(r, "markdown: broken link to 'nope.md' in the front matter of content/forslag/aaben-skole.md"));
  r = ev(k, "markdown('![x](mangler.jpg)')");
  CHECK(has(r, "markdown: broken link to 'mangler.jpg' in the front matter of"));
  map_free(&F.s->statics);
  CHECK_STR(ev(k, "markdown(nil)"), "");
  klua_free(k);
}

/* ---- the limits hold ------------------------------------------------------
 * Each of these once escaped the instruction budget or the memory ceiling
 * (a hang, or a silent success). They run in a child process killed after
 * LIMIT_SECS, so a hang fails the test instead of stalling the suite. */

#define LIMIT_SECS 30
#define RUN_LIMITED(name) run_limited(#name, test_##name)

static void run_limited(const char *name, void (*fn)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(LIMIT_SECS);
    harness_cur_failed = 0;
    fn();
    fflush(NULL);
    _exit(harness_cur_failed ? 1 : 0);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) st = -1;
  if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    harness_passed++;
    return;
  }
  if (st != -1 && WIFSIGNALED(st))
    fprintf(stderr, "%s: killed by signal %d (still running after %d s?)\n", name, WTERMSIG(st),
            LIMIT_SECS);
  fprintf(stderr, "FAIL %s\n", name);
  harness_failed++;
}

/* A state with a small budget (fast under the sanitizers too) and the helper
 * file layouts/lua/esc.lua made of src. */
static klua *escape_state(const char *src) {
  klua *k = klua_new(F.s);
  klua_set_budget(k, 5L * 1000 * 1000);
  /* These tests are about the instruction budget; their many budgets in a
   * row took past the page's 20 seconds under ASan on a loaded machine, so
   * the clock is given room here (the time limit has its own tests). */
  klua_set_time_limit(k, 600);
  CHECK(klua_exec(k, src, "@layouts/lua/esc.lua"));
  return k;
}

TEST(gc_finalizers_are_refused) {
  klua *k = escape_state("function forever()\n"
                         "  setmetatable({}, {__gc = function() while true do end end})\n"
                         "  return 'escaped'\n"
                         "end\n");
  const char *r = ev(k, "forever()");
  CHECK(has(r, "layouts/lua/esc.lua:2: setmetatable: __gc is not allowed"));
  /* collections run, and no finalizer with them */
  CHECK_STR(ev(k, "(function() local t = {} for i = 1, 2e5 do t[i % 100 + 1] = {i} end return #t end)()"),
            "100");
  /* a __gc added after setmetatable is never called (Lua marks an object
   * for finalization only when its metatable is set) */
  CHECK_STR(ev(k, "(function() local mt = {} local t = setmetatable({}, mt)"
                  " mt.__gc = function() while true do end end t = nil"
                  " for i = 1, 2e5 do local x = {i} end return 'ok' end)()"),
            "ok");
  klua_free(k); /* lua_close runs pending finalizers: none */
}

TEST(gc_at_close_cannot_pass_the_memory_limit) {
  klua *k = klua_new(F.s);
  klua_set_memory_limit(k, (size_t)16 << 20);
  CHECK(!klua_exec(k, "hog = setmetatable({}, {__gc = function()\n"
                      "  local t = {} for i = 1, 2e7 do t[i] = i end\n"
                      "end})\n",
                   "@layouts/lua/hog.lua"));
  CHECK(has(klua_error(k), "layouts/lua/hog.lua:1: setmetatable: __gc is not allowed"));
  klua_free(k);
}

TEST(patterns_count_against_the_budget) {
  klua *k = escape_state("function slow(s)\n"
                         "  return s:find('.-.-.-.-.-.-.-b')\n"
                         "end\n");
  const char *r = ev(k, "slow(string.rep('a', 30000))");
  CHECK(has(r, "layouts/lua/esc.lua:2: string.find exceeded the instruction budget (5000000 "
               "instructions); is the pattern or the text too large?"));
  CHECK(has(ev(k, "string.rep('a', 30000):match('(.-)(.-)(.-)(.-)b')"),
            "ERROR: string.match exceeded the instruction budget"));
  CHECK(has(ev(k, "(string.rep('a', 30000):gsub('.-.-.-.-b', ''))"),
            "ERROR: string.gsub exceeded the instruction budget"));
  CHECK(has(ev(k, "(function() for w in string.rep('a', 30000):gmatch('.-.-.-.-b') do end end)()"),
            "ERROR: string.gmatch exceeded the instruction budget"));
  /* a plain find compares the needle at every candidate position */
  CHECK(has(ev(k, "string.rep('a', 1e7):find(string.rep('a', 1e5) .. 'b', 1, true)"),
            "ERROR: string.find exceeded the instruction budget"));
  /* long character sets cost their length at each step */
  CHECK(has(ev(k, "string.rep('b', 1e5):find('[' .. string.rep('a', 1e5) .. ']')"),
            "ERROR: string.find exceeded the instruction budget"));
  /* pcall cannot catch the error for long */
  CHECK(has(ev(k, "(function() local s = string.rep('a', 30000)"
                  " while true do pcall(string.find, s, '.-.-.-.-b') end end)()"),
            "instruction budget"));
  /* the state is usable afterwards, and patterns match as Lua's do */
  CHECK_STR(ev(k, "('a,b,,c'):gsub(',', ';')"), "a;b;;c");
  CHECK_STR(ev(k, "select(2, ('hello world'):gsub('o', '0'))"), "2");
  CHECK_STR(ev(k, "table.concat({('key = value'):match('^(%w+)%s*=%s*(%w+)$')}, '|')"), "key|value");
  CHECK_STR(ev(k, "(function() local t = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do"
                  " t[#t + 1] = k .. v end return table.concat(t, ' ') end)()"),
            "a1 b2");
  CHECK_STR(ev(k, "table.concat({('f(a(b)c)d'):find('%b()')}, ',')"), "2,8");
  CHECK_STR(ev(k, "('THE (quick) fox'):gsub('%f[%a]%a+', function(w) return w:lower() end)"),
            "the (quick) fox");
  CHECK_STR(ev(k, "table.concat({('hello'):find('()ll()')}, ',')"), "3,4,3,5");
  CHECK_STR(ev(k, "(' x '):gsub('^%s+', ''):gsub('%s+$', '')"), "x");
  CHECK_STR(ev(k, "('abc'):gsub('%w', '%0%0')"), "aabbcc");
  CHECK_STR(ev(k, "('abc'):gsub('', '-')"), "-a-b-c-");
  CHECK_STR(ev(k, "('x = 1'):gsub('(%w+) = (%w+)', '%2 = %1')"), "1 = x");
  CHECK_STR(ev(k, "('$name!'):gsub('%$(%w+)', {name = 'Ida'})"), "Ida!");
  CHECK_STR(ev(k, "tostring(('abc'):find('b', 1, true)) .. tostring(('a.c'):find('.', 1, true))"), "22");
  CHECK_STR(ev(k, "tostring(('abc'):find('x'))"), "nil");
  CHECK(has(ev(k, "('x'):find('[a')"), "malformed pattern (missing ']')"));
  CHECK(has(ev(k, "('x'):gsub('x', '%2')"), "invalid capture index %2"));
  klua_free(k);
}

TEST(string_rep_and_table_walks_are_bounded) {
  klua *k = escape_state("function walk()\n"
                         "  return table.move({}, 1, math.maxinteger, 1)\n"
                         "end\n");
  /* nothing to copy: no loop of a quintillion empty copies */
  CHECK_STR(ev(k, "#string.rep('', math.maxinteger)"), "0");
  CHECK_STR(ev(k, "#string.rep('', 1e15, '')"), "0");
  CHECK_STR(ev(k, "string.rep('ab', 3, '-')"), "ab-ab-ab");
  CHECK(has(ev(k, "string.rep('x', 1e10)"), "resulting string too large"));
  CHECK(has(ev(k, "walk()"), "layouts/lua/esc.lua:2: table.move exceeded the instruction budget"));
  /* metamethods written in C (tostring, rawequal) run no instruction */
  const char *huge = "setmetatable({}, {__len = function() return math.maxinteger - 1 end,"
                     " __index = tostring, __newindex = rawequal})";
  char src[512];
  snprintf(src, sizeof src, "table.insert(%s, 1, 'x')", huge);
  CHECK(has(ev(k, src), "table.insert exceeded the instruction budget"));
  snprintf(src, sizeof src, "table.remove(%s, 1)", huge);
  CHECK(has(ev(k, src), "table.remove exceeded the instruction budget"));
  snprintf(src, sizeof src, "table.concat(%s)", huge);
  CHECK(has(ev(k, src), "table.concat exceeded the instruction budget"));
  snprintf(src, sizeof src, "table.unpack(%s)", huge);
  CHECK(has(ev(k, src), "table.unpack exceeded the instruction budget"));
  CHECK(has(ev(k, "table.sort(setmetatable({}, {__len = function() return 2147483646 end,"
                  " __index = tostring, __newindex = rawequal}))"),
            "table.sort exceeded the instruction budget"));
  /* ordinary use is unchanged */
  CHECK_STR(ev(k, "table.concat(table.move({1, 2, 3}, 1, 3, 2), ',')"), "1,1,2,3");
  CHECK_STR(ev(k, "(function() local t = {3, 1, 2} table.sort(t) table.insert(t, 1, 0)"
                  " table.remove(t) return table.concat(t, ',') .. select('#', table.unpack(t)) end)()"),
            "0,1,23");
  CHECK(has(ev(k, "table.concat({{}})"), "invalid value (table) at index 1 in table for 'concat'"));
  CHECK(has(ev(k, "table.move(nil, 1, 2, 3)"), "bad argument #1 to"));
  klua_free(k);
}

TEST(budget_errors_cannot_be_caught) {
  klua *k = escape_state("function close_loop()\n"
                         "  local x <close> = setmetatable({}, {__close = function()\n"
                         "    while true do end\n"
                         "  end})\n"
                         "  return 1\n"
                         "end\n");
  CHECK(has(ev(k, "(function() while true do xpcall(function() while true do end end,"
                  " function(m) while true do end end) end end)()"),
            "instruction budget exceeded"));
  CHECK(has(ev(k, "(function() while true do pcall(error, setmetatable({}, {__tostring ="
                  " function() while true do end end})) end end)()"),
            "instruction budget exceeded"));
  CHECK(has(ev(k, "error(setmetatable({}, {__tostring = function() while true do end end}))"),
            "instruction budget exceeded"));
  CHECK(has(ev(k, "close_loop()"), "layouts/lua/esc.lua:3: instruction budget exceeded"));
  CHECK(has(ev(k, "load('while true do end')()"), "instruction budget exceeded"));
  CHECK(has(ev(k, "(function() local function f(n) return f(n + 1) + 1 end return f(1) end)()"),
            "stack overflow"));
  CHECK(has(ev(k, "(function() local t = setmetatable({}, {__index = function(t, k) return t[k] end})"
                  " return t.x end)()"),
            "stack overflow"));
  CHECK(has(ev(k, "(function() local function f(s) return (s:gsub('.', f)) end return f('ab') end)()"),
            "stack overflow"));
  CHECK(has(ev(k, "(function() local t = {} for i = 1, 100 do t[i] = string.rep('x', 1e7) end"
                  " return #table.concat(t) end)()"),
            "memory limit exceeded"));
  CHECK_STR(ev(k, "1 + 1"), "2");
  klua_free(k);
}

/* k:for over a map sorts its keys; a map built by a script can be large. */
TEST(for_over_a_large_map_is_quick) {
  klua *k = klua_new(F.s);
  int h = klua_compile(k, "(function() local t = {} for i = 1, 300000 do t['k' .. i] = i end"
                          " t[0.5] = 'half' t[-1] = 'minus' return t end)()");
  int kv = klua_compile(k, "key .. '=' .. v");
  size_t n = 0, slot = 0, mark = klua_mark(k);
  CHECK(klua_for_begin(k, h, "key", "v", &n, &slot));
  CHECK(n == 300002);
  sbuf out = SBUF_INIT;
  size_t want[] = {0, 1, 2, 3, 300001};
  for (size_t i = 0; i < 5; i++) {
    klua_for_bind(k, slot, want[i], "key", "v");
    CHECK(klua_eval_put(k, kv, &out, KLUA_ESC_RAW));
    sbuf_putc(&out, ' ');
  }
  CHECK_STR(sbuf_str(&out), "-1=minus 0.5=half k1=1 k10=10 k99999=99999 ");
  sbuf_free(&out);
  klua_restore(k, mark);
  klua_free(k);
}

/* Work done in C costs one instruction however long it takes: comparing two
 * long strings in a loop ran for hours within the instruction budget. The
 * page's clock ends it. */
TEST(c_work_in_a_loop_meets_the_page_clock) {
  klua *k = klua_new(F.s);
  klua_set_time_limit(k, 1);
  CHECK(klua_exec(k, "function same()\n"
                     "  local s, t = ('x'):rep(4e7), ('x'):rep(4e7 - 1) .. 'y'\n"
                     "  for i = 1, 1e6 do if s == t then return 'yes' end end\n"
                     "  return 'no'\n"
                     "end\n", "@layouts/lua/esc.lua"));
  klua_set_time_limit(k, 1);
  const char *r = ev(k, "same()");
  CHECK(has(r, "layouts/lua/esc.lua:3: the page's evaluations took longer than 1 seconds"));
  /* the page's time is spent: the next evaluation fails at once, even one
   * the budget alone would let through */
  CHECK(has(ev(k, "1 + 1"), "took longer than 1 seconds"));
  klua_free(k);
}

int main(void) {
  A = arena_new();
  F = fx_build(A, "tests/layout/none");
  RUN(sandbox_has_no_escape_hatches);
  RUN(instruction_budget_stops_runaway_helpers);
  RUN(memory_ceiling_fails_cleanly);
  RUN(page_fields);
  RUN(page_identity_and_caches);
  RUN(referrers);
  RUN(danish_formatting);
  RUN(list_helpers);
  RUN(site_and_menu);
  RUN(urls_and_assets);
  RUN(strings);
  RUN(locals_and_for);
  RUN(helper_errors_name_the_file);
  RUN(markdown_helper);
  RUN_LIMITED(gc_finalizers_are_refused);
  RUN_LIMITED(gc_at_close_cannot_pass_the_memory_limit);
  RUN_LIMITED(patterns_count_against_the_budget);
  RUN_LIMITED(string_rep_and_table_walks_are_bounded);
  RUN_LIMITED(budget_errors_cannot_be_caught);
  RUN_LIMITED(for_over_a_large_map_is_quick);
  RUN_LIMITED(c_work_in_a_loop_meets_the_page_clock);
  fx_free_maps(F.s);
  arena_free(A);
  return harness_done("klua");
}
