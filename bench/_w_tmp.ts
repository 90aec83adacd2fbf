import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Random } from '../src/engine/util/random';
import type { Scalar, Tensor } from '../src/engine/tf/types';
async function probe(): Promise<string> {
  const rt = await initBackend('wasm', null); const tf = rt.tf;
  const model = new RqVae(tf, { inputDim: 768, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, new Random(0));
  const variables = model.variables();
  const data = new Float32Array(512 * 768); const rnd = new Random(1); for (let i = 0; i < data.length; i++) data[i] = rnd.normal() * 0.05;
  const out: string[] = [];
  for (let s = 0; s < 8; s++) { const t0 = performance.now(); tf.tidy(() => { const x = tf.tensor2d(data, [512, 768]);
      const { grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
      variables.map((v) => (grads[v.name] as Tensor).dataSync()); }); out.push((performance.now() - t0).toFixed(0)); }
  return out.join(' ');
}
if (isMainThread) { probe().then((r) => { console.log('main', r);
  const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true }); w.on('message', (m) => { console.log('worker', m); void w.terminate(); }); });
} else { probe().then((r) => parentPort?.postMessage(r)); }
