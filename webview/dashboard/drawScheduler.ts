/**
 * When live charts redraw. Appends only mark a chart dirty; this draws the dirty charts
 * that are on screen (an IntersectionObserver: a chart scrolled away or on a hidden tab
 * waits until it shows), one chart per animation frame in turn, each at most every
 * MIN_INTERVAL ms, and spaced so that live drawing takes at most 1/(1+SPACING) of the
 * webview's main thread. A draw's cost is timed to the end of the frame it was drawn
 * in, because the browser rasterises the canvas when it commits that frame (about
 * twice uPlot's script time for a chart of a few thousand rows), so the share is of
 * the real work, not only of the script.
 */

/** Live drawing takes at most 1/(1 + SPACING) of the thread: a draw of d ms is followed by SPACING x d ms without one. */
export const SPACING = 10;
/** A chart redraws at most this often (ms): 10 times a second looks live; more only burns the thread of a fast run. */
export const MIN_INTERVAL = 100;

export class DrawScheduler<T> {
  private items: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly visible = new Set<T>();
  private readonly lastDrawn = new Map<T, number>();
  private readonly elements = new Map<Element, T>();
  /** Round-robin cursor into `items`: the next chart to consider first. */
  private cursor = 0;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A draw whose frame has not ended yet (its cost is still being timed). */
  private measuring = false;
  /** No live draw starts before this (performance.now()). */
  private quietUntil = 0;
  private readonly observer: IntersectionObserver;
  private readonly frameEnd = new MessageChannel();

  constructor(private readonly draw: (item: T) => void) {
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const item = this.elements.get(e.target);
        if (item === undefined) continue;
        if (e.isIntersecting) this.visible.add(item);
        else this.visible.delete(item);
      }
      this.wake();
    });
  }

  /** The charts now shown, each with the element whose visibility decides whether it draws. */
  setItems(items: readonly { item: T; element: Element }[]): void {
    this.observer.disconnect();
    this.elements.clear();
    this.dirty.clear();
    this.visible.clear();
    this.lastDrawn.clear();
    this.items = items.map((i) => i.item);
    this.cursor = 0;
    for (const { item, element } of items) {
      this.elements.set(element, item);
      this.observer.observe(element);
    }
  }

  markDirty(item: T): void {
    this.dirty.add(item);
    this.wake();
  }

  /** Arms a frame for the next chart due, or a timer for when one will be due. */
  private wake(): void {
    if (this.frame || this.measuring) return;
    const due = this.nextDue();
    if (due === Infinity) return;
    const wait = due - performance.now();
    if (wait <= 0) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.frame = requestAnimationFrame(() => this.onFrame());
    } else if (this.timer === undefined) {
      // A timer, not a frame per vsync: a waiting dashboard costs the thread nothing.
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake();
      }, wait);
    }
  }

  /** When the earliest dirty chart on screen may draw (Infinity when none waits). */
  private nextDue(): number {
    let due = Infinity;
    for (const item of this.dirty) {
      if (!this.visible.has(item)) continue;
      due = Math.min(due, (this.lastDrawn.get(item) ?? -Infinity) + MIN_INTERVAL);
    }
    return due === Infinity ? due : Math.max(due, this.quietUntil);
  }

  private onFrame(): void {
    this.frame = 0;
    const start = performance.now();
    const item = this.pick(start);
    if (item === undefined || start < this.quietUntil) {
      this.wake();
      return;
    }
    this.dirty.delete(item);
    this.lastDrawn.set(item, start);
    this.draw(item);
    // A message posted now is handled after this frame's task, i.e. after the browser
    // has laid out, painted and rasterised what the draw changed.
    this.measuring = true;
    this.frameEnd.port1.onmessage = () => {
      this.measuring = false;
      const end = performance.now();
      this.quietUntil = end + SPACING * (end - start);
      this.wake();
    };
    this.frameEnd.port2.postMessage(null);
  }

  /** The next dirty chart on screen that is due, after the last one drawn (charts take turns). */
  private pick(now: number): T | undefined {
    const n = this.items.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const item = this.items[i];
      if (!this.dirty.has(item) || !this.visible.has(item)) continue;
      if ((this.lastDrawn.get(item) ?? -Infinity) + MIN_INTERVAL > now) continue;
      this.cursor = (i + 1) % n;
      return item;
    }
    return undefined;
  }

  dispose(): void {
    this.observer.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.frameEnd.port1.close();
  }
}
