// The search page in Debian's headless Chromium, as a parent uses it: the
// header's search box leads to /soeg/?q=…, the expected page comes first for
// "børnenes" and "barnet" (Snowball endings plus the site's irregular table:
// barn/børn), each result shows its type and an excerpt with the words
// marked, the keyboard reaches everything, axe finds nothing at 375 and 1280
// px, the page searches when opened from the disk (file://), a word only in
// the footer finds nothing, and "børnenes" loads at most 30 KB in at most 4
// requests of the search's own files.
//   node tests/search/browser.mjs PUBLIC OUTDIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveSite } from '../browser/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../browser/package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const [rootArg, outDir] = process.argv.slice(2);
const root = path.resolve(rootArg);
let passed = 0, failed = 0;
const check = (cond, name, why) => {
  if (cond) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); }
};

// The built site over loopback, as the other browser tests serve it.
const server = await serveSite(root);
const base = server.base;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
});

const done = (page) => page.waitForFunction(() => /passer|Ingen sider|kunne ikke/.test(
  document.getElementById('soeg-status').textContent), null, { timeout: 10000 });
const results = (page) => page.$$eval('.search-result', (els) => els.map((e) => ({
  title: e.querySelector('h2').textContent, href: e.querySelector('a').getAttribute('href'),
  meta: e.querySelector('.search-result__meta').textContent,
  marks: [...e.querySelectorAll('mark')].map((m) => m.textContent),
  excerpt: (e.querySelector('.search-result__excerpt') || {}).textContent || '' })));

// The pages the queries must put first, chosen by reading the content: the
// pixi guide of the first year is about "barnet" from its title down, and
// "børnenes" only finds it through the irregular table (barn/børn).
const firstFor = { 'børnenes': 'Barnets første år', barnet: 'Barnets første år' };

{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (resp) => {
    if (resp.status() >= 400 && !resp.url().endsWith('/favicon.ico')) errors.push(`${resp.status()} ${resp.url()}`);
  });
  const searchFiles = [];
  page.on('requestfinished', async (req) => {
    const u = new URL(req.url());
    if (/\/soeg\/indeks\/|\/js\/search\./.test(u.pathname)) {
      const resp = await req.response();
      searchFiles.push({ url: u.pathname, bytes: resp ? (await resp.body()).length : 0 });
    }
  });
  // From the header's box on the front page, with the keyboard only.
  await page.goto(base + '/');
  await page.focus('#site-search-q');
  await page.keyboard.type('børnenes');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/soeg\/\?q=/);
  await done(page);
  await page.waitForTimeout(200);
  let r = await results(page);
  check(new URL(page.url()).searchParams.get('q') === 'børnenes', 'the header box sends the query to /soeg/?q=');
  check(r.length >= 5, '"børnenes" finds pages', `${r.length} results`);
  check(r[0] && r[0].title === firstFor['børnenes'], `"børnenes" puts "${firstFor['børnenes']}" first`,
    r.slice(0, 3).map((x) => x.title).join(' | '));
  check(r.every((x) => x.meta.length > 0), 'every result shows its type', r.map((x) => x.meta).join(' | '));
  check(r[0] && r[0].meta.includes('Pixi-guide') && r[0].meta.includes('Efter fødslen'),
    'a pixi guide shows its type and life stage', r[0] && r[0].meta);
  check(r.every((x) => x.excerpt && x.marks.length > 0), 'every result shows an excerpt with the match marked',
    r.filter((x) => !x.marks.length).map((x) => x.title).join(' | '));
  const bytes = searchFiles.reduce((a, f) => a + f.bytes, 0);
  check(searchFiles.length <= 4 && bytes <= 30 * 1024, '"børnenes" loads at most 30 KB in at most 4 requests',
    `${searchFiles.length} requests, ${bytes} bytes: ${searchFiles.map((f) => `${f.url} ${f.bytes}`).join(', ')}`);
  console.log(`# "børnenes": ${searchFiles.length} requests, ${bytes} bytes (${searchFiles.map((f) => path.basename(f.url)).join(' ')})`);

  // "barnet" finds the pages about "børnene" too.
  await page.fill('#soeg-q', 'barnet');
  await page.press('#soeg-q', 'Enter');
  await page.waitForFunction(() => /»barnet«/.test(document.getElementById('soeg-status').textContent));
  r = await results(page);
  check(r[0] && r[0].title === firstFor.barnet, `"barnet" puts "${firstFor.barnet}" first`, r[0] && r[0].title);
  check(r.some((x) => x.marks.some((m) => /^børn/i.test(m))), '"barnet" finds and marks "børn…" forms',
    r.map((x) => x.marks.join(',')).join(' | '));
  check(new URL(page.url()).searchParams.get('q') === 'barnet', 'a search on the page puts the query in the URL');

  // More results, with the keyboard: the button, then focus on the first new one.
  const before = r.length;
  await page.focus('#soeg-more');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.search-result').length > n, before);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('.search-result') &&
    [...document.querySelectorAll('.search-result')].indexOf(document.activeElement.closest('.search-result')));
  check(focused === before, '"Vis flere resultater" works from the keyboard and moves focus to the first new result',
    `focus on result ${focused}, ${before} before`);

  // Tab from the search box reaches the button and the first result.
  await page.focus('#soeg-q');
  await page.keyboard.press('Tab');
  const onButton = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press('Tab');
  const onResult = await page.evaluate(() => !!document.activeElement.closest('.search-result'));
  check(onButton === 'Søg' && onResult, 'Tab goes from the box to its button and on to the first result', onButton);

  // A word only in the footer (the address) finds nothing.
  await page.goto(base + '/soeg/?q=Espersvej');
  await done(page);
  r = await results(page);
  const status = await page.textContent('#soeg-status');
  check(r.length === 0 && /Ingen sider/.test(status), 'a word only in the footer ("Espersvej") finds nothing', status);
  await page.goto(base + '/soeg/?q=Hovedmenu');
  await done(page);
  check((await results(page)).length === 0, 'the header\'s words ("Hovedmenu") find nothing');
  check(errors.length === 0, 'no script errors on the search page', errors.join('; '));
  await context.close();
}

// axe at a phone's and a desktop's width, with results on the page.
for (const width of [375, 1280]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + '/soeg/?q=' + encodeURIComponent('børnenes'));
  await done(page);
  await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const v = res.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(' ')}`);
  check(v.length === 0, `the search page with results has no WCAG 2.1 AA violations at ${width}px`, v.join('; '));
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  check(sw <= width + 1, `the search page fits ${width}px`, `scrollWidth ${sw}`);
  if (outDir) await page.screenshot({ path: path.join(outDir, `soeg-${width}.png`), fullPage: true });
  await context.close();
}

// From the disk: script tags, not fetch, so file:// works.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const url = pathToFileURL(path.join(root, 'soeg', 'index.html')).href + '?q=barnet';
  await page.goto(url);
  await done(page);
  const r = await results(page);
  check(r.length > 0 && r[0].title === firstFor.barnet, 'the search page searches when opened from the disk (file://)',
    r[0] && r[0].title);
  check(r.length > 0 && r[0].href.endsWith('/index.html') && !r[0].href.startsWith('/'),
    'from the disk, results link to the index.html files relatively', r[0] && r[0].href);
  if (r.length) {
    await page.click('.search-result a');
    await page.waitForLoadState('load');
    check(page.url().startsWith('file:') && page.url().endsWith('/index.html'), 'a result opens its page from the disk', page.url());
  }
  await context.close();
}

// Without JavaScript: the explanation in Danish.
{
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + '/soeg/?q=barnet');
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  check(/kun, når JavaScript er slået til/.test(text), 'without JavaScript the page says so in Danish');
  await context.close();
}

await browser.close();
await server.close();
console.log(`search-browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
