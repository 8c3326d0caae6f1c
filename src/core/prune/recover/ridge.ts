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
 *
 * Scale invariance has a limit, `floor`: a column far fainter than the typical one (a nearly dead
 * channel) is penalised as if it had `floor` × the median column energy. Without it, least squares
 * leaned on such columns with weights thousands of times the original's (RegNetX-400MF: filter norms
 * 0.33 → 1,224); the fit held on the calibration images but exploded on new ones, and INT8 — whose
 * per-tensor activation step rounds a faint channel to 0 and whose per-channel weight scale is set by
 * the giant weight — dropped the model's cosine to the original from 0.9997 to 0.89.
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
  /**
   * Columns with less energy than this share of the median column's are penalised as if they had it
   * (default 0: pure per-column scaling). Dead columns are unaffected (see above).
   */
  floor?: number;
  /** The last column is the constant 1 of a bias: never floored, not counted in the median. */
  intercept?: boolean;
  /** d×cols solution. */
  out: Float32Array;
}

/**
 * Solves the system into `out`; returns Λ's diagonal, so a caller can have G·W = R + Λ(P − W)
 * without multiplying by G.
 */
export async function solveRidge(
  kernels: Kernels,
  { gram, rhs, size: d, cols: e, alpha, prior, out, floor = 0, intercept = false }: RidgeSystem,
): Promise<Float64Array> {
  let mean = 0;
  let live = 0;
  const energies: number[] = [];
  for (let i = 0; i < d; i++)
    if (gram[i * d + i] > 0) {
      mean += gram[i * d + i];
      live++;
      if (!(intercept && i === d - 1)) energies.push(gram[i * d + i]);
    }
  mean = live ? mean / live : 1;
  energies.sort((x, y) => x - y);
  const least = floor > 0 && energies.length ? floor * energies[energies.length >> 1] : 0;
  const a = Math.max(alpha, 1e-6);
  // A dead column's scaled diagonal is 0, so the solve's +α penalises it by α·scale² = α·mean; a faint
  // one's is below 1, so it is penalised by α·least.
  const scale = new Float64Array(d);
  /** Columns scaled by their own energy: their scaled diagonal is exactly 1. */
  const own = new Uint8Array(d);
  for (let i = 0; i < d; i++) {
    const energy = gram[i * d + i];
    own[i] = energy > 0 && (energy >= least || (intercept && i === d - 1)) ? 1 : 0;
    scale[i] = Math.sqrt(own[i] ? energy : energy > 0 ? least : mean);
  }
  const g = new Float32Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      g[i * d + j] = i === j && own[i] ? 1 : gram[i * d + j] / (scale[i] * scale[j]);
  const r = new Float32Array(d * e);
  // D^-½(R + ΛP) with Λ_ii = α·scale_i²: R/scale + α·scale·P.
  for (let i = 0; i < d; i++)
    for (let c = 0; c < e; c++)
      r[i * e + c] = rhs[i * e + c] / scale[i] + (prior ? a * scale[i] * prior[i * e + c] : 0);
  await kernels.ridgeSolve({ gram: g, rhs: r, size: d, cols: e, lambda: a, out });
  for (let i = 0; i < d; i++) for (let c = 0; c < e; c++) out[i * e + c] /= scale[i];
  return scale.map((v) => a * v * v);
}
