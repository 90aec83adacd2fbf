import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';
import { tallQr } from '../../src/engine/features/choleskyQr';
import { denseZeros, gram, transposeTimes, type DenseMatrix } from '../../src/engine/features/dense';
import { featurizeCatalog } from '../../src/engine/features/featurize';
import { householderQr } from '../../src/engine/features/householderQr';
import { catalogTokens } from '../../src/engine/features/itemTokens';
import { jacobiSvd } from '../../src/engine/features/jacobiSvd';
import { randomizedSvd, type LinearOperator } from '../../src/engine/features/randomizedSvd';
import { buildTfidf } from '../../src/engine/features/tfidf';
import { categoryPrefixTokens, decodeHtmlEntities, splitCategoryPaths, tokenizeText } from '../../src/engine/features/text';

function catalogOf(records: Record<string, unknown>[]): Catalog {
  const items = records.map((fields, i) => ({ id: String(i), fields }));
  return { items, indexById: new Map(items.map((item, i) => [item.id, i])), source: 'test' };
}

function matmul(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  const out = denseZeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let t = 0; t < a.cols; t++)
      for (let c = 0; c < b.cols; c++) out.data[i * b.cols + c] += a.data[i * a.cols + t] * b.data[t * b.cols + c];
  return out;
}

function randomMatrix(rows: number, cols: number, random: Random): DenseMatrix {
  const m = denseZeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = random.normal();
  return m;
}

function maxAbsDiff(a: DenseMatrix, b: DenseMatrix): number {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

function assertOrthonormalColumns(q: DenseMatrix, tolerance: number): void {
  const g = gram(q);
  for (let p = 0; p < q.cols; p++)
    for (let c = 0; c < q.cols; c++) assert.ok(Math.abs(g.data[p * q.cols + c] - (p === c ? 1 : 0)) < tolerance, `Q^T Q [${p},${c}] = ${g.data[p * q.cols + c]}`);
}

function denseOperator(a: DenseMatrix): LinearOperator {
  const transposed = denseZeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) transposed.data[j * a.rows + i] = a.data[i * a.cols + j];
  return { rows: a.rows, cols: a.cols, times: (x) => matmul(a, x), transposeTimes: (y) => matmul(transposed, y) };
}

function rowOf(m: { dim: number; data: Float32Array }, i: number): number[] {
  return Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim));
}

describe('text', () => {
  it('decodes named, decimal and hex entities and leaves unknown ones', () => {
    assert.equal(decodeHtmlEntities('Salt &amp; Pepper &quot;XL&quot;'), 'Salt & Pepper "XL"');
    assert.equal(decodeHtmlEntities('Dr. Scholl&#39;s &#x41;&#X42; caf&eacute;'), "Dr. Scholl's AB café");
    assert.equal(decodeHtmlEntities('&bogus; &#0; &#xD800; & ;'), '&bogus; &#0; &#xD800; & ;');
    assert.equal(decodeHtmlEntities('&amp;lt;'), '&lt;', 'decoded once, not twice');
  });

  it('tokenizes words and numbers, lower-cased, without stop words', () => {
    assert.deepEqual(tokenizeText('OPI Nail Lacquer, Simmer and Shimmer, 0.5-Fluid Ounce'), [
      'opi', 'nail', 'lacquer', 'simmer', 'shimmer', '0.5', 'fluid', 'ounce',
    ]);
    assert.deepEqual(tokenizeText('Crackle Polish E55 New, 1,000 pcs v2.0'), ['crackle', 'polish', 'e55', 'new', '1,000', 'pcs', 'v2.0']);
    assert.deepEqual(tokenizeText('Dr. Scholl&#39;s Spa; don\u2019t'), ['dr', 'scholl', 'spa', "don't"]);
    assert.deepEqual(tokenizeText('the OF and a'), []);
  });

  it('is Unicode-aware: accents, full-width forms, Han and Kana', () => {
    assert.deepEqual(tokenizeText('Crème Brûlée ＦＵＬＬ'), ['crème', 'brûlée', 'full']);
    assert.deepEqual(tokenizeText('日本テスト OK'), ['日', '本', 'テ', 'ス', 'ト', 'ok']);
    assert.deepEqual(tokenizeText('Москва 2024'), ['москва', '2024']);
  });

  it('splits category paths and makes one token per prefix', () => {
    const paths = splitCategoryPaths('Beauty > Makeup > Nails | Beauty > Skin Care &amp; Body');
    assert.deepEqual(paths, [['Beauty', 'Makeup', 'Nails'], ['Beauty', 'Skin Care & Body']]);
    assert.deepEqual(categoryPrefixTokens(paths[0]), ['cat:beauty', 'cat:beauty>makeup', 'cat:beauty>makeup>nails']);
    assert.deepEqual(categoryPrefixTokens(paths[1]), ['cat:beauty', 'cat:beauty>skin care body']);
  });
});

describe('catalogTokens', () => {
  it('reads strings, numbers and arrays, skips missing fields, expands category paths', () => {
    const catalog = catalogOf([
      { title: 'Red Lipstick', categories: 'Beauty > Makeup', size: 3 },
      { title: ['Blue', 'Liner'], categories: [['Beauty', 'Eyes']] },
      { other: 'ignored' },
    ]);
    const tokens = catalogTokens(catalog, ['title', 'categories', 'size']);
    assert.deepEqual(tokens[0], ['red', 'lipstick', 'cat:beauty', 'cat:beauty>makeup', 'beauty', 'makeup', '3']);
    assert.deepEqual(tokens[1], ['blue', 'liner', 'cat:beauty', 'cat:beauty>eyes', 'beauty', 'eyes']);
    assert.deepEqual(tokens[2], []);
  });

  it('adds a whole-value token only for short repeating fields (brand), not for titles', () => {
    const catalog = catalogOf([
      { title: 'Nail Polish Red', brand: 'Dr. Scholl&#39;s' },
      { title: 'Nail Polish Blue', brand: "Dr. Scholl's" },
      { title: 'Foot Cream', brand: 'OPI' },
      { title: 'Hand Cream', brand: 'OPI' },
    ]);
    const tokens = catalogTokens(catalog, ['title', 'brand']);
    assert.deepEqual(tokens[0], ['nail', 'polish', 'red', 'dr', 'scholl', 'brand=dr scholl']);
    assert.deepEqual(tokens[3], ['hand', 'cream', 'opi', 'brand=opi']);
    assert.ok(!tokens.flat().some((t) => t.startsWith('title=')));
  });
});

describe('buildTfidf', () => {
  it('matches hand-computed sublinear tf, smooth idf, L2-normalised weights', () => {
    const { matrix, vocabulary, idf } = buildTfidf([['lip', 'gloss', 'lip'], ['gloss', 'pink'], []]);
    assert.deepEqual(vocabulary, ['lip', 'gloss', 'pink']);
    const n = 3;
    const idfLip = Math.log((1 + n) / (1 + 1)) + 1;
    const idfGloss = Math.log((1 + n) / (1 + 2)) + 1;
    assert.ok(Math.abs(idf[0] - idfLip) < 1e-15 && Math.abs(idf[1] - idfGloss) < 1e-15 && Math.abs(idf[2] - idfLip) < 1e-15);
    assert.deepEqual(Array.from(matrix.rowStart), [0, 2, 4, 4]);
    assert.deepEqual(Array.from(matrix.colIndex), [0, 1, 1, 2]);
    const lip = (1 + Math.log(2)) * idfLip;
    const norm0 = Math.hypot(lip, idfGloss);
    const norm1 = Math.hypot(idfGloss, idfLip);
    const expected = [lip / norm0, idfGloss / norm0, idfGloss / norm1, idfLip / norm1];
    expected.forEach((value, p) => assert.ok(Math.abs(matrix.values[p] - value) < 1e-15, `value ${p}`));
  });
});

describe('QR', () => {
  const random = new Random(7);
  const a = randomMatrix(50, 8, random);

  for (const [name, qr] of [['householder', householderQr], ['cholesky QR2', (m: DenseMatrix) => tallQr(m)]] as const) {
    it(`${name}: Q orthonormal, R upper triangular, QR = A`, () => {
      const { q, r } = qr(a);
      assertOrthonormalColumns(q, 1e-12);
      for (let p = 0; p < r.rows; p++) for (let c = 0; c < p; c++) assert.equal(r.data[p * r.cols + c], 0);
      assert.ok(maxAbsDiff(matmul(q, r), a) < 1e-12);
    });
  }

  it('keeps Q orthonormal when columns are dependent (tallQr falls back to Householder)', () => {
    const dependent = randomMatrix(30, 4, new Random(3));
    for (let i = 0; i < 30; i++) {
      dependent.data[i * 4 + 3] = dependent.data[i * 4] + 2 * dependent.data[i * 4 + 1];
      dependent.data[i * 4 + 2] = 0;
    }
    const { q, r } = tallQr(dependent);
    assertOrthonormalColumns(q, 1e-12);
    assert.ok(maxAbsDiff(matmul(q, r), dependent) < 1e-12);
  });
});

describe('jacobiSvd', () => {
  it('factors a small matrix: U S V^T = A, singular values descending and exact', () => {
    const a: DenseMatrix = { rows: 3, cols: 3, data: Float64Array.from([0, 2, 0, 5, 0, 0, 0, 0, -1]) };
    const { u, s, v } = jacobiSvd(a);
    assert.deepEqual(Array.from(s), [5, 2, 1]);
    const us = denseZeros(3, 3);
    for (let i = 0; i < 3; i++) for (let c = 0; c < 3; c++) us.data[i * 3 + c] = u.data[i * 3 + c] * s[c];
    const vt = denseZeros(3, 3);
    for (let i = 0; i < 3; i++) for (let c = 0; c < 3; c++) vt.data[c * 3 + i] = v.data[i * 3 + c];
    assert.ok(maxAbsDiff(matmul(us, vt), a) < 1e-14);
  });
});

describe('randomizedSvd', () => {
  // A = U0 diag(s0) V0^T with known orthonormal U0 (60 x 5), V0 (40 x 5).
  const random = new Random(11);
  const u0 = householderQr(randomMatrix(60, 5, random)).q;
  const v0 = householderQr(randomMatrix(40, 5, random)).q;
  const s0 = [9, 5, 3, 1, 0.25];
  const scaled = denseZeros(60, 5);
  for (let i = 0; i < 60; i++) for (let c = 0; c < 5; c++) scaled.data[i * 5 + c] = u0.data[i * 5 + c] * s0[c];
  const v0t = denseZeros(5, 40);
  for (let j = 0; j < 40; j++) for (let c = 0; c < 5; c++) v0t.data[c * 40 + j] = v0.data[j * 5 + c];
  const a = matmul(scaled, v0t);

  it('recovers the singular values and reconstructs a low-rank matrix', () => {
    const { u, s, v } = randomizedSvd(denseOperator(a), 5, new Random(1));
    assert.ok(u !== null);
    s0.forEach((value, c) => assert.ok(Math.abs(s[c] - value) < 1e-10, `s[${c}] = ${s[c]}`));
    assertOrthonormalColumns(u, 1e-10);
    assertOrthonormalColumns(v, 1e-10);
    const us = denseZeros(60, 5);
    for (let i = 0; i < 60; i++) for (let c = 0; c < 5; c++) us.data[i * 5 + c] = u.data[i * 5 + c] * s[c];
    const vt = denseZeros(5, 40);
    for (let j = 0; j < 40; j++) for (let c = 0; c < 5; c++) vt.data[c * 40 + j] = v.data[j * 5 + c];
    assert.ok(maxAbsDiff(matmul(us, vt), a) < 1e-10);
  });

  it('finds the leading subspace of a truncated rank and is deterministic for a seed', () => {
    const first = randomizedSvd(denseOperator(a), 3, new Random(5));
    const again = randomizedSvd(denseOperator(a), 3, new Random(5));
    assert.deepEqual(first.v.data, again.v.data);
    const other = randomizedSvd(denseOperator(a), 3, new Random(6));
    // Signs are fixed, so a different seed gives the same vectors up to rounding.
    assert.ok(maxAbsDiff(first.v, other.v) < 1e-8);
    // V spans the true top-3 right singular vectors: |V0[:, :3]^T V| is the identity.
    const overlap = transposeTimes(v0, first.v);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(Math.abs(overlap.data[c * 3 + c]) - 1) < 1e-10);
  });

  it('returns zero singular values past the rank instead of noise', () => {
    const { s } = randomizedSvd(denseOperator(a), 8, new Random(2));
    for (let c = 5; c < 8; c++) assert.equal(s[c], 0);
  });
});

describe('featurizeCatalog', () => {
  const titles = [
    'Red nail polish', 'Blue nail polish', 'Red lipstick matte', 'Pink lipstick gloss', 'Nail polish remover',
    'Face cream moisturizer', 'Night face cream', 'Hair shampoo', 'Hair conditioner', 'Shampoo and conditioner set',
    'Red nail polish', '', 'Hand cream', 'Foot cream', 'Eye liner black', 'Eye shadow palette', 'Lip liner red',
  ];
  const catalog = catalogOf(titles.map((title) => ({ title })));

  for (const seed of [0, 1, 2, 3, 4])
  it(`gives unit rows, identical vectors for identical text, distinct ones otherwise (seed ${seed})`, () => {
    const { matrix, vocabulary, emptyItems } = featurizeCatalog(catalog, { textFields: ['title'], dim: 6, seed });
    assert.equal(matrix.rows, titles.length);
    assert.equal(matrix.dim, 6);
    assert.equal(emptyItems, 1);
    assert.equal(vocabulary, new Set(titles.flatMap((t) => tokenizeText(t))).size);
    for (let i = 0; i < matrix.rows; i++) assert.ok(Math.abs(Math.hypot(...rowOf(matrix, i)) - 1) < 1e-6, `row ${i} norm`);
    assert.deepEqual(rowOf(matrix, 0), rowOf(matrix, 10));
    for (let i = 0; i < titles.length; i++)
      for (let j = i + 1; j < titles.length; j++) {
        if (titles[i] === titles[j]) continue;
        const a = rowOf(matrix, i);
        const b = rowOf(matrix, j);
        const distance = Math.hypot(...a.map((x, c) => x - b[c]));
        // dim 6 = 5 SVD columns + 1 random residual column: two titles that differ only outside
        // the top 5 directions are told apart by one random projection, so how far apart they
        // land is chance (seed 0: "Hair shampoo" / "Hair conditioner" 3e-4; seeds 1-4: > 8e-3);
        // a true collision would be float noise (~1e-7).
        assert.ok(distance > 1e-4, `"${titles[i]}" and "${titles[j]}" are ${distance} apart`);
      }
  });

  it('is byte-identical for a seed', () => {
    const a = featurizeCatalog(catalog, { textFields: ['title'], dim: 5, seed: 3 });
    const b = featurizeCatalog(catalog, { textFields: ['title'], dim: 5, seed: 3 });
    assert.deepEqual(Buffer.from(a.matrix.data.buffer), Buffer.from(b.matrix.data.buffer));
  });

  it('keeps every direction when dim >= min(items, vocabulary): cosines equal the centred tf-idf ones, rest zero', () => {
    const dim = 40; // > 17 items
    const { matrix } = featurizeCatalog(catalog, { textFields: ['title'], dim, seed: 0 });
    const { matrix: tfidf } = buildTfidf(catalogTokens(catalog, ['title']));
    const dense = Array.from({ length: tfidf.rows }, () => new Float64Array(tfidf.cols));
    for (let i = 0; i < tfidf.rows; i++) for (let p = tfidf.rowStart[i]; p < tfidf.rowStart[i + 1]; p++) dense[i][tfidf.colIndex[p]] = tfidf.values[p];
    const mean = new Float64Array(tfidf.cols).map((_, j) => dense.reduce((sum, row) => sum + row[j], 0) / tfidf.rows);
    const centred = dense.map((row) => row.map((x, j) => x - mean[j]));
    const cosine = (x: ArrayLike<number>, y: ArrayLike<number>) => {
      let xy = 0, xx = 0, yy = 0;
      for (let c = 0; c < x.length; c++) { xy += x[c] * y[c]; xx += x[c] * x[c]; yy += y[c] * y[c]; }
      return xy / Math.sqrt(xx * yy);
    };
    for (let i = 0; i < tfidf.rows; i++) {
      assert.deepEqual(rowOf(matrix, i).slice(titles.length), new Array(dim - titles.length).fill(0));
      for (let j = 0; j < tfidf.rows; j++) assert.ok(Math.abs(cosine(rowOf(matrix, i), rowOf(matrix, j)) - cosine(centred[i], centred[j])) < 1e-5);
    }
  });

  it('rejects a bad dim and handles catalogs without any text', () => {
    assert.throws(() => featurizeCatalog(catalog, { textFields: ['title'], dim: 0, seed: 0 }), /dim/);
    const empty = featurizeCatalog(catalogOf([{ a: 1 }, {}]), { textFields: ['title'], dim: 4, seed: 0 });
    assert.equal(empty.vocabulary, 0);
    assert.equal(empty.emptyItems, 2);
    assert.deepEqual(Array.from(empty.matrix.data), new Array(8).fill(0));
  });
});
