/**
 * Pair-mining timing on synthetic data: users with Zipf(s) item popularity.
 * Not a test. Run:
 *   node --import tsx bench/pairs.bench.ts [--interactions 1000000] [--users 50000]
 *     [--items 20000] [--zipf 1.1] [--window 5] [--criterion llr] [--min-count 2]
 *     [--max-per-item N] [--budget PAIRS]
 * Prints one line of timings and counts (and peak memory) to stdout.
 */
import type { PairCriterion } from '../src/engine/config/experiment';
import { minePairs } from '../src/engine/pairs';
import { Random } from '../src/engine/util/random';
import * as os from 'node:os';

function arg(name: string, fallback: number): number;
function arg(name: string, fallback: string): string;
function arg(name: string, fallback: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const v = process.argv[i + 1];
  return typeof fallback === 'number' ? Number(v) : v;
}

/**
 * Training sequences: each user's length is drawn around the mean (1..2*mean-1),
 * each item from Zipf(s) over a random permutation of the catalog, so popular items
 * are spread over the index range as in a real catalog.
 */
export function zipfSequences(interactions: number, users: number, items: number, s: number, seed: number): Int32Array[] {
  const rnd = new Random(seed);
  const cdf = new Float64Array(items);
  let total = 0;
  for (let k = 0; k < items; k++) cdf[k] = total += (k + 1) ** -s;
  const rankToItem = rnd.permutation(items);
  const draw = (): number => {
    const u = rnd.next() * total;
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return rankToItem[lo];
  };
  const mean = interactions / users;
  const out: Int32Array[] = [];
  let left = interactions;
  for (let u = 0; u < users && left > 0; u++) {
    const len = u === users - 1 ? left : Math.min(left, 1 + rnd.int(Math.max(1, Math.round(2 * mean - 1))));
    const seq = new Int32Array(len);
    for (let i = 0; i < len; i++) seq[i] = draw();
    out.push(seq);
    left -= len;
  }
  return out;
}

function main(): void {
  const interactions = arg('interactions', 1_000_000);
  const users = arg('users', 50_000);
  const items = arg('items', 20_000);
  const zipf = arg('zipf', 1.1);
  const window = arg('window', 5);
  const criterion = arg('criterion', 'llr') as PairCriterion;
  const minCount = arg('min-count', 2);
  const maxPerItem = arg('max-per-item', 0);
  const budget = arg('budget', 2 ** 24);

  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const train = zipfSequences(interactions, users, items, zipf, 1);
  const t1 = performance.now();
  const mined = minePairs(
    train,
    items,
    { window, min_count: minCount, criterion, threshold: null, max_per_item: maxPerItem > 0 ? maxPerItem : null },
    { shardPairBudget: budget },
  );
  const t2 = performance.now();
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `pairs bench: ${interactions} interactions, ${train.length} users, ${items} items, zipf ${zipf}, window ${window}, ${criterion}` +
      ` | generate ${((t1 - t0) / 1000).toFixed(2)} s, mine ${((t2 - t1) / 1000).toFixed(2)} s` +
      ` | contexts ${mined.contexts}, candidates ${mined.candidates}, kept ${mined.kept}, shards ${mined.shards}` +
      ` | peak rss ${mib(peak)} | load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
  );
}

if (require.main === module) main();
