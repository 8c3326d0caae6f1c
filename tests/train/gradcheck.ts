/**
 * Gradient checks: the engine's reverse-mode gradient of L = Σ r ⊙ y (r a fixed random projection
 * of every output) against central finite differences (L(p + h) − L(p − h)) / 2h, in float64.
 * With h = 1e-5 the truncation error is O(h²) ≈ 1e-10 and the rounding error ≈ 1e-16/h ≈ 1e-11,
 * so a correct gradient agrees to ~1e-7; a wrong one (a missed term, a transposed index) is off by
 * O(1). Tested elements are drawn at random per parameter.
 */
import { importModel } from '../../src/core/graph';
import type { Model } from '../../src/core/onnx';
import { float64Compute, TrainableModel, type Compute, type Value } from '../../src/core/train';
import { seededRandom } from '../helpers/model-builder';

export interface GradMismatch {
  param: string;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradCheckOptions {
  /** Elements checked per parameter (all when the parameter is smaller). */
  samples?: number;
  seed?: number;
  feeds?: Record<string, Value>;
  compute?: Compute;
  h?: number;
  tolerance?: number;
  /** Check only every `stride`-th parameter (whole zoo models stay within seconds). */
  stride?: number;
  /** BatchNormalization by batch statistics (training mode). */
  batchStatistics?: boolean;
}

/** Checks every trainable parameter of `model`; returns the mismatches (empty when all agree). */
export async function gradCheck(
  model: Model,
  options: GradCheckOptions = {},
): Promise<{
  mismatches: GradMismatch[];
  checked: number;
  params: string[];
}> {
  const graph = importModel(model);
  const engine = new TrainableModel(graph, { compute: options.compute ?? float64Compute, precision: 'f64' });
  engine.batchStatistics = options.batchStatistics ?? false;
  const rand = seededRandom(options.seed ?? 7);
  const feeds = options.feeds ?? {};
  const h = options.h ?? 1e-5;
  const tol = options.tolerance ?? 1e-6;
  const first = await engine.forward(feeds);
  const projections: Record<string, Float64Array> = {};
  for (const o of graph.outputs) {
    const y = first.values.get(o.name)!;
    projections[o.name] = Float64Array.from({ length: y.data.length }, () => rand() * 2 - 1);
  }
  const loss = async () => {
    const tape = await engine.forward(feeds);
    let s = 0;
    for (const [name, r] of Object.entries(projections)) {
      const y = tape.values.get(name)!.data;
      for (let i = 0; i < r.length; i++) s += r[i] * y[i];
    }
    return s;
  };
  const grads = await engine.backward(first, projections);
  const mismatches: GradMismatch[] = [];
  let checked = 0;
  for (const [k, [name, p]] of [...engine.params].entries()) {
    if (k % (options.stride ?? 1) !== 0) continue;
    const n = p.data.length;
    const picks =
      n <= (options.samples ?? 12)
        ? [...Array(n).keys()]
        : Array.from({ length: options.samples ?? 12 }, () => Math.floor(rand() * n));
    for (const i of picks) {
      const keep = p.data[i];
      p.data[i] = keep + h;
      const up = await loss();
      p.data[i] = keep - h;
      const down = await loss();
      p.data[i] = keep;
      const numeric = (up - down) / (2 * h);
      const analytic = grads.get(name)![i];
      checked++;
      if (Math.abs(numeric - analytic) > tol * Math.max(1, Math.abs(numeric), Math.abs(analytic)))
        mismatches.push({ param: name, index: i, analytic, numeric });
    }
  }
  return { mismatches, checked, params: [...engine.params.keys()] };
}
