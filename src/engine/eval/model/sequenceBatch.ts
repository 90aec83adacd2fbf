/**
 * A batch of item sequences as the causal transformer reads them: left-padded to the
 * batch's longest input, so every row's most recent item sits in the last slot, with
 * positions counted back from that slot (position maxHistory - 1 is always "the
 * latest item"). Built in JavaScript; the model turns it into tensors.
 */

export interface SequenceBatch {
  rows: number;
  /** Input slots per row. */
  length: number;
  /** rows x length catalog items; -1 = padding. */
  items: Int32Array;
  /** rows x length position ids into a table of maxHistory positions. */
  positions: Int32Array;
  /** rows x length x length additive attention mask: 0 = may attend, -1e9 = may not. */
  mask: Float32Array;
  /** Flat slots (row * length + t) whose output predicts something. */
  targetSlots: Int32Array;
  /** The item each target slot predicts (training), or -1 (evaluation). */
  targets: Int32Array;
}

const BLOCKED = -1e9;

/**
 * Training: each window's items[0..n-2] are inputs and items[1..n-1] the targets of
 * the same slots. Evaluation (`histories`): every row predicts from its last slot.
 */
export function trainingBatch(windows: Int32Array[], maxHistory: number): SequenceBatch {
  const inputs = windows.map((w) => w.subarray(0, w.length - 1));
  const batch = layout(inputs, maxHistory);
  const slots: number[] = [];
  const targets: number[] = [];
  windows.forEach((w, r) => {
    const n = w.length - 1;
    for (let i = 0; i < n; i++) {
      slots.push(r * batch.length + (batch.length - n + i));
      targets.push(w[i + 1]);
    }
  });
  return { ...batch, targetSlots: Int32Array.from(slots), targets: Int32Array.from(targets) };
}

export function historyBatch(histories: Int32Array[], maxHistory: number): SequenceBatch {
  const batch = layout(histories, maxHistory);
  const slots = Int32Array.from(histories, (_, r) => r * batch.length + batch.length - 1);
  return { ...batch, targetSlots: slots, targets: new Int32Array(histories.length).fill(-1) };
}

function layout(sequences: Int32Array[], maxHistory: number): Omit<SequenceBatch, 'targetSlots' | 'targets'> {
  const rows = sequences.length;
  let length = 1;
  for (const s of sequences) length = Math.max(length, Math.min(s.length, maxHistory));
  const items = new Int32Array(rows * length).fill(-1);
  const positions = new Int32Array(rows * length);
  const mask = new Float32Array(rows * length * length).fill(BLOCKED);
  for (let r = 0; r < rows; r++) {
    const seq = sequences[r];
    const n = Math.min(seq.length, maxHistory);
    const first = length - n;
    for (let t = 0; t < length; t++) {
      positions[r * length + t] = maxHistory - length + t;
      if (t >= first) items[r * length + t] = seq[seq.length - n + (t - first)];
    }
    for (let q = 0; q < length; q++) {
      const base = (r * length + q) * length;
      // A padding slot attends to itself only (its output is never read), so no row is all-blocked.
      if (q < first) mask[base + q] = 0;
      else for (let k = first; k <= q; k++) mask[base + k] = 0;
    }
  }
  return { rows, length, items, positions, mask };
}
