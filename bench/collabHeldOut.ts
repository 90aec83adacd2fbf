/**
 * Is the collaborative term failing to fit, or failing to generalise? (issue 13,
 * studies/collab/README.md). The kept pairs are split once: `--held-out` pairs (default
 * 2,048) never reach training; the rest is the training pool (optionally cut to
 * `--pool N` pairs, so that pairs recur every few steps), handed to the run as a
 * `collab.pairs.file`. Every `--every` steps the model is looked at (TrainingSink.inspect):
 *
 * - in-batch InfoNCE and accuracy, in blocks of `collab.pairs_per_step` (the step's
 *   chance level), on a fixed set of training-pool pairs (`train`) and on the held-out
 *   pairs (`held`), on the latent z and on the quantized q, with the run's similarity
 *   and temperature;
 * - on one block of training pairs, the InfoNCE gradient at (z_a, z_b) split into the
 *   positive-pull part (-S_ii / t) and the negative-push part (the log-sum-exps): their
 *   norms and the cosine between them.
 *
 *   nice -n 10 npx tsx bench/collabHeldOut.ts <experiment.yaml> --steps 300 --every 25 \
 *     [--seed S] [--set key=value] [--pool 4096] [--fuse] [--json FILE] --variant plain collab.weight=0 --variant lat ...
 *
 * `--seed S` sets `train.seed` for the features, the split, the fused input and every
 * variant, so each seed is an independent run end to end; `--set` overrides any other key
 * for all of them (e.g. engine.threads=1). Prints one JSON line per look
 * and one summary line per variant (recon, usage, collisions, coherence at every depth,
 * the last look's step means, the load average).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadExperiment } from '../src/engine/config';
import { initBackend } from '../src/engine/tf/backend';
import { epochsForSteps, parseProbeArgs, finalCodebooks, probeInputs, trainProbe, withFusedInput, type LossesEvent } from './probeTraining';
import { keptPairs } from '../src/engine/pairs/readPairsFile';
import { writePairs, type MinedPairs } from '../src/engine/pairs';
import { symmetricInfoNce, inBatchAccuracy } from '../src/engine/method/infoNce';
import { quantize } from '../src/engine/model/residualQuantizer';
import { Random } from '../src/engine/util/random';
import type { RqVae } from '../src/engine/model/rqvae';
import type { EmbeddingMatrix } from '../src/engine/data/types';
import type { TF, Tensor, Tensor2D, Scalar } from '../src/engine/tf/types';

function subset(mined: MinedPairs, idx: Int32Array): MinedPairs {
  const order = Int32Array.from(idx).sort();
  return {
    ...mined,
    a: Int32Array.from(order, (i) => mined.a[i]),
    b: Int32Array.from(order, (i) => mined.b[i]),
    k11: Int32Array.from(order, (i) => mined.k11[i]),
    score: Float64Array.from(order, (i) => mined.score[i]),
    kept: order.length,
  };
}

function rowsOf(features: EmbeddingMatrix, items: Int32Array): Float32Array {
  const out = new Float32Array(items.length * features.dim);
  items.forEach((r, i) => out.set(features.data.subarray(r * features.dim, (r + 1) * features.dim), i * features.dim));
  return out;
}

/** Positive-pull and negative-push parts of the symmetric InfoNCE (same similarity as infoNce.ts). */
function lossParts(tf: TF, a: Tensor2D, b: Tensor2D, t: number, centred: boolean): { pos: Scalar; neg: Scalar } {
  let [ac, bc] = [a, b];
  if (centred) {
    const mean = tf.mean(tf.concat([a, b], 0), 0, true);
    [ac, bc] = [tf.sub(a, mean) as Tensor2D, tf.sub(b, mean) as Tensor2D];
  }
  const norm = (x: Tensor2D) => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as Tensor2D;
  const an = norm(ac);
  const bn = norm(bc);
  const s = tf.div(tf.matMul(an, bn, false, true), t) as Tensor2D;
  const pos = tf.neg(tf.mean(tf.div(tf.sum(tf.mul(an, bn), 1), t))) as Scalar;
  const neg = tf.mean(tf.mul(tf.add(tf.logSumExp(s, 1), tf.logSumExp(tf.transpose(s), 1)), 0.5)) as Scalar;
  return { pos, neg };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = path.resolve(args.shift() ?? '');
  let steps = 300;
  let every = 25;
  let pool = 0;
  let heldOutCount = 2048;
  let json: string | null = null;
  let fuse = false;
  // --seed S / --set key=value: overrides for the base experiment and every variant.
  const baseSets: string[] = [];
  const variants = parseProbeArgs(args, (flag, rest) => {
    if (flag === 'steps') steps = Number(rest.shift());
    else if (flag === 'every') every = Number(rest.shift());
    else if (flag === 'pool') pool = Number(rest.shift());
    else if (flag === 'held-out') heldOutCount = Number(rest.shift());
    else if (flag === 'json') json = rest.shift() ?? null;
    else if (flag === 'fuse') fuse = true;
    else if (flag === 'seed') baseSets.push(`train.seed=${Number(rest.shift())}`);
    else if (flag === 'set') baseSets.push(rest.shift() as string);
    else return false;
    return true;
  });
  const base = await loadExperiment(file, baseSets);
  const runtime = await initBackend(base.engine.backend, base.engine.threads);
  const tf = runtime.tf;
  const plain = await probeInputs(base);
  const { itemIds, interactions } = plain;

  // One split of the kept pairs for every variant.
  const mined = keptPairs(interactions.train, itemIds, base.collab.pairs);
  const order = Random.derive(base.train.seed, 'pair-sampler/probe-split').permutation(mined.kept);
  const heldIdx = order.subarray(0, heldOutCount);
  const poolIdx = pool > 0 ? order.subarray(heldOutCount, heldOutCount + pool) : order.subarray(heldOutCount);
  const trainIdx = poolIdx.subarray(0, Math.min(heldOutCount, poolIdx.length));
  const held = subset(mined, heldIdx);
  const poolPairs = subset(mined, poolIdx);
  const fixed = subset(mined, trainIdx);
  const pairsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-heldout-pairs-'));
  await writePairs(pairsDir, poolPairs, itemIds);
  const pairsFile = path.join(pairsDir, 'pairs.tsv');
  console.log(JSON.stringify({ kept: mined.kept, pool: poolPairs.kept, held_out: held.kept, fixed_train: fixed.kept, pairs_per_step: base.collab.pairs_per_step }));
  // The fused input is built from the training pool only: held-out pairs stay unseen.
  const inputs = fuse ? withFusedInput(plain, base, pairsFile) : plain;
  const features = inputs.features;
  const epochs = epochsForSteps(steps, features.rows, base.train.batch_size);
  const results: Record<string, unknown>[] = [];
  for (const v of variants) {
    const config = await loadExperiment(file, [...baseSets, `train.epochs=${epochs}`, ...v.sets, `collab.pairs.file=${pairsFile}`]);
    const P = config.collab.pairs_per_step;
    // The last step is always looked at, so the summary's step means end where the run does.
    const lastStep = config.train.epochs * Math.ceil(features.rows / Math.min(config.train.batch_size, features.rows));
    const t = config.collab.temperature;
    const centred = config.collab.similarity === 'centred';
    const blocks = (set: MinedPairs) => {
      const out: { a: Float32Array; b: Float32Array; n: number }[] = [];
      for (let s = 0; s + P <= set.kept; s += P) out.push({ a: rowsOf(features, set.a.subarray(s, s + P)), b: rowsOf(features, set.b.subarray(s, s + P)), n: P });
      return out;
    };
    const trainBlocks = blocks(fixed);
    const heldBlocks = blocks(held);
    const looks: Record<string, unknown>[] = [];
    const score = (model: RqVae, set: typeof trainBlocks, target: 'latent' | 'quantized') => {
      let loss = 0;
      let acc = 0;
      for (const blk of set) {
        const [l, a] = tf.tidy(() => {
          const side = (x: Float32Array): Tensor2D => {
            const z = model.encode(tf.tensor2d(x, [blk.n, features.dim]));
            return target === 'latent' ? z : quantize(tf, z, model.codebooks).quantized;
          };
          const za = side(blk.a);
          const zb = side(blk.b);
          return [symmetricInfoNce(tf, za, zb, t, { centred }).dataSync()[0], inBatchAccuracy(tf, za, zb, { centred }).dataSync()[0]];
        });
        loss += l / set.length;
        acc += a / set.length;
      }
      return { loss: +loss.toFixed(4), acc: +acc.toFixed(4) };
    };
    const gradientSplit = (model: RqVae) =>
      tf.tidy(() => {
        const blk = trainBlocks[0];
        const za = model.encode(tf.tensor2d(blk.a, [blk.n, features.dim]));
        const zb = model.encode(tf.tensor2d(blk.b, [blk.n, features.dim]));
        const gPos = tf.grads((a: Tensor, b: Tensor) => lossParts(tf, a as Tensor2D, b as Tensor2D, t, centred).pos)([za, zb]);
        const gNeg = tf.grads((a: Tensor, b: Tensor) => lossParts(tf, a as Tensor2D, b as Tensor2D, t, centred).neg)([za, zb]);
        const flat = (g: Tensor[]) => tf.concat(g.map((x) => x.reshape([-1])));
        const p = flat(gPos);
        const n = flat(gNeg);
        const pn = tf.norm(p).dataSync()[0];
        const nn = tf.norm(n).dataSync()[0];
        const total = tf.norm(tf.add(p, n)).dataSync()[0];
        const cos = tf.sum(tf.mul(p, n)).dataSync()[0] / (pn * nn);
        return { pull: +pn.toExponential(3), push: +nn.toExponential(3), total: +total.toExponential(3), cos: +cos.toFixed(3) };
      });
    const t0 = Date.now();
    const look = (step: number, model: RqVae, losses: LossesEvent[]) => {
      const recent = (f: (e: LossesEvent) => number | undefined | null) => +(losses.slice(-every).reduce((s, e) => s + (f(e) ?? NaN), 0) / Math.min(every, losses.length)).toFixed(4);
      const row = {
        variant: v.name,
        step,
        step_loss: losses.length ? recent((e) => e.collab) : null,
        step_acc: losses.length ? recent((e) => e.collab_accuracy) : null,
        align: losses.length && losses[losses.length - 1].collab_align !== undefined ? recent((e) => e.collab_align) : null,
        recon: losses.length ? +losses[losses.length - 1].recon.toFixed(4) : null,
        train_z: score(model, trainBlocks, 'latent'),
        held_z: score(model, heldBlocks, 'latent'),
        train_q: score(model, trainBlocks, 'quantized'),
        held_q: score(model, heldBlocks, 'quantized'),
        grad_z: gradientSplit(model),
        seconds: Math.round((Date.now() - t0) / 1000),
        load: os.loadavg().map((x) => +x.toFixed(1)),
      };
      looks.push(row);
      console.log(JSON.stringify(row));
    };
    const { result, seconds } = await trainProbe(v.name, config, file, inputs, runtime, (step, model, losses) => {
      if (step === 1 || step % every === 0 || step === lastStep) look(step, model, losses);
    });
    const lastLook = looks[looks.length - 1] ?? {};
    const summary = {
      variant: v.name,
      sets: v.sets,
      seed: config.train.seed,
      steps: result.steps,
      // Means over the last `--every` steps (the step's own pair InfoNCE, accuracy, alignment).
      last_step_loss: lastLook.step_loss ?? null,
      last_step_acc: lastLook.step_acc ?? null,
      last_align: lastLook.align ?? null,
      last_train_z: lastLook.train_z ?? null,
      last_held_z: lastLook.held_z ?? null,
      chance: { loss: +Math.log(P).toFixed(3), accuracy: 1 / P },
      ...finalCodebooks(result),
      seconds,
      load: os.loadavg().map((x) => +x.toFixed(1)),
    };
    results.push({ ...summary, looks });
    console.log(JSON.stringify(summary));
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 1));
  }
  fs.rmSync(pairsDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
