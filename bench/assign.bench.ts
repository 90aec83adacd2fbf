/**
 * Catalog-scale assignment (issue 3, item 4): codes, collision digits and a JSONL file
 * for N items (default 1M) of 768-d embeddings generated block by block, never held
 * whole, through the same streaming path `semid ids --embeddings big.f32` takes.
 * Reports time (generation excluded) and peak RSS against the goals (< 60 s, < 2 GB).
 *   node --import tsx bench/assign.bench.ts [--items 1000000] [--dim 768] [--block 16384]
 *     [--via-file]   (write a temporary .f32 first and stream it back from disk)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Random } from '../src/engine/util/random';
import { assignStream, writeLinesProgressively } from '../src/engine/ids/streamAssign';
import { readEmbeddingChunks, type EmbeddingChunk } from '../src/engine/data/embeddingChunks';
import { assignCollisionDigits } from '../src/engine/ids/collisionDigit';
import type { BackendRequest } from '../src/engine/config/experiment';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}

/** Cheap deterministic pseudo-embeddings (xorshift, centred): generation is not what is measured. */
function* generated(items: number, dim: number, block: number, timing: { ms: number }): Generator<EmbeddingChunk> {
  const data = new Float32Array(block * dim);
  let s = 0x9e3779b9 | 0;
  for (let start = 0; start < items; start += block) {
    const t0 = performance.now();
    const rows = Math.min(block, items - start);
    for (let k = 0; k < rows * dim; k++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      data[k] = (s / 4294967296) * 0.2;
    }
    timing.ms += performance.now() - t0;
    yield { start, rows, dim, data };
  }
}

async function main(): Promise<void> {
  const items = arg('items', 1_000_000);
  const dim = arg('dim', 768);
  const block = arg('block', 16384);
  const viaFile = process.argv.includes('--via-file');
  const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] as BackendRequest | undefined;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const runtime = await initBackend(backendArg ?? 'auto', null);
  const model = new RqVae(runtime.tf, { inputDim: dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, new Random(0));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-assign-'));
  const load0 = os.loadavg()[0];
  try {
    const generation = { ms: 0 };
    let source: AsyncIterable<EmbeddingChunk> | Iterable<EmbeddingChunk> = generated(items, dim, block, generation);
    if (viaFile) {
      const file = path.join(dir, 'big.f32');
      const fd = fs.openSync(file, 'w');
      for (const chunk of source) fs.writeSync(fd, new Uint8Array(chunk.data.buffer, 0, chunk.rows * dim * 4));
      fs.closeSync(fd);
      generation.ms = 0;
      source = readEmbeddingChunks(file, dim, block);
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { codes, levels } = await assignStream(model, source);
    const t1 = performance.now();
    const digits = assignCollisionDigits(codes, items, levels);
    const t2 = performance.now();
    const out = path.join(dir, 'semantic_ids.jsonl');
    await writeLinesProgressively(out, items, (i) => JSON.stringify({ id: `item${i}`, sid: [...codes.subarray(i * levels, (i + 1) * levels), digits[i]] }));
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const total = (t3 - t0 - generation.ms) / 1000;
    const mib = peak / 2 ** 20;
    console.log(`assign bench: ${items} items x ${dim} dims, blocks of ${block}, ${viaFile ? 'from a .f32 file' : 'generated in memory'}, backend ${runtime.backend}`);
    console.log(
      `codes ${((t1 - t0 - generation.ms) / 1000).toFixed(1)} s (${((items * 1000) / (t1 - t0 - generation.ms)).toFixed(0)} items/s), digits ${((t2 - t1) / 1000).toFixed(1)} s, ` +
        `JSONL ${((t3 - t2) / 1000).toFixed(1)} s (${(fs.statSync(out).size / 2 ** 20).toFixed(0)} MiB); generation excluded: ${(generation.ms / 1000).toFixed(1)} s`,
    );
    console.log(`total ${total.toFixed(1)} s (goal < 60 s; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s), peak RSS ${mib.toFixed(0)} MiB (goal < 2048 MiB); load average ${load0.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
