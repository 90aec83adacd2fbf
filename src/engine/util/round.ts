/** `x` rounded to `digits` decimals, for the seconds and rates written to run files. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
