/**
 * Batch normalisation while fine-tuning a model whose BatchNorm was folded into its convolutions (as
 * most exported CNNs are). A folded convolution's channels have weights of very different scales, so
 * one learning rate moves some channels far and others not at all, and nothing re-centres a layer
 * whose inputs changed when channels upstream were removed. Training puts a BatchNormalization after
 * each such Conv, initialised to compute exactly what the Conv did (γ = √(σ² + ε), β = μ over a first
 * look at the data), normalises by batch statistics (PyTorch's `train()`), re-estimates the running
 * statistics over fixed training images before each held-out check and at the end ("precise BN"),
 * and folds them back: the exported model has the student's original structure.
 */
import type { Graph } from '../graph';
import { DataType, makeAttribute, makeTensor } from '../onnx';
import { gather, type TrainingData } from './data';
import type { TrainableModel } from './engine';
import type { BatchStats } from './ops/normalization';

const EPSILON = 1e-5;

/** Per-channel running sums of values: the population mean and (biased) variance. */
class ChannelMoments {
  private readonly sum: Float64Array;
  private readonly squares: Float64Array;
  private count = 0;

  constructor(channels: number) {
    this.sum = new Float64Array(channels);
    this.squares = new Float64Array(channels);
  }

  /** Adds `count` values per channel whose mean and variance are given. */
  add(mean: ArrayLike<number>, variance: ArrayLike<number>, count: number): void {
    for (let c = 0; c < this.sum.length; c++) {
      this.sum[c] += mean[c] * count;
      this.squares[c] += (variance[c] + mean[c] * mean[c]) * count;
    }
    this.count += count;
  }

  result(): { mean: Float32Array; variance: Float32Array } {
    const mean = this.sum.map((s) => s / this.count);
    const variance = this.squares.map((q, c) => Math.max(0, q / this.count - mean[c] * mean[c]));
    return { mean: Float32Array.from(mean), variance: Float32Array.from(variance) };
  }
}

/** Mean and variance per channel of an NCHW value. */
function momentsOf(data: ArrayLike<number>, shape: readonly number[]) {
  const [outer, channels] = shape;
  const inner = data.length / (outer * channels);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let q = 0;
    for (let n = 0; n < outer; n++)
      for (let i = 0, o = (n * channels + c) * inner; i < inner; i++) {
        s += data[o + i];
        q += data[o + i] * data[o + i];
      }
    mean[c] = s / (outer * inner);
    variance[c] = Math.max(0, q / (outer * inner) - mean[c] * mean[c]);
  }
  return { mean, variance, count: outer * inner };
}

/** Runs `engine` over the samples at `indices` (no augmentation) and hands each tape to `visit`, which must not keep it. */
async function overSamples(
  engine: TrainableModel,
  data: TrainingData,
  indices: Int32Array,
  batchSize: number,
  visit: (tape: Awaited<ReturnType<TrainableModel['forward']>>) => void,
): Promise<void> {
  const size = data.images.length / data.count;
  const input = new Float32Array(batchSize * size);
  for (let from = 0; from < indices.length; from += batchSize) {
    const n = Math.min(batchSize, indices.length - from);
    gather(data, indices.subarray(from, from + n), input);
    const tape = await engine.forward({
      [data.inputName]: { data: input.subarray(0, n * size), shape: [n, ...data.sampleDims] },
    });
    visit(tape);
    engine.release(tape);
  }
}

/** Convolutions whose output no BatchNormalization reads: the ones to normalise while training. */
function unnormalizedConvs(graph: Graph): string[] {
  return graph
    .nodes()
    .filter(
      (n) =>
        n.opType === 'Conv' &&
        graph.initializers.get(n.inputs[1])?.dataType === DataType.FLOAT &&
        !graph.isGraphOutput(n.outputs[0]) &&
        !graph.consumers(n.outputs[0]).some((c) => c.opType === 'BatchNormalization'),
    )
    .map((n) => n.outputs[0]);
}

/**
 * Puts an identity-initialised BatchNormalization after every Conv of `graph` without one (in place),
 * from the Conv outputs' statistics as `engine` (over the same graph, running statistics) computes
 * them on the samples at `indices`. Returns how many were inserted.
 */
export async function unfoldBatchNorms(
  graph: Graph,
  engine: TrainableModel,
  data: TrainingData,
  indices: Int32Array,
  batchSize: number,
): Promise<number> {
  const convs = unnormalizedConvs(graph);
  const moments = new Map<string, ChannelMoments>();
  await overSamples(engine, data, indices, batchSize, (tape) => {
    for (const v of convs) {
      const value = tape.values.get(v)!;
      const m = momentsOf(value.data, value.shape);
      let acc = moments.get(v);
      if (!acc) moments.set(v, (acc = new ChannelMoments(m.mean.length)));
      acc.add(m.mean, m.variance, m.count);
    }
  });
  for (const v of convs) {
    const { mean, variance } = moments.get(v)!.result();
    const channels = mean.length;
    const base = graph.uniqueName(`${v}_train_bn`);
    const tensor = (suffix: string, values: Float32Array) => {
      const t = makeTensor(`${base}_${suffix}`, DataType.FLOAT, [channels], values);
      graph.addInitializer(t);
      return t.name;
    };
    const inputs = [
      v,
      tensor('scale', variance.map((s) => Math.sqrt(s + EPSILON))),
      tensor('bias', mean.slice()),
      tensor('mean', mean),
      tensor('var', variance),
    ];
    graph.insertAfter(v, {
      opType: 'BatchNormalization',
      name: base,
      inputs,
      outputs: [graph.uniqueName(base)],
      attributes: [makeAttribute('epsilon', EPSILON)],
    });
  }
  return convs.length;
}

/**
 * Re-estimates every BatchNormalization's running mean and variance as the population statistics of
 * its input over the samples at `indices`, each batch normalised by its own statistics upstream (as
 * in training), and writes them into the engine's graph and `also` (the graph the weights go to).
 */
export async function reestimateBatchNorms(
  engine: TrainableModel,
  data: TrainingData,
  indices: Int32Array,
  batchSize: number,
  also?: Graph,
): Promise<void> {
  const moments = new Map<string, ChannelMoments>();
  const was = engine.batchStatistics;
  engine.batchStatistics = true;
  try {
    await overSamples(engine, data, indices, batchSize, (tape) => {
      for (const { node, result, inputs } of tape.steps) {
        if (node.opType !== 'BatchNormalization' || !result.saved) continue;
        const stats = result.saved as BatchStats;
        const x = inputs.values[0]!;
        let acc = moments.get(node.inputs[3]);
        if (!acc) moments.set(node.inputs[3], (acc = new ChannelMoments(stats.mean.length)));
        acc.add(stats.mean, stats.variance, x.data.length / x.shape[1]);
      }
    });
  } finally {
    engine.batchStatistics = was;
  }
  for (const node of engine.graph.nodes()) {
    const acc = moments.get(node.inputs[3]);
    if (node.opType !== 'BatchNormalization' || !acc) continue;
    const { mean, variance } = acc.result();
    for (const [name, values] of [
      [node.inputs[3], mean],
      [node.inputs[4], variance],
    ] as const) {
      const dims = [values.length];
      engine.setFixed(name, values);
      if (also && also !== engine.graph && also.initializers.has(name))
        also.replaceInitializer(name, makeTensor(name, DataType.FLOAT, dims, values));
    }
  }
}

