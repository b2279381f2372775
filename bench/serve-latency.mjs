// Measures klar serve's edit-to-reload time as a writer sees it: from the
// moment a Markdown file is written to the moment the reloaded page's last
// byte has arrived (the "reload" event on /_klar/events, then a GET of the
// page, whose body must hold the edit). Prints each edit and the median.
//   node bench/serve-latency.mjs --klar ./klar --root SITE --page content/x.md
//        --url /x/ [--edits 20] [--fm-edits 20] [--layout layouts/base.xml --layout-edits 5]
//        [-- KLAR ARGS]
// Three kinds of edit: a paragraph added to the page's body; a word added
// to its summary in the front matter (its lists show it, the page has it
// in its description); a text added to the layout's <footer> (every page
// through that layout changes; without a <footer>, a comment at its end).
// The site's files are edited in place: give it a copy (bench/serve-latency.sh does).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = { klar: './klar', edits: 20, 'fm-edits': 0, 'layout-edits': 5 };
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
const base = await new Promise((resolve, reject) => {
  server.stdout.on('data', (c) => {
    out += c;
    const m = out.match(/http:\/\/[^ ]+\//);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`klar serve exited (${code}): ${errText}`)));
});
const first = out.match(/built (\d+) pages in (\d+) ms/);
console.log(`klar serve at ${base}: first build ${first ? first[1] + ' pages in ' + first[2] + ' ms' : '?'}`);

// The event stream: each "reload" event resolves the waiter with its data.
let waiter = null;
let lastBuild = 0;
http.get(base + '_klar/events', (res) => {
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (c) => {
    buf += c;
    let at;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const ev = (block.match(/^event: (.*)$/m) || [])[1];
      const data = (block.match(/^data: (.*)$/m) || [])[1];
      if (!data) continue;
      const d = JSON.parse(data);
      if (ev === 'hello') lastBuild = d.build;
      if ((ev === 'reload' || ev === 'errors') && waiter) { const w = waiter; waiter = null; w({ ev, ...d }); }
    }
  });
});
const nextEvent = () => new Promise((resolve) => { waiter = resolve; });
const fetchPage = (url) => new Promise((resolve, reject) => {
  http.get(url, (res) => { let b = ''; res.setEncoding('utf8'); res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); })
    .on('error', reject);
});
await sleep(300);

async function measure(file, edits, edit, expect) {
  const original = fs.readFileSync(file, 'utf8');
  const times = [], builds = [], waits = [];
  for (let i = 1; i <= edits; i++) {
    await sleep(150); // let the tree settle, as between two saves by hand
    const got = nextEvent();
    const t0 = performance.now();
    fs.writeFileSync(file, edit(original, i));
    const ev = await got;
    if (ev.ev !== 'reload') throw new Error(`edit ${i} failed: ${JSON.stringify(ev.errors).slice(0, 300)}`);
    const body = await fetchPage(base + opt.url.replace(/^\//, ''));
    const t1 = performance.now();
    if (expect && !body.includes(expect(i))) throw new Error(`edit ${i}: the page lacks its text`);
    times.push(t1 - t0);
    builds.push(ev.ms);
    waits.push(ev.wait_ms);
  }
  fs.writeFileSync(file, original);
  await nextEvent();
  return { times, builds, waits };
}

const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(' ');
try {
  const md = path.join(opt.root, opt.page);
  const r = await measure(md, Number(opt.edits), (s, i) => `${s}\n\nRedigering nummer ${i} til målingen.\n`,
    (i) => `Redigering nummer ${i} til målingen`);
  console.log(`markdown edit → reloaded page, ms: ${fmt(r.times)}`);
  console.log(`  of which the session's update, ms: ${fmt(r.builds)}; gathering the burst, ms: ${r.waits.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`markdown edit median: ${median(r.times).toFixed(1)} ms (update ${median(r.builds).toFixed(1)} ms, burst ${median(r.waits).toFixed(1)} ms) over ${r.times.length} edits`);
  if (Number(opt['fm-edits']) > 0 && /^summary: /m.test(fs.readFileSync(md, 'utf8'))) {
    // The mark goes inside the summary's text, quoted or not.
    const f = await measure(md, Number(opt['fm-edits']),
      (s, i) => s.replace(/^(summary: .*?)("?)$/m, `$1 Resumeredigering ${i}$2`),
      (i) => `Resumeredigering ${i}`);
    console.log(`front matter edit → reloaded page, ms: ${fmt(f.times)}`);
    console.log(`  of which the session's update, ms: ${fmt(f.builds)}`);
    console.log(`front matter edit median: ${median(f.times).toFixed(1)} ms (update ${median(f.builds).toFixed(1)} ms) over ${f.times.length} edits`);
  }
  if (opt.layout && Number(opt['layout-edits']) > 0) {
    const lf = path.join(opt.root, opt.layout);
    const footer = /<footer[^>]*>/.test(fs.readFileSync(lf, 'utf8'));
    const l = await measure(lf, Number(opt['layout-edits']),
      (s, i) => footer ? s.replace(/<footer[^>]*>/, (m) => `${m}<p>Layoutredigering ${i}</p>`) : `${s}<!-- edit ${i} -->\n`,
      footer ? (i) => `Layoutredigering ${i}` : null);
    console.log(`layout edit → reloaded page, ms: ${fmt(l.times)}`);
    console.log(`  of which the session's update, ms: ${fmt(l.builds)}`);
    console.log(`layout edit median: ${median(l.times).toFixed(1)} ms (update ${median(l.builds).toFixed(1)} ms) over ${l.times.length} edits`);
  }
} catch (e) {
  console.log(`serve-latency: ${e.message}`);
  process.exitCode = 1;
} finally {
  server.kill('SIGINT');
  const code = await new Promise((r) => server.on('exit', r));
  if (code !== 0) { console.log(`klar serve exited with ${code}: ${errText.slice(-500)}`); process.exitCode = 1; }
  process.exit();
}
