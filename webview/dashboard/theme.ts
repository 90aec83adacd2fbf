/**
 * Colours: VS Code's theme variables for everything textual, a fixed palette for runs
 * (Tableau 10: distinct on light, dark and high-contrast backgrounds) and a viridis
 * ramp for heatmaps (perceptually even, readable in every theme).
 */

export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function runColor(index: number): string {
  return RUN_COLORS[((index % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length];
}

/** A `--vscode-*` variable's current value, or `fallback`. */
export function themeVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

/** Calls `onChange` when VS Code switches theme (it changes the body's class). */
export function onThemeChange(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

// Viridis, 9 stops, interpolated.
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** RGB of t in [0, 1] on the viridis ramp. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** A CSS colour as RGB (hex or rgb()/rgba()), or the fallback. */
export function parseColor(css: string, fallback: [number, number, number]): [number, number, number] {
  const hex = /^#([0-9a-f]{6}|[0-9a-f]{3})/i.exec(css);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].split('').map((c) => c + c).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = /rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(css);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : fallback;
}
