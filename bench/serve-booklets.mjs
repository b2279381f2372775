// Measures the booklet preview of klar serve as an editor sees it: a spread
// page of a pixi open in headless Chromium, its source saved, and the time
// until the page shows the edited page's new image (its URL changed, the
// image loaded and decoded). Prints each edit and the median.
//   node bench/serve-booklets.mjs --klar ./klar --root SITE [--booklet pixi-3-6-aar]
//        [--page content/pixi/pixi-3-6-aar.md] [--line 28] [--edits 10] [-- KLAR ARGS]
// Edit i rewrites line LINE of the page (a bullet on page 5 of the bundled
// pixi) with "(redigering i)" at its end. The site is edited in place: give
// it a copy (bench/serve-booklets.sh does).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/browser/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = { klar: './klar', edits: 10, booklet: 'pixi-3-6-aar', page: 'content/pixi/pixi-3-6-aar.md', line: 28 };
const extra = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--') { extra.push(...args.slice(i + 1)); break; }
  opt[args[i].replace(/^--/, '')] = args[++i];
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = spawn(opt.klar, ['serve', '--root', opt.root, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '', errText = '';
server.stderr.on('data', (c) => { errText += c; });
server.stdout.on('data', (c) => { out += c; });
const base = await new Promise((resolve, reject) => {
  const look = () => { const m = out.match(/http:\/\/[^ ]+\//); if (m) resolve(m[0]); else setTimeout(look, 20); };
  look();
  server.on('exit', (code) => reject(new Error(`klar serve exited (${code}): ${errText}`)));
});
// The first drawing of every booklet, then the spread page.
while (!/drew the preview of \d+ booklets? in (\d+) ms/.test(out)) await sleep(50);
console.log(`klar serve at ${base}: ${out.match(/built (\d+) pages in \d+ ms/)[0]}; ` +
  `${out.match(/drew the preview of \d+ booklets? in \d+ ms/)[0]}`);

const file = path.join(opt.root, opt.page);
const original = fs.readFileSync(file, 'utf8');
const lines = original.split('\n');
const n = Number(opt.line) - 1;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
let rc = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.goto(`${base}_klar/booklets/${opt.booklet}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.klarLive && window.klarLive.events.readyState === 1);
  const times = [], draws = [];
  for (let i = 1; i <= Number(opt.edits); i++) {
    await sleep(300); // as between two saves by hand
    const imgs = await page.evaluate(() => [...document.images].map((im) => im.getAttribute('src')));
    const drawn = (out.match(/drew the preview/g) || []).length;
    const t0 = Date.now();
    fs.writeFileSync(file, [...lines.slice(0, n), `${lines[n]} (redigering ${i})`, ...lines.slice(n + 1)].join('\n'));
    // Done when some page's image URL changed and every image is decoded.
    await page.waitForFunction((old) => {
      const now = [...document.images];
      return now.some((im, k) => im.getAttribute('src') !== old[k]) && now.every((im) => im.complete && im.naturalWidth > 0);
    }, imgs, { timeout: 60000, polling: 'raf' });
    const ms = Date.now() - t0;
    while ((out.match(/drew the preview/g) || []).length === drawn) await sleep(10);
    const draw = Number((out.split('\n').filter((l) => l.includes('drew the preview')).pop().match(/in (\d+) ms/) || [])[1]);
    times.push(ms);
    draws.push(draw);
    console.log(`edit ${i}: ${ms} ms from save to the re-rendered spread (drawing ${draw} ms)`);
  }
  console.log(`median of ${times.length}: ${median(times)} ms from save to the re-rendered spread ` +
    `(drawing the booklet: median ${median(draws)} ms)`);
} catch (e) {
  console.error(`serve-booklets: ${e.message.split('\n')[0]}`);
  rc = 1;
} finally {
  fs.writeFileSync(file, original);
  await browser.close();
  server.kill('SIGINT');
}
process.exit(rc);
