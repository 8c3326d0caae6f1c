/** Add, Sub, Mul and Div with numpy broadcasting. */
import type { Floats, Value } from '../tensor';
import { broadcastIndex, broadcastShape, reduceToShape, sameShape } from './broadcast';
import type { OpContext, OpImpl } from './types';

type Kind = 'Add' | 'Sub' | 'Mul' | 'Div';

function apply(kind: Kind, a: number, b: number): number {
  switch (kind) {
    case 'Add':
      return a + b;
    case 'Sub':
      return a - b;
    case 'Mul':
      return a * b;
    case 'Div':
      return a / b;
  }
}

/** Index maps of both inputs into the output (undefined where the input has the output's shape). */
function maps(a: Value, b: Value, shape: number[]) {
  return {
    ia: sameShape(a.shape, shape) ? undefined : broadcastIndex(shape, a.shape),
    ib: sameShape(b.shape, shape) ? undefined : broadcastIndex(shape, b.shape),
  };
}

function binary(kind: Kind): OpImpl {
  return {
    forward(ctx, { node, values }) {
      const [a, b] = values as Value[];
      const shape = broadcastShape(a.shape, b.shape, `${kind} '${node.name}'`);
      const { ia, ib } = maps(a, b, shape);
      const n = shape.reduce((p, d) => p * d, 1);
      const out = ctx.alloc(n);
      // Locals, not property reads in the loop: this is a residual network's every Add.
      const x = a.data;
      const y = b.data;
      if (!ia && !ib && kind === 'Add') for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
      else for (let i = 0; i < n; i++) out[i] = apply(kind, x[ia ? ia[i] : i], y[ib ? ib[i] : i]);
      return { outputs: [{ data: out, shape }] };
    },
    backward(ctx, { values }, fwd, [dy], needs) {
      const [a, b] = values as Value[];
      if (!dy) return [];
      const shape = fwd.outputs[0].shape;
      const { ia, ib } = maps(a, b, shape);
      const grads: (Floats | undefined)[] = [];
      const partial = (f: (x: number, y: number, g: number) => number): Floats => {
        const out = ctx.alloc(dy.length);
        for (let i = 0; i < dy.length; i++) out[i] = f(a.data[ia ? ia[i] : i], b.data[ib ? ib[i] : i], dy[i]);
        return out;
      };
      const reduce = (g: Floats, to: Value) => reduceToShape(ctx, g, shape, to.shape);
      if (needs[0]) {
        const g =
          kind === 'Add' || kind === 'Sub'
            ? dy
            : kind === 'Mul'
              ? partial((_x, y, g) => g * y)
              : partial((_x, y, g) => g / y);
        grads[0] = reduce(g, a);
      }
      if (needs[1]) {
        const g =
          kind === 'Add'
            ? dy
            : kind === 'Sub'
              ? negate(ctx, dy)
              : kind === 'Mul'
                ? partial((x, _y, g) => g * x)
                : partial((x, y, g) => (-g * x) / (y * y));
        grads[1] = reduce(g, b);
      }
      return grads;
    },
  };
}

function negate(ctx: OpContext, g: Floats): Floats {
  const out = ctx.alloc(g.length);
  for (let i = 0; i < g.length; i++) out[i] = -g[i];
  return out;
}

export const binaryOps: Record<string, OpImpl> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
};
