/**
 * The host's side of an engine process: how its end becomes an outcome. The "engines" here
 * are tiny scripts standing in for dist/cli.js, because what is tested is the client's
 * reading of exits, stops and kills, not training.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { EngineSession, type EngineOutcome } from '../../src/extension/engine/engineClient';
import { RunQueryClient } from '../../src/extension/engine/runQueryClient';
import { EXIT, type HostToEngine } from '../../src/protocol';

const dir = mkdtempSync(path.join(tmpdir(), 'semid-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const request: Extract<HostToEngine, { kind: 'train' }> = { kind: 'train', experimentPath: 'x.rqvae.yaml', overrides: [], outDir: null, resumeDir: null, backend: null };

function session(name: string, script: string): EngineSession {
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, script);
  return new EngineSession({ enginePath: file, nodePath: process.execPath, modulePaths: [], cwd: dir }, request, { onEvent: () => undefined, onLog: () => undefined });
}

test('a stop the engine honours is an interrupted run, without a note', async () => {
  const s = session('honours', `process.on('message', (m) => { if (m.kind === 'stop') { process.send({ kind: 'done', exitCode: ${EXIT.interrupted}, runDir: '/runs/a' }, () => process.exit(${EXIT.interrupted})); } }); setInterval(() => {}, 1000);`);
  setTimeout(() => s.stop(10_000), 200);
  const outcome: EngineOutcome = await s.outcome;
  assert.deepEqual(outcome, { kind: 'interrupted', runDir: '/runs/a' });
});

test('a stop that has to kill the engine is still an interrupted run, and says it was killed', async () => {
  const s = session('ignores', `process.on('message', () => {}); setInterval(() => {}, 1000);`);
  setTimeout(() => s.stop(300), 200);
  const outcome = await s.outcome;
  assert.equal(outcome.kind, 'interrupted');
  assert.match(outcome.kind === 'interrupted' ? (outcome.note ?? '') : '', /did not stop in time and was killed/);
});

test('an engine that dies without saying done, unasked, has failed and its stderr says why', async () => {
  const s = session('dies', `process.stderr.write('Error: out of memory\\n'); process.exit(3);`);
  const outcome = await s.outcome;
  assert.equal(outcome.kind, 'failed');
  if (outcome.kind === 'failed') {
    assert.equal(outcome.exitCode, 3);
    assert.match(outcome.error, /exited with code 3.*Error: out of memory/s);
  }
});

test('a run-query process that dies at startup is not forked again per query while its error is fresh', async () => {
  const starts = path.join(dir, 'query-starts.txt');
  const file = path.join(dir, 'query-dies.js');
  writeFileSync(starts, '');
  writeFileSync(file, `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'x'); process.stderr.write('Error: cannot load the engine\\n'); process.exit(1);`);
  const forks = () => readFileSync(starts, 'utf8').length;
  const held = new RunQueryClient(() => ({ enginePath: file, nodePath: process.execPath }), 60_000, 60_000);
  await assert.rejects(held.ask({ kind: 'open', dir }), /exited with code 1.*cannot load the engine/s);
  await assert.rejects(held.ask({ kind: 'open', dir }), /exited with code 1.*cannot load the engine/s);
  assert.equal(forks(), 1, 'the second query got the last error without a new process');
  held.dispose();
  const retrying = new RunQueryClient(() => ({ enginePath: file, nodePath: process.execPath }), 60_000, 0);
  await assert.rejects(retrying.ask({ kind: 'open', dir }), /cannot load the engine/);
  await assert.rejects(retrying.ask({ kind: 'open', dir }), /cannot load the engine/);
  assert.equal(forks(), 3, 'without a cooldown each query forks');
  retrying.dispose();
});
