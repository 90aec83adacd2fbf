// Checkpoints checked (issue 8, item 9): a corrupt or truncated checkpoint names the file
// and what is wrong, exits 2 and leaves the run as it was; NaN weights are corruption.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, runCli, tempDir, runDirOf } from '../support/cli';

const SMALL = ['--set', 'train.epochs=2', '--set', 'model.encoder=[32]', '--set', 'model.latent_dim=8', '--set', 'model.codebook_size=16', '--backend', 'cpu'];

let out = '';
let runDir = '';
let pristine = '';

before(async () => {
  out = tempDir('checkpoint');
  const result = await runCli(['train', EXAMPLE, ...SMALL, '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  runDir = runDirOf(result);
  // Stand-in for an interrupted run: its final checkpoint is a valid one to resume from.
  const summaryFile = path.join(runDir, 'summary.json');
  fs.writeFileSync(summaryFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(summaryFile, 'utf8')), status: 'interrupted' }));
  pristine = path.join(out, 'pristine');
  fs.cpSync(path.join(runDir, 'checkpoint'), pristine, { recursive: true });
});

after(() => fs.rmSync(out, { recursive: true, force: true }));

function restore(): void {
  fs.rmSync(path.join(runDir, 'checkpoint'), { recursive: true, force: true });
  fs.cpSync(pristine, path.join(runDir, 'checkpoint'), { recursive: true });
}

async function resumeRefused(damage: (checkpoint: string) => string, expected: RegExp): Promise<void> {
  restore();
  const file = damage(path.join(runDir, 'checkpoint'));
  const before = fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8');
  const metricsBefore = fs.statSync(path.join(runDir, 'metrics.jsonl')).size;
  // A resume gives the run's own --set and --out (a different configuration is refused).
  const result = await runCli(['train', EXAMPLE, ...SMALL, '--out', out, '--resume', runDir]);
  assert.equal(result.code, 2, result.stderr);
  const line = result.stderr.split('\n').find((l) => l.includes('corrupt checkpoint')) ?? '';
  assert.ok(line.includes(file), `names ${file}: ${result.stderr}`);
  assert.match(line, expected);
  assert.equal(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8'), before, 'the run is left as it was');
  assert.equal(fs.statSync(path.join(runDir, 'metrics.jsonl')).size, metricsBefore);
}

test('a truncated tensors.bin is named with its size and the size its manifest lists', async () => {
  await resumeRefused((dir) => {
    const bin = path.join(dir, 'tensors.bin');
    const size = fs.statSync(bin).size;
    fs.truncateSync(bin, size - 100);
    return bin;
  }, /bytes, but its manifest lists \d+ .*truncated/);
});

test('NaN weights are a corrupt checkpoint, naming the tensor', async () => {
  await resumeRefused((dir) => {
    const bin = path.join(dir, 'tensors.bin');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'tensors.json'), 'utf8')) as { tensors: { name: string; offset: number }[] };
    const buf = fs.readFileSync(bin);
    buf.writeFloatLE(NaN, manifest.tensors[1].offset * 4);
    fs.writeFileSync(bin, buf);
    return bin;
  }, new RegExp(`NaN or Inf values in ${manifest1Name()}`));
});

function manifest1Name(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(pristine, 'tensors.json'), 'utf8')) as { tensors: { name: string }[] };
  return manifest.tensors[1].name.replace(/[/]/g, '\\/');
}

test('a truncated state.json and a state.json with a wrong field are named', async () => {
  await resumeRefused((dir) => {
    const state = path.join(dir, 'state.json');
    const text = fs.readFileSync(state, 'utf8');
    fs.writeFileSync(state, text.slice(0, text.length / 2));
    return state;
  }, /state\.json is unreadable or not valid JSON/);
  await resumeRefused((dir) => {
    const state = path.join(dir, 'state.json');
    fs.writeFileSync(state, JSON.stringify({ ...JSON.parse(fs.readFileSync(state, 'utf8')), step: 'seven' }));
    return state;
  }, /'step' must be a non-negative integer, got "seven"/);
  await resumeRefused((dir) => {
    const state = path.join(dir, 'state.json');
    const s = JSON.parse(fs.readFileSync(state, 'utf8')) as { step: number; optimizerStep: number };
    fs.writeFileSync(state, JSON.stringify({ ...s, step: s.step + 3, optimizerStep: s.optimizerStep + 3 }));
    return state;
  }, /'step' \d+ does not match epoch/);
});

test('a garbled tensor manifest is named', async () => {
  await resumeRefused((dir) => {
    const manifest = path.join(dir, 'tensors.json');
    fs.writeFileSync(manifest, '{"format": "semid-tensors-1", "tens');
    return manifest;
  }, /not valid JSON/);
});

test('a config.yaml edited after the checkpoint is refused before the run is touched', async () => {
  restore();
  const configFile = path.join(runDir, 'config.yaml');
  const original = fs.readFileSync(configFile, 'utf8');
  assert.match(original, /^ {2}lr: 0\.001$/m);
  fs.writeFileSync(configFile, original.replace(/^ {2}lr: 0\.001$/m, '  lr: 0.002'));
  const before = fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8');
  try {
    // The arguments agree with the edited file, so only the checkpoint can tell.
    const result = await runCli(['train', EXAMPLE, ...SMALL, '--set', 'train.lr=0.002', '--out', out, '--resume', runDir]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /checkpoint was made with configuration hash \w+ .*was config\.yaml edited\?/);
    assert.equal(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8'), before, 'the run is left as it was');
  } finally {
    fs.writeFileSync(configFile, original);
  }
});

test('the intact checkpoint resumes (the checks refuse only what is wrong)', async () => {
  restore();
  const result = await runCli(['train', EXAMPLE, ...SMALL, '--out', out, '--resume', runDir]);
  assert.equal(result.code, 0, result.stderr);
});
