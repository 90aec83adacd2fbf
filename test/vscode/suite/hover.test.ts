/**
 * Hover metrics and the Train CodeLens for a run started the way a user would in a
 * terminal: `node dist/cli.js train` on an experiment whose output.dir lies outside the
 * workspace. The extension sees the run only through the files it writes.
 * Size: 1,585 Scientific items, encoder [64], 3 x 16 codes, 2 epochs (a few seconds).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { pollUntil } from './support/semid';

const EXTENSION_ID = 'semid.semantic-id-studio';

interface SummaryFacts {
  run_id: string;
  status: string;
  usage: number[];
  perplexity: number[];
}

const waitFor = <T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> => pollUntil(what, check, 20_000, 200);

/** `semid train` as a child process, like a terminal would run it; resolves to the run directory. */
function trainInTerminal(cli: string, experiment: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'train', experiment, '--set', 'train.epochs=2'],
      // The host may be Electron: run its binary as plain Node.
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 90_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`semid train failed: ${error.message}\n${stderr}`));
        else resolve(stdout.trim().split('\n').pop() ?? '');
      },
    );
  });
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** The position inside `key:` on the line that starts with it (after indentation). */
function keyPosition(doc: vscode.TextDocument, key: string): vscode.Position {
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (text.trimStart().startsWith(`${key}:`)) return new vscode.Position(i, text.indexOf(key) + 1);
  }
  throw new Error(`no '${key}:' line`);
}

const pct = (u: number): string => `${(u * 100).toFixed(u >= 0.9995 || u === 0 ? 0 : 1)}%`;

describe('hover metrics and CodeLens from a terminal run', function () {
  this.timeout(120_000);
  let outputDir = '';
  let experiment = '';
  let runDir = '';
  let summary: SummaryFacts;
  let doc: vscode.TextDocument;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const data = path.join(extension.extensionPath, 'examples', 'scientific', 'data');
    outputDir = mkdtempSync(path.join(os.tmpdir(), 'semid-b-runs-'));
    experiment = path.join(folder.uri.fsPath, 'experiments-b', 'b-hover.rqvae.yaml');
    writeFileSync(
      experiment,
      [
        'name: b-hover',
        'data:',
        `  items: ${path.join(data, 'Scientific.text')}`,
        '  id_field: item_id',
        '  text_fields: [text]',
        `  embeddings: ${path.join(data, 'Scientific.emb512.f32')}`,
        '  embedding_dim: 512',
        `  item_index: ${path.join(data, 'Scientific.item2index')}`,
        `  interactions: ${path.join(data, 'Scientific.test.inter')}`,
        'model:',
        '  encoder: [64]',
        '  latent_dim: 16',
        '  levels: 3',
        '  codebook_size: 16',
        'train:',
        '  epochs: 2',
        '  batch_size: 256',
        '  lr: 0.001',
        'collab:',
        '  weight: 0.1',
        '  pairs:',
        '    window: 5',
        'output:',
        `  dir: ${outputDir}`,
        '',
      ].join('\n'),
    );
    // Open first: the run must then arrive live, through the watched output folder.
    doc = await vscode.workspace.openTextDocument(experiment);
    await vscode.window.showTextDocument(doc);
    runDir = await trainInTerminal(path.join(extension.extensionPath, 'dist', 'cli.js'), experiment);
    summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as SummaryFacts;
    assert.equal(summary.status, 'completed');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(experiment, { force: true });
    rmSync(outputDir, { recursive: true, force: true });
  });

  it("shows the last run's usage and perplexity per level on codebook_size", async () => {
    const text = await waitFor('the hover to show the run', async () => {
      const t = await hoverText(doc.uri, keyPosition(doc, 'codebook_size'));
      return t.includes(summary.run_id) ? t : undefined;
    });
    assert.match(text, /Codes per level/, 'the key docs come first');
    assert.match(text, /\| level \| codes \| usage \| perplexity \|/);
    summary.usage.forEach((u, level) => {
      const row = new RegExp(`\\| ${level} \\| 16 \\| ${pct(u).replace('.', '\\.')} \\| ${summary.perplexity[level].toFixed(2)} \\|`);
      assert.match(text, row);
    });
    assert.match(text, /completed · (just now|\d+ min ago)/);
    assert.ok(text.includes(`command:semid.openDashboard?${encodeURIComponent(JSON.stringify([runDir]))}`), 'dashboard link');
  });

  it('shows final losses on lr and pairs kept on collab.pairs keys', async () => {
    const lr = await hoverText(doc.uri, keyPosition(doc, 'lr'));
    assert.match(lr, /Final losses \(step 14\): recon [\d.]+ · total [\d.]+/);
    const window = await hoverText(doc.uri, keyPosition(doc, 'window'));
    assert.match(window, /Pairs kept: [\d,]+ of [\d,]+ \([\d.]+%\), llr ≥ 10\.83/);
  });

  it('shows key docs, the default and the allowed values without any run metrics on other keys', async () => {
    const text = await hoverText(doc.uri, keyPosition(doc, 'embedding_dim'));
    assert.match(text, /\*\*data\.embedding_dim\*\*/);
    assert.match(text, /Default: `null`/);
    assert.doesNotMatch(text, /Last run/);
  });

  it('shows a run file\'s Markdown as text: no links, images or HTML reach the hover', async () => {
    // A crafted run of another experiment file: strings where numbers belong, Markdown in every field.
    const crafted = path.join(path.dirname(experiment), 'b-crafted.rqvae.yaml');
    writeFileSync(crafted, readFileSync(experiment, 'utf8').replace('name: b-hover', 'name: b-crafted'));
    const dir = path.join(outputDir, 'b-crafted', '29990101-000000-beef');
    mkdirSync(dir, { recursive: true });
    const link = '[click](https://evil.example/x) ![pixel](https://evil.example/p.png) <img src=x>';
    const real = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({ ...real, run_id: link, experiment: 'b-crafted', experiment_path: crafted, started_at: '2999-01-01T00:00:00.000Z', codebook_size: [link, link, link] }),
    );
    const events = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((e) => (e.type === 'pairs' ? { ...e, criterion: link, threshold: link, kept: link } : e));
    writeFileSync(path.join(dir, 'metrics.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const craftedDoc = await vscode.workspace.openTextDocument(crafted);
    try {
      const sizes = await waitFor('the crafted run in the hover', async () => {
        const t = await hoverText(craftedDoc.uri, keyPosition(craftedDoc, 'codebook_size'));
        return t.includes('Last run') && t.includes('evil') ? t : undefined;
      });
      const pairs = await hoverText(craftedDoc.uri, keyPosition(craftedDoc, 'window'));
      for (const text of [sizes, pairs]) {
        assert.doesNotMatch(text, /\]\(https?:/, 'no Markdown link or image');
        assert.doesNotMatch(text, /(^|[^\\])<img/, 'no HTML');
        assert.doesNotMatch(text, /(^|[^\\])https?:\/\//, 'no bare URL to autolink');
        assert.ok(text.includes('\\[click\\]\\(https\\://evil\\.example/x\\)'), `the text itself, escaped: ${text}`);
      }
      assert.match(pairs, /Pairs kept: .*click/);
    } finally {
      rmSync(crafted, { force: true });
    }
  });

  it('reads "Train · last run <when> · <headline>" above name: and trains the file', async () => {
    const lens = await waitFor('the CodeLens to show the run', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return lenses.find((l) => l.command?.title.startsWith('Train · last run'));
    });
    assert.equal(lens.range.start.line, 0);
    assert.match(lens.command?.title ?? '', /^Train · last run (just now|\d+ min ago) · collisions [\d.]+% · usage \d+\/\d+\/\d+%$/);
    assert.equal(lens.command?.command, 'semid.train');
    const arg = lens.command?.arguments?.[0] as vscode.Uri;
    assert.equal(arg.fsPath, doc.uri.fsPath);
  });
});
