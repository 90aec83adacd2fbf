/**
 * The Training Dashboard webview: it opens on a run, receives the host's state after
 * its `ready` (the webview reports each render back), and follows a live training.
 * Runs come from `semid train` in a "terminal" (a child process of the test), so this
 * also works in a restricted workspace, where viewing runs must keep working.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { SemanticIdsApi } from '../../../src/extension/testApi';
import type { TrainCommandResult } from '../../../src/extension/training/trainCommand';
import { fixture, semidApi, trainInTerminal, trusted, waitFor } from './support/semid';

describe('training dashboard', function () {
  this.timeout(120_000);
  let api: SemanticIdsApi;
  let terminalRun: string;

  before(async () => {
    api = await semidApi();
    terminalRun = await trainInTerminal(fixture('tiny.rqvae.yaml'), ['output.dir=dashboard-runs']);
  });

  it('opens on a run started in a terminal and renders its summary and latest metrics', async () => {
    await vscode.commands.executeCommand('semid.openDashboard', terminalRun);
    const rendered = await waitFor('the webview to render the run', () => {
      const r = api.dashboard().rendered;
      return r?.dir === terminalRun && r.status === 'completed' && r.curves > 0 && r;
    });
    assert.ok(rendered.step && rendered.step > 0);
    // The webview drew the curves (a chart per loss term and diagnostic) and a heatmap cell per code (2 levels x 4).
    assert.ok(rendered.curves >= 5, `${rendered.curves} charts`);
    assert.ok(rendered.points > 0);
    assert.equal(rendered.heatmapCells, 2 * 4);
    const { open, state } = api.dashboard();
    assert.equal(open, true);
    const run = state.run;
    assert.ok(run, 'state has a run');
    assert.equal(run.summary?.status, 'completed');
    assert.equal(run.summary?.items, 6);
    assert.equal(run.diagnostics?.usage.length, 2, 'latest diagnostics per level');
    assert.ok(run.losses && Number.isFinite(run.losses.total), 'latest losses');
    assert.equal(run.backend, 'wasm');
  });

  it('follows a training in progress with live updates', async function () {
    if (!trusted()) this.skip();
    const slow = fixture('training', 'slow.rqvae.yaml');
    const pending = vscode.commands.executeCommand<TrainCommandResult>('semid.train', vscode.Uri.file(slow));
    const training = await waitFor('the slow run to start', () => api.activeTrainings().find((t) => t.runDir));
    // Without an argument the dashboard shows the training in progress.
    await vscode.commands.executeCommand('semid.openDashboard');
    const first = await waitFor('a live render', () => {
      const r = api.dashboard().rendered;
      return r?.dir === training.runDir && r.status === 'running' && r.step !== null && r.step > 0 && r;
    });
    await waitFor('a later step rendered', () => (api.dashboard().rendered?.step ?? 0) > (first.step ?? 0));
    await vscode.commands.executeCommand('semid.stop');
    assert.equal((await pending)?.kind, 'interrupted');
    await waitFor('the final status rendered', () => api.dashboard().rendered?.status === 'interrupted', 30_000);
  });
});
