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
import { loadCatalog } from '../../src/engine/data/catalog';
import { loadInteractions } from '../../src/engine/data/interactions';
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

    await engineReadingCases(root);

    const r = spawnSync(VENV_PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', path.join(REPO_ROOT, 'distributed', 'ray', 'tests')], {
      cwd: path.join(REPO_ROOT, 'distributed', 'ray'),
      env: { ...process.env, SEMID_RAY_FIXTURES: root, SEMID_RAY_RUN: run.runDir, SEMID_BEAUTY_SLICE: SLICE, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 45 * 60_000, // minutes on an idle 2-core machine; much longer when it is shared
    });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `pytest failed:\n${output.slice(-6000)}`);
    assert.match(r.stdout, /\d+ passed/);
    // pytest's closing counts ("36 passed, 9 warnings"): none skipped or failed. Counts, not
    // words, so a test or warning that names "failed" does not trip it.
    assert.doesNotMatch(r.stdout, /\b\d+ (skipped|failed|errors?)\b/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/**
 * Interaction files the engine reads or refuses, beside what it makes of them: the Beauty
 * slice as a .json object (pairs/llr_json/, mined by the engine from that file) and bad
 * files (a user twice in .txt and in .json, mostly unknown items) with the engine's
 * error message each, in reading/engine_errors.json, for the Ray miner to match.
 */
async function engineReadingCases(root: string): Promise<void> {
  const dir = path.join(root, 'reading');
  fs.mkdirSync(dir, { recursive: true });
  const rows = fs.readFileSync(path.join(SLICE, 'sequences.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));
  // Items as numbers where they look like numbers: the engine reads both.
  const entries = rows.map(([user, ...items]) => `  ${JSON.stringify(user)}: [${items.map((it, i) => (i % 2 === 0 && /^[1-9]\d*$/.test(it) ? it : JSON.stringify(it))).join(', ')}]`);
  fs.writeFileSync(path.join(dir, 'slice.json'), `{\n${entries.join(',\n')}\n}\n`);
  await engineMinePairs(path.join(dir, 'slice.json'), path.join(SLICE, 'items.jsonl'), 'id', PAIR_SETTINGS.llr, path.join(root, 'pairs', 'llr_json'));
  fs.writeFileSync(path.join(root, 'pairs', 'llr_json', 'settings.json'), JSON.stringify(PAIR_SETTINGS.llr));

  const bad: Record<string, string> = {
    'dup.txt': ['u1 1 2 3', '', 'u2 4 5 6', 'u3 7 8', 'u2 9 10', 'u1 11'].join('\n') + '\n',
    'dup.json': '{\n  "u1": ["1", "2", "3"],\n  "u2": [4, 5,\n    6],\n  "u1": ["7"]\n}\n',
    'unknown.txt': ['u1 1 x1 x2', 'u2 x3 x1 2 x4', 'u3 x5 x6 x7 3'].join('\n') + '\n',
  };
  const catalog = await loadCatalog(path.join(SLICE, 'items.jsonl'), 'id');
  const messages: Record<string, string> = {};
  for (const [name, text] of Object.entries(bad)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    try {
      await loadInteractions(file, catalog, null);
      throw new Error(`the engine read ${name}; it should refuse it`);
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'DataError') throw e;
      messages[name] = e.message;
    }
  }
  fs.writeFileSync(path.join(dir, 'engine_errors.json'), JSON.stringify(messages, null, 2));
}
