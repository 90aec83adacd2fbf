import * as fs from 'node:fs';
import { featurizeCatalog } from './src/engine/features/featurize';
import { catalogTokens } from './src/engine/features/itemTokens';
import type { Catalog } from './src/engine/data/types';
import { Random } from './src/engine/util/random';
function mk(items: { id: string; fields: Record<string, unknown> }[], source: string): Catalog {
  return { items, indexById: new Map(items.map((it, i) => [it.id, i])), source };
}
const which = process.argv[2] ?? 'beauty';
const cat = which === 'beauty'
  ? mk(fs.readFileSync('/work/shared/data/beauty/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return { id: String(r.id), fields: r }; }), 'b')
  : mk(Object.entries(JSON.parse(fs.readFileSync('/work/shared/data/microlens/Microlens.item.json', 'utf8'))).map(([id, r]) => ({ id, fields: r as Record<string, unknown> })), 'm');
const fields = which === 'beauty' ? ['title', 'brand', 'categories'] : ['title'];
const t0 = Date.now();
const r = featurizeCatalog(cat, { textFields: fields, dim: 256, seed: 0 });
console.log('vocab', r.vocabulary, 'empty', r.emptyItems, 'ms', Date.now() - t0);
const { rows: n, dim, data } = r.matrix;
const keys = catalogTokens(cat, fields).map((t) => [...new Set(t)].sort().join('\u0000'));
const cos = (i: number, j: number) => { let s = 0; for (let c = 0; c < dim; c++) s += data[i * dim + c] * data[j * dim + c]; return s; };
const rnd = new Random(1); let sum = 0; const P = 20000;
for (let p = 0; p < P; p++) { const i = rnd.int(n); let j = rnd.int(n - 1); if (j >= i) j++; sum += cos(i, j); }
console.log('mean random cos', (sum / P).toFixed(4));
// nearest pairs via 1-D projection windows
const dir = new Float64Array(dim).map(() => rnd.normal()); const dn = Math.hypot(...dir);
const proj = Array.from({ length: n }, (_, i) => { let s = 0; for (let c = 0; c < dim; c++) s += data[i * dim + c] * dir[c]; return s / dn; });
const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => proj[a] - proj[b]);
const W = 0.02; let minD = Infinity; let minPair = [0, 0]; let dupMismatch = 0; const dists: number[] = [];
for (let a = 0; a < n; a++) for (let b = a + 1; b < n && proj[order[b]] - proj[order[a]] < W; b++) {
  const i = order[a], j = order[b]; const d = Math.sqrt(Math.max(0, 2 - 2 * cos(i, j)));
  let e = 0; for (let c = 0; c < dim; c++) e += (data[i * dim + c] - data[j * dim + c]) ** 2; const dd = Math.sqrt(e);
  if (keys[i] === keys[j]) { if (dd !== 0) dupMismatch++; continue; }
  dists.push(dd); if (dd < minD) { minD = dd; minPair = [i, j]; }
}
dists.sort((a, b) => a - b);
console.log('min dist', minD, 'smallest', dists.slice(0, 8).map((x) => x.toExponential(2)).join(' '), 'dup mismatches', dupMismatch);
console.log(JSON.stringify(cat.items[minPair[0]].fields[fields[0]]), '|', JSON.stringify(cat.items[minPair[1]].fields[fields[0]]));
console.log(keys[minPair[0]].split('\u0000').join(' '), '\n', keys[minPair[1]].split('\u0000').join(' '));
// same leaf category vs random
if (which === 'beauty') {
  const leaf = cat.items.map((it) => String(it.fields.categories).split('|')[0].trim());
  const byLeaf = new Map<string, number[]>(); leaf.forEach((l, i) => { const a = byLeaf.get(l) ?? []; a.push(i); byLeaf.set(l, a); });
  let s2 = 0, cnt = 0; const groups = [...byLeaf.values()].filter((g) => g.length > 1);
  for (let p = 0; p < 20000; p++) { const g = groups[rnd.int(groups.length)]; const i = g[rnd.int(g.length)]; const j = g[rnd.int(g.length)]; if (i === j) continue; s2 += cos(i, j); cnt++; }
  console.log('same-leaf mean cos', (s2 / cnt).toFixed(4));
}
