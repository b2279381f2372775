// The walk: the built site used as a parent would use it, in Debian's
// headless Chromium, served by serve.mjs (gzip, cache headers, 404 page).
//   node tests/browser/walk.test.mjs PUBLIC OUT
// 1. front page → an age group → its pixi guide → the guide's PDF link
//    answers 200 with application/pdf;
// 2. the header's search box: "børnenes" and "barnet" show the expected page
//    first;
// 3. keyboard only, Tab from the top: the skip link first, then the search
//    box and the menu, then (through the skip link) the main content;
// 4. every page of the site: no console error, no failed or off-site
//    request, and each page's icons (or /favicon.ico) answer with an image;
// 5. screenshots of the front page and a pixi guide at 390 and 1280 px in
//    OUT/screenshots/, for people to look at.
// Each check says which part of issue 9 it waits for when it fails on a site
// that does not have that part yet: [front page] the phone-first front page,
// [search] the search page and header box, [icons] the favicon.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serveSite } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'package.json'));
const { chromium } = require('playwright-core');

const [rootArg, outArg] = process.argv.slice(2);
const root = path.resolve(rootArg);
const shots = path.join(path.resolve(outArg), 'screenshots');
fs.mkdirSync(shots, { recursive: true });

// The page a query must show first, as the search suite agrees
// (tests/search): the guide "Barnets første år" for both. Through the
// barn/børn table "børnenes" and "barnet" are one word, and that guide
// carries it in its title and most often in its text; the only page with
// "børnenes" written so, /forslag/den-roede-traad-i-laering/, uses it once.
const expectedFirst = {
  'børnenes': '/pixi/pixi-0-1-aar/',
  'barnet': '/pixi/pixi-0-1-aar/',
};

let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok ${name}`); };
const fail = (name, why) => { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); };
const check = (cond, name, why) => (cond ? ok(name) : fail(name, why));

const site = await serveSite(root);
const base = site.base;
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// A page that records its console errors, uncaught exceptions, failed and
// off-site requests (aborted) and error statuses.
async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`exception: ${e.message}`));
  page.on('console', (m) => {
    // The console also reports the 404 of a missing page itself: expected there.
    if (m.type() !== 'error' || (page.expect404 && m.location().url === page.expect404)) return;
    page.problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // ERR_ABORTED: cut off by the next navigation (the icon Chromium asks
    // for after load) or answered with an error status, which the response
    // handler reports.
    const why = r.failure() && r.failure().errorText;
    if (r.url().startsWith(base) && why !== 'net::ERR_ABORTED') page.problems.push(`failed: ${r.url().slice(base.length)} ${r.failure() && r.failure().errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url() !== page.expect404) page.problems.push(`${r.status()}: ${r.url().slice(base.length)}`);
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(base) || u.startsWith('data:')) return route.continue();
    page.problems.push(`off the site: ${u}`);
    return route.abort();
  });
  return page;
}
const pathOf = (page) => page.url().slice(base.length);

// ---- 1. front page → age group → pixi guide → PDF
async function walkToBooklet() {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await watchedPage(context);
  await page.goto(base + '/', { waitUntil: 'load' });
  // The age groups: the section whose heading asks for the child's age.
  const section = page.locator('main section, main nav, main div')
    .filter({ has: page.getByRole('heading', { name: /Hvor gammel er dit barn|Hvor gammelt er dit barn/i }) }).last();
  const ages = section.getByRole('link');
  const n = await ages.count().catch(() => 0);
  if (!n) {
    fail('[front page] the front page has a section "Hvor gammelt er dit barn?" with links to the age groups');
    await context.close();
    return null;
  }
  ok(`[front page] the front page has a section "Hvor gammelt er dit barn?" with ${n} links`);
  // An age group in the middle of the list (3–6 år where the site has it).
  const names = await ages.allInnerTexts();
  let i = names.findIndex((t) => /3\s*[–-]\s*6/.test(t));
  if (i < 0) i = Math.min(2, n - 1);
  await Promise.all([page.waitForLoadState('load'), ages.nth(i).click()]);
  let at = pathOf(page);
  // The age group leads to its pixi guide, directly or through a page of its own.
  if (!/^\/pixi\/[^/]+\/$/.test(at)) {
    const guide = page.locator('main a[href*="/pixi/"]').filter({ hasNotText: /^\s*$/ });
    const links = await guide.evaluateAll((as) => as.map((a) => a.pathname).filter((p) => /^\/pixi\/[^/]+\/$/.test(p)));
    if (!links.length) {
      fail(`[front page] the age group "${names[i].trim()}" (${at}) leads to a pixi guide`);
      await context.close();
      return null;
    }
    await page.goto(base + links[0], { waitUntil: 'load' });
    at = pathOf(page);
  }
  ok(`[front page] the age group "${names[i].trim()}" leads to the pixi guide ${at}`);
  const pdf = page.getByRole('link', { name: /Hent som PDF/i }).first();
  const href = await pdf.getAttribute('href', { timeout: 2000 }).catch(() => null);
  if (!href) {
    fail(`${at} has a link "Hent som PDF"`);
  } else {
    const url = new URL(href, page.url()).href;
    const r = await page.request.get(url);
    const type = r.headers()['content-type'] || '';
    const body = await r.body();
    check(r.status() === 200 && type.startsWith('application/pdf') && body.subarray(0, 5).toString() === '%PDF-',
      `${at}: its PDF link ${href} answers 200 with application/pdf`, `${r.status()} ${type} ${body.length} bytes`);
  }
  check(!page.problems.length, 'the walk to the booklet has no console error or failed request', page.problems.join('; '));
  await context.close();
  return at;
}

// ---- 2. search from the header's box
async function search(query) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await watchedPage(context);
  await page.goto(base + '/', { waitUntil: 'load' });
  const box = page.locator('header [role="search"] input[type="search"], header form input[type="search"]').first();
  if (!(await box.count())) {
    fail(`[search] the header has a search box (to search "${query}")`);
    await context.close();
    return;
  }
  await box.fill(query);
  await Promise.all([page.waitForURL(/\/soeg\//, { timeout: 5000 }).catch(() => {}), box.press('Enter')]);
  // The list of results (its id or class says so), not other lists of the page.
  const first = page.locator(['ol', 'ul'].flatMap((l) => [`main ${l}[id*="result"] a`, `main ${l}[class*="result"] a`]).join(', ')).first();
  await first.waitFor({ timeout: 5000 }).catch(() => {});
  const got = await first.evaluate((a) => a.pathname).catch(() => null);
  const want = expectedFirst[query];
  check(got === want, `[search] "${query}" from the header shows ${want} first`, `first result ${got} on ${pathOf(page)}`);
  check(!page.problems.length, `[search] searching "${query}" has no console error or failed request`, page.problems.join('; '));
  await context.close();
}

// ---- 3. keyboard only
async function keyboard(width) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await watchedPage(context);
  await page.goto(base + '/', { waitUntil: 'load' });
  // What has the focus, as a kind: skip, search, menu, main, header or other.
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { kind: 'none' };
    const what = `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} ${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}`;
    let kind = 'other';
    if (e.matches('.skip-link, a[href="#indhold"]')) kind = 'skip';
    // the header's search: its box, or on a phone its button to the search page
    else if (e.closest('header [role="search"]')) kind = 'search';
    else if (e.closest('header nav, header details') || (e.matches('summary') && e.closest('header'))) kind = 'menu';
    else if (e.closest('main')) kind = 'main';
    else if (e.closest('header')) kind = 'header';
    return { kind, what };
  });
  const order = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused();
    order.push(f);
    if (f.kind === 'main' || f.kind === 'none') break;
  }
  const at = (k) => order.findIndex((f) => f.kind === k);
  const trail = order.map((f) => f.kind).join(' → ');
  check(at('skip') === 0, `at ${width}px the first Tab reaches the skip link`, trail);
  check(at('search') > 0, `[search] at ${width}px Tab reaches the header's search box`, trail);
  check(at('menu') > 0, `at ${width}px Tab reaches the menu`, trail);
  check(at('main') > Math.max(at('search'), at('menu')), `at ${width}px the main content comes after the search box and the menu`, trail);
  // A collapsed phone menu (<details>) opens from the keyboard and its links follow.
  const summary = page.locator('header details > summary').first();
  if (await summary.count() && await summary.isVisible()) {
    await summary.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const f = await focused();
    check(f.kind === 'menu' && /^a /.test(f.what), `at ${width}px Enter opens the menu and Tab reaches its first link`, f.what);
  }
  // The skip link takes the focus to the main content.
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.keyboard.press('Tab');
  if ((await focused()).kind !== 'skip') {
    fail(`at ${width}px Enter on the skip link moves the focus into the main content`, 'no skip link first');
    await context.close();
    return;
  }
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement && document.activeElement.id);
  await page.keyboard.press('Tab');
  const next = await focused();
  check(target === 'indhold' && next.kind === 'main', `at ${width}px Enter on the skip link moves the focus into the main content`,
    `focus on #${target}, then ${next.what}`);
  check(!page.problems.length, `at ${width}px the keyboard walk has no console error`, page.problems.join('; '));
  await context.close();
}

// ---- 4. every page, and the icons they name
function htmlPages() {
  const found = [];
  const stack = [root];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== '_klar') stack.push(f); } else if (e.name.endsWith('.html')) {
        const rel = '/' + path.relative(root, f).split(path.sep).join('/');
        found.push(rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
      }
    }
  }
  return found.sort();
}
async function everyPage() {
  const urls = htmlPages();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await watchedPage(context);
  const icons = new Map();
  const bad = [];
  let clean = 0;
  const t0 = Date.now();
  for (const url of urls) {
    page.problems = [];
    const r = await page.goto(base + url, { waitUntil: 'load' }).catch((e) => ({ status: () => String(e.message) }));
    if (r.status() !== 200) page.problems.push(`status ${r.status()}`);
    // Chromium asks for no icon when headless: fetch the ones the page names
    // (or /favicon.ico, where a browser looks when none is named) below.
    const named = await page.evaluate(() => [...document.querySelectorAll('link[rel~="icon"], link[rel="apple-touch-icon"]')]
      .map((l) => l.href)).catch(() => []);
    for (const i of named.length ? named : [base + '/favicon.ico']) if (!icons.has(i)) icons.set(i, url);
    // The first ten pages with problems in detail: one broken asset breaks them all.
    if (!page.problems.length) clean++;
    else if (bad.length < 10) bad.push(`${url}: ${page.problems.join('; ')}`);
  }
  for (const b of bad) console.log(`# ${b}`);
  check(clean === urls.length, `${clean} of ${urls.length} pages load with no console error or failed request`,
    `${urls.length - clean} with problems (the first ${bad.length} above)`);
  console.log(`# ${urls.length} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let named = 0;
  for (const [icon, from] of icons) {
    const r = await page.request.get(icon);
    const type = r.headers()['content-type'] || '';
    const good = r.status() === 200 && /^image\//.test(type);
    if (!icon.endsWith('/favicon.ico')) named++;
    check(good, `[icons] the icon ${icon.slice(base.length)} (named by ${from}) answers 200 with an image`, `${r.status()} ${type}`);
  }
  check(named > 0, '[icons] the pages name an icon (<link rel="icon">)', 'none named');
  // A missing page: the 404 page answers 404 with everything it uses loading
  // from a deep URL (its links must not be relative to where it lives).
  page.problems = [];
  page.expect404 = base + '/findes/ikke/her/';
  const r = await page.goto(page.expect404, { waitUntil: 'load' });
  page.expect404 = null;
  const styled = await page.evaluate(() => document.styleSheets.length > 0 && getComputedStyle(document.body).fontFamily.includes('Noto'));
  check(r.status() === 404 && styled && !page.problems.length, 'a missing page gets the styled 404 page with everything it uses',
    `status ${r.status()}, styled ${styled}; ${page.problems.join('; ')}`);
  await context.close();
}

// ---- 5. screenshots
async function screenshots(guide) {
  for (const [width, height] of [[390, 844], [1280, 800]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    for (const [name, url] of [['forside', '/'], ['pixi-guide', guide]]) {
      await page.goto(base + url, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
      await page.screenshot({ path: path.join(shots, `${name}-${width}-hel.png`), fullPage: true });
    }
    await context.close();
  }
  const made = fs.readdirSync(shots).filter((f) => f.endsWith('.png'));
  check(made.length >= 8, `screenshots of the front page and ${guide} at 390 and 1280 px in ${path.relative(process.cwd(), shots)}`,
    made.join(' '));
}

// A part that throws (a page that navigates away under the test, a missing
// element) is a failure of that part; the others still run.
async function part(name, fn) {
  try {
    return await fn();
  } catch (e) {
    fail(`${name} runs to the end`, String(e && e.message || e).split('\n')[0]);
    return null;
  }
}

const t0 = Date.now();
try {
  const guide = await part('the walk to the booklet', walkToBooklet);
  for (const q of Object.keys(expectedFirst)) await part(`the search for "${q}"`, () => search(q));
  await part('the keyboard walk at 390px', () => keyboard(390));
  await part('the keyboard walk at 1280px', () => keyboard(1280));
  await part('the visit of every page', everyPage);
  const pixi = fs.readdirSync(path.join(root, 'pixi')).filter((d) => fs.existsSync(path.join(root, 'pixi', d, 'index.html'))).sort();
  await part('the screenshots', () => screenshots(guide || `/pixi/${pixi.find((d) => /3-6/.test(d)) || pixi[0]}/`));
} finally {
  await browser.close();
  await site.close();
}
console.log(`# walk took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`walk: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
