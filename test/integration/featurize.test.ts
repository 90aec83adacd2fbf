/**
 * The tf-idf + SVD featurizer on the real catalogs (Amazon Beauty, 12,101 items; MicroLens,
 * 5,312 items), dim 256. Four featurizations: ~30 s on the idle 2-core machine, ~60 s loaded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog, CatalogItem, EmbeddingMatrix } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';
import { featurizeCatalog, type FeaturizeResult } from '../../src/engine/features/featurize';
import { tallQr } from '../../src/engine/features/choleskyQr';
import { transposeTimes, type DenseMatrix } from '../../src/engine/features/dense';
import { catalogTokens } from '../../src/engine/features/itemTokens';
import { tokenizeText } from '../../src/engine/features/text';
import { SHARED_DATA, withoutShared } from '../support/sharedData';

const DIM = 256;
/** Two different texts must be at least this far apart (unit rows; float32 noise is ~1e-7). */
const MIN_DISTANCE = 1e-3;

function catalogOf(items: CatalogItem[], source: string): Catalog {
  return { items, indexById: new Map(items.map((item, i) => [item.id, i])), source };
}

function loadBeauty(): Catalog {
  const file = path.join(SHARED_DATA, 'beauty', 'items.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim().length > 0);
  const items = lines.map((line) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    return { id: String(fields.id), fields };
  });
  return catalogOf(items, file);
}

function loadMicroLens(): Catalog {
  const file = path.join(SHARED_DATA, 'microlens', 'Microlens.item.json');
  const records = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  return catalogOf(Object.entries(records).map(([id, fields]) => ({ id, fields })), file);
}

function timed(catalog: Catalog, textFields: string[], seed: number): { result: FeaturizeResult; seconds: number } {
  const start = process.hrtime.bigint();
  const result = featurizeCatalog(catalog, { textFields, dim: DIM, seed });
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function cosine(m: EmbeddingMatrix, i: number, j: number): number {
  let sum = 0;
  for (let c = 0; c < m.dim; c++) sum += m.data[i * m.dim + c] * m.data[j * m.dim + c];
  return sum;
}

function distance(m: EmbeddingMatrix, i: number, j: number): number {
  let sum = 0;
  for (let c = 0; c < m.dim; c++) sum += (m.data[i * m.dim + c] - m.data[j * m.dim + c]) ** 2;
  return Math.sqrt(sum);
}

function randomPairs(n: number, count: number, seed: number): [number, number][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const i = random.int(n);
    const j = (i + 1 + random.int(n - 1)) % n;
    return [i, j];
  });
}

function meanRandomPairCosine(m: EmbeddingMatrix): number {
  const pairs = randomPairs(m.rows, 20000, 99);
  return pairs.reduce((sum, [i, j]) => sum + cosine(m, i, j), 0) / pairs.length;
}

/**
 * Every pair of items closer than `radius`, found exactly: two unit rows that close have
 * projections on any unit direction closer than `radius`, so sorting by one random
 * projection and scanning windows of that width sees them all.
 */
function closePairs(m: EmbeddingMatrix, radius: number): [number, number, number][] {
  const random = new Random(5);
  const direction = Float64Array.from({ length: m.dim }, () => random.normal());
  const norm = Math.hypot(...direction);
  const projection = Array.from({ length: m.rows }, (_, i) => {
    let sum = 0;
    for (let c = 0; c < m.dim; c++) sum += m.data[i * m.dim + c] * direction[c];
    return sum / norm;
  });
  const order = Array.from({ length: m.rows }, (_, i) => i).sort((a, b) => projection[a] - projection[b]);
  const pairs: [number, number, number][] = [];
  for (let a = 0; a < order.length; a++) {
    for (let b = a + 1; b < order.length && projection[order[b]] - projection[order[a]] < radius; b++) {
      const d = distance(m, order[a], order[b]);
      if (d < radius) pairs.push([order[a], order[b], d]);
    }
  }
  return pairs;
}

/**
 * Mean squared cosine of the principal angles between the spans of the first k columns
 * (the leading SVD coordinates) of two outputs: 1 = the same subspace.
 */
function leadingSubspaceOverlap(a: EmbeddingMatrix, b: EmbeddingMatrix, k: number): number {
  const leading = (m: EmbeddingMatrix): DenseMatrix => {
    const out = { rows: m.rows, cols: k, data: new Float64Array(m.rows * k) };
    for (let i = 0; i < m.rows; i++) for (let c = 0; c < k; c++) out.data[i * k + c] = m.data[i * m.dim + c];
    return out;
  };
  const product = transposeTimes(tallQr(leading(a)).q, tallQr(leading(b)).q);
  return product.data.reduce((sum, x) => sum + x * x, 0) / k;
}

/** Checks shared by both catalogs; returns the smallest distance between different texts. */
function assertProperties(catalog: Catalog, textFields: string[], result: FeaturizeResult): number {
  const m = result.matrix;
  assert.equal(m.rows, catalog.items.length);
  assert.equal(m.dim, DIM);
  assert.equal(m.data.length, m.rows * DIM);
  for (let i = 0; i < m.rows; i++) assert.ok(Math.abs(Math.sqrt(cosine(m, i, i)) - 1) < 1e-5, `row ${i} is not unit length`);

  // Same token multiset -> byte-identical vector; different token set -> at least
  // MIN_DISTANCE apart. (Same set, other counts may coincide: "party party" and "party"
  // have the same unit tf-idf row.)
  const tokenLists = catalogTokens(catalog, textFields);
  const multisets = tokenLists.map((tokens) => [...tokens].sort().join('\u0000'));
  const sets = tokenLists.map((tokens) => [...new Set(tokens)].sort().join('\u0000'));
  let closestDifferent = Infinity;
  for (const [i, j, d] of closePairs(m, 0.05)) {
    if (multisets[i] === multisets[j]) {
      assert.equal(d, 0, `items ${catalog.items[i].id} and ${catalog.items[j].id} have the same tokens but differ`);
    } else if (sets[i] !== sets[j]) {
      closestDifferent = Math.min(closestDifferent, d);
      assert.ok(d >= MIN_DISTANCE, `items ${catalog.items[i].id} and ${catalog.items[j].id} differ in text but are ${d} apart`);
    }
  }
  const meanCosine = meanRandomPairCosine(m);
  assert.ok(meanCosine < 0.3, `mean random-pair cosine ${meanCosine}`);
  return closestDifferent;
}

describe('featurizeCatalog on real catalogs', () => {
  it('Beauty (title, brand, categories): fast, distinct, spread out, category-aware', { skip: withoutShared('beauty/items.jsonl') }, () => {
    const catalog = loadBeauty();
    const textFields = ['title', 'brand', 'categories'];
    const { result, seconds } = timed(catalog, textFields, 0);
    const closest = assertProperties(catalog, textFields, result);
    const meanCosine = meanRandomPairCosine(result.matrix);

    // Items under the same first category path are far more alike than random pairs.
    const byCategory = new Map<string, number[]>();
    catalog.items.forEach((item, i) => {
      const leaf = String(item.fields.categories).split('|')[0].trim();
      byCategory.set(leaf, [...(byCategory.get(leaf) ?? []), i]);
    });
    const groups = [...byCategory.values()].filter((group) => group.length > 1);
    const random = new Random(3);
    let sameCategory = 0;
    const samples = 20000;
    for (let s = 0; s < samples; s++) {
      const group = groups[random.int(groups.length)];
      const i = random.int(group.length);
      const j = (i + 1 + random.int(group.length - 1)) % group.length;
      sameCategory += cosine(result.matrix, group[i], group[j]);
    }
    sameCategory /= samples;

    console.log(
      `Beauty: ${catalog.items.length} items, vocabulary ${result.vocabulary}, ${result.emptyItems} empty, ` +
        `${seconds.toFixed(1)} s, mean random-pair cosine ${meanCosine.toFixed(4)}, ` +
        `same-category cosine ${sameCategory.toFixed(3)}, closest different texts ${closest.toExponential(2)}`,
    );
    assert.equal(result.emptyItems, 0);
    assert.ok(result.vocabulary > 10000, `vocabulary ${result.vocabulary}`);
    assert.ok(sameCategory > meanCosine + 0.3, `same-category cosine ${sameCategory}`);
    // No entity survives tokenization (about 1,200 titles have them): no "amp"/"quot"
    // words, and no "39" from "&#39;" (only from a real 39 elsewhere in the text).
    const withEntities = catalog.items.filter((item) => /&(amp|quot|#39);/.test(String(item.fields.title)));
    assert.ok(withEntities.length > 1000, `${withEntities.length} titles with entities`);
    for (const item of withEntities) {
      const title = String(item.fields.title);
      const tokens = tokenizeText(title);
      assert.ok(!tokens.includes('amp') && !tokens.includes('quot'), title);
      assert.equal(tokens.includes('39'), /(?<![\w.,])39(?!\w|[.,]\d)/.test(title.replace(/&#39;/g, "'")), title);
    }
  });

  it('MicroLens (title): distinct, spread out, deterministic, seed-stable', { skip: withoutShared('microlens/Microlens.item.json') }, () => {
    const catalog = loadMicroLens();
    const textFields = ['title'];
    const { result, seconds } = timed(catalog, textFields, 0);
    const closest = assertProperties(catalog, textFields, result);
    const meanCosine = meanRandomPairCosine(result.matrix);
    console.log(
      `MicroLens: ${catalog.items.length} items, vocabulary ${result.vocabulary}, ${result.emptyItems} empty, ` +
        `${seconds.toFixed(1)} s, mean random-pair cosine ${meanCosine.toFixed(4)}, closest different texts ${closest.toExponential(2)}`,
    );

    const again = featurizeCatalog(catalog, { textFields, dim: DIM, seed: 0 });
    assert.ok(Buffer.from(again.matrix.data.buffer).equals(Buffer.from(result.matrix.data.buffer)), 'same seed, different bytes');

    // Another seed samples another subspace estimate and another residual sketch: the
    // geometry (pairwise cosines) moves only slightly.
    const other = featurizeCatalog(catalog, { textFields, dim: DIM, seed: 1 });
    assert.ok(!Buffer.from(other.matrix.data.buffer).equals(Buffer.from(result.matrix.data.buffer)));
    const pairs = randomPairs(catalog.items.length, 20000, 7);
    const drift = pairs.reduce((sum, [i, j]) => sum + Math.abs(cosine(result.matrix, i, j) - cosine(other.matrix, i, j)), 0) / pairs.length;
    const overlap = leadingSubspaceOverlap(result.matrix, other.matrix, 128);
    console.log(
      `MicroLens: seed 0 vs 1: mean |cosine change| over random pairs ${drift.toFixed(4)}, ` +
        `overlap of the leading 128-dim subspaces ${overlap.toFixed(4)}`,
    );
    assert.ok(drift < 0.03, `seed drift ${drift}`);
    assert.ok(overlap > 0.95, `subspace overlap ${overlap}`);
  });
});
