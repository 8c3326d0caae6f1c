// Framework-free assertions, so the same suite runs under vitest and in the browser page.

export class KernelMismatch extends Error {}

type Numeric = ArrayLike<number>;

/** |got[i] − want[i]| ≤ rel · scale(i) for every i (scale defaults to |want[i]|, floored at tiny). */
export function close(
  label: string,
  got: Numeric,
  want: Numeric,
  rel: number,
  scale?: (i: number) => number,
): void {
  if (got.length !== want.length) throw new KernelMismatch(`${label}: length ${got.length} ≠ ${want.length}`);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < want.length; i++) {
    const s = Math.max(scale ? scale(i) : Math.abs(want[i]), 1e-30);
    const ratio = Number.isNaN(got[i]) !== Number.isNaN(want[i]) ? Infinity : Math.abs(got[i] - want[i]) / s;
    if (ratio > rel && ratio >= worstRatio) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (worst >= 0) {
    throw new KernelMismatch(
      `${label}: [${worst}] got ${got[worst]}, want ${want[worst]} (relative error ${worstRatio.toExponential(2)} > ${rel})`,
    );
  }
}

/** Integer arrays equal within `lsb` units. */
export function withinLsb(label: string, got: Numeric, want: Numeric, lsb: number): void {
  if (got.length !== want.length) throw new KernelMismatch(`${label}: length ${got.length} ≠ ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > lsb)
      throw new KernelMismatch(`${label}: [${i}] got ${got[i]}, want ${want[i]} (> ${lsb} LSB)`);
  }
}

export function ok(cond: boolean, message: string): asserts cond {
  if (!cond) throw new KernelMismatch(message);
}
