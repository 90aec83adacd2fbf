/** "Inspect Item by Semantic ID" on a finished run (works in restricted workspaces too). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { InspectResult } from '../../../src/extension/inspect/inspectCommand';
import type { SemanticIdRecord } from '../../../src/protocol';
import { fixture, semidApi, trainInTerminal } from './support/semid';

describe('inspect item', function () {
  this.timeout(60_000);
  let runDir: string;
  let records: SemanticIdRecord[];

  before(async () => {
    await semidApi();
    runDir = await trainInTerminal(fixture('tiny.rqvae.yaml'), ['output.dir=inspect-runs']);
    records = fs
      .readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SemanticIdRecord);
  });

  it('shows the chosen item\'s catalog fields and the items sharing its prefixes', async () => {
    const a1 = records.find((r) => r.id === 'a1');
    assert.ok(a1);
    const result = await vscode.commands.executeCommand<InspectResult>('semid.inspectItem', { prefix: String(a1.sid[0]), runDir, itemId: 'a1' });
    assert.ok(result, 'the command returned a report');
    assert.deepEqual(result.report.item.sid, a1.sid);
    assert.equal(result.report.item.title, 'graph neural networks for recommendation');
    const sharingFirst = records.filter((r) => r.id !== 'a1' && r.sid[0] === a1.sid[0]).length;
    assert.equal(result.report.depths[0].count, sharingFirst);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.document.toString());
    assert.ok(doc, 'the report document is open');
    const text = doc.getText();
    assert.match(text, /## Catalog fields/);
    assert.match(text, /graph neural networks for recommendation/);
    assert.match(text, new RegExp(`\`${a1.sid.join('-')}\``));
  });

  it('rejects a malformed prefix with the parser\'s message', async () => {
    const api = await semidApi();
    const result = await vscode.commands.executeCommand<InspectResult | undefined>('semid.inspectItem', { prefix: '12-x', runDir, itemId: 'a1' });
    assert.equal(result, undefined);
    assert.match(api.shownMessages().at(-1)?.text ?? '', /invalid prefix "12-x"/);
  });
});
