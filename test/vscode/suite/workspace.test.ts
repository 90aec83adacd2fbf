/** The harness opened the fixture workspace in the trust mode it was asked for. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

describe('test workspace', () => {
  it('has the fixture folder open', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const experiments = await vscode.workspace.findFiles('**/*.rqvae.yaml');
    assert.ok(experiments.length > 0, 'fixture experiment file not found in the workspace');
  });

  it('matches the harness trust mode', function () {
    // Set by the harness; absent in hosts that do not say (then nothing to compare).
    const mode = process.env.SEMID_TEST_WORKSPACE_TRUST;
    if (mode === undefined) this.skip();
    // Trust enabled and never prompted means the workspace opens in restricted mode.
    assert.equal(vscode.workspace.isTrusted, mode === 'disabled');
  });
});
