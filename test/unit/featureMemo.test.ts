import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCatalog } from '../../src/engine/data/catalog';
import type { Catalog } from '../../src/engine/data/types';
import { featurizeCatalog } from '../../src/engine/features/featurize';
import { FeatureMemo } from '../../src/engine/features/featureMemo';
import { Cancellation } from '../../src/engine/util/cancellation';

// The Scientific example's catalog (1,585 items, RecBole .text), bundled in the repository.
const CATALOG = path.join(__dirname, '..', '..', 'examples', 'scientific', 'data', 'Scientific.text');

describe('FeatureMemo (a sweep featurizes each seed once)', () => {
  it('hands out the same features for the same text, dim and seed, and recomputes when any differs', async () => {
    const catalog = await loadCatalog(CATALOG, 'item_id');
    const opts = { textFields: ['text'], dim: 24, seed: 3 };
    const memo = new FeatureMemo();

    const first = await memo.featurize(catalog, opts, Cancellation.none);
    assert.equal(first.reused, false);
    assert.deepEqual(first.matrix.data, featurizeCatalog(catalog, opts).matrix.data, 'the memo returns what featurizeCatalog returns');

    const again = await memo.featurize(catalog, opts, Cancellation.none);
    assert.equal(again.reused, true);
    assert.equal(again.matrix, first.matrix);

    const otherSeed = await memo.featurize(catalog, { ...opts, seed: 4 }, Cancellation.none);
    assert.equal(otherSeed.reused, false);
    assert.notDeepEqual(otherSeed.matrix.data, first.matrix.data);

    // One item's text edited between two runs: recomputed, not the stale matrix.
    const items = catalog.items.map((item, i) => (i === 7 ? { ...item, fields: { ...item.fields, text: 'a different text' } } : item));
    const edited: Catalog = { ...catalog, items };
    const afterEdit = await memo.featurize(edited, { ...opts, seed: 4 }, Cancellation.none);
    assert.equal(afterEdit.reused, false);
    assert.deepEqual(afterEdit.matrix.data, featurizeCatalog(edited, { ...opts, seed: 4 }).matrix.data);
  });
});
