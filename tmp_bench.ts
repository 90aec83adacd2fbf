import * as fs from 'node:fs';
import { featurizeCatalog } from './src/engine/features/featurize';
import type { Catalog } from './src/engine/data/types';
function beauty(): Catalog {
  const items = fs.readFileSync('/work/shared/data/beauty/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return { id: String(r.id), fields: r }; });
  return { items, indexById: new Map(items.map((it, i) => [it.id, i])), source: 'beauty' };
}
const cat = beauty();
const t0 = Date.now(); const c0 = process.cpuUsage();
const r = featurizeCatalog(cat, { textFields: ['title', 'brand', 'categories'], dim: 256, seed: 0 });
const cu = process.cpuUsage(c0);
console.log('vocab', r.vocabulary, 'empty', r.emptyItems, 'wall ms', Date.now() - t0, 'cpu ms', (cu.user + cu.system) / 1000);
