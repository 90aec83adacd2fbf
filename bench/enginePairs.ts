/**
 * The engine's pair miner on an interactions file, alone (no training): pairs.tsv and
 * pairs.json as a run writes them, for comparison with distributed/ray/mine_pairs.py.
 *   node --import tsx bench/enginePairs.ts --interactions sequences.txt --items items.jsonl --out DIR
 *     [--id-field id] [--window 5] [--min-count 2] [--criterion llr] [--threshold T] [--max-per-item M]
 */
import * as fs from 'node:fs';
import { loadCatalog } from '../src/engine/data/catalog';
import { loadInteractions } from '../src/engine/data/interactions';
import { minePairs, writePairs, type PairMiningOptions } from '../src/engine/pairs';
import type { PairCriterion } from '../src/engine/config/experiment';

export async function engineMinePairs(interactions: string, items: string, idField: string, opts: PairMiningOptions, out: string): Promise<{ seconds: number; kept: number }> {
  const catalog = await loadCatalog(items, idField);
  const { sequences } = await loadInteractions(interactions, catalog, null);
  const t0 = performance.now();
  const mined = minePairs(sequences.train, catalog.items.length, opts);
  const seconds = (performance.now() - t0) / 1000;
  fs.mkdirSync(out, { recursive: true });
  await writePairs(out, mined, catalog.items.map((it) => it.id));
  return { seconds, kept: mined.kept };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
  const opts: PairMiningOptions = {
    window: num(arg('window')) ?? 5,
    min_count: num(arg('min-count')) ?? 2,
    criterion: (arg('criterion') ?? 'llr') as PairCriterion,
    threshold: num(arg('threshold')),
    max_per_item: num(arg('max-per-item')),
  };
  engineMinePairs(arg('interactions') as string, arg('items') as string, arg('id-field') ?? 'id', opts, arg('out') as string).then(
    (r) => console.error(`engine: ${r.kept} pairs kept, mined in ${r.seconds.toFixed(2)} s`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
