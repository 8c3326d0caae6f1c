/**
 * Ridge regression whose penalty does not depend on the units of each input column:
 *   (G + Λ)·W = R + Λ·P,  Λ_ii = α·G_ii,
 * G = XᵀX (f32, with the bias column of ones if any), R = XᵀY, P the weights to shrink toward (0 unless
 * given). A single λ = α·tr(G)/d is set by the
 * largest columns — the bias column's diagonal is the row count — and swamps activations many orders
 * of magnitude smaller (1e-9 in deep random-weight nets), shrinking their weights to nothing and making
 * the output constant. Penalising each column by its own energy is ridge on standardised inputs: it is
 * solved as the Jacobi-scaled system (D^-½ G D^-½ + αI)·W' = D^-½ (R + ΛP), W = D^-½ W', D = diag(G), whose
 * diagonal is 1 + α whatever the scales, so the f32 Gram stays well conditioned and positive definite.
 * A column that is all zeros gets the penalty α·mean(diag G) so its weight stays 0 (and, in an
 * inverse, its entry stays small).
 */
import type { Kernels } from '../../../kernels';

export interface RidgeSystem {
  /** d×d Gram matrix XᵀX (not modified). */
  gram: Float32Array;
  /** d×cols right-hand side XᵀY (not modified). */
  rhs: Float32Array;
  size: number;
  cols: number;
  /** Penalty relative to each column's energy; values below 1e-6 are raised to it. */
  alpha: number;
  /**
   * Weights to shrink toward instead of 0 (d×cols): argmin ‖Y − XW‖² + Σ Λ_ii‖W_i − P_i‖². Where the
   * data say little (fewer rows than unknowns, a direction no sample excites) the fit keeps P.
   */
  prior?: Float32Array;
  /** d×cols solution. */
  out: Float32Array;
}

/**
 * Solves the system into `out`; returns Λ's diagonal, so a caller can have G·W = R + Λ(P − W)
 * without multiplying by G.
 */
export async function solveRidge(
  kernels: Kernels,
  { gram, rhs, size: d, cols: e, alpha, prior, out }: RidgeSystem,
): Promise<Float64Array> {
  let mean = 0;
  let live = 0;
  for (let i = 0; i < d; i++)
    if (gram[i * d + i] > 0) {
      mean += gram[i * d + i];
      live++;
    }
  mean = live ? mean / live : 1;
  const a = Math.max(alpha, 1e-6);
  // A dead column's scaled diagonal is 0, so the solve's +α penalises it by α·scale² = α·mean.
  const scale = new Float64Array(d);
  for (let i = 0; i < d; i++) scale[i] = Math.sqrt(gram[i * d + i] > 0 ? gram[i * d + i] : mean);
  const g = new Float32Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      g[i * d + j] = i === j && gram[i * d + i] > 0 ? 1 : gram[i * d + j] / (scale[i] * scale[j]);
  const r = new Float32Array(d * e);
  // D^-½(R + ΛP) with Λ_ii = α·scale_i²: R/scale + α·scale·P.
  for (let i = 0; i < d; i++)
    for (let c = 0; c < e; c++)
      r[i * e + c] = rhs[i * e + c] / scale[i] + (prior ? a * scale[i] * prior[i * e + c] : 0);
  await kernels.ridgeSolve({ gram: g, rhs: r, size: d, cols: e, lambda: a, out });
  for (let i = 0; i < d; i++) for (let c = 0; c < e; c++) out[i * e + c] /= scale[i];
  return scale.map((v) => a * v * v);
}
