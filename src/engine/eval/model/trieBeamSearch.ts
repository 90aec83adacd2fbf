/**
 * Beam search restricted to assigned IDs (design §5), shared by both generative
 * retrievers: at each token position every live beam may continue only along the
 * prefix trie, and the `beams` best partial IDs per row survive. Scores are sums of
 * log-probabilities; the model supplies them one position at a time for all live beams
 * of all rows at once (batched over users).
 */
import { SemanticIdTrie } from '../semanticIdTrie';
import type { RankedBatch } from '../ranker';

export interface BeamResult {
  /** rows x beams items, best first (-1 where fewer IDs than beams exist). */
  items: Int32Array;
  beams: number;
  /** Finished beams whose token sequence names no item (0 with the trie; counted, not assumed). */
  invalid: number;
  generated: number;
}

/**
 * Log-probabilities of position `pos`'s tokens for each live beam: `rowOf[b]` is beam b's
 * row, `prefixes[b]` its tokens so far (length pos). Returns beams x vocab, row-major.
 */
export type StepLogProbs = (pos: number, rowOf: Int32Array, prefixes: number[][]) => { values: Float32Array; vocab: number };

export function trieBeamSearch(trie: SemanticIdTrie, rows: number, beams: number, logProbs: StepLogProbs): BeamResult {
  // Per row: live beams as (trie node, score, tokens so far).
  let live: { node: number; score: number; tokens: number[] }[][] = Array.from({ length: rows }, () => [
    { node: SemanticIdTrie.ROOT, score: 0, tokens: [] },
  ]);
  for (let p = 0; p < trie.depth; p++) {
    const width = live.map((b) => b.length);
    const rowOf: number[] = [];
    const prefixTokens: number[][] = [];
    live.forEach((b, r) => b.forEach((beam) => {
      rowOf.push(r);
      prefixTokens.push(beam.tokens);
    }));
    const { values, vocab: k } = logProbs(p, Int32Array.from(rowOf), prefixTokens);
    let flat = 0;
    const next: typeof live = [];
    for (let r = 0; r < rows; r++) {
      // Candidates as parallel arrays (beam, trie edge, score); only the survivors become objects.
      const fromBeam: number[] = [];
      const edge: number[] = [];
      const score: number[] = [];
      for (let b = 0; b < width[r]; b++, flat++) {
        const beam = live[r][b];
        const { tokens } = trie.children(beam.node);
        for (let c = 0; c < tokens.length; c++) {
          fromBeam.push(b);
          edge.push(c);
          score.push(beam.score + values[flat * k + tokens[c]]);
        }
      }
      const order = Array.from({ length: score.length }, (_, i) => i);
      order.sort((a, b) => score[b] - score[a] || a - b);
      next.push(order.slice(0, beams).map((i) => {
        const beam = live[r][fromBeam[i]];
        const { tokens, nodes } = trie.children(beam.node);
        return { node: nodes[edge[i]], score: score[i], tokens: [...beam.tokens, tokens[edge[i]]] };
      }));
    }
    live = next;
  }
  const items = new Int32Array(rows * beams).fill(-1);
  let invalid = 0;
  let generated = 0;
  live.forEach((b, r) => b.forEach((beam, i) => {
    generated++;
    const item = trie.lookup(beam.tokens);
    if (item < 0) invalid++;
    items[r * beams + i] = item;
  }));
  return { items, beams, invalid, generated };
}

/** A beam search's result as a ranker's batch (both retrievers rank this way). */
export function rankedBatch(result: BeamResult): RankedBatch {
  return { items: result.items, width: result.beams, invalid: result.invalid, generated: result.generated };
}
