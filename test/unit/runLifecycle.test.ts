import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent } from '../../src/protocol';
import { effectiveStatus, parseHeartbeat, pidAlive, STALE_AFTER_MS } from '../../src/protocol/liveness';
import type { Heartbeat } from '../../src/protocol';
import { RunLock, LOCK_FILE } from '../../src/engine/run/runLock';
import { RunRefusedError } from '../../src/engine/run/runRefused';
import { HeartbeatWriter } from '../../src/engine/run/heartbeat';
import { readHeartbeat } from '../../src/engine/run/liveness';
import { consistentSeries, appendToSeries, metricsSeriesOf } from '../../src/protocol/metricsSeries';
import { configDifferences } from '../../src/engine/run/resumeCheck';
import { loadExperiment } from '../../src/engine/config';
import { EXAMPLE } from '../support/cli';
import { loadCatalog } from '../../src/engine/data/catalog';
import { featurizeCatalog, featurizeCatalogCancellable } from '../../src/engine/features/featurize';
import { Cancellation, RunStopped } from '../../src/engine/util/cancellation';
import { listRuns, decideRun } from '../../src/engine/sweep/existingRuns';
import { readRunSummary } from '../../src/extension/runs/runSummaryFile';
import { MetricsTail } from '../../src/extension/runs/metricsTail';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  assert.ok(Number.isInteger(pid) && pid > 0);
  return pid;
}

function beat(over: Partial<Heartbeat>, ageMs = 0): Heartbeat {
  const now = Date.now();
  return { pid: process.pid, hostname: os.hostname(), started_at: new Date(now - 3_600_000).toISOString(), time: new Date(now - ageMs).toISOString(), ...over };
}

describe('liveness rule', () => {
  test('a running summary is believed only while its process lives', () => {
    const running = { status: 'running' as const };
    assert.equal(effectiveStatus(running, beat({})).status, 'running', 'this process, fresh beat');
    const dead = effectiveStatus(running, beat({ pid: deadPid() }));
    assert.equal(dead.status, 'interrupted', 'pid gone on this host');
    assert.match(dead.reason ?? '', /has ended/);
    assert.equal(effectiveStatus(running, beat({}, STALE_AFTER_MS + 1000)).status, 'interrupted', 'a stale beat, even with a live pid (reused pid, frozen machine)');
    assert.equal(effectiveStatus(running, beat({ hostname: 'elsewhere', pid: 1 })).status, 'running', 'another host: the beat decides');
    assert.equal(effectiveStatus(running, beat({ hostname: 'elsewhere', pid: 1 }, STALE_AFTER_MS + 1000)).status, 'interrupted');
    assert.equal(effectiveStatus(running, null).status, 'interrupted', 'no heartbeat at all');
  });

  test('final statuses are never changed', () => {
    for (const status of ['completed', 'interrupted', 'failed'] as const) {
      assert.equal(effectiveStatus({ status }, beat({ pid: deadPid() })).status, status);
      assert.equal(effectiveStatus({ status }, null).status, status);
    }
  });

  test('pidAlive: this process yes, an exited one no', () => {
    assert.equal(pidAlive(process.pid), true);
    assert.equal(pidAlive(deadPid()), false);
    assert.equal(pidAlive(0), false);
  });

  test('the heartbeat writer writes a parseable beat at once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-beat-'));
    try {
      const owner = { pid: process.pid, hostname: os.hostname(), started_at: new Date().toISOString() };
      const writer = new HeartbeatWriter(dir, owner);
      const hb = readHeartbeat(dir);
      writer.stop();
      assert.ok(hb);
      assert.equal(hb.pid, process.pid);
      assert.equal(effectiveStatus({ status: 'running' }, hb).status, 'running');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run lock', () => {
  test('one holder; a second is refused naming the owner; released, it can be taken again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-lock-'));
    try {
      const lock = RunLock.acquire(dir);
      assert.throws(() => RunLock.acquire(dir), (e: unknown) => e instanceof RunRefusedError && new RegExp(`pid ${process.pid}`).test(e.message));
      lock.release();
      assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)));
      RunLock.acquire(dir).release();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a lock left by a dead process is taken over', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-lock-'));
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), hostname: os.hostname(), started_at: '2026-01-01T00:00:00.000Z' }));
      const lock = RunLock.acquire(dir);
      assert.equal((JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid, process.pid);
      assert.deepEqual(fs.readdirSync(dir), [LOCK_FILE], 'nothing left aside');
      lock.release();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics series after a resume', () => {
  const losses = (step: number): EngineEvent => ({ type: 'losses', time: `t${step}`, step, epoch: 0, total: step, recon: step, codebook: [], commitment: [], collab: null, collab_accuracy: null, collab_chance: null, balance: null });
  const started = (from: number | null): EngineEvent => ({
    type: 'run_started', time: 't', step: from ?? 0, run_id: 'r', run_dir: '/r', experiment: 'e', experiment_path: '/e', variant: null, seed: 0, backend: 'wasm',
    backend_reason: '', items: 1, input_dim: 1, levels: 1, codebook_size: [2], total_steps: 9, steps_per_epoch: 3, resumed_from_step: from,
  });

  test('steps the dead process wrote after the checkpoint are dropped, once per resume', () => {
    const raw = [started(null), losses(1), losses(2), losses(3), losses(4), started(2), losses(3), losses(4), losses(5), started(4), losses(5), losses(6)];
    const series = consistentSeries(raw);
    assert.deepEqual(series.filter((e) => e.type === 'losses').map((e) => e.step), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(series.filter((e) => e.type === 'losses').map((e) => e.time), ['t1', 't2', 't3', 't4', 't5', 't6']);
    assert.equal(series.filter((e) => e.type === 'run_started').length, 3);
  });

  test('appending in pieces gives the same series as reading at once', () => {
    const raw = [started(null), losses(1), losses(2), losses(3), started(1), losses(2), losses(3)];
    const pieces: EngineEvent[] = [];
    assert.equal(appendToSeries(pieces, raw.slice(0, 4)), false);
    assert.equal(appendToSeries(pieces, raw.slice(4)), true, 'the resume dropped something');
    assert.deepEqual(pieces, consistentSeries(raw));
  });

  test('the text of a metrics.jsonl reads as the same series; blank, broken and foreign lines are skipped', () => {
    const raw = [started(null), losses(1), losses(2), losses(3), started(1), losses(2), losses(3)];
    const lines = raw.map((e) => JSON.stringify(e));
    lines.splice(2, 0, '', '{"type":"not_an_event","step":9}', '{"type":"losses",');
    const series = metricsSeriesOf(lines.join('\n') + '\n');
    assert.deepEqual(series, consistentSeries(raw));
    assert.deepEqual(series.filter((e) => e.type === 'losses').map((e) => e.step), [1, 2, 3]);
  });
});

describe('resume check', () => {
  test('names every differing key; engine.* may differ', async () => {
    const run = await loadExperiment(EXAMPLE, ['train.epochs=3'], { checkFiles: false });
    const same = await loadExperiment(EXAMPLE, ['train.epochs=3', 'engine.backend=cpu'], { checkFiles: false });
    assert.deepEqual(configDifferences(run, same), []);
    const other = await loadExperiment(EXAMPLE, ['train.epochs=4', 'model.codebook_size=64', 'output.dir="/elsewhere"'], { checkFiles: false });
    const keys = configDifferences(run, other).map((d) => d.key);
    assert.deepEqual(keys, ['model.codebook_size', 'train.epochs', 'output.dir']);
    assert.deepEqual(configDifferences(run, other)[1], { key: 'train.epochs', run: '3', now: '4' });
  });
});

describe("the extension's readers apply the same rules", () => {
  const summary = {
    run_id: '20260101-000000-abcd', experiment: 'exp', experiment_path: '/exp.rqvae.yaml', variant: null, seed: 0,
    config_hash: 'x', started_at: '2026-01-01T00:00:00Z', finished_at: null, status: 'running', backend: 'cpu',
    items: 1, levels: 1, codebook_size: [4], steps: 0, seconds: 0, recon_loss: null, usage: [], perplexity: [],
    gini: [], dead_codes: [], collision_rate: null, unique_sid_ratio: null,
  };

  test('run store: a running summary whose process is gone reads as interrupted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-store-'));
    try {
      fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
      fs.writeFileSync(path.join(dir, 'heartbeat.json'), JSON.stringify(beat({})));
      assert.equal((await readRunSummary(dir))?.status, 'running', 'live heartbeat');
      fs.writeFileSync(path.join(dir, 'heartbeat.json'), JSON.stringify(beat({ pid: deadPid() })));
      assert.equal((await readRunSummary(dir))?.status, 'interrupted', 'its pid is gone');
      fs.rmSync(path.join(dir, 'heartbeat.json'));
      assert.equal((await readRunSummary(dir))?.status, 'interrupted', 'no heartbeat');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('metrics tail: a resume drops the steps it supersedes, also across reads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-tail-'));
    try {
      const file = path.join(dir, 'metrics.jsonl');
      const line = (e: Record<string, unknown>): string => `${JSON.stringify({ time: 't', ...e })}\n`;
      const loss = (step: number): string => line({ type: 'losses', step, epoch: 0, total: 1, recon: 1, codebook: [], commitment: [], collab: null, balance: null });
      fs.writeFileSync(file, line({ type: 'run_started', step: 0, resumed_from_step: null }) + loss(1) + loss(2) + loss(3));
      const tail = new MetricsTail(file);
      await tail.read();
      fs.appendFileSync(file, line({ type: 'run_started', step: 1, resumed_from_step: 1 }) + loss(2));
      const fresh = await tail.read();
      assert.deepEqual(fresh.map((e) => e.type), ['run_started', 'losses']);
      assert.deepEqual(tail.events.filter((e) => e.type === 'losses').map((e) => e.step), [1, 2]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the sweep reads runs through the liveness rule', () => {
  test('a running run whose process is gone is resumed; a live one is left to its process', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-sweep-live-'));
    try {
      const make = (name: string, seed: number, heartbeat: Heartbeat): void => {
        const dir = path.join(root, name);
        fs.mkdirSync(path.join(dir, 'checkpoint'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{}');
        fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ variant: 'a', seed, config_hash: 'h', status: 'running' }));
        fs.writeFileSync(path.join(dir, 'heartbeat.json'), JSON.stringify(heartbeat));
      };
      make('20260101-000000-dead', 0, beat({ pid: deadPid() }));
      make('20260101-000001-live', 1, beat({}));
      const runs = listRuns(root);
      assert.deepEqual(runs.map((r) => r.summary.status), ['interrupted', 'running']);
      assert.equal(decideRun(runs, 'a', 0, 'h').action, 'resume');
      assert.equal(decideRun(runs, 'a', 1, 'h').action, 'live');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('featurizing can be stopped', () => {
  test('between its passes: RunStopped; left alone: the same matrix as featurizeCatalog', async () => {
    const config = await loadExperiment(EXAMPLE, [], { checkFiles: false });
    const catalog = await loadCatalog(config.data.items, config.data.id_field);
    const opts = { textFields: config.data.text_fields, dim: 32, seed: 0 };
    const whole = featurizeCatalog(catalog, opts);
    const free = await featurizeCatalogCancellable(catalog, opts, new Cancellation(() => false));
    assert.deepEqual(free.matrix.data, whole.matrix.data);
    let checks = 0;
    const stopAfterThree = new Cancellation(() => ++checks > 3);
    await assert.rejects(featurizeCatalogCancellable(catalog, opts, stopAfterThree), RunStopped);
    assert.equal(checks, 4, 'stopped at the first check after the request');
  });
});

describe('heartbeat.json as every reader parses it (src/protocol/liveness.ts)', () => {
  test('a whole heartbeat parses; a torn, partial or mistyped one is no heartbeat', () => {
    const beat = { pid: 42, hostname: 'h', started_at: '2026-01-01T00:00:00.000Z', time: '2026-01-01T00:00:05.000Z' };
    assert.deepEqual(parseHeartbeat(JSON.stringify({ ...beat, extra: 1 })), beat);
    assert.equal(parseHeartbeat(JSON.stringify(beat).slice(0, 20)), null);
    assert.equal(parseHeartbeat(JSON.stringify({ ...beat, time: undefined })), null);
    assert.equal(parseHeartbeat(JSON.stringify({ ...beat, pid: '42' })), null);
    assert.equal(parseHeartbeat('null'), null);
  });
});
