/**
 * Engine codes against exported-graph codes: which rows differ, and whether each
 * difference is a near tie. Two float32 kernels (tfjs, onnxruntime) sum a dot product
 * in different orders, so two codes whose distances differ by a few ulps can swap;
 * recomputing the level in float64 shows how close the two candidates really were.
 */
import type { StoredModel } from './storedModel';

export interface ParityReport {
  rows: number;
  levels: number;
  differingRows: number;
  /**
   * Per differing row (the first `explainLimit` of them): the first level that differs,
   * the two codes and their float64 distance gap.
   */
  differences: { row: number; level: number; engine: number; exported: number; gap: number; relativeGap: number }[];
}

/**
 * `explainLimit` bounds the float64 recomputations (a full encoder pass each, ~ms for a
 * wide model): a broken export differs on every row, and explaining a million of them
 * would take longer than the comparison itself; rows past it are counted only.
 */
export function compareCodes(
  model: StoredModel,
  inputs: Float32Array,
  engine: ArrayLike<number | bigint>,
  exported: ArrayLike<number | bigint>,
  rows: number,
  explainLimit = Infinity,
): ParityReport {
  const levels = model.shape.codebookSizes.length;
  const differences: ParityReport['differences'] = [];
  let differingRows = 0;
  for (let i = 0; i < rows; i++) {
    let level = -1;
    for (let l = 0; l < levels; l++) {
      if (Number(engine[i * levels + l]) !== Number(exported[i * levels + l])) {
        level = l;
        break;
      }
    }
    if (level < 0) continue;
    differingRows++;
    if (differences.length >= explainLimit) continue;
    const a = Number(engine[i * levels + level]);
    const b = Number(exported[i * levels + level]);
    const prefix = Array.from({ length: level }, (_, l) => Number(engine[i * levels + l]));
    const { distances, scale } = levelDistances64(model, inputs.subarray(i * model.shape.inputDim, (i + 1) * model.shape.inputDim), prefix);
    const gap = Math.abs(distances[a] - distances[b]);
    differences.push({ row: i, level, engine: a, exported: b, gap, relativeGap: gap / scale });
  }
  return { rows, levels, differingRows, differences };
}

/**
 * Distances (||e||² - 2 r·e, as the engine computes them) of one row at level
 * `prefix.length`, in float64, after subtracting the codes in `prefix`; `scale` is
 * max(||r||², max ||e||²), the magnitude the float32 sums worked at.
 */
export function levelDistances64(model: StoredModel, x: Float32Array, prefix: number[]): { distances: Float64Array; scale: number } {
  const { shape } = model;
  const t = (name: string): Float32Array => {
    const found = model.tensors.get(name);
    if (!found) throw new Error(`model tensor ${name} missing`);
    return found.data;
  };
  const sizes = [shape.inputDim, ...shape.encoder, shape.latentDim];
  let h: Float64Array = Float64Array.from(x);
  h = dense64(h, sizes, 'encoder', t);
  if (shape.fuse) {
    const fused = dense64(new Float64Array(shape.fuse.inputDim), [shape.fuse.inputDim, ...shape.fuse.encoder, shape.latentDim], 'fuse', t);
    for (let j = 0; j < h.length; j++) h[j] += fused[j];
  }
  const d = shape.latentDim;
  const r = h;
  prefix.forEach((code, l) => {
    const e = t(`codebook/${l}`);
    for (let j = 0; j < d; j++) r[j] -= e[code * d + j];
  });
  const level = prefix.length;
  const k = shape.codebookSizes[level];
  const e = t(`codebook/${level}`);
  const distances = new Float64Array(k);
  let scale = 0;
  for (let j = 0; j < d; j++) scale += r[j] * r[j];
  for (let c = 0; c < k; c++) {
    let norm = 0;
    let dot = 0;
    for (let j = 0; j < d; j++) {
      norm += e[c * d + j] * e[c * d + j];
      dot += r[j] * e[c * d + j];
    }
    distances[c] = norm - 2 * dot;
    scale = Math.max(scale, norm);
  }
  return { distances, scale };
}

function dense64(x: Float64Array, sizes: number[], prefix: string, t: (name: string) => Float32Array): Float64Array {
  let h = x;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const w = t(`${prefix}/w${i}`);
    const b = t(`${prefix}/b${i}`);
    const out = new Float64Array(sizes[i + 1]);
    for (let o = 0; o < out.length; o++) {
      let s = b[o];
      for (let q = 0; q < sizes[i]; q++) s += h[q] * w[q * sizes[i + 1] + o];
      out[o] = i + 2 < sizes.length ? Math.max(0, s) : s;
    }
    h = out;
  }
  return h;
}
