/**
 * The explorer's text search (src/engine/query/titleSearch.ts) answers exactly as
 * a per-item case-insensitive `includes` of every word would, over the fixture run's
 * real catalog titles and over titles whose lowercase changes length.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadRunCatalog, loadRunInspection } from '../../src/engine/query/runInspection';
import { TitleSearch } from '../../src/engine/query/titleSearch';
import { copyFixtures, runDirs } from '../support/webviewHarness';

function naive(ids: readonly string[], titles: readonly (string | null)[], query: string, skip = -1): number[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const out: number[] = [];
  ids.forEach((id, i) => {
    const hay = `${id}\n${titles[i] ?? ''}`.toLowerCase();
    if (i !== skip && words.length > 0 && words.every((w) => hay.includes(w))) out.push(i);
  });
  return out;
}

describe('explorer text search', () => {
  let fixtures: { root: string; dispose(): void };
  before(() => {
    fixtures = copyFixtures();
  });
  after(() => fixtures.dispose());

  it("finds what a per-item scan finds over the fixture run's catalog", async () => {
    const run = runDirs(fixtures.root, 'scientific')[0];
    const { index } = await loadRunInspection(run, await loadRunCatalog(run));
    const search = new TitleSearch(index.ids, index.titles);
    const titled = index.titles.map((t, i) => ({ t, i })).filter((x) => x.t !== null);
    assert.ok(titled.length > 100, 'the fixture has titles');
    const words = titled
      .slice(0, 40)
      .flatMap(({ t }) => t!.split(/\W+/))
      .filter((w) => w.length > 3);
    const queries = [words[0], words[3].toUpperCase(), `${words[1]} ${words[2]}`, `${words[5]} ${words[5]}`, 'e', 'the of', index.ids[7], 'zzzz-no-such-word', `  ${words[8]}  `];
    for (const q of queries) {
      const expected = naive(index.ids, index.titles, q);
      const got = search.find(q, 25);
      assert.equal(got.total, expected.length, `total for ${JSON.stringify(q)}`);
      assert.deepEqual(got.first, expected.slice(0, 25), `first page for ${JSON.stringify(q)}`);
    }
    const skip = naive(index.ids, index.titles, words[0])[0];
    assert.deepEqual(search.find(words[0], 1e9, skip).first, naive(index.ids, index.titles, words[0], skip));
  });

  it('keeps item boundaries when lowercasing changes a title’s length', () => {
    const ids = ['a1', 'a2', 'a3', 'a4'];
    const titles = ['İstanbul İzmir road', null, 'KELVIN \u212a scale', 'istanbul guide'];
    const search = new TitleSearch(ids, titles);
    for (const q of ['istanbul', 'road', 'guide', 'scale', 'a2', 'a', 'izmir road', 'kelvin k']) {
      const expected = naive(ids, titles, q);
      const got = search.find(q, 10);
      assert.deepEqual(got.first, expected, JSON.stringify(q));
      assert.equal(got.total, expected.length);
    }
  });
});
