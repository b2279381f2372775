// Checks that assets/js/search.js cuts and stems words exactly as klar's C
// code does when it makes the index: the browser stems the query, and a
// stem that differs by one letter finds nothing. Input: the output of
// build/tools/stemwords over text files (every word of the site's content),
// and the index's start.js for the irregular table. It also checks that the
// browser computes the shard of every term of the index (the FNV-1a hash of
// its stem, cut in start.js's h parts) as the C code placed it: a term in
// another shard than the browser loads is never found.
//   node tests/search/stems.mjs STEMWORDS.tsv START.js
import fs from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [tsv, startJs] = process.argv.slice(2);
const ctx = { document: { getElementById: () => null } };
ctx.window = ctx;
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(path.join(here, '../../assets/js/search.js'), 'utf8'), ctx);
vm.runInContext(fs.readFileSync(startJs, 'utf8'), ctx);
const ks = ctx.klarSearch;
let irr = null;
ks.start = (d) => { irr = d; };
vm.runInContext(fs.readFileSync(startJs, 'utf8'), ctx);

let passed = 0, failed = 0, shown = 0;
const bad = (why) => { failed++; if (shown++ < 20) console.log(`FAIL ${why}`); };
const files = new Map();
let cur = null;
for (const line of fs.readFileSync(tsv, 'utf8').split('\n')) {
  if (!line) continue;
  if (line.startsWith('# ')) { cur = []; files.set(line.slice(2), cur); continue; }
  const [word, plain, joined, stop] = line.split('\t');
  cur.push({ word, plain, joined, stop: stop === '1' });
}
const stopSet = new Set(irr.stop);
const seen = new Set();
let words = 0;
for (const [file, want] of files) {
  const got = [];
  ks.words(fs.readFileSync(file, 'utf8'), (w) => got.push(w));
  if (got.length !== want.length || got.some((w, i) => w !== want[i].word)) {
    const i = got.findIndex((w, k) => !want[k] || w !== want[k].word);
    bad(`${file}: the words differ at word ${i}: JS "${got[i]}", C "${want[i] && want[i].word}"`);
    continue;
  }
  for (const t of want) {
    if (seen.has(t.word)) continue;
    seen.add(t.word);
    words++;
    const s = ks.stem(t.word);
    if (s !== t.plain) bad(`stem of "${t.word}": JS "${s}", C "${t.plain}"`);
    else if ((irr.irr[s] || s) !== t.joined) bad(`irregular stem of "${t.word}": JS "${irr.irr[s] || s}", C "${t.joined}"`);
    if (stopSet.has(t.word) !== t.stop) bad(`stop word "${t.word}": JS ${stopSet.has(t.word)}, C ${t.stop}`);
  }
}
if (!failed) { passed++; console.log(`ok the browser cuts and stems all ${words} different words of ${files.size} files as the index does`); }

// Every term's shard, as the browser computes it.
{
  const dir = path.dirname(startJs);
  let terms = 0, wrong = 0;
  const sctx = { klarSearch: { shard: (k, d) => {
    for (const stem of Object.keys(d)) {
      terms++;
      const s = ks.shardOf(stem, irr.h);
      if (s !== k) { wrong++; if (wrong <= 5) console.log(`FAIL the browser looks for "${stem}" in shard ${s}, the index has it in ${k}`); }
    }
  } } };
  vm.createContext(sctx);
  const files = fs.readdirSync(dir).filter((f) => /^t-\d+\.js$/.test(f));
  for (const f of files) vm.runInContext(fs.readFileSync(path.join(dir, f), 'utf8'), sctx);
  const all = files.length === irr.h;
  if (!all) console.log(`FAIL ${files.length} shard files, start.js says ${irr.h}`);
  if (wrong || !all || terms < 1000) failed++;
  else { passed++; console.log(`ok the browser finds the shard of all ${terms} terms in ${files.length} shards`); }
}
if (words < 1000) { failed++; console.log(`FAIL only ${words} words compared: is the word list empty?`); }
console.log(`stems: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
