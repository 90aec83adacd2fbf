/**
 * `model.type: rkmeans`: semantic IDs by residual k-means on the input features, no
 * network (GRID's baseline tokenizer). Level l clusters the residuals left by levels
 * 1..l-1 into codebook_size[l] centroids (the engine's k-means: k-means++ seeding, Lloyd to convergence), each
 * item takes its nearest centroid, and the centroid is subtracted. Same outputs as the
 * RQ-VAE trainer: semantic_ids.jsonl, the same diagnostics, the same events.
 */
import * as path from 'node:path';
import { kmeans } from '../model/kmeans';
import { Cancellation } from '../util/cancellation';
import { assignCollisionDigits } from '../ids/collisionDigit';
import { writeSemanticIds } from '../ids/semanticIdsFile';
import { codebookStats, coherence } from '../diagnostics/codebookStats';
import { writeFileAtomic } from '../run/atomicWrite';
import { RUN_FILES } from '../../protocol/runLayout';
import { evalRandom } from '../eval/streams';
import type { TrainingInput, TrainingResult, TrainingSink } from './trainer';


export async function trainResidualKMeans(input: TrainingInput, sink: TrainingSink): Promise<TrainingResult> {
  const t0 = Date.now();
  const { config, features } = input;
  const n = features.rows;
  const dim = features.dim;
  const sizes = config.model.codebook_size;
  const levels = sizes.length;
  const now = (): string => new Date().toISOString();
  sink.emit({
    ...input.startEvent,
    type: 'run_started',
    time: now(),
    step: 0,
    items: n,
    input_dim: dim,
    total_steps: levels,
    steps_per_epoch: levels,
    resumed_from_step: null,
  });
  // A stop request inside k-means ends the run as interrupted (RunStopped, as in the RQ-VAE's k-means init).
  const cancel = new Cancellation(() => sink.stopRequested());
  const residual = Float32Array.from(features.data);
  const codes = new Int32Array(n * levels);
  const centroids: number[][] = [];
  for (let l = 0; l < levels; l++) {
    if (sink.stopRequested()) return { status: 'interrupted', steps: l, seconds: (Date.now() - t0) / 1000, final: null };
    const l0 = Date.now();
    const k = Math.min(sizes[l], n);
    const centres = await kmeans(residual, n, dim, k, evalRandom(config.train.seed, `rkmeans/level${l}`), {}, cancel);
    for (let i = 0; i < n; i++) {
      const c = nearest(residual, i, centres, k, dim).index;
      codes[i * levels + l] = c;
      for (let d = 0; d < dim; d++) residual[i * dim + d] -= centres[c * dim + d];
    }
    centroids.push(Array.from(centres));
    const levelStats = codebookStats(codes, n, sizes);
    sink.emit({ type: 'usage_snapshot', time: now(), step: l + 1, epoch: l, counts: levelStats.usageCounts });
    sink.log('info', `rkmeans: level ${l + 1}/${levels}, ${k} centroids on ${n} residuals in ${((Date.now() - l0) / 1000).toFixed(1)} s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const digits = assignCollisionDigits(codes, n, levels);
  await writeSemanticIds(path.join(input.runDir, RUN_FILES.semanticIds), input.itemIds, codes, digits, levels);
  const stats = codebookStats(codes, n, sizes, digits);
  sink.emit({
    type: 'diagnostics', time: now(), step: levels, epoch: levels - 1, scope: 'final', unique_sid_ratio: stats.uniqueSidRatio ?? undefined,
    usage: stats.usage, perplexity: stats.perplexity, gini: stats.gini, dead_codes: stats.deadCodes, collision_rate: stats.collisionRate,
  });
  // The centroids are the whole model: kept beside the IDs (semid ids cannot reuse them yet).
  writeFileAtomic(path.join(input.runDir, 'rkmeans_centroids.json'), JSON.stringify({ levels, dim, codebook_size: sizes, centroids }));
  let squared = 0;
  for (let i = 0; i < residual.length; i++) squared += residual[i] * residual[i];
  const interactions = input.interactions;
  const coherent = interactions === null ? null : coherence((i) => codes.subarray(i * levels, (i + 1) * levels), interactions, levels);
  return {
    status: 'completed',
    steps: levels,
    seconds: (Date.now() - t0) / 1000,
    final: {
      // ||x - sum of the chosen centroids||^2, summed over dimensions, mean over items.
      recon_loss: n > 0 ? squared / n : null,
      usage: stats.usage,
      perplexity: stats.perplexity,
      gini: stats.gini,
      dead_codes: stats.deadCodes,
      collision_rate: stats.collisionRate,
      unique_sid_ratio: stats.uniqueSidRatio ?? undefined,
      max_collisions: stats.maxCollisions,
      coherence: coherent,
    },
  };
}

/** Index of the centroid nearest to row i of `points`. */
function nearest(points: Float32Array, i: number, centroids: Float32Array, k: number, dim: number): { index: number } {
  let best = 0;
  let bestD = Infinity;
  const at = i * dim;
  for (let c = 0; c < k; c++) {
    let d2 = 0;
    const ct = c * dim;
    for (let d = 0; d < dim; d++) {
      const t = points[at + d] - centroids[ct + d];
      d2 += t * t;
    }
    if (d2 < bestD) {
      bestD = d2;
      best = c;
    }
  }
  return { index: best };
}
