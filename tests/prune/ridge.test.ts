/**
 * The ridge solve behind least squares: a Gram whose f32 rounding leaves it indefinite by more than
 * the asked penalty is solved with a tenfold larger one, and one that no penalty up to 1 saves is
 * refused as before.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/kernels';
import { solveRidge } from '../../src/core/prune/recover/ridge';

const kernels = createReferenceBackend();

describe('solveRidge', () => {
  it('raises the penalty tenfold when the Cholesky factorisation meets a negative pivot', async () => {
    // Unit diagonal, off-diagonal 1.005: eigenvalues 2.005 and −0.005; α = 1e-3 is not enough, 1e-2 is.
    const gram = Float32Array.from([1, 1.005, 1.005, 1]);
    const rhs = Float32Array.from([1, 1]);
    const out = new Float32Array(2);
    const penalty = await solveRidge(kernels, { gram, rhs, size: 2, cols: 1, alpha: 1e-3, out });
    expect([...penalty].map((p) => Number(p.toPrecision(6)))).toEqual([0.01, 0.01]);
    // (G + 0.01·I)·w = r, symmetric: w = 1 / (1 + 1.005 + 0.01) each.
    for (const w of out) expect(w).toBeCloseTo(1 / 2.015, 5);
  });

  it('keeps the asked penalty when the system factorises', async () => {
    const gram = Float32Array.from([2, 1, 1, 2]);
    const out = new Float32Array(2);
    const penalty = await solveRidge(kernels, {
      gram,
      rhs: Float32Array.from([3, 3]),
      size: 2,
      cols: 1,
      alpha: 1e-3,
      out,
    });
    for (const p of penalty) expect(p).toBeCloseTo(2e-3, 12);
  });

  it('still refuses a Gram that no penalty up to 1 makes positive definite', async () => {
    // Eigenvalues 4 and −2.
    const gram = Float32Array.from([1, 3, 3, 1]);
    const out = new Float32Array(2);
    await expect(
      solveRidge(kernels, { gram, rhs: Float32Array.from([1, 1]), size: 2, cols: 1, alpha: 1e-3, out }),
    ).rejects.toThrow(/not positive definite/);
  });
});
