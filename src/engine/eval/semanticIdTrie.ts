/**
 * Prefix trie over the assigned semantic IDs (L codes + the collision digit), the
 * constraint of beam search: from any prefix only tokens that continue some item's ID
 * are allowed, so every finished beam names a real item (design §5). Flattened into
 * typed arrays: node -> [first child, child count) over parallel token/child arrays.
 */

export class SemanticIdTrie {
  /** Tokens per ID (levels + 1). */
  readonly depth: number;
  /** Per position: the largest token + 1 (the size of that position's token table). */
  readonly vocab: number[];
  private readonly firstChild: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childToken: Int32Array;
  private readonly childNode: Int32Array;
  /** Per node: the item a full ID names, else -1. */
  private readonly leafItem: Int32Array;
  /** Items whose full ID another item already had (kept out of the trie). */
  readonly duplicates: number;

  /** `sids[i]` = the full ID of item i; an empty array leaves item i out. */
  constructor(sids: ArrayLike<number>[], depth: number) {
    this.depth = depth;
    this.vocab = new Array<number>(depth).fill(0);
    const children: Map<number, number>[] = [new Map()];
    const leaf: number[] = [-1];
    let duplicates = 0;
    for (let item = 0; item < sids.length; item++) {
      const sid = sids[item];
      if (sid.length === 0) continue;
      if (sid.length !== depth) throw new RangeError(`item ${item}: ID of ${sid.length} tokens, expected ${depth}`);
      let node = 0;
      for (let pos = 0; pos < depth; pos++) {
        const token = sid[pos];
        if (token + 1 > this.vocab[pos]) this.vocab[pos] = token + 1;
        let next = children[node].get(token);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          leaf.push(-1);
          children[node].set(token, next);
        }
        node = next;
      }
      if (leaf[node] >= 0) duplicates++;
      else leaf[node] = item;
    }
    this.duplicates = duplicates;
    const nodes = children.length;
    this.firstChild = new Int32Array(nodes);
    this.childCount = new Int32Array(nodes);
    const edges = nodes - 1;
    this.childToken = new Int32Array(edges);
    this.childNode = new Int32Array(edges);
    let e = 0;
    for (let n = 0; n < nodes; n++) {
      this.firstChild[n] = e;
      const sorted = [...children[n].entries()].sort((a, b) => a[0] - b[0]);
      this.childCount[n] = sorted.length;
      for (const [token, child] of sorted) {
        this.childToken[e] = token;
        this.childNode[e] = child;
        e++;
      }
    }
    this.leafItem = Int32Array.from(leaf);
  }

  static readonly ROOT = 0;

  /** Allowed next tokens from `node`, ascending, with the node each one leads to. */
  children(node: number): { tokens: Int32Array; nodes: Int32Array } {
    const start = this.firstChild[node];
    const end = start + this.childCount[node];
    return { tokens: this.childToken.subarray(start, end), nodes: this.childNode.subarray(start, end) };
  }

  /** The child of `node` along `token`, or -1. */
  child(node: number, token: number): number {
    const start = this.firstChild[node];
    for (let e = start; e < start + this.childCount[node]; e++) if (this.childToken[e] === token) return this.childNode[e];
    return -1;
  }

  /** The item a full ID's node names, or -1 (not a leaf). */
  itemAt(node: number): number {
    return this.leafItem[node];
  }

  /** The item with this full ID, or -1. */
  lookup(sid: ArrayLike<number>): number {
    if (sid.length !== this.depth) return -1;
    let node = SemanticIdTrie.ROOT;
    for (let pos = 0; pos < sid.length && node >= 0; pos++) node = this.child(node, sid[pos]);
    return node < 0 ? -1 : this.leafItem[node];
  }
}
