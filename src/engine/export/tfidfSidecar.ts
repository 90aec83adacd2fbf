/**
 * The tf-idf + SVD featurizer of a run, exported: tokenizer rules, vocabulary and idf
 * in tokenizer.json; the centring mean and the projection (float64, large) in
 * featurizer.f64 beside it. `featurizeWithSidecar` is the reference consumer: it makes
 * a new item's input row from its text fields with nothing but these two files.
 */
import type { Catalog } from '../data/types';
import { featurizeCatalog, type FittedTfidfSvd } from '../features/featurize';
import { categoricalFields, itemTokens, CATEGORICAL_MAX_DISTINCT_SHARE, CATEGORICAL_MAX_MEAN_WORDS } from '../features/itemTokens';
import { LEVEL_SEPARATOR, NAMED_ENTITIES, PATH_SEPARATOR, STOP_WORDS, TOKEN } from '../features/text';

export const FEATURIZER_FILE = 'featurizer.f64';

export interface TfidfFeaturizerSidecar {
  method: 'tfidf-svd';
  /** Columns of the input row (features.dim); columns past `projection.columns` are zero. */
  dim: number;
  textFields: string[];
  tokenizer: {
    steps: string[];
    tokenPattern: string;
    tokenPatternFlags: string;
    stopWords: string[];
    htmlEntities: Record<string, string>;
    categoryPathSeparator: string;
    categoryLevelSeparator: string;
    /** Fields that also get one `field=value` token (decided on the training catalog). */
    categoricalFields: string[];
    categoricalRule: string;
  };
  /** Token of tf-idf column j, in column order. */
  vocabulary: string[];
  idf: number[];
  tf: string;
  /** featurizer.f64: little-endian float64, the mean (vocabulary values), then the projection (vocabulary x columns, row-major). */
  file: string;
  projection: { rows: number; columns: number; rank: number; residualColumns: number; offsetValues: number };
  row: string;
}

export interface ExportedFeaturizer {
  sidecar: TfidfFeaturizerSidecar;
  /** Content of featurizer.f64. */
  binary: Uint8Array;
}

/** Refits the run's featurizer on its catalog (deterministic: the same features it trained on). */
export function exportTfidfFeaturizer(catalog: Catalog, textFields: string[], dim: number, seed: number): ExportedFeaturizer {
  let fitted: FittedTfidfSvd | null = null;
  featurizeCatalog(catalog, { textFields, dim, seed, onFitted: (f) => (fitted = f) });
  if (fitted === null) throw new Error('the catalog has no text to featurize: no tf-idf featurizer to export');
  const f: FittedTfidfSvd = fitted;
  const vocab = f.vocabulary.length;
  const values = new Float64Array(vocab + vocab * f.columns);
  values.set(f.mean, 0);
  values.set(f.projection, vocab);
  const sidecar: TfidfFeaturizerSidecar = {
    method: 'tfidf-svd',
    dim,
    textFields: textFields.slice(),
    tokenizer: {
      steps: [
        'per text field, in textFields order: strings, finite numbers (as decimal text), arrays of them; other values are skipped',
        'a string containing "x > y" is a list of category paths: split on categoryPathSeparator, then levels on categoryLevelSeparator (after HTML-entity decoding); each path gives "cat:" + the prefix tokens (levels tokenized and space-joined, joined by ">"), then each level\'s word tokens; an array of string arrays is such a list too',
        'other strings: decode HTML entities (named: htmlEntities; numeric &#N; and &#xH;), NFKC-normalize, lower-case, take every match of tokenPattern, replace U+2019 by an apostrophe, strip a trailing "\'s", drop stop words and empty tokens',
        'a categorical field with at least one word also gives the token "<field>=<words joined by a space>"',
        'tokens not in the vocabulary are ignored',
      ],
      tokenPattern: TOKEN.source,
      tokenPatternFlags: TOKEN.flags,
      stopWords: [...STOP_WORDS],
      htmlEntities: { ...NAMED_ENTITIES },
      categoryPathSeparator: PATH_SEPARATOR.source,
      categoryLevelSeparator: LEVEL_SEPARATOR.source,
      categoricalFields: categoricalFields(catalog, textFields),
      categoricalRule: `a field whose (non-path) values have at most ${CATEGORICAL_MAX_DISTINCT_SHARE} x as many distinct token strings as items with a value, and at most ${CATEGORICAL_MAX_MEAN_WORDS} words on average`,
    },
    vocabulary: f.vocabulary,
    idf: Array.from(f.idf),
    tf: 'weight_j = (1 + ln count_j) * idf_j for each distinct vocabulary token j of the item; the row is L2-normalised (an item without tokens is a zero row)',
    file: FEATURIZER_FILE,
    projection: { rows: vocab, columns: f.columns, rank: f.rank, residualColumns: f.residualColumns, offsetValues: vocab },
    row: 'x = (tfidf - mean) . projection, L2-normalised (a zero vector stays zero), as float32, padded with zeros to dim columns',
  };
  return { sidecar, binary: new Uint8Array(values.buffer) };
}

/** Input rows of new items from their fields, with only the exported sidecar and binary. */
export function featurizeWithSidecar(sidecar: TfidfFeaturizerSidecar, binary: Uint8Array, items: Record<string, unknown>[]): Float32Array {
  const aligned = new Float64Array(binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength));
  const vocab = sidecar.vocabulary.length;
  const { columns } = sidecar.projection;
  const mean = aligned.subarray(0, vocab);
  const projection = aligned.subarray(sidecar.projection.offsetValues);
  const columnOf = new Map(sidecar.vocabulary.map((token, j) => [token, j]));
  const categorical = new Set(sidecar.tokenizer.categoricalFields);
  // The centred zero row's projection: every item starts from -mean · P.
  const base = new Float64Array(columns);
  for (let j = 0; j < vocab; j++) {
    if (mean[j] === 0) continue;
    for (let c = 0; c < columns; c++) base[c] -= mean[j] * projection[j * columns + c];
  }
  const out = new Float32Array(items.length * sidecar.dim);
  items.forEach((fields, i) => {
    const counts = new Map<number, number>();
    for (const token of itemTokens(fields, sidecar.textFields, categorical)) {
      const j = columnOf.get(token);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    let squares = 0;
    const weights = [...counts].map(([j, n]) => {
      const w = (1 + Math.log(n)) * sidecar.idf[j];
      squares += w * w;
      return [j, w] as const;
    });
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    const row = Float64Array.from(base);
    for (const [j, w] of weights) for (let c = 0; c < columns; c++) row[c] += w * scale * projection[j * columns + c];
    let norm = 0;
    for (let c = 0; c < columns; c++) norm += row[c] * row[c];
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < columns; c++) out[i * sidecar.dim + c] = row[c] * s;
  });
  return out;
}
