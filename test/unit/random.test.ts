/**
 * Random streams are named by (seed, purpose) through a hash (issue 8, item 1): streams
 * of neighbouring seeds share nothing, so a mean over seeds is over independent runs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Random, STREAM_PURPOSES } from '../../src/engine/util/random';

const DRAWS = 512;
const WINDOW = 4;

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

test('every purpose of seeds 0 and 1 gets its own stream; none is a copy or shift of another', () => {
  const streams = new Map<string, number[]>();
  for (const seed of [0, 1]) for (const purpose of STREAM_PURPOSES) streams.set(`${seed}/${purpose}`, draws(Random.derive(seed, purpose), DRAWS));
  assert.equal(streams.size, 2 * STREAM_PURPOSES.length);
  // Any 4 consecutive outputs of one stream found anywhere in another would mean shared state
  // (the old seed*2+k streams made seed 0's pair sampler exactly seed 1's initialisation).
  const windows = new Map<string, string>();
  for (const [name, values] of streams) {
    for (let i = 0; i + WINDOW <= values.length; i++) {
      const key = values.slice(i, i + WINDOW).join(',');
      const owner = windows.get(key);
      assert.ok(owner === undefined || owner === name, `${name} repeats ${owner} (window at ${i})`);
      windows.set(key, name);
    }
  }
});

test('a derived stream is reproducible and survives getState/setState', () => {
  assert.deepEqual(draws(Random.derive(7, 'kmeans'), 16), draws(Random.derive(7, 'kmeans'), 16));
  const r = Random.derive(3, 'batch-order');
  draws(r, 5);
  const saved = r.getState();
  const next = draws(r, 8);
  const again = Random.derive(99, 'batch-order');
  again.setState(saved);
  assert.deepEqual(draws(again, 8), next);
});

test('derived streams look uniform (mean and low bits)', () => {
  const r = Random.derive(0, 'model-init');
  let sum = 0;
  let odd = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = r.nextUint32();
    sum += u / 4294967296;
    odd += u & 1;
  }
  // 6 sigma of a uniform mean (sigma = 1/sqrt(12 n)) and of a fair coin.
  assert.ok(Math.abs(sum / n - 0.5) < 6 / Math.sqrt(12 * n), `mean ${sum / n}`);
  assert.ok(Math.abs(odd / n - 0.5) < 6 * 0.5 / Math.sqrt(n), `odd share ${odd / n}`);
});

test('engine code builds no stream by arithmetic on the seed: every Random comes from Random.derive', () => {
  const root = path.join(__dirname, '../../src/engine');
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('util', 'random.ts'))) {
        fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (/new Random\(/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});

test('derive refuses a seed that is not an integer', () => {
  assert.throws(() => Random.derive(0.5, 'kmeans'), /integer/);
});
