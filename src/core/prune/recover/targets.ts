/**
 * Least squares' targets: the original model's outputs of each layer at the positions its fit samples,
 * gathered for a block of layers in one pass of the original and held until the block is fitted. The
 * original never changes, so its layers need not wait for each other's fits: one pass per block instead
 * of one per layer (on ResNet-18 at 224 px the per-layer passes from the model's input cost as much as
 * four whole inferences).
 */
import type { TensorData } from '../../eval';
import type { Graph, GraphNode, ShapeInference } from '../../graph';
import type { LayerCost } from './blocks';
import type { SegmentRunner } from './segments';
import { Slabs } from './slabs';

/** One layer's sampled positions and the original's outputs there, per calibration batch. */
export interface LayerTargets {
  /** Per batch: the sampled rows, `sample × positionsPerSample + position` within the batch. */
  picks: Int32Array[];
  /** Per batch: the original's outputs at the picks, row-major [picks × outputs]. */
  rows: Float32Array[];
  /** Outputs per row: all output channels (Conv, every group) or features (Gemm/MatMul). */
  outputs: number;
  /** The original output's dims on the first batch (a convolution's geometry reads them). */
  dims: readonly number[];
}

/** A layer whose targets are gathered, with the random stream its row sampling draws from. */
export interface TargetLayer {
  node: GraphNode;
  random: () => number;
}

/** Positions sampled per calibration sample: `maxRows` spread evenly over the samples. */
export function rowsPerSample(positions: number, maxRows: number, samples: number): number {
  return Math.min(positions, Math.max(1, Math.ceil(maxRows / samples)));
}

/** `take` distinct positions of each of `n` samples (a partial Fisher–Yates shuffle per sample). */
export function pickRows(n: number, positions: number, take: number, random: () => number): Int32Array {
  const picks = new Int32Array(n * take);
  const order = new Int32Array(positions);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < positions; i++) order[i] = i;
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (positions - i));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
      picks[s * take + i] = s * positions + order[i];
    }
  }
  return picks;
}

/**
 * What a layer's targets hold (all samples) and one batch of its output while the block's pass runs,
 * from the original's inferred shapes (`outputs`: the layer's output count from its weight).
 */
export function targetCost(
  shapes: ShapeInference,
  node: GraphNode,
  outputs: number,
  maxRows: number,
  samples: number,
): LayerCost {
  const shape = shapes.types.get(node.outputs[0])?.shape;
  const known = shape?.slice(1).every((d) => typeof d === 'number');
  const perSample = known ? (shape!.slice(1) as number[]).reduce((a, b) => a * b, 1) : 0;
  const positions = perSample ? perSample / outputs : Math.ceil(maxRows / samples);
  const take = rowsPerSample(positions, maxRows, samples);
  return { statisticsBytes: samples * take * outputs * 4, capturedBytesPerSample: perSample * 4 };
}

/**
 * Runs the original (through `runner`) up to the last of `layers` and keeps, for each layer, its
 * sampled positions and outputs there, batch by batch in calibration order: the same rows the layer's
 * inputs are later gathered at. A convolution's output must be 4-D (others are left without targets).
 */
export async function gatherTargets(
  runner: SegmentRunner,
  teacher: Graph,
  layers: readonly TargetLayer[],
  maxRows: number,
  samples: number,
): Promise<(LayerTargets | undefined)[]> {
  const order = teacher.nodes();
  const last = Math.max(...layers.map((l) => order.indexOf(teacher.producer(l.node.outputs[0])!)));
  const names = layers.map((l) => l.node.outputs[0]);
  const out: (LayerTargets | undefined)[] = layers.map(() => undefined);
  // Held until each layer is fitted: in large buffers, not an array per layer and batch (see `Slabs`).
  let slabs: Slabs | undefined;
  for await (const values of runner.advance(order[last + 1], names)) {
    const shapes = layers.map((l) => outputShape(l.node, values[l.node.outputs[0]]));
    // Sized on the first batch: every layer's rows for all samples.
    slabs ??= new Slabs(
      shapes.reduce(
        (n, sh) => (sh ? n + samples * rowsPerSample(sh.positions, maxRows, samples) * sh.outputs * 4 : n),
        0,
      ),
    );
    layers.forEach((l, i) => {
      const sh = shapes[i];
      if (!sh) return;
      const y = values[l.node.outputs[0]];
      const { conv, outputs, positions } = sh;
      const picks = pickRows(y.dims[0], positions, rowsPerSample(positions, maxRows, samples), l.random);
      const t = (out[i] ??= { picks: [], rows: [], outputs, dims: y.dims });
      t.picks.push(picks);
      t.rows.push(
        gather(y, picks, outputs, positions, conv, slabs!.array(Float32Array, picks.length * outputs)),
      );
    });
  }
  return out;
}

/** A layer output's channels and positions per sample; undefined for a convolution's that is not 4-D. */
function outputShape(
  node: GraphNode,
  y: TensorData,
): { conv: boolean; outputs: number; positions: number } | undefined {
  const conv = node.opType === 'Conv';
  if (conv && y.dims.length !== 4) return undefined;
  const outputs = conv ? y.dims[1] : y.dims[y.dims.length - 1];
  const positions = conv ? y.dims[2] * y.dims[3] : y.data.length / y.dims[0] / outputs;
  return { conv, outputs, positions };
}

/** The outputs at `picks` into `rows`, row-major [picks × outputs] (a convolution's are channel-major planes). */
function gather(
  y: TensorData,
  picks: Int32Array,
  outputs: number,
  positions: number,
  conv: boolean,
  rows: Float32Array,
): Float32Array {
  const yd = y.data as Float32Array;
  for (let r = 0; r < picks.length; r++) {
    const p = picks[r];
    if (conv) {
      const img = Math.floor(p / positions);
      const base = img * outputs * positions + (p - img * positions);
      for (let o = 0; o < outputs; o++) rows[r * outputs + o] = yd[base + o * positions];
    } else rows.set(yd.subarray(p * outputs, (p + 1) * outputs), r * outputs);
  }
  return rows;
}
