// Lists every audit that is not passed in the Lighthouse reports of a
// folder, per category, with the pages and presets where it fails and
// whether it carries weight in the score (weighted) or only advises.
//   node tests/lighthouse/failing.mjs tests/out/lighthouse
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] || 'tests/out/lighthouse';
const seen = new Map();
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const lhr = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  for (const [cid, cat] of Object.entries(lhr.categories)) {
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (a.score === null || a.score >= 1 || ['notApplicable', 'manual', 'informative'].includes(a.scoreDisplayMode)) continue;
      if (ref.group === 'metrics' || ref.group === 'hidden') continue;
      const key = `${cid}\t${ref.id}`;
      if (!seen.has(key)) seen.set(key, { cid, id: ref.id, title: a.title, weight: ref.weight, where: [], value: a.displayValue || '' });
      seen.get(key).where.push(f.replace(/\.json$/, ''));
    }
  }
}
let cat = '';
for (const v of [...seen.values()].sort((a, b) => a.cid.localeCompare(b.cid) || b.weight - a.weight)) {
  if (v.cid !== cat) { cat = v.cid; console.log(`\n${cat}`); }
  console.log(`  ${v.id}${v.weight ? ' (weighted)' : ''}: ${v.title}${v.value ? ' — ' + v.value : ''}\n    ${v.where.length} reports: ${v.where.join(' ')}`);
}
if (!seen.size) console.log('every audit passes');
