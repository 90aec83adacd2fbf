/**
 * `npm run bench:ray` (issue 12, item 5): the Ray jobs in local mode beside the engine.
 *   1. assignment: N synthetic items (default 1M x 256, .npy shards) through the exported
 *      ONNX graph with assign_ids.py at 1 and 2 onnxruntime actors, against the engine's
 *      streaming assignment of the same file (the `semid ids --embeddings` path); the
 *      outputs are compared (ties counted).
 *   2. pair mining: M synthetic interactions (default 10M; 1M users, 100k items,
 *      Zipf 1.1 popularity) with mine_pairs.py at 1 and 2 workers, against the
 *      engine's miner; pairs.tsv compared byte for byte.
 * Ray times are wall times of the whole job (Ray's start included) and the job's own
 * phase times; the load average is printed beside them (the machine is shared).
 *   node --import tsx bench/ray.bench.ts [--items 1000000] [--dim 256] [--interactions 10000000]
 *     [--users 1000000] [--catalog 100000] [--workers 1,2] [--only assign|pairs]
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { saveModel } from '../src/engine/model/modelFile';
import { Random } from '../src/engine/util/random';
import { assignStream } from '../src/engine/ids/streamAssign';
import { assignCollisionDigits } from '../src/engine/ids/collisionDigit';
import { writeSemanticIds } from '../src/engine/ids/semanticIdsFile';
import { readEmbeddingChunks } from '../src/engine/data/embeddingChunks';
import { exportRun } from '../src/engine/export/exportRun';
import { zipfSequences } from './pairs.bench';
import { engineMinePairs } from './enginePairs';

const ROOT = path.resolve(__dirname, '..');
const PYTHON = path.join(ROOT, 'distributed', 'ray', '.venv', 'bin', 'python');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function load(): string {
  return os.loadavg().map((v) => v.toFixed(1)).join(' / ');
}

/**
 * Runs a Ray job script, its stderr shown as it comes (the jobs print their phases);
 * resolves to wall seconds and the job's closing summary line.
 */
function rayJob(script: string, args: string[], label: string): Promise<{ seconds: number; summary: string }> {
  const t0 = performance.now();
  // Ray runs its workers 15 nice levels below the driver (worker_niceness): under a niced
  // bench on a shared machine they would get almost no CPU beside the engine's process at
  // the bench's own level. 0 runs them at the driver's level, as the engine runs.
  const env = { ...process.env, RAY_worker_niceness: process.env.RAY_worker_niceness ?? '0' };
  const child = spawn(PYTHON, [path.join(ROOT, 'distributed', 'ray', script), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const lines: string[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line.trim() !== '') console.log(`    [${label} ${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial) lines.push(partial);
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`${script} failed (${code}):\n${lines.slice(-40).join('\n')}`));
      const summary = lines.filter((l) => /items|contexts/.test(l) && /->/.test(l)).pop() ?? '';
      resolve({ seconds, summary });
    });
  });
}

/** .npy v1.0 header for a float32 [rows, dim] array. */
function npyHeader(rows: number, dim: number): Buffer {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

async function benchAssign(dir: string, items: number, dim: number, workers: number[]): Promise<void> {
  // Clustered synthetic embeddings in .npy shards of 250k rows.
  const made = performance.now();
  console.log(`assign: making ${items} x ${dim} synthetic embeddings...`);
  const random = new Random(21); // purpose: bench catalog
  const centres = Float32Array.from({ length: 64 * dim }, () => random.normal());
  const shardRows = 250_000;
  const shards: string[] = [];
  const idsFile = path.join(dir, 'ids.txt');
  fs.writeFileSync(idsFile, Array.from({ length: items }, (_, i) => `item${i}`).join('\n') + '\n');
  for (let start = 0; start < items; start += shardRows) {
    const rows = Math.min(shardRows, items - start);
    const data = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) {
      const c = random.int(64);
      for (let j = 0; j < dim; j++) data[i * dim + j] = centres[c * dim + j] + 0.6 * (random.next() * 2 - 1);
    }
    const file = path.join(dir, 'emb', `part-${String(shards.length).padStart(3, '0')}.npy`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.concat([npyHeader(rows, dim), Buffer.from(data.buffer)]));
    shards.push(file);
  }

  console.log(`assign: ${shards.length} .npy shard(s) made in ${((performance.now() - made) / 1000).toFixed(1)} s; load ${load()}`);
  // The model: k-means++ codebooks on a sample (training's start), exported.
  const runtime = await initBackend('auto', null);
  const model = new RqVae(runtime.tf, { inputDim: dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, new Random(0));
  const reader = readEmbeddingChunks(shards[0], dim, 8192);
  const first = (await reader.next()).value;
  await reader.return(undefined); // closes the file
  await model.initCodebooksFromSample(first.data.subarray(0, 8192 * dim), 8192, new Random(1)); // purpose: k-means (awaited: saved and used alike)
  const runDir = path.join(dir, 'run');
  saveModel(path.join(runDir, 'model'), model, {});
  fs.writeFileSync(path.join(runDir, 'config.yaml'), `name: bench\ndata:\n  items: items.jsonl\n  embeddings: x.npy\n  embedding_dim: ${dim}\n`);
  await exportRun(runDir, path.join(dir, 'export'), 'bench');

  // The engine: streaming assignment of every shard, digits, semantic_ids.jsonl.
  const t0 = performance.now();
  const parts: Int32Array[] = [];
  for (const file of shards) {
    parts.push((await assignStream(model, readEmbeddingChunks(file, dim))).codes);
    console.log(`    [engine ${((performance.now() - t0) / 1000).toFixed(0)} s] ${parts.reduce((n, p) => n + p.length / 3, 0)} items assigned; load ${load()}`);
  }
  const codes = new Int32Array(items * 3);
  let at = 0;
  for (const p of parts) {
    codes.set(p, at);
    at += p.length;
  }
  const ids = Array.from({ length: items }, (_, i) => `item${i}`);
  const engineOut = path.join(dir, 'engine_ids.jsonl');
  await writeSemanticIds(engineOut, ids, codes, assignCollisionDigits(codes, items, 3), 3);
  const engineSeconds = (performance.now() - t0) / 1000;
  model.dispose();
  console.log(`assign ${items} x ${dim}: engine (${runtime.backend}, 1 process) ${engineSeconds.toFixed(1)} s; load ${load()}`);

  const engineLines = fs.readFileSync(engineOut, 'utf8').split('\n');
  for (const w of workers) {
    const out = path.join(dir, `ray_ids_${w}`);
    console.log(`assign: Ray with ${w} onnxruntime actor(s)...`);
    const job = await rayJob('assign_ids.py', ['--model', path.join(dir, 'export'), '--embeddings', path.join(dir, 'emb'), '--items', idsFile, '--out', out, '--workers', String(w), '--num-cpus', String(Math.max(2, w))], `assign ${w}w`);
    const mine = fs.readFileSync(path.join(out, 'semantic_ids.jsonl'), 'utf8').split('\n');
    // A code that differs (a float32 near tie, bench:onnx) also moves the digits of the
    // items sharing either tuple: counted apart.
    let differ = 0;
    let codesDiffer = 0;
    for (let i = 0; i < engineLines.length; i++) {
      if (engineLines[i] === mine[i]) continue;
      differ++;
      const a = (JSON.parse(engineLines[i]) as { sid: number[] }).sid;
      const b = (JSON.parse(mine[i] ?? '{"sid":[]}') as { sid: number[] }).sid;
      if (a.slice(0, -1).join() !== b.slice(0, -1).join()) codesDiffer++;
    }
    console.log(
      `assign ${items}: Ray ${w} actor(s) ${job.seconds.toFixed(1)} s wall (${job.summary}); lines differing from the engine's: ${differ} ` +
        `(${codesDiffer} with another code, ${differ - codesDiffer} only in the digit); load ${load()}`,
    );
  }
}

async function benchPairs(dir: string, interactions: number, users: number, catalog: number, workers: number[]): Promise<void> {
  console.log(`pairs: making ${interactions} interactions (${users} users, ${catalog} items, Zipf 1.1)...`);
  const seqs = zipfSequences(interactions, users, catalog, 1.1, 7);
  const items = path.join(dir, 'items.jsonl');
  fs.writeFileSync(items, Array.from({ length: catalog }, (_, i) => `{"id":"${i}"}`).join('\n') + '\n');
  const seqFile = path.join(dir, 'sequences.txt');
  const fd = fs.openSync(seqFile, 'w');
  // The engine's .txt split keeps all but the last two items of a user for training:
  // two extra tokens per user make every generated interaction a training one.
  for (let u = 0; u < seqs.length; u++) fs.writeSync(fd, `u${u} ${Array.from(seqs[u]).join(' ')} 0 0\n`);
  fs.closeSync(fd);
  const opts = { window: 5, min_count: 2, criterion: 'llr' as const, threshold: null, max_per_item: null };
  const engineOut = path.join(dir, 'engine_pairs');
  console.log(`pairs: ${seqFile} written; the engine's miner...; load ${load()}`);
  const t0 = performance.now();
  const engine = await engineMinePairs(seqFile, items, 'id', opts, engineOut);
  console.log(
    `pairs ${interactions} interactions: engine mining ${engine.seconds.toFixed(1)} s (with reading and pairs.tsv ${((performance.now() - t0) / 1000).toFixed(1)} s), ${engine.kept} kept; load ${load()}`,
  );
  const engineTsv = fs.readFileSync(path.join(engineOut, 'pairs.tsv'));
  const engineSummary: unknown = JSON.parse(fs.readFileSync(path.join(engineOut, 'pairs.json'), 'utf8'));
  for (const w of workers) {
    const out = path.join(dir, `ray_pairs_${w}`);
    console.log(`pairs: Ray with ${w} worker(s)...`);
    const job = await rayJob('mine_pairs.py', ['--interactions', seqFile, '--items', items, '--out', out, '--workers', String(w), '--num-cpus', String(Math.max(2, w))], `pairs ${w}w`);
    const same = fs.readFileSync(path.join(out, 'pairs.tsv')).equals(engineTsv);
    let summarySame = true;
    try {
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, 'pairs.json'), 'utf8')), engineSummary);
    } catch {
      summarySame = false;
    }
    console.log(
      `pairs ${interactions}: Ray ${w} worker(s) ${job.seconds.toFixed(1)} s wall (${job.summary}); pairs.tsv ${same ? 'identical to' : 'DIFFERS from'} the engine's, ` +
        `pairs.json ${summarySame ? 'equal' : 'DIFFERENT'}; load ${load()}`,
    );
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(PYTHON)) throw new Error(`no venv: run distributed/ray/setup-venv.sh first (${PYTHON} missing)`);
  const workers = arg('workers', '1,2').split(',').map(Number);
  const only = arg('only', '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-bench-ray-'));
  console.log(`bench:ray on ${os.cpus().length} cores, load ${load()}`);
  try {
    if (only !== 'pairs') await benchAssign(dir, Number(arg('items', '1000000')), Number(arg('dim', '256')), workers);
    if (only !== 'assign') await benchPairs(dir, Number(arg('interactions', '10000000')), Number(arg('users', '1000000')), Number(arg('catalog', '100000')), workers);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
