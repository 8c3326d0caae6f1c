// The training engine end to end on a backend: a small CNN (strided conv with bias, batch norm,
// relu, grouped and 1×1 convs, a residual add, pools, a fully connected layer) distilled towards
// fixed random logits for three SGD-Nesterov steps, every convolution, GEMM, reduction and update
// on the backend under test — against the same steps on the reference kernels.
import { importModel } from '../../src/core/graph';
import {
  DEFAULT_OPTIMIZER,
  Optimizer,
  TrainableModel,
  backendCompute,
  distillationLoss,
} from '../../src/core/train';
import { createReferenceBackend } from '../../src/kernels';
import type { KernelBackend } from '../../src/kernels';
import { ModelBuilder, ints } from '../helpers/model-builder';
import { ok } from './check';
import { normals } from './random';
import type { KernelCase } from './suite';
import type { Rng } from './random';

const BATCH = 4;
const CLASSES = 5;
const STEPS = 3;
const LR = 0.05;

function smallCnn(seed: number) {
  return new ModelBuilder({ opset: 13, seed })
    .input('x', 'float32', [BATCH, 3, 11, 11])
    .initializer('w1', [8, 3, 3, 3])
    .initializer('b1', [8])
    .initializer('s1', [8], { min: 0.5, max: 1.5 })
    .initializer('t1', [8])
    .initializer('m1', [8])
    .initializer('v1', [8], { min: 0.5, max: 1.5 })
    .initializer('w2', [8, 2, 3, 3])
    .initializer('w3', [8, 8, 1, 1])
    .initializer('fc', [CLASSES, 8])
    .initializer('fb', [CLASSES])
    .node('Conv', ['x', 'w1', 'b1'], ['c1'], { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) })
    .node('BatchNormalization', ['c1', 's1', 't1', 'm1', 'v1'], ['n1'])
    .node('Relu', ['n1'], ['r1'])
    .node('Conv', ['r1', 'w2'], ['c2'], { pads: ints([1, 1, 1, 1]), group: 4 })
    .node('Conv', ['r1', 'w3'], ['c3'])
    .node('Add', ['c2', 'c3'], ['a'])
    .node('MaxPool', ['a'], ['p'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })
    .node('GlobalAveragePool', ['p'], ['g'])
    .node('Flatten', ['g'], ['f'])
    .node('Gemm', ['f', 'fc', 'fb'], ['logits'], { transB: 1 })
    .output('logits', 'float32', [BATCH, CLASSES])
    .build().model;
}

/** Runs the steps on `backend`; returns each step's loss and the final parameters. */
async function train(backend: KernelBackend, seed: number, x: Float32Array, teacher: Float32Array) {
  const compute = backendCompute(backend);
  const engine = new TrainableModel(importModel(smallCnn(seed)), { compute });
  const optimizer = new Optimizer(engine.params, { ...DEFAULT_OPTIMIZER, name: 'sgd' }, compute, 'f32');
  const initial = new Map([...engine.params].map(([name, p]) => [name, p.data.slice()]));
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const tape = await engine.forward({ x: { data: x, shape: [BATCH, 3, 11, 11] } });
    const logits = tape.values.get('logits')!.data;
    const loss = distillationLoss(logits, teacher, BATCH, { kd: 1, temperature: 2, ce: 0, mse: 0 }, 'f32');
    losses.push(loss.loss);
    await optimizer.step(await engine.backward(tape, { logits: loss.grad }), LR);
  }
  return { losses, params: engine.params, initial };
}

export const engineCases: KernelCase[] = [
  {
    name: 'training engine: three SGD steps of a small CNN match the reference kernels',
    kernels: [
      'conv2dForward',
      'conv2dBackwardData',
      'conv2dBackwardFilter',
      'gemm',
      'channelSums',
      'sgdUpdate',
    ],
    async run(b: KernelBackend, rng: Rng) {
      const seed = rng.int(1, 1 << 20);
      const x = normals(rng, BATCH * 3 * 11 * 11);
      const teacher = normals(rng, BATCH * CLASSES, 3);
      const got = await train(b, seed, x, teacher);
      const want = await train(createReferenceBackend(), seed, x, teacher);
      got.losses.forEach((l, i) =>
        ok(
          Math.abs(l - want.losses[i]) <= 1e-4 * Math.abs(want.losses[i]) + 1e-6,
          `step ${i + 1} loss ${l} vs reference ${want.losses[i]}`,
        ),
      );
      ok(
        want.losses[STEPS - 1] < want.losses[0],
        `distillation lowered the loss (${want.losses.join(' → ')})`,
      );
      for (const [name, p] of want.params) {
        // f32 rounding in the gradients moves the parameters by a small part of how far training moved them.
        const start = want.initial.get(name)!;
        const mine = got.params.get(name)!.data;
        let moved = 0;
        let worst = 0;
        for (let i = 0; i < p.data.length; i++) {
          moved = Math.max(moved, Math.abs(p.data[i] - start[i]));
          worst = Math.max(worst, Math.abs(mine[i] - p.data[i]));
        }
        ok(moved > 0, `${name} was trained`);
        ok(worst <= 1e-3 * moved + 1e-7, `${name}: off by ${worst} after moving ${moved}`);
      }
    },
  },
];
