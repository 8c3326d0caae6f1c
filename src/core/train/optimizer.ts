/**
 * Optimizers over the engine's parameters, stepping through the kernel backend. Weight decay applies
 * to weights (rank ≥ 2) only: decaying biases and BatchNorm scales toward zero only hurts, the usual
 * practice (e.g. timm's `no_weight_decay` on 1-D parameters).
 */
import type { Compute } from './compute';
import { TrainError } from './errors';
import { allocFloats, type Floats, type Precision, type Value } from './tensor';

export type OptimizerName = 'sgd' | 'adamw';

export interface OptimizerOptions {
  name: OptimizerName;
  weightDecay: number;
  /** SGD momentum (Nesterov) — ignored by AdamW. */
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export const DEFAULT_OPTIMIZER: OptimizerOptions = {
  name: 'adamw',
  weightDecay: 5e-4,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
};

/** What an optimizer carries between steps: the step count and each parameter's moment buffers. */
export interface OptimizerState {
  steps: number;
  buffers: Record<string, Floats[]>;
}

export class Optimizer {
  private readonly state = new Map<string, Floats[]>();
  private steps = 0;

  constructor(
    private readonly params: ReadonlyMap<string, Value>,
    private readonly options: OptimizerOptions,
    private readonly compute: Compute,
    private readonly precision: Precision,
    /** Per-parameter learning-rate factors (1 where absent), e.g. for quantization step sizes. */
    private readonly lrScale: Readonly<Record<string, number>> = {},
  ) {
    const buffers = options.name === 'adamw' ? 2 : 1;
    for (const [name, p] of params)
      this.state.set(
        name,
        Array.from({ length: buffers }, () => allocFloats(precision, p.data.length)),
      );
  }

  /** A copy of the step count and moment buffers (for a checkpoint). */
  saveState(): OptimizerState {
    const buffers: Record<string, Floats[]> = {};
    for (const [name, list] of this.state) buffers[name] = list.map((b) => b.slice());
    return { steps: this.steps, buffers };
  }

  /** Continues from a saved state: the next step is exactly the one an uninterrupted run would take. */
  loadState(saved: OptimizerState): void {
    for (const [name, list] of this.state) {
      const from = saved.buffers[name];
      if (!from || from.length !== list.length || from.some((b, i) => b.length !== list[i].length))
        throw new TrainError(`The checkpoint's optimizer state does not fit parameter '${name}'.`);
      list.forEach((b, i) => b.set(from[i]));
    }
    this.steps = saved.steps;
  }

  /** One update of every parameter with learning rate `lr`. */
  async step(grads: ReadonlyMap<string, Floats>, lr: number): Promise<void> {
    this.steps++;
    const o = this.options;
    for (const [name, p] of this.params) {
      const grad = grads.get(name);
      if (!grad) continue;
      const weightDecay = p.shape.length >= 2 ? o.weightDecay : 0;
      const rate = lr * (this.lrScale[name] ?? 1);
      const [a, b] = this.state.get(name)!;
      if (o.name === 'sgd')
        await this.compute.sgdUpdate({
          param: p.data,
          grad,
          velocity: a,
          lr: rate,
          momentum: o.momentum,
          weightDecay,
          nesterov: true,
        });
      else
        await this.compute.adamwUpdate({
          param: p.data,
          grad,
          m: a,
          v: b,
          lr: rate,
          beta1: o.beta1,
          beta2: o.beta2,
          eps: o.eps,
          weightDecay,
          step: this.steps,
        });
    }
  }
}

/** Linear warm-up to `peak` over `warmup` steps, then cosine decay to 0 at `total`. */
export function cosineWithWarmup(step: number, total: number, warmup: number, peak: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, total - warmup);
  return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(1, t)));
}
