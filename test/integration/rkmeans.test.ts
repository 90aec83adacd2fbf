// model.type: rkmeans on the bundled Scientific example (1,585 items, 3 x 128 codes):
// residual k-means IDs, no network, the same run directory and diagnostics (~15 s CPU).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, readJsonl, runCli, runDirOf, tempDir } from '../support/cli';
import type { RunSummary } from '../../src/protocol';

const out = tempDir('rkmeans');
after(() => fs.rmSync(out, { recursive: true, force: true }));

test('residual k-means IDs on the Scientific example are unique after the digit, with the usual diagnostics', async () => {
  const result = await runCli(['train', EXAMPLE, '--out', out, '--set', 'model.type=rkmeans']);
  assert.equal(result.code, 0, result.stderr);
  const runDir = runDirOf(result);
  const ids = readJsonl(path.join(runDir, 'semantic_ids.jsonl')) as { id: string; sid: number[] }[];
  assert.equal(ids.length, 1585);
  assert.equal(new Set(ids.map((r) => r.sid.join('-'))).size, 1585, 'every full ID is unique');
  assert.ok(ids.every((r) => r.sid.length === 4 && r.sid.slice(0, 3).every((c) => c >= 0 && c < 128)));
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.unique_sid_ratio, 1);
  assert.equal(summary.usage.length, 3);
  assert.ok(summary.collision_rate !== null && summary.collision_rate > 0 && summary.collision_rate < 1);
  // The tuples before the digit reproduce the reported collision rate.
  const tuples = new Set(ids.map((r) => r.sid.slice(0, 3).join('-')));
  assert.ok(Math.abs((summary.collision_rate ?? 0) - (1 - tuples.size / 1585)) < 1e-9);
  assert.ok(Array.isArray(summary.coherence) && summary.coherence.length === 3);
  const ids2 = await runCli(['ids', runDir]);
  assert.equal(ids2.code, 2);
  assert.match(ids2.stderr, /residual k-means run/);
});
