// The booklet preview in Debian's headless Chromium (tests/preview/run.sh runs
// it on a preview whose pixi-3-6-aar has a page that runs over and an empty
// page): the list and the booklet's page load without console errors, every
// page image loads at its size, axe-core finds no WCAG 2.1 AA violation, a
// phone needs no sideways scrolling, and the marked pages show a red outline
// and their label. Screenshots are kept beside the preview for people.
//   node tests/preview/browser.mjs DIR/_klar/booklets OUTDIR
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const [rootArg, outDir] = process.argv.slice(2);
const root = path.resolve(rootArg);
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok ${name}`); };
const fail = (name, why) => { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); };
const check = (cond, name, why) => (cond ? ok(name) : fail(name, why));

const types = { '.html': 'text/html; charset=utf-8', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(root, path.normalize(p));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

for (const width of [390, 1280]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  for (const url of ['/', '/pixi-3-6-aar/']) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const name = `${url} at ${width}px`;
    const resp = await page.goto(base + url, { waitUntil: 'load' });
    check(resp && resp.status() === 200, `${name} loads`, `status ${resp && resp.status()}`);
    check(!errors.length, `${name} has no console errors`, errors.join('; '));
    await page.screenshot({ path: path.join(outDir, `${url.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`), fullPage: true });
    if (url !== '/') {
      const imgs = await page.evaluate(() => [...document.images].map((i) => [i.alt, i.complete, i.naturalWidth]));
      const bad = imgs.filter(([, done, w]) => !done || w !== 756);
      check(imgs.length === 24 && !bad.length, `${name}: 24 page images loaded at 756 px`,
        `${imgs.length} images, not loaded: ${bad.map((x) => x[0]).join(', ')}`);
      const marks = await page.evaluate(() => [...document.querySelectorAll('figure.problem')].map((f) => {
        const s = getComputedStyle(f.querySelector('img'));
        const l = f.querySelector('.label');
        return [f.id, s.outlineStyle, s.outlineColor, l && l.textContent, l && l.getBoundingClientRect().width > 0];
      }));
      const want = JSON.stringify([['side-5', 'solid', 'rgb(176, 0, 32)', 'Løber over', true],
        ['side-7', 'solid', 'rgb(176, 0, 32)', 'Tom side', true]]);
      check(JSON.stringify(marks) === want, `${name}: pages 5 and 7 outlined in red with their labels`, JSON.stringify(marks));
    }
    if (width === 390) {
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const v = res.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(' ')}`);
      check(!v.length, `${url} has no WCAG 2.1 AA violations`, v.join('; '));
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      check(sw <= 391, `${url} fits a 390px phone`, `scrollWidth ${sw}`);
    }
    await page.close();
  }
  await context.close();
}
await browser.close();
server.close();
console.log(`preview-browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
