/**
 * The explorer's and dashboard's questions go to the engine's run-query process
 * (`dist/cli.js query`, forked by RunQueryClient as the extension does): the answers
 * over IPC are the engine's own (RunQueries in-process), a refusal carries the engine's
 * words, a run without IDs still gets catalog titles, and a quiet process ends and
 * comes back on the next query. Needs `npm run build` (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunQueries } from '../../src/engine/query/runQueries';
import { RUN_FILES } from '../../src/protocol';
import { pairExamples } from '../../src/extension/dashboard/runFiles';
import { RunQueryClient } from '../../src/extension/engine/runQueryClient';
import { CLI } from '../support/cli';
import { copyFixtures, runDirs } from '../support/webviewHarness';

describe('run queries through the engine process', { skip: existsSync(CLI) ? false : `${CLI} is missing: run npm run build` }, () => {
  let fixtures: { root: string; dispose(): void };
  let dir: string;
  let killed: string;
  const engine = new RunQueries();
  const clients: RunQueryClient[] = [];
  const client = (idleMs?: number) => {
    const c = new RunQueryClient(() => ({ enginePath: CLI, nodePath: process.execPath }), idleMs);
    clients.push(c);
    return c;
  };

  before(() => {
    fixtures = copyFixtures();
    dir = runDirs(fixtures.root, 'scientific')[0];
    killed = runDirs(fixtures.root, 'killed')[0];
  });
  after(() => {
    for (const c of clients) c.dispose();
    fixtures?.dispose();
  });

  it('answers over IPC what the engine answers in-process', async () => {
    const queries = client();
    const info = await queries.ask({ kind: 'open', dir });
    assert.deepEqual(info, await engine.ask({ kind: 'open', dir }));
    assert.ok(info.items > 100 && info.levels >= 2, `a real run: ${info.items} items, ${info.levels} levels`);
    assert.equal(info.catalogProblem, null, 'the fixture catalog is readable');
    const top = await queries.ask({ kind: 'children', dir, prefix: [] });
    assert.deepEqual(top, await engine.ask({ kind: 'children', dir, prefix: [] }));
    assert.equal(top.total, info.items, 'the first level covers every item');
    const first = top.nodes[0];
    const search = await queries.ask({ kind: 'search', dir, query: `${first.code}` });
    assert.equal(search.mode, 'prefix');
    assert.equal(search.total, first.count);
    const item = await queries.ask({ kind: 'item', dir, id: search.items[0].id });
    assert.deepEqual(item, await engine.ask({ kind: 'item', dir, id: search.items[0].id }));
    assert.ok(item.fields.length > 0, 'catalog fields come with the item');
    const cell = await queries.ask({ kind: 'cell', dir, level: 0, code: first.code, limit: 3 });
    assert.equal(cell.count, first.count);
    assert.equal(cell.titles.length, Math.min(3, first.count));
    const usage = await queries.ask({ kind: 'usage', dir, sizes: info.codebookSize });
    assert.equal(usage.counts[0][first.code], first.count);
    assert.equal(usage.counts[1].reduce((a, b) => a + b, 0), info.items);
  });

  it('a refused query carries the engine’s words and the process keeps serving', async () => {
    const queries = client();
    await assert.rejects(queries.ask({ kind: 'item', dir, id: 'no-such-item' }), /no item with id "no-such-item"/);
    assert.equal((await queries.ask({ kind: 'open', dir })).dir, dir);
  });

  it('a run without semantic_ids.jsonl cannot be opened, but its catalog still titles pairs', async () => {
    const queries = client();
    await assert.rejects(queries.ask({ kind: 'open', dir: killed }), /semantic_ids\.jsonl/);
    const someIds = (await engine.ask({ kind: 'search', dir, query: '0' })).items.slice(0, 2).map((i) => i.id);
    const titles = await queries.ask({ kind: 'titles', dir: killed, ids: [...someIds, 'no-such-item'] });
    assert.equal(titles.problem, null);
    assert.deepEqual(titles.titles.map(([id]) => id), someIds, 'titles for the catalog ids, none for an unknown one');
  });

  it('a run opened while its catalog was unreadable gets its titles once the catalog is back', async () => {
    const queries = new RunQueries();
    const config = path.join(dir, RUN_FILES.config);
    renameSync(config, `${config}.away`);
    try {
      const info = await queries.ask({ kind: 'open', dir });
      assert.notEqual(info.catalogProblem, null, 'without the run config the catalog cannot be found');
      assert.ok((await queries.ask({ kind: 'search', dir, query: '0' })).items.every((i) => i.title === null));
    } finally {
      renameSync(`${config}.away`, config);
    }
    assert.equal((await queries.ask({ kind: 'open', dir })).catalogProblem, null, 'the cached titleless model is not kept');
    assert.ok((await queries.ask({ kind: 'search', dir, query: '0' })).items.some((i) => i.title !== null));
  });

  it('pair examples from pairs.tsv get their titles from the engine; a file without the header gives none', async () => {
    const queries = client();
    const titlesOf = async (ids: string[]) => new Map((await queries.ask({ kind: 'titles', dir, ids })).titles);
    const examples = await pairExamples(dir, titlesOf);
    assert.ok(examples && examples.strongest.length > 0 && examples.weakest.length > 0);
    assert.ok(examples.strongest[0].score >= examples.weakest[0].score);
    assert.ok(examples.strongest.every((p) => p.aTitle !== null && p.bTitle !== null), 'every kept pair is titled from the catalog');
    const tsv = path.join(dir, 'pairs.tsv');
    writeFileSync(tsv, readFileSync(tsv, 'utf8').split('\n').slice(1).join('\n'));
    assert.equal(await pairExamples(dir, titlesOf), null);
  });

  it('ends when quiet, starts again on the next query, and a closed client refuses', async () => {
    const queries = client(50);
    await queries.ask({ kind: 'open', dir });
    while (queries.running) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await queries.ask({ kind: 'children', dir, prefix: [] })).total > 0, true);
    queries.dispose();
    assert.equal(queries.running, false);
    await assert.rejects(queries.ask({ kind: 'open', dir }), /closed/);
  });
});
