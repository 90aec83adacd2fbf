/**
 * Short trainings of one experiment under several override sets, sharing one load of the
 * data and its features, printing how the collaborative term and the codebooks move
 * (issue 13: why the collaborative term stayed at chance). Each variant is a full
 * trainRqVae run in a temporary run directory.
 *
 *   nice -n 10 npx tsx bench/collabProbe.ts <experiment.yaml> --steps 200 [--fuse] \
 *     --variant plain collab.weight=0 --variant q collab.weight=0.1 ...
 *
 * Prints, per variant, the mean collaborative loss and accuracy over the first and last
 * tenth of the steps, recon, and the final level-0 usage; `--json FILE` also writes them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent } from '../src/protocol';
import { configHash, loadExperiment } from '../src/engine/config';
import { initBackend } from '../src/engine/tf/backend';
import { loadDataset } from '../src/engine/data/dataset';
import { featurizeCatalog } from '../src/engine/features/featurize';
import { fuseCooccurrence } from '../src/engine/features/cooccurrenceInput';
import { trainRqVae } from '../src/engine/train/trainer';

interface Variant {
  name: string;
  sets: string[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = path.resolve(args.shift() ?? '');
  let steps = 200;
  let json: string | null = null;
  // --fuse: every variant gets the co-occurrence input (features.fuse: [cooccurrence]), built once.
  let fuse = false;
  const variants: Variant[] = [];
  while (args.length) {
    const a = args.shift() as string;
    if (a === '--steps') steps = Number(args.shift());
    else if (a === '--json') json = args.shift() ?? null;
    else if (a === '--fuse') fuse = true;
    else if (a === '--variant') variants.push({ name: args.shift() as string, sets: [] });
    else if (variants.length) variants[variants.length - 1].sets.push(a);
    else throw new Error(`unexpected argument ${a}`);
  }
  const base = await loadExperiment(file, []);
  const runtime = await initBackend(base.engine.backend, base.engine.threads);
  const dataset = await loadDataset(base.data);
  let features = dataset.embeddings ?? featurizeCatalog(dataset.catalog, { textFields: base.data.text_fields, dim: base.features.dim, seed: base.train.seed }).matrix;
  let fuseDim = 0;
  if (fuse && dataset.interactions) {
    const fused = fuseCooccurrence(features, dataset.interactions, base.collab.pairs, base.train.seed, dataset.catalog.items.map((it) => it.id));
    features = fused.features;
    fuseDim = fused.fuseDim;
  }
  const batch = Math.min(base.train.batch_size, features.rows);
  const epochs = Math.ceil(steps / Math.ceil(features.rows / batch));
  const results: Record<string, unknown>[] = [];
  for (const v of variants) {
    const config = await loadExperiment(file, [`train.epochs=${epochs}`, ...v.sets]);
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-probe-'));
    const losses: Extract<EngineEvent, { type: 'losses' }>[] = [];
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const result = await trainRqVae(
      {
        config,
        configHash: configHash(config),
        runDir,
        features,
        fuseDim,
        itemIds: dataset.catalog.items.map((it) => it.id),
        interactions: dataset.interactions,
        runtime,
        resume: false,
        startEvent: { run_id: v.name, run_dir: runDir, experiment: config.name, experiment_path: file, variant: v.name, seed: config.train.seed, backend: runtime.backend, backend_reason: runtime.reason, levels: config.model.levels, codebook_size: config.model.codebook_size },
      },
      { emit: (e) => { if (e.type === 'losses') losses.push(e); }, log: () => undefined, stopRequested: () => false },
    );
    fs.rmSync(runDir, { recursive: true, force: true });
    const tenth = Math.max(1, Math.floor(losses.length / 10));
    const mean = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : (xs as number[]).reduce((s, x) => s + x, 0) / xs.length);
    const window = (from: number) => losses.slice(from, from + tenth);
    const first = window(0);
    const last = window(losses.length - tenth);
    const row = {
      variant: v.name,
      sets: v.sets,
      steps: result.steps,
      collab_first: mean(first.map((e) => e.collab)),
      collab_last: mean(last.map((e) => e.collab)),
      accuracy_first: mean(first.map((e) => e.collab_accuracy)),
      accuracy_last: mean(last.map((e) => e.collab_accuracy)),
      chance: losses[0]?.collab_chance ?? null,
      recon_last: mean(last.map((e) => e.recon)),
      balance_last: last[0]?.balance ? mean(last.map((e) => (e.balance as number[])[0])) : null,
      final_recon: result.final?.recon_loss ?? null,
      usage: result.final?.usage ?? null,
      perplexity: result.final?.perplexity ?? null,
      collision_rate: result.final?.collision_rate ?? null,
      coherence: result.final?.coherence ?? null,
      seconds: (Date.now() - t0) / 1000,
      // Process CPU time: the fairer number on a shared machine.
      cpu_seconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
    };
    results.push(row);
    console.log(JSON.stringify(row));
    if (json) fs.writeFileSync(json, JSON.stringify(results, null, 1));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
