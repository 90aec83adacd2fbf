/**
 * The extension stays out of YAML that is not an experiment file: a workspace with a
 * GitHub workflow and a Hydra config under experiments/ does not activate it, and once
 * it runs (a command activates it) neither file is diagnosed, unless the patterns
 * setting names it; a malformed pattern is reported once and leaves the rest working.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { SemanticIdsApi } from '../../../src/extension/testApi';
import { EXTENSION_ID, pollUntil, workspaceDir } from '../suite/support/semid';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'semid');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scope: YAML that is not an experiment file', function () {
  this.timeout(120_000);
  const workflow = () => vscode.Uri.file(path.join(workspaceDir(), '.github', 'workflows', 'ci.yml'));
  const hydra = () => vscode.Uri.file(path.join(workspaceDir(), 'experiments', 'foo.yaml'));
  const probe = () => vscode.Uri.file(path.join(workspaceDir(), 'probe.rqvae.yaml'));
  let api: SemanticIdsApi;

  after(async () => {
    await vscode.workspace.getConfiguration('semid').update('experiments.patterns', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(probe().fsPath, { force: true });
  });

  it('opening a GitHub workflow and a Hydra config does not activate the extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension under test is installed');
    assert.ok(!(extension.packageJSON as { activationEvents: string[] }).activationEvents.includes('onLanguage:yaml'));
    for (const uri of [workflow(), hydra()]) {
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.languageId, 'yaml');
      await vscode.window.showTextDocument(doc);
    }
    // Activation would follow the opening within the same turn of the host; give it ample time.
    await pause(3000);
    assert.equal(extension.isActive, false, 'not activated by YAML files');
  });

  describe('once active', () => {
    before(async () => {
      // The test host starts the extension (as a command would); its API is the test hook.
      api = (await vscode.extensions.getExtension<SemanticIdsApi>(EXTENSION_ID)!.activate())!;
      assert.ok(api, 'activate() returns the test API under the extension tests');
    });

    it('diagnoses neither file, while a *.rqvae.yaml file is diagnosed', async () => {
      fs.writeFileSync(probe().fsPath, 'name: probe\ndata:\n  items: items.jsonl\nmodel:\n  codebok_size: 4\n');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(probe()));
      // The probe proves diagnostics are flowing; only then does the absence below mean anything.
      await pollUntil('the probe\'s unknown-key error', () => (ours(probe()).some((d) => d.message.includes('codebok_size')) ? true : undefined), 60_000);
      for (const uri of [workflow(), hydra()]) {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        assert.deepEqual(ours(uri).map((d) => d.message), [], `${path.basename(uri.fsPath)} is not diagnosed`);
      }
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', hydra())) ?? [];
      assert.equal(lenses.length, 0, 'no Train CodeLens on the Hydra config');
    });

    it('a malformed pattern is reported once and ignored; the valid one beside it applies', async () => {
      const hostile = '**a'.repeat(25) + '**b';
      const settings = vscode.workspace.getConfiguration('semid');
      await settings.update('experiments.patterns', [hostile, 'experiments/*.yaml'], vscode.ConfigurationTarget.Workspace);
      // experiments/*.yaml now names the Hydra file: it is validated (and, being no experiment, has errors).
      await pollUntil('the Hydra file to be diagnosed', () => (ours(hydra()).length > 0 ? true : undefined), 60_000);
      const reports = () => api.shownMessages().filter((m) => m.text.includes('ignoring the semid.experiments.patterns pattern'));
      assert.equal(reports().length, 1, 'reported once');
      assert.equal(reports()[0].level, 'warning');
      // Re-reading the setting (another change) does not report it again.
      await settings.update('experiments.patterns', [hostile, 'experiments/*.yaml', 'other/*.yaml'], vscode.ConfigurationTarget.Workspace);
      await pause(1000);
      assert.equal(reports().length, 1, 'still once');
      assert.deepEqual(ours(workflow()).map((d) => d.message), [], 'the workflow is still not diagnosed');
      // And the extension still works: the probe keeps its diagnostics, commands run.
      assert.ok(ours(probe()).some((d) => d.message.includes('codebok_size')));
      await settings.update('experiments.patterns', undefined, vscode.ConfigurationTarget.Workspace);
      await pollUntil('the Hydra file to be left alone again', () => (ours(hydra()).length === 0 ? true : undefined), 60_000);
    });
  });
});
