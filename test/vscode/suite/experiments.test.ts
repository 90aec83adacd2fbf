/**
 * Experiment files in a real VS Code: the engine's validator underlines problems at
 * their exact place, a missing data file is a diagnostic, a half-typed file neither
 * throws nor stops completion, and diagnostics follow typing before a save.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { pollUntil } from './support/semid';
import type { EngineEvent } from '../../../src/protocol';
import { FileRunStore } from '../../../src/extension/runs/fileRunStore';
import { MetricsTail } from '../../../src/extension/runs/metricsTail';

const EXTENSION_ID = 'semid.semantic-id-studio';
const SOURCE = 'semid';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, 'experiments-b', name));
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
const waitFor = <T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> => pollUntil(what, check, 10_000, 100);

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

async function diagnosticMatching(uri: vscode.Uri, text: string): Promise<vscode.Diagnostic> {
  return waitFor(`a diagnostic with "${text}" on ${path.basename(uri.fsPath)}`, () =>
    ours(uri).find((d) => d.message.includes(text)),
  );
}

describe('experiment files: diagnostics and completion', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('underlines an unknown key on its line, where the CLI reports it (9:3)', async () => {
    const uri = fixture('b-unknown-key.rqvae.yaml');
    await vscode.window.showTextDocument(uri);
    const d = await diagnosticMatching(uri, "unknown key 'model.codebok_size'");
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [8, 2, 8, 14]);
    assert.match(d.message, /did you mean 'codebook_size'/);
  });

  it('reports a missing data file as a diagnostic on its value', async () => {
    const uri = fixture('b-missing-data.rqvae.yaml');
    await vscode.window.showTextDocument(uri);
    const d = await diagnosticMatching(uri, 'file not found');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character], [3, 9]);
    assert.equal(d.range.end.character, '  items: no-such-catalog.jsonl'.length);
  });

  it('diagnoses a half-typed file, and its hover and completion still answer', async () => {
    const uri = fixture('b-half-typed.rqvae.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const d = await diagnosticMatching(uri, 'YAML');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(4, 4));
    assert.ok(Array.isArray(hovers));

    // `  lev|`: the keys of `model` not yet written, with docs and defaults.
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider', uri, new vscode.Position(5, 5),
    );
    const levels = keys.items.find((i) => label(i) === 'levels');
    assert.ok(levels, `no 'levels' among ${keys.items.map(label).slice(0, 20).join(', ')}`);
    assert.match(markdown(levels.documentation), /Default: `3`/);
    assert.equal(keys.items.some((i) => label(i) === 'latent_dim'), false, 'latent_dim is already written');

    // `  optimizer: |`: the allowed values.
    const values = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider', uri, new vscode.Position(7, 13),
    );
    for (const v of ['adam', 'adamw', 'adagrad']) assert.ok(values.items.some((i) => label(i) === v), `no '${v}'`);
  });

  it('follows typing: fixing the key clears its diagnostic before any save', async () => {
    const uri = fixture('b-unknown-key.rqvae.yaml');
    const editor = await vscode.window.showTextDocument(uri);
    await diagnosticMatching(uri, "unknown key 'model.codebok_size'");
    // Type the missing letter: `codebok` -> `codebook`.
    await editor.edit((b) => b.insert(new vscode.Position(8, 8), 'o'));
    await waitFor('the unknown-key diagnostic to go', () =>
      ours(uri).some((d) => d.message.includes('unknown key')) ? undefined : true,
    );
    assert.equal(editor.document.isDirty, true);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

describe('run files: metrics tail and run store', () => {
  const event = (step: number, extra = ''): string =>
    JSON.stringify({ type: 'checkpoint', time: '2026-01-01T00:00:00Z', step, path: `ckpt-é${extra}`, epoch: 0 });
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'semid-b-tail-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads appended bytes only, and holds a partial last line (even mid-character) until its newline', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    const second = Buffer.from(`${event(2)}\n`);
    const cut = second.indexOf(Buffer.from('é')) + 1; // inside the two bytes of 'é'
    writeFileSync(file, Buffer.concat([Buffer.from(`${event(1)}\n`), second.subarray(0, cut)]));
    const tail = new MetricsTail(file);
    assert.deepEqual((await tail.read()).map((e) => e.step), [1]);
    assert.deepEqual(await tail.read(), []);
    appendFileSync(file, second.subarray(cut));
    const fresh = await tail.read();
    assert.deepEqual(fresh.map((e) => e.step), [2]);
    assert.equal((fresh[0] as Extract<EngineEvent, { type: 'checkpoint' }>).path, 'ckpt-é');
    assert.equal(tail.events.length, 2);
  });

  it('finds a run that appears in a watched output folder and streams its appended events', async () => {
    const store = new FileRunStore(vscode.window.createOutputChannel('semid test runs', { log: true }));
    try {
      const outputDir = path.join(dir, 'out');
      store.watchOutputDir(outputDir); // not there yet: found once it appears
      const runDir = path.join(outputDir, 'exp', '20260101-000000-abcd');
      const changed = new Promise<string>((resolve) => store.onDidChangeRun((r) => resolve(r.dir)));
      mkdirSync(runDir, { recursive: true });
      const experimentPath = path.join(dir, 'exp.rqvae.yaml');
      const summary = {
        run_id: '20260101-000000-abcd', experiment: 'exp', experiment_path: experimentPath, variant: null, seed: 0,
        config_hash: 'x', started_at: '2026-01-01T00:00:00Z', finished_at: null, status: 'running', backend: 'cpu',
        items: 1, levels: 1, codebook_size: [4], steps: 0, seconds: 0, recon_loss: null, usage: [], perplexity: [],
        gini: [], dead_codes: [], collision_rate: null, unique_sid_ratio: null,
      };
      writeFileSync(path.join(runDir, 'summary.json'), JSON.stringify(summary));
      writeFileSync(path.join(runDir, 'metrics.jsonl'), '');
      assert.equal(await withTimeout(changed, 15_000, 'onDidChangeRun'), runDir);
      assert.equal(store.latest(experimentPath)?.summary.run_id, '20260101-000000-abcd');

      const appended: number[] = [];
      const gotBoth = new Promise<void>((resolve) =>
        store.onDidAppendEvents(({ dir: d, events }) => {
          if (d === runDir) appended.push(...events.map((e) => e.step));
          if (appended.length >= 2) resolve();
        }),
      );
      // Let chokidar settle on the empty file before appending (as the engine appends after creating it).
      await new Promise((resolve) => setTimeout(resolve, 300));
      appendFileSync(path.join(runDir, 'metrics.jsonl'), `${event(1)}\n{"type":"check`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      appendFileSync(path.join(runDir, 'metrics.jsonl'), `point","time":"t","step":2,"path":"p","epoch":0}\n`);
      await withTimeout(gotBoth, 15_000, 'onDidAppendEvents');
      assert.deepEqual(appended, [1, 2]);
      assert.deepEqual((await store.events(runDir)).map((e) => e.step), [1, 2]);
    } finally {
      store.dispose();
    }
  });
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function markdown(doc: string | vscode.MarkdownString | undefined): string {
  return doc === undefined ? '' : typeof doc === 'string' ? doc : doc.value;
}
