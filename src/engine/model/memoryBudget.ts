/**
 * How much memory the largest tensors of a run take, from the configuration alone, so
 * a codebook that cannot fit is refused at validation time with the arithmetic instead
 * of crashing mid-run (`memory access out of bounds` in wasm). The estimate counts only
 * the batch x codes matrices, which dominate once codebooks grow large.
 */

/** Rows of the sample that initialises the codebooks with k-means (trainer.ts). */
export const KMEANS_SAMPLE_ROWS = 16384;
/** Rows assigned per block when the whole catalog gets its codes (rqvae.ts). */
export const ASSIGN_BATCH_ROWS = 4096;
/**
 * tfjs-backend-wasm's module declares at most 65,536 pages of 64 KiB: the whole backend
 * (weights, optimizer state, every live tensor) lives in these 4 GiB.
 */
export const WASM_MEMORY_BYTES = 65536 * 65536;
/**
 * Batch x codes float32 matrices alive per level during a training step: the squared
 * distances and the products and sums that build them, kept by the tape for the backward pass.
 */
const STEP_MATRICES_PER_LEVEL = 4;

export interface MemoryEstimate {
  /** Bytes of the largest phase and which phase it is. */
  bytes: number;
  phase: string;
}

export function peakCodeMatrixBytes(codebookSizes: number[], batchSize: number, kmeansInit: boolean): MemoryEstimate {
  const largest = Math.max(...codebookSizes);
  const phases: MemoryEstimate[] = [
    {
      bytes: 4 * STEP_MATRICES_PER_LEVEL * batchSize * codebookSizes.reduce((a, b) => a + b, 0),
      phase: `a training step (${STEP_MATRICES_PER_LEVEL} batch x codes float32 matrices per level, batch ${batchSize})`,
    },
    { bytes: 4 * 2 * ASSIGN_BATCH_ROWS * largest, phase: `assigning the catalog (${ASSIGN_BATCH_ROWS} rows x ${largest} codes, distances and their argmin input)` },
  ];
  if (kmeansInit) {
    phases.push({ bytes: 4 * 2 * KMEANS_SAMPLE_ROWS * largest, phase: `the k-means initialisation (up to ${KMEANS_SAMPLE_ROWS} sample rows x ${largest} codes, twice)` });
  }
  return phases.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GiB`;
}
