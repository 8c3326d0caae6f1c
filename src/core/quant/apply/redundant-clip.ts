/**
 * An absorbed Clip (ReLU6) whose QuantizeLinear already saturates where the Clip would cut, but whose
 * quantized range reaches slightly past the Clip's: a scale learned by QAT a little above 6/255. The
 * Q's rounding then gives the same integers with or without the Clip (x ≥ 6 rounds to 255 either
 * way), and onnxruntime's rewrites at the `extended` level fail on that pattern: for a scale in
 * (6/255, 6/254.5] the session does not load ("two nodes with same node name", 1.2x web and node).
 * The Clip is left out: the Q reads the Clip's input. Where the Q's range lies inside the Clip's
 * (every calibrated scale: ranges are cut to the clip), the graph is left as it is.
 */
import type { Graph } from '../../graph';
import type { ActivationType } from '../types';
import type { QParams } from './qparams';

/** Removes the Clip producing `value` when the Q on it makes it redundant (see above); whether it did. */
export function dropRedundantClip(
  g: Graph,
  value: string,
  clip: readonly [number, number],
  p: QParams,
  type: ActivationType,
): boolean {
  const [qmin, qmax] = type === 'uint8' ? [0, 255] : [-128, 127];
  const [lo, hi] = clip;
  // In float32, as onnxruntime compares them: 255 · fround(6/255) is 6 there (6.0000001 in float64).
  const top = Math.fround(p.scale * (qmax - p.zeroPoint));
  const bottom = Math.fround(p.scale * (qmin - p.zeroPoint));
  if (top <= hi && bottom >= lo) return false;
  // Both bounds land on the Q's saturated ends (within half a step): clipping first changes nothing.
  const saturatesHigh = !Number.isFinite(hi) || hi / p.scale + p.zeroPoint >= qmax - 0.5;
  const saturatesLow = lo / p.scale + p.zeroPoint <= qmin + 0.5;
  if (!saturatesHigh || !saturatesLow) return false;
  const producer = g.producer(value);
  if (producer?.opType !== 'Clip' || g.isGraphOutput(value)) return false;
  const uses = g.uses(value);
  if (!uses.every((u) => g.node(u.node).opType === 'QuantizeLinear')) return false;
  for (const u of uses) g.setNodeInput(u.node, u.index, producer.inputs[0]);
  g.removeNode(producer.id);
  return true;
}
