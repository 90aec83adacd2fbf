/**
 * The `semid` front door: help on stdout, --version, and every path the user gives
 * (run directory, --items, --embeddings, --out, --resume, the experiment file) named in
 * an exit-2 error instead of a raw ENOENT/EISDIR. Runs the built CLI (npm run build).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, REPO_ROOT, runCli, tempDir } from '../support/cli';
import { RUN_FILES } from '../../src/protocol';

const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('semid --help prints the overview on stdout and exits 0', async () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0, flag);
    assert.match(r.stdout, /usage:\n\s+semid train/);
    assert.equal(r.stderr, '', `${flag}: nothing on stderr`);
  }
});

test('semid <command> --help prints that command\'s usage on stdout', async () => {
  for (const command of ['train', 'ids', 'inspect', 'sweep']) {
    const r = await runCli([command, '--help']);
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, new RegExp(`^usage: semid ${command} `), command);
    assert.equal(r.stderr, '');
  }
});

test('semid --version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), `semid ${version}`);
});

test('no command: the overview on stderr, exit 2; an unknown one is named', async () => {
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage:/);
  const unknown = await runCli(['trian']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'trian'/);
});

/** A run directory's shape, enough for the path checks that run before any loading. */
function fakeRun(): string {
  const dir = tempDir('cli-run');
  fs.writeFileSync(path.join(dir, RUN_FILES.config), 'name: fake\n');
  fs.writeFileSync(path.join(dir, RUN_FILES.semanticIds), '');
  fs.mkdirSync(path.join(dir, RUN_FILES.model));
  return dir;
}

test('every bad path exits 2 with the path named, never ENOENT/EISDIR', async () => {
  const tmp = tempDir('cli-paths');
  const missing = path.join(tmp, 'no-such-thing');
  const aFile = path.join(tmp, 'a-file.txt');
  fs.writeFileSync(aFile, 'x');
  const run = fakeRun();
  const cases: { args: string[]; path: string; says: RegExp }[] = [
    { args: ['train', missing], path: missing, says: /does not exist/ },
    { args: ['train', tmp], path: tmp, says: /is a folder/ },
    { args: ['train', EXAMPLE, '--resume', missing], path: missing, says: /does not exist/ },
    { args: ['train', EXAMPLE, '--resume', tmp], path: tmp, says: /has no config\.yaml/ },
    { args: ['train', EXAMPLE, '--out', aFile], path: aFile, says: /is a file, not a folder/ },
    { args: ['sweep', missing], path: missing, says: /does not exist/ },
    { args: ['ids', missing], path: missing, says: /does not exist/ },
    { args: ['ids', aFile], path: aFile, says: /is a file, not a folder/ },
    { args: ['ids', run, '--items', missing], path: missing, says: /does not exist/ },
    { args: ['ids', run, '--items', tmp], path: tmp, says: /is a folder/ },
    { args: ['ids', run, '--embeddings', missing], path: missing, says: /does not exist/ },
    { args: ['ids', run, '--out', tmp], path: tmp, says: /is a folder/ },
    { args: ['ids', run, '--out', path.join(missing, 'ids.jsonl')], path: missing, says: /does not exist/ },
    { args: ['inspect', missing, '--prefix', '1'], path: missing, says: /does not exist/ },
    { args: ['inspect', tmp, '--prefix', '1'], path: tmp, says: /has no config\.yaml/ },
  ];
  for (const c of cases) {
    const r = await runCli(c.args);
    const what = `semid ${c.args.join(' ')}`;
    assert.equal(r.code, 2, `${what}: exit 2 (stderr: ${r.stderr})`);
    assert.ok(r.stderr.includes(c.path), `${what}: names ${c.path} (stderr: ${r.stderr})`);
    assert.match(r.stderr, c.says, what);
    assert.doesNotMatch(r.stderr, /ENOENT|EISDIR|ENOTDIR/, what);
    assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  }
});

test('inspect --prefix beyond a level\'s code count says so', async () => {
  const run = tempDir('cli-inspect');
  fs.writeFileSync(path.join(run, RUN_FILES.config), 'name: tiny\ndata:\n  items: items.jsonl\nmodel:\n  levels: 2\n  codebook_size: [4, 8]\n');
  fs.writeFileSync(
    path.join(run, RUN_FILES.semanticIds),
    ['{"id":"a","sid":[1,2,0]}', '{"id":"b","sid":[3,7,0]}'].join('\n') + '\n',
  );
  const within = await runCli(['inspect', run, '--prefix', '3-7']);
  assert.equal(within.code, 0, within.stderr);
  assert.match(within.stdout, /prefix 3-7: 1 item/);
  const beyond = await runCli(['inspect', run, '--prefix', '3-8']);
  assert.equal(beyond.code, 2);
  assert.match(beyond.stderr, /code 8 at level 2 is beyond its 8 codes/);
  const first = await runCli(['inspect', run, '--prefix', '4']);
  assert.equal(first.code, 2);
  assert.match(first.stderr, /code 4 at level 1 is beyond its 4 codes/);
});
