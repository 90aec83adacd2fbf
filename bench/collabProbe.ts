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
import * as path from 'node:path';
import * as fs from 'node:fs';
import { loadExperiment } from '../src/engine/config';
import { initBackend } from '../src/engine/tf/backend';
import { epochsForSteps, parseProbeArgs, finalCodebooks, probeInputs, trainProbe, withFusedInput } from './probeTraining';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = path.resolve(args.shift() ?? '');
  let steps = 200;
  let json: string | null = null;
  // --fuse: every variant gets the co-occurrence input (features.fuse: [cooccurrence]), built once.
  let fuse = false;
  const variants = parseProbeArgs(args, (flag, rest) => {
    if (flag === 'steps') steps = Number(rest.shift());
    else if (flag === 'json') json = rest.shift() ?? null;
    else if (flag === 'fuse') fuse = true;
    else return false;
    return true;
  });
  const base = await loadExperiment(file, []);
  const runtime = await initBackend(base.engine.backend, base.engine.threads);
  const plain = await probeInputs(base);
  const inputs = fuse ? withFusedInput(plain, base, null) : plain;
  const epochs = epochsForSteps(steps, inputs.features.rows, base.train.batch_size);
  const results: Record<string, unknown>[] = [];
  for (const v of variants) {
    const config = await loadExperiment(file, [`train.epochs=${epochs}`, ...v.sets]);
    const { result, losses, seconds, cpuSeconds } = await trainProbe(v.name, config, file, inputs, runtime);
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
      ...finalCodebooks(result),
      seconds,
      cpu_seconds: cpuSeconds,
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
