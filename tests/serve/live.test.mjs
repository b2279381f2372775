// klar serve in Debian's headless Chromium: an open page reloads by itself
// after an edit and keeps its scroll position; a breaking edit shows the
// error overlay (an accessible alertdialog, axe-clean) over the last good
// page; the overlay can be closed; the fix reloads the page without it.
//   node live.test.mjs URL PAGE.md OUTDIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../browser/package.json'));
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, mdFile, outDir] = process.argv.slice(2);
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok ${name}`); };
const fail = (name, why) => { failed++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); };
const check = (cond, name, why) => (cond ? ok(name) : fail(name, why));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 800, height: 400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + 'temaer/robusthed/', { waitUntil: 'load' });
  await page.waitForFunction(() => window.klarLive && window.klarLive.events.readyState === 1, null, { timeout: 10000 });
  ok('the page opens its event stream');
  const good = fs.readFileSync(mdFile, 'utf8');
  await page.evaluate(() => window.scrollTo(0, 300));
  await page.evaluate(() => { window.klarOld = true; });
  const y0 = await page.evaluate(() => window.scrollY);

  // An edit: the page reloads by itself, at the same place.
  const t0 = Date.now();
  fs.writeFileSync(mdFile, good + '\nDen genindlæste sætning.\n');
  await page.waitForFunction(() => !window.klarOld && document.body.innerText.includes('Den genindlæste sætning'),
    null, { timeout: 60000 });
  ok(`the page reloads by itself after an edit (${Date.now() - t0} ms)`);
  await page.waitForTimeout(200);
  const y1 = await page.evaluate(() => window.scrollY);
  check(y0 === 300 && Math.abs(y1 - y0) <= 2, 'the reload keeps the scroll position', `before ${y0}, after ${y1}`);

  // A breaking edit: the overlay over the last good page.
  await page.evaluate(() => { window.klarOld = true; });
  const broken = good.replace(/^title: /m, 'title: "');
  fs.writeFileSync(mdFile, broken);
  const dialog = page.locator('#klar-overlay [role="alertdialog"]');
  await dialog.waitFor({ state: 'visible', timeout: 60000 });
  ok('a breaking edit shows the overlay');
  const text = await dialog.innerText();
  check(/content\/temaer\/robusthed\.md:2:\d+/.test(text), 'the overlay names file, line and column', text.slice(0, 200));
  check(/never closed/.test(text) && /\^/.test(text) && /title: "/.test(text), 'the overlay shows the message, the source line and a caret',
    text.slice(0, 300));
  check(await page.evaluate(() => window.klarOld === true), 'the page was not reloaded (the last good version stays)');
  check((await page.locator('main').innerText()).includes('Den genindlæste sætning'), 'the last good text is underneath');
  check(await page.evaluate(() => document.querySelector('#klar-overlay').shadowRoot.activeElement?.textContent === 'Luk'),
    'the overlay takes the focus on its close button');
  await page.screenshot({ path: path.join(outDir, 'overlay.png') });
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['#klar-overlay']] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.length}`);
  });
  check(axe.length === 0, 'axe-core finds no WCAG 2.1 AA violation in the overlay', axe.join(', '));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  ok('Escape closes the overlay');

  // The same error again after a second broken save: shown again; closed by its button.
  fs.writeFileSync(mdFile, broken + '\n');
  await dialog.waitFor({ state: 'visible', timeout: 60000 });
  await page.getByRole('button', { name: 'Luk fejlvisningen' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  ok('a second failed save shows it again; its button closes it');

  // The fix: the page reloads with the new text and without the overlay.
  fs.writeFileSync(mdFile, broken + '\n');
  await page.waitForTimeout(100);
  await dialog.waitFor({ state: 'visible', timeout: 60000 });
  fs.writeFileSync(mdFile, good + '\nRettet i browseren.\n');
  await page.waitForFunction(() => !window.klarOld && document.body.innerText.includes('Rettet i browseren'), null,
    { timeout: 60000 });
  check(await page.locator('#klar-overlay').count() === 0, 'the fix reloads the page and the overlay is gone');
  const y2 = await page.evaluate(() => window.scrollY);
  check(Math.abs(y2 - y0) <= 2, 'and keeps the scroll position', `before ${y0}, after ${y2}`);
  check(errors.length === 0, 'no script errors on the page', errors.join('; '));
  await context.close();
} catch (e) {
  fail('browser test', e.message.split('\n')[0]);
} finally {
  await browser.close();
}
console.log(`live: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
