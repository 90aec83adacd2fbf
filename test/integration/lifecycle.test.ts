/**
 * Runs never lie about their state, and have one writer (issue 8, items 5 and 6):
 * SIGHUP, SIGKILL and a closed stderr pipe read back as interrupted and resume to the
 * same IDs as an uninterrupted run; a concurrent resume and a resume with another
 * experiment are refused (exit 2) and change nothing; a Stop during k-means ends the
 * run as interrupted; metrics.jsonl reads as one series after a resume.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, EXAMPLE, REPO_ROOT, runCli, startCli, tempDir, runDirOf, readJsonl } from '../support/cli';
import type { EngineEvent, RunSummary } from '../../src/protocol';
import { liveStatusOf } from '../../src/engine/run/liveness';
import { readMetricsSeries } from '../../src/engine/run/metricsSeries';
import { listRuns } from '../../src/engine/sweep/existingRuns';
import { EngineSession } from '../../src/extension/engine/engineClient';

// The example with a small model: 1,585 items at batch 256 = 7 steps an epoch, 140 steps.
const STEPS = 20 * 7;
const out = tempDir('lifecycle');
const SMALL = ['--set', 'train.epochs=20', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--set', 'model.codebook_size=32', '--backend', 'wasm'];
const args = (name: string): string[] => ['train', EXAMPLE, ...SMALL, '--out', path.join(out, name)];

after(() => fs.rmSync(out, { recursive: true, force: true }));

const summaryOf = (runDir: string): RunSummary => JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
const idsOf = (runDir: string): string => fs.readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8');
const rawEvents = (runDir: string): EngineEvent[] => readJsonl(path.join(runDir, 'metrics.jsonl')) as unknown as EngineEvent[];
const lossSteps = (events: EngineEvent[]): number[] => events.filter((e) => e.type === 'losses').map((e) => e.step);

/** Polls until `check` returns a value (not a timed assertion: the deadline only keeps a broken run from hanging the suite). */
async function waitFor<T>(what: string, check: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one run directory under `<out>/<name>/scientific/`, once it exists. */
function runDirUnder(name: string): string | null {
  const folder = path.join(out, name, 'scientific');
  if (!fs.existsSync(folder)) return null;
  const dirs = fs.readdirSync(folder);
  return dirs.length === 1 ? path.join(folder, dirs[0]) : null;
}

/** Steps in metrics.jsonl so far (raw, every process). */
function lossesWritten(runDir: string): number {
  const file = path.join(runDir, 'metrics.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('"type":"losses"').length - 1 : 0;
}

let reference: string | null = null;
async function referenceIds(): Promise<string> {
  if (reference !== null) return reference;
  const result = await runCli(args('reference'));
  assert.equal(result.code, 0, result.stderr);
  reference = idsOf(runDirOf(result));
  return reference;
}

// Shared by the tests below, which continue one run: SIGHUP, then a resume killed with SIGKILL, then a resume to the end.
let hupDir = '';

test('SIGHUP (a closed terminal) stops like Ctrl-C: checkpoint, interrupted, exit 130', async () => {
  await referenceIds();
  const { child, done } = startCli(args('hup'));
  hupDir = await waitFor('20 steps', () => {
    const dir = runDirUnder('hup');
    return dir && lossesWritten(dir) >= 20 ? dir : null;
  });
  child.kill('SIGHUP');
  const stopped = await done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const s = summaryOf(hupDir);
  assert.equal(s.status, 'interrupted');
  assert.ok(s.steps > 0 && s.steps < STEPS, `stopped mid-run at ${s.steps}`);
  assert.ok(fs.existsSync(path.join(hupDir, 'checkpoint', 'state.json')));
  assert.ok(!fs.existsSync(path.join(hupDir, 'run.lock')), 'the lock is released');
  const hint = stopped.stderr.split('\n').find((l) => l.includes('continue with:')) ?? '';
  for (const part of ['--set train.epochs=20', '--out', '--resume']) assert.ok(hint.includes(part), `the hint repeats ${part}: ${hint}`);
});

test('a resume with another experiment file, other --set or no --out is refused (exit 2) and changes nothing', async () => {
  assert.ok(hupDir, 'needs the SIGHUP run');
  const before = { summary: fs.readFileSync(path.join(hupDir, 'summary.json'), 'utf8'), metrics: fs.readFileSync(path.join(hupDir, 'metrics.jsonl'), 'utf8') };
  const dir = tempDir('other-experiment');
  try {
    // The same experiment with another codebook size, its data paths made absolute.
    const dataDir = path.join(path.dirname(EXAMPLE), 'data');
    const other = path.join(dir, 'other.rqvae.yaml');
    fs.writeFileSync(other, fs.readFileSync(EXAMPLE, 'utf8').replaceAll('data/', `${dataDir}/`).replace('codebook_size: 128', 'codebook_size: 64'));
    const otherFileOnly = await runCli(['train', other, '--set', 'train.epochs=20', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--backend', 'wasm', '--out', path.join(out, 'hup'), '--resume', hupDir]);
    assert.equal(otherFileOnly.code, 2, otherFileOnly.stderr);
    assert.match(otherFileOnly.stderr, /model\.codebook_size: \[32,32,32\] in the run, \[64,64,64\] now/);

    const otherSet = await runCli([...args('hup').map((a) => (a === 'train.epochs=20' ? 'train.epochs=21' : a)), '--resume', hupDir]);
    assert.equal(otherSet.code, 2, otherSet.stderr);
    assert.match(otherSet.stderr, /train\.epochs: 20 in the run, 21 now/);

    const noOut = await runCli(['train', EXAMPLE, ...SMALL, '--resume', hupDir]);
    assert.equal(noOut.code, 2, noOut.stderr);
    assert.match(noOut.stderr, /output\.dir: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(fs.readFileSync(path.join(hupDir, 'summary.json'), 'utf8'), before.summary, 'summary.json unchanged');
  assert.equal(fs.readFileSync(path.join(hupDir, 'metrics.jsonl'), 'utf8'), before.metrics, 'metrics.jsonl unchanged');
  assert.ok(!fs.existsSync(path.join(hupDir, 'run.lock')));
});

test('a resume of a live run is refused and changes nothing; SIGKILL reads back as interrupted; the next resume ends with the same IDs and one series', async () => {
  assert.ok(hupDir, 'needs the SIGHUP run');
  const checkpointStep = summaryOf(hupDir).steps;
  const first = startCli([...args('hup'), '--resume', hupDir]);
  // The resumed process has trained 20 steps past its checkpoint.
  await waitFor('the resume to train 20 steps', () => {
    const steps = lossSteps(rawEvents(hupDir));
    return steps.length > 0 && steps[steps.length - 1] >= checkpointStep + 20;
  });
  const lock = fs.readFileSync(path.join(hupDir, 'run.lock'), 'utf8');
  assert.equal((JSON.parse(lock) as { pid: number }).pid, first.child.pid, 'run.lock names the live process');
  assert.equal(liveStatusOf(hupDir, summaryOf(hupDir)).status, 'running');

  const second = await runCli([...args('hup'), '--resume', hupDir]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /still running|in use by pid/);
  assert.equal(fs.readFileSync(path.join(hupDir, 'run.lock'), 'utf8'), lock, 'the lock still belongs to the first resume');
  assert.equal(rawEvents(hupDir).filter((e) => e.type === 'run_started').length, 2, 'the refused resume started nothing');

  first.child.kill('SIGKILL');
  const killed = await first.done;
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(summaryOf(hupDir).status, 'running', 'on disk the killed run still says running');
  const live = liveStatusOf(hupDir, summaryOf(hupDir));
  assert.equal(live.status, 'interrupted', 'every reader shows it interrupted');
  assert.match(live.reason ?? '', /has ended/);
  assert.equal(listRuns(path.dirname(hupDir))[0]?.summary.status, 'interrupted', 'the sweep sees it interrupted');
  const inspected = await runCli(['inspect', hupDir, '--prefix', '0']);
  assert.equal(inspected.code, 2);
  assert.match(inspected.stderr, /is interrupted \(its process \(pid \d+\) has ended\).*resumable from its checkpoint/);

  const written = lossSteps(rawEvents(hupDir));
  const resumed = await runCli([...args('hup'), '--resume', hupDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(runDirOf(resumed), hupDir);
  assert.equal(summaryOf(hupDir).status, 'completed');
  assert.equal(summaryOf(hupDir).steps, STEPS);
  assert.equal(idsOf(hupDir), await referenceIds(), 'the same IDs as an uninterrupted run');

  // The killed process's steps after the checkpoint were trained again: the raw file has them twice, the series once.
  assert.ok(written.length > checkpointStep + 20, `the killed process wrote steps past its checkpoint (${written.length})`);
  const raw = lossSteps(rawEvents(hupDir));
  assert.ok(raw.length > STEPS, `raw metrics.jsonl repeats steps (${raw.length} loss lines)`);
  assert.deepEqual(lossSteps(readMetricsSeries(hupDir)), Array.from({ length: STEPS }, (_, i) => i + 1), 'one loss per step, in order');
});

test('a closed stderr pipe (EPIPE) stops gracefully: interrupted, resumable to the same IDs', async () => {
  const { child, done } = startCli(args('epipe'));
  // Close our end of its stderr once k-means is done: its next line (the run's start) meets a closed pipe.
  let seen = '';
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes('k-means++ initialised')) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
  });
  child.stderr?.destroy();
  const stopped = await done;
  assert.equal(stopped.code, 130, `exit code ${stopped.code} signal ${stopped.signal}`);
  const runDir = runDirUnder('epipe');
  assert.ok(runDir);
  const s = summaryOf(runDir);
  assert.equal(s.status, 'interrupted');
  assert.ok(s.steps < STEPS);
  assert.ok(fs.existsSync(path.join(runDir, 'checkpoint', 'state.json')));
  const resumed = await runCli([...args('epipe'), '--resume', runDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(idsOf(runDir), await referenceIds());
});

// k-means over 1,024 codes of 256 dims takes seconds even on an idle machine.
const SLOW_KMEANS = ['--set', 'model.levels=1', '--set', 'model.codebook_size=1024', '--set', 'model.latent_dim=256', '--set', 'model.encoder=[64]', '--set', 'train.epochs=1', '--backend', 'wasm'];

test('Ctrl-C during k-means initialisation ends the run promptly as interrupted', async () => {
  const { child, done } = startCli(['train', EXAMPLE, ...SLOW_KMEANS, '--out', path.join(out, 'kmeans-cli')]);
  let seen = '';
  child.stderr?.on('data', (d: Buffer) => {
    const before = seen.includes('k-means++: initialising');
    seen += d.toString();
    if (!before && seen.includes('k-means++: initialising')) child.kill('SIGINT');
  });
  const stopped = await done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.doesNotMatch(stopped.stderr, /k-means\+\+ initialised/, 'k-means was cut short');
  const runDir = runDirUnder('kmeans-cli');
  assert.ok(runDir);
  assert.equal(summaryOf(runDir).status, 'interrupted');
  assert.equal(summaryOf(runDir).steps, 0);
  assert.equal(rawEvents(runDir).at(-1)?.type, 'run_finished');

  // No checkpoint yet: the resume starts over in the same directory, and says so in its run_started.
  const resumed = await runCli(['train', EXAMPLE, ...SLOW_KMEANS, '--out', path.join(out, 'kmeans-cli'), '--resume', runDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /no checkpoint yet: training starts over/);
  assert.equal(summaryOf(runDir).status, 'completed');
  const starts = rawEvents(runDir).filter((e) => e.type === 'run_started');
  assert.deepEqual(starts.map((e) => e.type === 'run_started' && e.resumed_from_step), [0]);
});

test('a second interrupt quits at once and still leaves the run interrupted, not running', async () => {
  const { child, done } = startCli(['train', EXAMPLE, ...SLOW_KMEANS, '--out', path.join(out, 'twice')]);
  let seen = '';
  child.stderr?.on('data', (d: Buffer) => {
    const before = seen.includes('k-means++: initialising');
    seen += d.toString();
    // Two different signals (the same one sent twice may be merged): both arrive while k-means computes.
    if (!before && seen.includes('k-means++: initialising')) {
      child.kill('SIGINT');
      child.kill('SIGTERM');
    }
  });
  const stopped = await done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.doesNotMatch(stopped.stderr, /stopped before training/, 'the graceful path did not run: the process quit at once');
  const runDir = runDirUnder('twice');
  assert.ok(runDir);
  assert.equal(summaryOf(runDir).status, 'interrupted', 'the exit handler marked it');
  const last = rawEvents(runDir).at(-1);
  assert.equal(last?.type === 'run_finished' && last.status, 'interrupted');
  assert.ok(!fs.existsSync(path.join(runDir, 'run.lock')), 'the lock is released');
});

test("the extension's Stop during k-means initialisation ends the engine as interrupted (no kill)", async () => {
  const logs: string[] = [];
  const outDir = path.join(out, 'kmeans-ipc');
  const overrides: string[] = [];
  for (let i = 0; i < SLOW_KMEANS.length - 2; i += 2) overrides.push(SLOW_KMEANS[i + 1]);
  let session: EngineSession | null = null;
  session = new EngineSession(
    { enginePath: CLI, nodePath: process.execPath, modulePaths: [], cwd: REPO_ROOT },
    { kind: 'train', experimentPath: EXAMPLE, overrides, outDir, resumeDir: null, backend: 'wasm' },
    {
      onEvent: () => undefined,
      onLog: (_level, message) => {
        logs.push(message);
        if (message.includes('k-means++: initialising')) session?.stop(600_000);
      },
    },
  );
  const outcome = await session.outcome;
  assert.equal(outcome.kind, 'interrupted', JSON.stringify(outcome) + logs.join('\n'));
  assert.ok(!logs.some((l) => l.includes('k-means++ initialised')), 'k-means was cut short');
  const runDir = runDirUnder('kmeans-ipc');
  assert.ok(runDir);
  assert.equal(summaryOf(runDir).status, 'interrupted');
});
