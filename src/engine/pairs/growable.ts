/** Append-only typed arrays that double as they fill: lists of millions of numbers without boxing. */

type TypedArrayKind = Int32ArrayConstructor | Float64ArrayConstructor | Float32ArrayConstructor;
type TypedArrayOf<K extends TypedArrayKind> = InstanceType<K>;

export class GrowableArray<K extends TypedArrayKind> {
  private data: TypedArrayOf<K>;
  private used = 0;

  constructor(
    private readonly kind: K,
    initialCapacity = 1024,
  ) {
    this.data = new kind(Math.max(1, initialCapacity)) as TypedArrayOf<K>;
  }

  get length(): number {
    return this.used;
  }

  push(v: number): void {
    if (this.used === this.data.length) {
      const bigger = new this.kind(this.data.length * 2) as TypedArrayOf<K>;
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.used++] = v;
  }

  at(i: number): number {
    return this.data[i];
  }

  /** A trimmed copy of the contents. */
  toArray(): TypedArrayOf<K> {
    return this.data.slice(0, this.used) as TypedArrayOf<K>;
  }

  /** A view of the contents without copying (invalid after the next push). */
  view(): TypedArrayOf<K> {
    return this.data.subarray(0, this.used) as TypedArrayOf<K>;
  }
}
