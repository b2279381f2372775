// Checks the index's excerpt budget: a page gives at most 12 excerpts
// (EXCERPTS_PER_PAGE in generator/site/search_index.c), and a word on many
// pages keeps one for each of its best pages. The index once stored an
// excerpt for every word's best pages, the page's text several times over.
//   node tests/search/budget.mjs INDEX-FOLDER
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const dir = process.argv[2];
const shards = {};
const ctx = { klarSearch: { shard: (p, d) => { shards[p] = d; } } };
vm.createContext(ctx);
for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('t-')))
  vm.runInContext(fs.readFileSync(path.join(dir, f), 'utf8'), ctx);
let passed = 0, failed = 0;
const check = (ok, what, detail) => {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`); }
};
const per = {};
let common = null;
for (const d of Object.values(shards)) {
  for (const [stem, e] of Object.entries(d)) {
    for (const id of Object.keys(e[1] || {})) per[id] = (per[id] || 0) + 1;
    if (stem === 'barn') common = e;
  }
}
const most = Math.max(...Object.values(per));
check(most <= 12, 'a page gives at most 12 excerpts', `${most}`);
check(Object.keys(per).length > 0, 'pages give excerpts');
check(common && Object.keys(common[1] || {}).length === 5, '"barn" has an excerpt for each of its 5 best pages',
  common && JSON.stringify(Object.keys(common[1] || {})));
console.log(`search-budget: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
