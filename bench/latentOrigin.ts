/**
 * Why the collaborative term sits at chance: the geometry of inputs and latents on a
 * real catalog. Prints, for the features x, the untrained encoder's z and z centred:
 * mean cosine of random pairs, of kept (informative) pairs, and the share of the
 * mean row in the rows' squared norm.
 *   npx tsx bench/latentOrigin.ts [items.jsonl sequences.txt]
 */
import { initBackend } from '../src/engine/tf/backend';
import { loadDataset } from '../src/engine/data/dataset';
import { featurizeCatalog } from '../src/engine/features/featurize';
import { defaultConfig } from '../src/engine/config/experiment';
import { RqVae } from '../src/engine/model/rqvae';
import { Random } from '../src/engine/util/random';
import { keptPairs } from '../src/engine/pairs/readPairsFile';

const items = process.argv[2] ?? 'examples/beauty/data/items.jsonl';
const seqs = process.argv[3] ?? 'examples/beauty/data/sequences.txt';

function stats(name: string, x: Float32Array, dim: number, pa: Int32Array, pb: Int32Array, rnd: Random): void {
  const rows = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let d = 0; d < dim; d++) mean[d] += x[i * dim + d] / rows;
  let sq = 0;
  for (let i = 0; i < rows; i++) for (let d = 0; d < dim; d++) sq += x[i * dim + d] ** 2 / rows;
  const meanSq = mean.reduce((s, v) => s + v * v, 0);
  const cos = (i: number, j: number, c: boolean): number => {
    let ab = 0, aa = 0, bb = 0;
    for (let d = 0; d < dim; d++) {
      const u = x[i * dim + d] - (c ? mean[d] : 0), v = x[j * dim + d] - (c ? mean[d] : 0);
      ab += u * v; aa += u * u; bb += v * v;
    }
    return ab / Math.sqrt(aa * bb + 1e-30);
  };
  const m = 4000;
  for (const c of [false, true]) {
    let r = 0, p = 0, win = 0;
    for (let k = 0; k < m; k++) {
      const i = Math.floor(rnd.next() * rows), j = Math.floor(rnd.next() * rows);
      const t = Math.floor(rnd.next() * pa.length);
      const cr = cos(i, j, c), cp = cos(pa[t], pb[t], c);
      r += cr; p += cp; if (cp > cr) win++;
    }
    console.log(`${name}${c ? ' centred' : ''}: cos random ${(r / m).toFixed(4)}  cos pairs ${(p / m).toFixed(4)}  P(pair > random) ${(win / m).toFixed(3)}  |mean|^2 / E|x|^2 ${(meanSq / sq).toFixed(4)}`);
  }
}

async function main(): Promise<void> {
  const { tf } = await initBackend('auto', null);
  const cfg = defaultConfig();
  const data = await loadDataset({ ...cfg.data, items, id_field: 'id', text_fields: ['title', 'brand', 'categories'], interactions: seqs });
  const f = featurizeCatalog(data.catalog, { textFields: ['title', 'brand', 'categories'], dim: 256, seed: 0 }).matrix;
  if (!data.interactions) throw new Error(`${seqs}: no interactions`);
  const mined = keptPairs(data.interactions.train, data.catalog.items.map((i) => i.id), cfg.collab.pairs);
  console.log(`items ${f.rows}, kept pairs ${mined.kept}`);
  const rnd = Random.derive(0, 'diagnostics/random-pairs');
  stats('features x', f.data, f.dim, mined.a, mined.b, rnd);
  const model = new RqVae(tf, { inputDim: f.dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, Random.derive(0, 'model-init'));
  const z = tf.tidy(() => model.encode(tf.tensor2d(f.data, [f.rows, f.dim])).dataSync() as Float32Array);
  stats('init z', z, 32, mined.a, mined.b, rnd);
  // The same encoder without biases: how much of the common part comes from them.
  for (const b of model.encoder.biases) b.assign(tf.zerosLike(b));
  const z0 = tf.tidy(() => model.encode(tf.tensor2d(f.data, [f.rows, f.dim])).dataSync() as Float32Array);
  stats('init z, zero biases', z0, 32, mined.a, mined.b, rnd);
}
void main();
