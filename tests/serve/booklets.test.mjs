// klar serve's booklet preview in Debian's headless Chromium: an open spread
// page of a pixi re-renders by itself after its source is edited, the image
// of the edited page is a different image (another URL and other pixels)
// with the overflow label shown, the other pages keep their images; the
// site's pages carry a link to the preview; the revert takes the label away.
//   node booklets.test.mjs URL PIXI.md OUTDIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../browser/package.json'));
const { chromium } = require('playwright-core');

const [base, mdFile, outDir] = process.argv.slice(2);
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok ${name}`); };
const fail = (name, why) => { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); };
const check = (cond, name, why) => (cond ? ok(name) : fail(name, why));

// Three paragraphs more under Robusthed's "Det kan I gøre" (after line 28):
// page 5 runs over, as in tests/preview.
const good = fs.readFileSync(mdFile, 'utf8');
const lines = good.split('\n');
const longer = [...lines.slice(0, 28),
  'Læg mærke til, hvad barnet selv foreslår, når noget går galt, og giv det tid til at prøve sin egen idé, før I hjælper.', '',
  'Fortæl barnet, at det er helt almindeligt at blive skuffet, og at skuffelsen går over igen, når man har prøvet en gang til.', '',
  'Ros barnet for at blive ved, ikke for at vinde: det er viljen til at prøve igen, der gør barnet robust i det lange løb, også i skolen.', '',
  ...lines.slice(28)].join('\n');

// The pixels of an image on the page, as a data URL (same origin).
const pixels = (page, sel) => page.evaluate((s) => {
  const img = document.querySelector(s);
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  c.getContext('2d').drawImage(img, 0, 0);
  return c.toDataURL('image/png');
}, sel);
const loaded = (page) => page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0),
  null, { timeout: 30000 });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The site's page links to the preview.
  await page.goto(base + 'temaer/robusthed/', { waitUntil: 'load' });
  const link = page.locator('#klar-booklets a');
  await link.waitFor({ state: 'visible', timeout: 10000 });
  check(await link.getAttribute('href') === '/_klar/booklets/' && (await link.innerText()) === 'Hæfter',
    'a served page shows a "Hæfter" link to the preview');

  const pngs = [];
  page.on('request', (r) => { if (r.url().includes('.png')) pngs.push(r.url()); });
  await page.goto(base + '_klar/booklets/pixi-3-6-aar/', { waitUntil: 'load' });
  await page.waitForFunction(() => window.klarLive && window.klarLive.events.readyState === 1, null, { timeout: 10000 });
  await loaded(page);
  ok('the spread page opens its event stream');
  check(await page.locator('#klar-booklets').count() === 0, 'the preview itself has no link to itself');
  const p5 = 'img[src^="p05.png"]', p1 = 'img[src^="p01.png"]';
  const src5 = await page.getAttribute(p5, 'src'), src1 = await page.getAttribute(p1, 'src');
  const px5 = await pixels(page, p5);
  const overflow = page.locator('.label', { hasText: 'Løber over' });
  check(await overflow.count() === 0, 'no page is marked before the edit');
  // A mark on the old page's content: gone once the page re-renders.
  const mark = () => page.evaluate(() => { document.querySelector('main').dataset.old = '1'; });
  const fresh = () => !document.querySelector('main[data-old]');
  await mark();
  pngs.length = 0;

  const t0 = Date.now();
  fs.writeFileSync(mdFile, longer);
  await page.waitForFunction((old) => !document.querySelector('main[data-old]') &&
    document.querySelector('img[src^="p05.png"]')?.getAttribute('src') !== old, src5, { timeout: 60000 });
  await loaded(page);
  ok(`the spread page re-renders by itself after the edit (${Date.now() - t0} ms)`);
  const src5b = await page.getAttribute(p5, 'src');
  check(src5b !== src5, 'page 5 has a new image URL', `${src5} -> ${src5b}`);
  check(await pixels(page, p5) !== px5, 'page 5 is a different image (its pixels)');
  check(await page.getAttribute(p1, 'src') === src1, 'page 1 keeps its image URL');
  const label = page.locator('#side-5 .label', { hasText: 'Løber over' });
  check(await label.isVisible(), 'page 5 shows the label "Løber over"');
  const refetched = pngs.filter((u) => u.includes('/pixi-3-6-aar/'));
  check(refetched.length > 0 && refetched.length < 24, `only changed images are fetched again (${refetched.length} of 24)`,
    refetched.join(' '));
  await page.screenshot({ path: path.join(outDir, 'booklet-overflow.png') });

  await mark();
  fs.writeFileSync(mdFile, good);
  await page.waitForFunction(fresh, null, { timeout: 60000 });
  await loaded(page);
  check(await overflow.count() === 0, 'the revert takes the label away');
  check(await page.getAttribute(p5, 'src') === src5, 'and page 5 has its first image again');
  check(errors.length === 0, 'no script errors on the pages', errors.join('; '));
  await context.close();
} catch (e) {
  fail('booklets browser test', e.message.split('\n')[0]);
  fs.writeFileSync(mdFile, good);
} finally {
  await browser.close();
}
console.log(`booklets: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
