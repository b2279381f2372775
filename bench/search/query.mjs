// One query in Debian's headless Chromium, counting the real network
// requests of a search and their bytes, for klar's search page and for
// Pagefind (its JS API, and its default UI) on the same built site.
//   node bench/search/query.mjs SITE QUERY [klar|pagefind-api|pagefind-ui]...
// SITE is served on loopback as it is on disk (no compression: Pagefind's
// files are compressed on disk already, klar's are not). klar's page is
// SITE/soeg/index.html; Pagefind's index is SITE/pagefind/. Prints one JSON
// line per kind: requests and bytes of the search's own files (the page,
// its CSS and fonts are not counted for either), results and the first titles.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/browser/package.json'));
const { chromium } = require('playwright-core');

const [siteArg, query, ...kinds] = process.argv.slice(2);
const root = path.resolve(siteArg);
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.wasm': 'application/wasm', '.woff2': 'font/woff2' };
const pages = {
  '/__pagefind_api.html': `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Pagefind API</title></head><body>
<script type="module">
const pf = await import('/pagefind/pagefind.js');
const s = await pf.search(${JSON.stringify(query)});
const d = await Promise.all(s.results.slice(0, 5).map((r) => r.data()));
window.__done = { results: s.results.length, titles: d.map((x) => x.meta.title) };
</script></body></html>`,
  '/__pagefind_ui.html': `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Pagefind UI</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script>window.addEventListener('DOMContentLoaded', () => {
  new PagefindUI({ element: '#search', showSubResults: false, showImages: false }); });</script></body></html>`,
};
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (pages[p]) { res.writeHead(200, { 'content-type': types['.html'] }); res.end(pages[p]); return; }
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(root, path.normalize(p));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
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

for (const kind of kinds) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const files = [];
  const mine = kind === 'klar' ? (u) => /\/soeg\/indeks\/|\/js\/search\.|\/soeg\/search\.js$/.test(u)
    : (u) => u.includes('/pagefind/');
  page.on('requestfinished', async (req) => {
    const u = new URL(req.url()).pathname;
    if (!mine(u)) return;
    const r = await req.response();
    files.push({ file: u, bytes: r ? (await r.body()).length : 0 });
  });
  let out = {};
  if (kind === 'klar') {
    await page.goto(`${base}/soeg/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => /passer|Ingen sider/.test(document.getElementById('soeg-status').textContent),
      null, { timeout: 60000 });
    out.results = Number(((await page.textContent('#soeg-status')).match(/^\d+/) || ['0'])[0]);
    out.titles = await page.$$eval('.search-result h2', (h) => h.map((x) => x.textContent));
  } else if (kind === 'pagefind-api') {
    await page.goto(`${base}/__pagefind_api.html`);
    await page.waitForFunction(() => window.__done, null, { timeout: 60000 });
    out = await page.evaluate(() => window.__done);
  } else {
    await page.goto(`${base}/__pagefind_ui.html`);
    await page.waitForSelector('.pagefind-ui__search-input');
    await page.fill('.pagefind-ui__search-input', query);
    await page.waitForSelector('.pagefind-ui__result', { timeout: 60000 });
    await page.waitForLoadState('networkidle');
    out.results = Number((((await page.textContent('.pagefind-ui__message')) || '').match(/\d+/) || ['0'])[0]);
    out.titles = await page.$$eval('.pagefind-ui__result-title', (h) => h.map((x) => x.textContent.trim()));
  }
  await page.waitForTimeout(500);
  out.kind = kind;
  out.requests = files.length;
  out.bytes = files.reduce((a, f) => a + f.bytes, 0);
  out.files = files.map((f) => `${path.basename(f.file)}:${f.bytes}`);
  console.log(JSON.stringify(out));
  await context.close();
}
await browser.close();
server.close();
