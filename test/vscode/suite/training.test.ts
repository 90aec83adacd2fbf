/**
 * "Train RQVAE" in the real extension host: a child-process engine trains the fixture
 * experiments. Sizes: tiny trains 4 steps in well under a second; slow would take
 * ~100 s and is always stopped after its first steps.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { TrainCommandResult } from '../../../src/extension/training/trainCommand';
import type { SemanticIdsApi } from '../../../src/extension/testApi';
import { fixture, readSummary, semidApi, trusted, waitFor } from './support/semid';

function train(file: string): Thenable<TrainCommandResult> {
  return vscode.commands.executeCommand<TrainCommandResult>('semid.train', vscode.Uri.file(file));
}

describe('training (trusted workspace)', function () {
  this.timeout(300_000);
  let api: SemanticIdsApi;

  before(async function () {
    if (!trusted()) this.skip();
    api = await semidApi();
  });

  it('trains the experiment to a completed run directory', async () => {
    const outcome = await train(fixture('tiny.rqvae.yaml'));
    assert.equal(outcome?.kind, 'completed', JSON.stringify(outcome));
    assert.ok(outcome.runDir && fs.existsSync(outcome.runDir), `run directory ${outcome.runDir}`);
    assert.equal(path.dirname(path.dirname(outcome.runDir)), fixture('runs'));
    const summary = readSummary(outcome.runDir);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.items, 6);
    const ids = fs.readFileSync(path.join(outcome.runDir, 'semantic_ids.jsonl'), 'utf8').trim().split('\n');
    assert.equal(ids.length, 6);
    assert.ok(api.shownMessages().some((m) => m.level === 'info' && m.text.includes('training completed')));
    assert.match(api.statusText(), /Semantic IDs/, 'status bar back to idle');
  });

  it('stops on "Stop Training", leaving an interrupted run with a checkpoint; the status bar shows the engine\'s step', async () => {
    const slow = fixture('training', 'slow.rqvae.yaml');
    const pending = train(slow);
    await waitFor('the slow run to start', () => api.activeTrainings().find((t) => t.experimentPath === slow && t.runDir));
    const status = await waitFor('a step in the status bar', () => /wasm \d+\/30000/.test(api.statusText()) && api.statusText());
    assert.match(status, /slow/);
    const stopped = await vscode.commands.executeCommand<number>('semid.stop');
    assert.equal(stopped, 1);
    const outcome = await pending;
    assert.equal(outcome?.kind, 'interrupted', JSON.stringify(outcome));
    assert.ok(outcome.runDir);
    const summary = readSummary(outcome.runDir);
    assert.equal(summary.status, 'interrupted');
    assert.ok(summary.steps > 0 && summary.steps < 30000, `steps ${summary.steps}`);
    const checkpoint = path.join(outcome.runDir, 'checkpoint');
    assert.ok(fs.existsSync(checkpoint) && fs.readdirSync(checkpoint).length > 0, 'checkpoint written');
    assert.equal(api.activeTrainings().length, 0);
  });

  it('shows the finished run in the CodeLens as soon as "Train" returns', async () => {
    const file = fixture('training', `lens-${Date.now()}.rqvae.yaml`);
    fs.writeFileSync(file, fs.readFileSync(fixture('tiny.rqvae.yaml'), 'utf8').replace('name: tiny', `name: ${path.basename(file, '.rqvae.yaml')}`).replace('items: items.jsonl', 'items: ../items.jsonl'));
    try {
      const lens = async () =>
        (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file)))?.map((l) => l.command?.title ?? '') ?? [];
      await vscode.workspace.openTextDocument(file);
      assert.ok((await lens()).some((t) => t.includes('no runs yet')), `before: ${(await lens()).join(' | ')}`);
      const outcome = await train(file);
      assert.equal(outcome?.kind, 'completed', JSON.stringify(outcome));
      const titles = await lens();
      assert.ok(titles.some((t) => /^Train · last run /.test(t)), `right after training: ${titles.join(' | ')}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('resumes an interrupted run from the UI, ending with the IDs of an uninterrupted run', async () => {
    const file = fixture('training', 'resume.rqvae.yaml');
    await vscode.workspace.openTextDocument(file); // the CodeLens is asked of an open document
    const whole = await train(file);
    assert.equal(whole?.kind, 'completed', JSON.stringify(whole));
    const idsOf = (runDir: string) => fs.readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8');

    const pending = train(file);
    await waitFor('the second run to step', () => /resume wasm \d+\//.test(api.statusText()) && api.activeTrainings().find((t) => t.experimentPath === file && t.runDir));
    await vscode.commands.executeCommand('semid.stop', vscode.Uri.file(file));
    const stopped = await pending;
    assert.equal(stopped?.kind, 'interrupted', JSON.stringify(stopped));
    assert.ok(stopped.runDir);
    const notice = api.shownMessages().at(-1);
    assert.match(notice?.text ?? '', /training stopped/);
    // The CodeLens offers the resume, pointing at this run.
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file))) ?? [];
    const resumeLens = lenses.find((l) => l.command?.command === 'semid.resume');
    assert.ok(resumeLens, `a Resume CodeLens: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.deepEqual(resumeLens.command?.arguments, [stopped.runDir]);

    const resumed = await vscode.commands.executeCommand<TrainCommandResult>(resumeLens.command!.command, ...(resumeLens.command!.arguments ?? []));
    assert.equal(resumed?.kind, 'completed', JSON.stringify(resumed));
    assert.equal(resumed.runDir, stopped.runDir, 'the same run directory continued');
    assert.equal(readSummary(stopped.runDir).status, 'completed');
    assert.equal(idsOf(stopped.runDir), idsOf(whole.runDir!), 'same IDs as the uninterrupted run');
  });

  it('queues a second training of the same experiment and says so; stopping drops the queue', async () => {
    const slow = fixture('training', 'slow.rqvae.yaml');
    const first = train(slow);
    await waitFor('the slow run to start', () => api.activeTrainings().find((t) => t.experimentPath === slow && t.runDir));
    const second = train(slow);
    await waitFor('the queued message', () => api.shownMessages().find((m) => m.text.includes('is queued')));
    assert.equal(api.activeTrainings().length, 1, 'one training per experiment at a time');
    await vscode.commands.executeCommand('semid.stop', vscode.Uri.file(slow));
    assert.equal((await first)?.kind, 'interrupted');
    assert.equal((await second)?.kind, 'cancelled');
  });

  it('shows an engine failure (a broken data line) as an error with the log, and leaves no run behind', async () => {
    const outcome = await train(fixture('training', 'broken.rqvae.yaml'));
    assert.equal(outcome?.kind, 'failed', JSON.stringify(outcome));
    assert.match(outcome.error, /broken\.jsonl:2/);
    const shown = api.shownMessages().at(-1);
    assert.equal(shown?.level, 'error');
    assert.match(shown.text, /training failed: .*broken\.jsonl:2/);
    // The data is checked before the run directory exists (issue 8): no `failed` run is left.
    assert.equal(outcome.runDir, null, 'no run directory for a data error');
    assert.equal(fs.existsSync(fixture('training', 'runs', 'broken')), false);
  });

  it('reports an engine that cannot start (semid.engine.nodePath pointing nowhere) as a failure', async () => {
    const settings = vscode.workspace.getConfiguration('semid');
    await settings.update('engine.nodePath', '/nonexistent/node', vscode.ConfigurationTarget.Global);
    try {
      const outcome = await train(fixture('tiny.rqvae.yaml'));
      assert.equal(outcome?.kind, 'failed', JSON.stringify(outcome));
      assert.match(outcome.error, /the engine could not start/);
      const shown = api.shownMessages().at(-1);
      assert.equal(shown?.level, 'error');
      assert.match(shown.text, /training failed: the engine could not start/);
      assert.match(api.statusText(), /Semantic IDs/, 'status bar back to idle');
    } finally {
      await settings.update('engine.nodePath', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('does not start an invalid experiment and names the error', async () => {
    const file = fixture('training', 'invalid.rqvae.yaml');
    fs.writeFileSync(file, 'name: invalid\ndata:\n  items: nowhere.jsonl\n  id_field: id\nmodel:\n  levels: 0\n');
    try {
      const outcome = await train(file);
      assert.equal(outcome?.kind, 'invalid');
      const shown = api.shownMessages().at(-1);
      assert.equal(shown?.level, 'warning');
      assert.match(shown.text, /not training: .*invalid\.rqvae\.yaml:\d+:\d+/);
      assert.equal(fs.existsSync(fixture('training', 'runs', 'invalid')), false);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('runs an ablation sweep of the experiment as a task', async () => {
    let exitCode: number | undefined | null = null;
    const ended = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition.type === 'semid') exitCode = e.exitCode;
    });
    try {
      const result = await vscode.commands.executeCommand<{ kind: string; task?: string }>('semid.runSweep', vscode.Uri.file(fixture('tiny.rqvae.yaml')));
      assert.equal(result?.kind, 'started', JSON.stringify(result));
      assert.ok(vscode.tasks.taskExecutions.some((t) => t.task.name === result.task), 'the sweep runs as a task');
      await waitFor('the sweep task to end', () => exitCode !== null, 90_000);
      assert.equal(exitCode, 0);
    } finally {
      ended.dispose();
    }
  });

  it('fails "Install GPU Engine" clearly and harmlessly without network', async () => {
    const result = await vscode.commands.executeCommand<{ kind: string; error?: string }>('semid.installGpuEngine', { npmArgs: ['--offline'] });
    assert.equal(result?.kind, 'failed', JSON.stringify(result));
    const shown = api.shownMessages().at(-1);
    assert.equal(shown?.level, 'error');
    assert.match(shown.text, /installing the GPU engine failed: .*Nothing was changed/);
    assert.equal(fs.existsSync(api.gpuEngineDir()), false, 'no half-installed engine left');
    assert.equal(fs.existsSync(`${api.gpuEngineDir()}.staging`), false);
  });
});

describe('training (restricted workspace)', function () {
  this.timeout(30_000);
  let api: SemanticIdsApi;

  before(async function () {
    if (trusted()) this.skip();
    api = await semidApi();
  });

  it('refuses to train and explains why', async () => {
    const runsOf = () => (fs.existsSync(fixture('runs', 'tiny')) ? fs.readdirSync(fixture('runs', 'tiny')).length : 0);
    const before = runsOf();
    const outcome = await train(fixture('tiny.rqvae.yaml'));
    assert.equal(outcome?.kind, 'refused');
    const shown = api.shownMessages().at(-1);
    assert.equal(shown?.level, 'warning');
    assert.match(shown.text, /Restricted Mode/);
    assert.equal(runsOf(), before, 'nothing was trained');
  });

  it('refuses the GPU install and the sweep', async () => {
    assert.equal((await vscode.commands.executeCommand<{ kind: string }>('semid.installGpuEngine'))?.kind, 'refused');
    assert.equal((await vscode.commands.executeCommand<{ kind: string }>('semid.runSweep'))?.kind, 'refused');
  });
});
