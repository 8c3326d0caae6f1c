/**
 * Accuracy-aware quantization: while the quantized model's metric drops more than allowed below the
 * float model's, the most damaging quantized node (see {@link rankDamage}) goes back to float and the
 * model is rebuilt from the same ranges (no recalibration: excluding nodes only removes tensors).
 */
import type { KernelBackend } from '../../../kernels';
import { inferShapes, type Graph } from '../../graph';
import { exportModel } from '../../graph';
import { encodeModel } from '../../onnx';
import { applyQuantization } from '../apply/apply';
import { planQuantization } from '../plan/plan';
import type { PlanOptions, QuantPlan, Ranges } from '../types';
import type { NodeDamage } from './damage';

export interface AccuracyBudget {
  /** Largest allowed drop of the metric, in the metric's units (0.003 = 0.3 point of accuracy). */
  readonly maxDrop: number;
  /** Read `maxDrop` as a fraction of the float metric instead. */
  readonly relative?: boolean;
  /** Give up after returning this many nodes to float (default: all ranked). */
  readonly maxFallbacks?: number;
}

export interface FallbackStep {
  readonly excluded: readonly string[];
  readonly metric: number;
}

export interface FallbackResult {
  readonly graph: Graph;
  readonly bytes: Uint8Array;
  readonly plan: QuantPlan;
  readonly floatMetric: number;
  readonly metric: number;
  readonly withinBudget: boolean;
  /** Every model tried, first the fully quantized one. */
  readonly steps: readonly FallbackStep[];
}

/**
 * Returns the first model within budget, walking `ranking` (worst first). `evaluate` scores model
 * bytes on the validation set (higher is better, e.g. top-1 accuracy).
 */
export async function fallBackUntilWithinBudget(
  float: Graph,
  options: PlanOptions,
  ranges: Ranges,
  ranking: readonly NodeDamage[],
  evaluate: (model: Uint8Array) => Promise<number>,
  budget: AccuracyBudget,
  kernels?: KernelBackend,
): Promise<FallbackResult> {
  const floatMetric = await evaluate(encodeModel(exportModel(float)));
  const allowed = budget.relative ? budget.maxDrop * Math.abs(floatMetric) : budget.maxDrop;
  const shapes = inferShapes(float);
  const excluded = [...(options.exclude ?? [])];
  const steps: FallbackStep[] = [];
  const limit = Math.min(ranking.length, budget.maxFallbacks ?? ranking.length);
  for (let k = 0; ; k++) {
    const plan = planQuantization(float, shapes, { ...options, exclude: excluded });
    const { graph } = await applyQuantization(float, plan, ranges, { kernels });
    const bytes = encodeModel(exportModel(graph));
    const metric = await evaluate(bytes);
    steps.push({ excluded: [...excluded], metric });
    const withinBudget = floatMetric - metric <= allowed;
    if (withinBudget || k >= limit) return { graph, bytes, plan, floatMetric, metric, withinBudget, steps };
    excluded.push(ranking[k].node);
  }
}
