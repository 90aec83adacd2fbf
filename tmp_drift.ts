import * as fs from 'node:fs';
import { featurizeCatalog } from './src/engine/features/featurize';
import { Random } from './src/engine/util/random';
const items = Object.entries(JSON.parse(fs.readFileSync('/work/shared/data/microlens/Microlens.item.json', 'utf8'))).map(([id, r]) => ({ id, fields: r as Record<string, unknown> }));
const cat = { items, indexById: new Map(), source: '' };
const t0 = Date.now();
const a = featurizeCatalog(cat, { textFields: ['title'], dim: 256, seed: 0 }).matrix;
const t1 = Date.now();
const b = featurizeCatalog(cat, { textFields: ['title'], dim: 256, seed: 1 }).matrix;
const cos = (m: typeof a, i: number, j: number, c0 = 0, c1 = m.dim) => { let s = 0; for (let c = c0; c < c1; c++) s += m.data[i * m.dim + c] * m.data[j * m.dim + c]; return s; };
const r = new Random(7); let d = 0, dS = 0, mag = 0; const P = 20000;
for (let p = 0; p < P; p++) { const i = r.int(a.rows); const j = (i + 1 + r.int(a.rows - 1)) % a.rows; d += Math.abs(cos(a, i, j) - cos(b, i, j)); dS += Math.abs(cos(a, i, j, 0, 240) - cos(b, i, j, 0, 240)); mag += Math.abs(cos(a, i, j)); }
console.log('PQ', process.env.PQ, 'ms', t1 - t0, 'drift', (d / P).toFixed(4), 'svd-part drift', (dS / P).toFixed(4), 'mean |cos|', (mag / P).toFixed(4));
import { tallQr } from './src/engine/features/choleskyQr';
import { transposeTimes } from './src/engine/features/dense';
const part = (m: typeof a, k: number) => { const d = { rows: m.rows, cols: k, data: new Float64Array(m.rows * k) }; for (let i = 0; i < m.rows; i++) for (let c = 0; c < k; c++) d.data[i * k + c] = m.data[i * m.dim + c]; return d; };
for (const k of [64, 128, 240]) {
  const qa = tallQr(part(a, k)).q, qb = tallQr(part(b, k)).q; const o = transposeTimes(qa, qb); let f = 0; for (const x of o.data) f += x * x;
  console.log('subspace overlap top', k, (f / k).toFixed(4));
}
let overlap = 0; const S = 200;
for (let s = 0; s < S; s++) {
  const i = r.int(a.rows);
  const top = (m: typeof a) => Array.from({ length: m.rows }, (_, j) => j).filter((j) => j !== i).sort((x, y) => cos(m, i, y) - cos(m, i, x)).slice(0, 10);
  const ta = new Set(top(a)); overlap += top(b).filter((j) => ta.has(j)).length / 10;
}
console.log('top-10 NN overlap', (overlap / S).toFixed(3));
