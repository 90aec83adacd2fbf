/**
 * A list of fixed-height rows of which only those on screen (plus a margin) are in
 * the DOM: a million rows cost a tall spacer and a few dozen elements.
 */
import { h } from '../dashboard/dom';

export class VirtualList<T> {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private items: T[] = [];
  private frame = 0;

  constructor(
    private readonly rowHeight: number,
    private readonly render: (row: T) => HTMLElement,
  ) {
    this.spacer = h('div', { class: 'vlist-spacer' });
    this.element = h('div', { class: 'vlist' }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get size(): number {
    return this.items.length;
  }

  get rows(): readonly T[] {
    return this.items;
  }

  set(items: T[]): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    this.draw();
  }

  /** Redraws the visible rows (selection changed). */
  refresh(): void {
    this.draw();
  }

  scrollTo(index: number): void {
    const top = index * this.rowHeight;
    const el = this.element;
    if (top < el.scrollTop || top > el.scrollTop + el.clientHeight - this.rowHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    this.draw();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.element.scrollTop / this.rowHeight) - 10);
    const last = Math.min(this.items.length, Math.ceil((this.element.scrollTop + height) / this.rowHeight) + 10);
    const nodes: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.render(this.items[i]);
      row.classList.add('vrow');
      row.style.top = `${i * this.rowHeight}px`;
      row.style.height = `${this.rowHeight}px`;
      nodes.push(row);
    }
    this.spacer.replaceChildren(...nodes);
  }
}
