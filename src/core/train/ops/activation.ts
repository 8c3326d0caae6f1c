/**
 * Pointwise activations. Each backward needs only the input (or the output, for Sigmoid), so the
 * saved activations are enough. At a kink (Relu at 0, Clip at a bound) the gradient is the
 * one-sided value PyTorch uses: 0 for Relu at 0, pass-through inside [min, max] inclusive.
 */
import { attrFloat } from '../../graph';
import type { Activation } from '../../../kernels';
import type { Value } from '../tensor';
import type { OpImpl, OpInputs } from './types';

/** Smooth activations, element by element in TypeScript. */
interface Pointwise {
  /** y = f(x), with parameters read once per node. */
  make(inputs: OpInputs, opset: number): { f(x: number): number; df(x: number, y: number): number };
}

function pointwise(p: Pointwise): OpImpl {
  return {
    forward(ctx, inputs) {
      const x = inputs.values[0] as Value;
      const { f } = p.make(inputs, ctx.opset);
      const out = ctx.alloc(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
      return { outputs: [{ data: out, shape: x.shape }] };
    },
    backward(ctx, inputs, fwd, [dy], needs) {
      if (!dy || !needs[0]) return [];
      const x = (inputs.values[0] as Value).data;
      const y = fwd.outputs[0].data;
      const { df } = p.make(inputs, ctx.opset);
      const dx = ctx.alloc(x.length);
      for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * df(x[i], y[i]);
      return [dx];
    },
  };
}

/** A piecewise-linear activation, run by the compute backend's activation kernels. */
function kernelActivation(
  spec: (inputs: OpInputs, opset: number) => Activation,
  constSlots?: number[],
): OpImpl {
  return {
    constSlots,
    async forward(ctx, inputs) {
      const x = inputs.values[0] as Value;
      const out = ctx.allocOutput(x.data.length);
      await ctx.compute.activationForward({ activation: spec(inputs, ctx.opset), x: x.data, out });
      return { outputs: [{ data: out, shape: x.shape }] };
    },
    async backward(ctx, inputs, _fwd, [dy], needs) {
      if (!dy || !needs[0]) return [];
      const x = (inputs.values[0] as Value).data;
      const dx = ctx.allocOutput(x.length);
      await ctx.compute.activationBackward({ activation: spec(inputs, ctx.opset), x, dy, dx });
      return [dx];
    },
  };
}

/** Clip bounds: inputs 1 and 2 from opset 11, attributes before. */
function clipBounds({ node, consts }: OpInputs, opset: number): [number, number] {
  if (opset < 11) return [attrFloat(node, 'min', -Infinity), attrFloat(node, 'max', Infinity)];
  return [consts[1]?.[0] ?? -Infinity, consts[2]?.[0] ?? Infinity];
}

const relu = kernelActivation(() => ({ kind: 'relu' }));

const leakyRelu = kernelActivation(({ node }) => ({
  kind: 'leakyRelu',
  alpha: attrFloat(node, 'alpha', 0.01),
}));

const sigmoid = pointwise({
  make: () => ({ f: (x) => 1 / (1 + Math.exp(-x)), df: (_x, y) => y * (1 - y) }),
});

/** HardSigmoid: max(0, min(1, αx + β)); HardSwish is x·HardSigmoid(x) with α = 1/6, β = 1/2. */
function hardSigmoidOf(alpha: number, beta: number) {
  return {
    f: (x: number) => Math.max(0, Math.min(1, alpha * x + beta)),
    df: (x: number) => {
      const t = alpha * x + beta;
      return t > 0 && t < 1 ? alpha : 0;
    },
  };
}

const hardSigmoid = pointwise({
  make: ({ node }) => hardSigmoidOf(attrFloat(node, 'alpha', 0.2), attrFloat(node, 'beta', 0.5)),
});

const hardSwish = pointwise({
  make: () => {
    const h = hardSigmoidOf(1 / 6, 0.5);
    return { f: (x) => x * h.f(x), df: (x) => h.f(x) + x * h.df(x) };
  },
});

const clip = kernelActivation(
  (inputs, opset) => {
    const [min, max] = clipBounds(inputs, opset);
    return { kind: 'clip', min, max };
  },
  [1, 2],
);

/** Identity and inference-mode Dropout pass values and gradients through unchanged. */
const identity: OpImpl = {
  forward: (_ctx, { values }) => ({ outputs: [values[0] as Value] }),
  backward: (_ctx, _inputs, _fwd, [dy], needs) => [needs[0] ? dy : undefined],
};

export const activationOps: Record<string, OpImpl> = {
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  Clip: clip,
  Identity: identity,
  Dropout: identity,
};
