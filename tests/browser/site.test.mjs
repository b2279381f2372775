// Browser tests of the built site in Debian's headless Chromium: pages load
// without console errors, axe-core finds no WCAG 2.1 AA violations, the video
// facade makes no request to YouTube until clicked, and screenshots are kept
// in tests/out/browser/ for people to look at. Phone first: on a 390 × 844
// screen the header is one row, h1 is the largest heading, nothing scrolls
// sideways, the front page starts with the age groups and /pixi/ shows its
// age buttons on the first screen; each page's CSS stays under 15 KB; no
// amount, percentage or date breaks across lines; the matrix prints on A4.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const [rootArg, outDir] = process.argv.slice(2);
const root = path.resolve(rootArg);
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok ${name}`); };
const fail = (name, why) => { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); };

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.png': 'image/png', '.woff2': 'font/woff2',
  '.xml': 'application/xml', '.pdf': 'application/pdf', '.txt': 'text/plain' };

// The site's base path: pages are served under it as on the real host.
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(root, path.normalize(p));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(fs.existsSync(path.join(root, '404.html')) ? fs.readFileSync(path.join(root, '404.html')) : 'not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// Pages to visit: the front page and one page of every kind the site has.
function pick(dir) {
  const d = path.join(root, dir);
  if (!fs.existsSync(d)) return null;
  const sub = fs.readdirSync(d).filter((x) => fs.existsSync(path.join(d, x, 'index.html'))).sort();
  return sub.length ? `/${dir}/${sub[0]}/` : null;
}
// Every built HTML page, relative to root.
function htmlFiles(dir = root) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(f));
    else if (e.name.endsWith('.html')) out.push(f);
  }
  return out;
}
// The page that shows the interface matrix (a layout, found by its table).
const matrixPage = (() => {
  for (const f of htmlFiles()) {
    if (f.endsWith('index.html') && fs.readFileSync(f, 'utf8').includes('class="matrix"')) {
      return '/' + path.relative(root, path.dirname(f)) + '/';
    }
  }
  return null;
})();
const pages = ['/', '/404.html', '/outputkatalog/', '/temaer/', '/tilbud/', '/pixi/', '/nyheder/',
  '/hent/', '/om/tilgaengelighed/', '/forslag/side/2/',
  pick('forslag'), pick('kernegrupper'), pick('temaer'), pick('tilbud'), pick('konferencer'), pick('pixi'),
  pick('nyheder'), pick('livsfaser'), pick('roller'), matrixPage].filter(Boolean);
const videoPage = (() => {
  const stack = [root];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) stack.push(f);
      else if (e.name === 'index.html' && fs.readFileSync(f, 'utf8').includes('data-video-id')) {
        return '/' + path.relative(root, path.dirname(f)) + '/';
      }
    }
  }
  return null;
})();
if (videoPage && !pages.includes(videoPage)) pages.push(videoPage);

// Facts about the open page that the phone-first checks need.
const measure = () => {
  const shown = (e) => e.checkVisibility({ visibilityProperty: true });
  const size = (e) => parseFloat(getComputedStyle(e).fontSize);
  const h1 = [...document.querySelectorAll('h1')].filter(shown).map(size);
  const others = [...document.querySelectorAll('h2, h3')].filter(shown).map((e) => [e.tagName + ' ' + e.textContent.trim().slice(0, 30), size(e)]);
  const header = document.querySelector('.site-header__inner');
  const row = header ? [...header.children].filter(shown).map((e) => e.getBoundingClientRect()) : [];
  const sheets = [...document.querySelectorAll('link[rel="stylesheet"]')]
    .filter((l) => !l.media || l.media === 'all' || l.media === 'screen').map((l) => new URL(l.href).pathname);
  const fonts = [...document.querySelectorAll('link[rel="preload"][as="font"]')].map((l) => new URL(l.href).pathname);
  const menuLink = document.querySelector('.site-nav a');
  return {
    h1, others,
    header: document.querySelector('.site-header')?.getBoundingClientRect().height ?? 0,
    oneRow: row.every((r) => r.top < row[0].bottom && r.bottom > row[0].top),
    sheets, fonts,
    menuShown: menuLink ? shown(menuLink) : false,
    scrollWidth: document.documentElement.scrollWidth,
    // boxes inside main that scroll sideways themselves (a wide table)
    sideways: [...document.querySelectorAll('main *')].filter((e) => e.scrollWidth > e.clientWidth + 1 &&
      /auto|scroll/.test(getComputedStyle(e).overflowX) && shown(e)).map((e) => e.tagName + '.' + e.className),
  };
};
const maxCss = 15000;

for (const [width, height] of [[390, 844], [1280, 800]]) {
  const context = await browser.newContext({ viewport: { width, height } });
  for (const url of pages) {
    const page = await context.newPage();
    const errors = [];
    const external = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (!u.startsWith(base)) { external.push(u); return route.abort(); }
      return route.continue();
    });
    const name = `${url} at ${width}px`;
    const resp = await page.goto(base + url, { waitUntil: 'load' });
    if (!resp || (resp.status() !== 200 && url !== '/404.html')) { fail(`${name} loads`, `status ${resp && resp.status()}`); await page.close(); continue; }
    errors.length ? fail(`${name} has no console errors`, errors.join('; ')) : ok(`${name} has no console errors`);
    external.length ? fail(`${name} makes no request off the site`, external.join(' ')) : ok(`${name} makes no request off the site`);
    const shot = path.join(outDir, `${url.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`);
    await page.screenshot({ path: shot, fullPage: false });
    const m = await page.evaluate(measure);
    const big = m.others.filter(([, px]) => px >= Math.min(...m.h1));
    m.h1.length === 1 && big.length === 0 ? ok(`${name}: h1 is the largest heading`)
      : fail(`${name}: h1 is the largest heading`, `h1 ${m.h1.join(', ')} px; ${big.map(([t, px]) => `${t} ${px} px`).join('; ')}`);
    const css = m.sheets.reduce((n, p) => n + fs.statSync(path.join(root, p)).size, 0);
    css <= maxCss ? ok(`${name}: CSS ${css} bytes (at most ${maxCss})`) : fail(`${name}: CSS at most ${maxCss} bytes`, `${css} bytes in ${m.sheets.join(' ')}`);
    const preload = ['noto-sans-regular', 'noto-sans-bold'].filter((f) => !m.fonts.some((p) => p.includes(f + '.')));
    preload.length ? fail(`${name}: both font weights preloaded`, `missing ${preload.join(', ')}`) : ok(`${name}: both font weights preloaded`);
    if (width === 390) {
      m.header <= 80 && m.oneRow ? ok(`${name}: header is one row (${m.header} px)`) : fail(`${name}: header is one row of at most 80 px`, `${m.header} px, one row: ${m.oneRow}`);
      !m.menuShown ? ok(`${name}: the menu is folded away`) : fail(`${name}: the menu is folded away`);
    } else {
      m.menuShown ? ok(`${name}: the whole menu is shown`) : fail(`${name}: the whole menu is shown`);
    }
    {
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const v = res.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(' ')}`);
      v.length ? fail(`${name}: no WCAG 2.1 AA violations`, v.join('; ')) : ok(`${name}: no WCAG 2.1 AA violations`);
    }
    // No horizontal scrolling.
    m.scrollWidth <= width && m.sideways.length === 0 ? ok(`${name}: nothing scrolls sideways`)
      : fail(`${name}: nothing scrolls sideways`, `scrollWidth ${m.scrollWidth}; ${m.sideways.join(' ')}`);
    await page.close();
  }
  await context.close();
}

// The first screen of a phone (390 × 844): the front page starts with the
// age groups, /pixi/ shows its first age button, the menu opens without
// JavaScript and is reached by keyboard.
{
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + '/', { waitUntil: 'load' });
  const front = await page.evaluate(() => {
    const first = document.querySelector('main > section');
    const a = first && first.querySelector('a[href*="/pixi/"]');
    return { first: first ? first.className + ' ' + (first.querySelector('h1, h2')?.textContent ?? '') : null,
      bottom: a ? a.getBoundingClientRect().bottom : null,
      guides: first ? first.querySelectorAll('a[href*="/pixi/"]').length : 0,
      stages: first ? first.querySelectorAll('a[href*="/livsfaser/"]').length : 0 };
  });
  front.guides > 0 && front.stages > 0 ? ok('the front page\'s first section is the age groups, with guides and offers')
    : fail('the front page\'s first section is the age groups, with guides and offers', JSON.stringify(front));
  front.bottom !== null && front.bottom < 844 ? ok(`the first age group is on the first screen (bottom ${front.bottom} px)`)
    : fail('the first age group is on the first screen', String(front.bottom));
  // The menu: Tab reaches its button, Enter opens it, Tab goes on to its links.
  let tag = '';
  for (let i = 0; i < 6 && tag !== 'SUMMARY'; i++) {
    await page.keyboard.press('Tab');
    tag = await page.evaluate(() => document.activeElement.tagName);
  }
  if (tag !== 'SUMMARY') {
    fail('Tab reaches the menu button', tag);
  } else {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => ({ inMenu: !!document.activeElement.closest('.site-nav'), tag: document.activeElement.tagName }));
    next.inMenu && next.tag === 'A' ? ok('the menu opens by keyboard without JavaScript') : fail('the menu opens by keyboard without JavaScript', JSON.stringify(next));
    await page.screenshot({ path: path.join(outDir, 'menu-open-390.png') });
  }
  await page.goto(base + '/pixi/', { waitUntil: 'load' });
  const pixi = await page.evaluate(() => document.querySelector('main .age-button')?.getBoundingClientRect().bottom ?? null);
  pixi !== null && pixi < 844 ? ok(`/pixi/: the first age button is on the first screen (bottom ${pixi} px)`)
    : fail('/pixi/: the first age button is on the first screen', String(pixi));
  await context.close();
}

// The matrix printed on A4: no menu, the whole table inside the page width;
// the PDF is kept for people to look at.
if (!matrixPage) {
  fail('a page with the interface matrix exists');
} else {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base + matrixPage, { waitUntil: 'load' });
  await page.pdf({ path: path.join(outDir, 'matrix-print.pdf'), preferCSSPageSize: true, printBackground: true });
  // A4 less the @page margins is about 680 CSS px wide.
  await page.setViewportSize({ width: 680, height: 1000 });
  await page.emulateMedia({ media: 'print' });
  const pr = await page.evaluate(() => {
    const t = document.querySelector('table.matrix');
    const nav = document.querySelector('.site-nav');
    return { table: t ? t.getBoundingClientRect().width : null, shown: t ? t.getClientRects().length > 0 : false,
      nav: nav ? nav.getClientRects().length > 0 : false, width: document.documentElement.scrollWidth };
  });
  pr.shown && pr.table <= 680 && pr.width <= 680 ? ok(`the matrix prints inside A4 (${pr.table} px)`) : fail('the matrix prints inside A4', JSON.stringify(pr));
  !pr.nav ? ok('a printed page has no menu') : fail('a printed page has no menu');
  await context.close();
}

// No amount, percentage or date breaks across lines: in every page's text
// (code left out) the spaces of "10 kr.", "kr. 500", "50 %" and "3. maj"
// are no-break spaces.
{
  const months = 'januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december';
  // Not \s: in JavaScript it matches the no-break space too. A tag between
  // the parts ("<strong>10</strong> kr.") is left as a NUL.
  const sp = '\\u0000*[ \\t\\n\\r]+\\u0000*';
  const bad = new RegExp(`\\d${sp}(kr\\b|mio\\.|mia\\.|%|procent\\b|pct\\.)|\\bkr\\.${sp}\\d|\\b\\d{1,2}\\.${sp}(${months})\\b|\\b(${months})${sp}\\d{4}\\b`);
  const found = [];
  for (const f of htmlFiles()) {
    const text = fs.readFileSync(f, 'utf8')
      .replace(/<(script|style|pre|code|textarea)\b[\s\S]*?<\/\1>/g, ' ')
      .replace(/<[^>]*>/g, '\u0000');
    const hit = text.match(bad);
    if (hit) found.push(`${path.relative(root, f)}: "${text.slice(Math.max(0, hit.index - 20), hit.index + hit[0].length + 5).replace(/\u0000/g, '')}"`);
  }
  found.length ? fail('no amount, percentage or date breaks across lines', `${found.length} pages, e.g. ${found.slice(0, 3).join('; ')}`)
    : ok(`no amount, percentage or date breaks across lines (${htmlFiles().length} pages)`);
}

// The video facade: nothing from YouTube before the click; a nocookie iframe
// with a title after it.
if (!videoPage) {
  fail('a page with the video facade exists');
} else {
  const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  await page.route('**/*', (route) => {
    const u = route.request().url();
    requests.push(u);
    return u.startsWith(base) ? route.continue() : route.fulfill({ status: 204, body: '' });
  });
  await page.goto(base + videoPage, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const yt = requests.filter((u) => /youtube|ytimg|google/.test(u));
  yt.length ? fail('no request to YouTube before the click', yt.join(' ')) : ok('no request to YouTube before the click');
  const button = page.locator('.video-facade').first();
  const label = (await button.innerText()).trim();
  /afspil/i.test(label) ? ok('the facade has a Danish play button') : fail('the facade has a Danish play button', label);
  await page.screenshot({ path: path.join(outDir, 'video-before.png') });
  await button.click();
  const iframe = page.locator('iframe').first();
  await iframe.waitFor({ timeout: 5000 }).catch(() => {});
  const src = await iframe.getAttribute('src').catch(() => null);
  const title = await iframe.getAttribute('title').catch(() => null);
  src && src.startsWith('https://www.youtube-nocookie.com/embed/') ? ok('click loads a youtube-nocookie.com iframe') : fail('click loads a youtube-nocookie.com iframe', String(src));
  title ? ok('the iframe has a title') : fail('the iframe has a title');
  await context.close();
}

await browser.close();
server.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
