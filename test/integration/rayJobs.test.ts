/**
 * The Ray jobs (distributed/ray) against the engine: this file makes the engine's side
 * (a synthetic run, its export, `semid ids` for new items, the engine's pairs.tsv on a
 * Beauty slice for several settings), then runs the pytest suite in the venv
 * (distributed/ray/tests), which runs assign_ids.py and mine_pairs.py in one local Ray
 * session and compares byte for byte. Skips, saying why, when the venv is absent
 * (distributed/ray/setup-venv.sh creates it offline; .ci/run calls it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TF } from '../../src/engine/tf/types';
import { exportRun } from '../../src/engine/export/exportRun';
import { syntheticRun } from '../support/tokenizerRun';
import { CLI, REPO_ROOT, runCli } from '../support/cli';
import { engineMinePairs } from '../../bench/enginePairs';
import { clusteredEmbeddings } from '../support/tokenizerRun';
import type { PairMiningOptions } from '../../src/engine/pairs';

const VENV_PYTHON = path.join(REPO_ROOT, 'distributed', 'ray', '.venv', 'bin', 'python');
const SLICE = path.join(REPO_ROOT, 'test', 'fixtures', 'beauty-slice');

/** Pair settings the Ray miner must reproduce (name -> collab.pairs). */
const PAIR_SETTINGS: Record<string, PairMiningOptions> = {
  llr: { window: 5, min_count: 2, criterion: 'llr', threshold: null, max_per_item: null },
  npmi_top3: { window: 5, min_count: 2, criterion: 'npmi', threshold: 0.2, max_per_item: 3 },
  pmi_window3: { window: 3, min_count: 1, criterion: 'pmi', threshold: null, max_per_item: null },
  count_whole: { window: 0, min_count: 2, criterion: 'count', threshold: null, max_per_item: 2 },
};

test('Ray jobs reproduce `semid ids` and the engine\'s pairs.tsv (pytest in distributed/ray/.venv)', { timeout: 50 * 60_000 }, async (t) => {
  if (!fs.existsSync(VENV_PYTHON)) return t.skip(`no venv at ${path.dirname(path.dirname(VENV_PYTHON))}: run distributed/ray/setup-venv.sh (offline, ~2 min)`);
  if (!fs.existsSync(CLI)) return t.skip(`${CLI} missing: run npm run build`);
  await tf.setBackend('cpu');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-ray-'));
  try {
    // The tokenizer side: a run of 4,000 items, exported.
    const items = 4000;
    const run = await syntheticRun(tf as unknown as TF, root, { items, shape: { codebookSizes: [16, 16, 16] } });
    run.model.dispose();
    await exportRun(run.runDir, path.join(root, 'export'), 'test');
    const dim = 24;
    const lines = run.ids.map((id, i) => JSON.stringify({ id, embedding: Array.from(run.embeddings.subarray(i * dim, (i + 1) * dim)) }));
    fs.writeFileSync(path.join(root, 'emb.jsonl'), lines.join('\n') + '\n');

    // New items beside some of the run's own: what `semid ids <run> --embeddings` prints.
    const fresh = clusteredEmbeddings(1500, dim, 5);
    const mixed = [
      ...lines.slice(0, 500),
      ...Array.from({ length: 1500 }, (_, i) => JSON.stringify({ id: `new${i}`, embedding: Array.from(fresh.subarray(i * dim, (i + 1) * dim)) })),
    ];
    fs.writeFileSync(path.join(root, 'mixed.jsonl'), mixed.join('\n') + '\n');
    const ids = await runCli(['ids', run.runDir, '--embeddings', path.join(root, 'mixed.jsonl'), '--out', path.join(root, 'engine_mixed.jsonl')]);
    assert.equal(ids.code, 0, ids.stderr);

    // The pairs side: the engine's miner on the committed Beauty slice.
    for (const [name, opts] of Object.entries(PAIR_SETTINGS)) {
      await engineMinePairs(path.join(SLICE, 'sequences.txt'), path.join(SLICE, 'items.jsonl'), 'id', opts, path.join(root, 'pairs', name));
      fs.writeFileSync(path.join(root, 'pairs', name, 'settings.json'), JSON.stringify(opts));
    }

    const r = spawnSync(VENV_PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', path.join(REPO_ROOT, 'distributed', 'ray', 'tests')], {
      cwd: path.join(REPO_ROOT, 'distributed', 'ray'),
      env: { ...process.env, SEMID_RAY_FIXTURES: root, SEMID_RAY_RUN: run.runDir, SEMID_BEAUTY_SLICE: SLICE, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 45 * 60_000, // minutes on an idle 2-core machine; much longer when it is shared
    });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `pytest failed:\n${output.slice(-6000)}`);
    assert.match(r.stdout, /\d+ passed/);
    assert.doesNotMatch(r.stdout, /skipped|failed/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
