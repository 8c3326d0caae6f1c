/**
 * The latency slider's milliseconds and the recipe's `latencyTarget` (a share of the original's
 * latency): the page shows milliseconds of the original as measured in the worker, the recipe keeps
 * the share, so a recipe stays meaningful on a faster or slower machine.
 */

/** The range the slider offers, as shares of the original: below 5 % no plan keeps a model, and the recipe needs < 1. */
export const LATENCY_SHARE_MIN = 0.05;
export const LATENCY_SHARE_MAX = 0.99;

/** The share of `originalMs` that `ms` asks for, held inside the slider's range and rounded to 0.01 %. */
export function latencyShareOf(ms: number, originalMs: number): number {
  if (!(originalMs > 0) || !Number.isFinite(ms)) throw new Error('latencyShareOf: no measured original');
  const share = Math.min(LATENCY_SHARE_MAX, Math.max(LATENCY_SHARE_MIN, ms / originalMs));
  return Number(share.toFixed(4));
}

/** Milliseconds of the original that `share` stands for. */
export const latencyMsOf = (share: number, originalMs: number): number => share * originalMs;
