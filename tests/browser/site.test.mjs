// Browser tests of the built site in Debian's headless Chromium: pages load
// without console errors, axe-core finds no WCAG 2.1 AA violations, the video
// facade makes no request to YouTube until clicked, and screenshots are kept
// in tests/out/browser/ for people to look at.
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
const pages = ['/', '/404.html', '/outputkatalog/', '/temaer/', '/tilbud/', '/pixi/', '/nyheder/',
  '/hent/', '/om/tilgaengelighed/', '/forslag/side/2/',
  pick('forslag'), pick('kernegrupper'), pick('temaer'), pick('tilbud'), pick('konferencer'), pick('pixi'),
  pick('nyheder'), pick('livsfaser'), pick('roller')].filter(Boolean);
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

for (const width of [390, 1280]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
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
    if (width === 390) {
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const v = res.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(' ')}`);
      v.length ? fail(`${url} has no WCAG 2.1 AA violations`, v.join('; ')) : ok(`${url} has no WCAG 2.1 AA violations`);
      // No horizontal scrolling on a phone.
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      sw <= 391 ? ok(`${url} fits a 390px phone`) : fail(`${url} fits a 390px phone`, `scrollWidth ${sw}`);
    }
    await page.close();
  }
  await context.close();
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
