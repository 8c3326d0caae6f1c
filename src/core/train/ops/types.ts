/** What one op of the training engine implements: a forward that saves what its backward needs. */
import type { GraphNode } from '../../graph';
import type { Floats, Precision, Value } from '../tensor';
import type { Compute } from '../compute';

export interface OpContext {
  readonly precision: Precision;
  readonly compute: Compute;
  /** Opset of the node's domain (Softmax, Split and Squeeze changed meaning across opsets). */
  readonly opset: number;
  /** BatchNormalization normalises by the batch's own statistics (training), not its running ones. */
  readonly batchStatistics: boolean;
  /** A zero-filled array. */
  alloc(n: number): Floats;
  /** An array whose contents are unspecified: for what a compute kernel writes in full. */
  allocOutput(n: number): Floats;
}

/** A node's inputs at run time: float values, or known numbers for constant slots (shapes, pads). */
export interface OpInputs {
  readonly node: GraphNode;
  /** Float values by input slot (undefined where omitted or constant). */
  readonly values: readonly (Value | undefined)[];
  /** Contents of constant slots (see {@link OpImpl.constSlots}) by input slot. */
  readonly consts: readonly (number[] | undefined)[];
}

export interface ForwardResult {
  outputs: Value[];
  /** Whatever the backward needs beyond inputs and outputs (masks, indices). */
  saved?: unknown;
}

export interface OpImpl {
  /** Input slots read as numbers (shapes, axes, pads, scales, Clip bounds), never differentiated. */
  readonly constSlots?: readonly number[];
  /** Float input slots that never receive a gradient (BatchNorm running statistics). */
  readonly fixedSlots?: readonly number[];
  forward(ctx: OpContext, inputs: OpInputs): ForwardResult | Promise<ForwardResult>;
  /**
   * Input gradients for the slots where `needs[i]`, given output gradients (undefined where an
   * output gets none). Returns one entry per input slot. Absent: the op has no gradient.
   */
  backward?(
    ctx: OpContext,
    inputs: OpInputs,
    forward: ForwardResult,
    dOutputs: readonly (Floats | undefined)[],
    needs: readonly boolean[],
  ): (Floats | undefined)[] | Promise<(Floats | undefined)[]>;
}
