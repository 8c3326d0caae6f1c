/**
 * The training graph of quantization-aware fine-tuning: the prepared float graph (BatchNorm folded,
 * so the folded weight is what gets fake-quantized) with a FakeQuantize on every tensor and weight the
 * INT8 plan quantizes and a FakeQuantizeBias on every int32 bias — the same nodes, per-channel axes,
 * clamp ranges and kept-float nodes as `applyQuantization` would produce. Each step size is a float
 * initializer the engine trains, initialised from calibration (activations) and max|w|/127 (weights).
 */
import type { KernelBackend } from '../../kernels';
import { exportModel, importModel, inferShapes, type Graph } from '../graph';
import { AttributeType, DataType, makeAttribute, makeTensor, tensorData } from '../onnx';
import {
  detachOutput,
  planActivationParams,
  quantizeWeight,
  weightKey,
  type QParams,
  type QuantPlan,
  type Ranges,
} from '../quant';
import { QAT_DOMAIN } from '../train';

/** Where the trainable step sizes live in the QAT graph (initializer names); JSON-serialisable. */
export interface QatLayout {
  /** Activation tensors that own their parameters: scale initializer and the fixed zero point. */
  readonly activations: Readonly<Record<string, { readonly scale: string; readonly zeroPoint: number }>>;
  /** Weight scale initializers by `weightKey`. */
  readonly weights: Readonly<Record<string, string>>;
}

export interface QatGraph {
  graph: Graph;
  layout: QatLayout;
}

const intAttr = (name: string, value: number) => makeAttribute(name, value, AttributeType.INT);

/**
 * LSQ's gradient scale g = 1/√(N·Q_P): N values share the step size (per sample for activations),
 * Q_P the positive levels (255 for uint8, 127 for int8).
 */
const gradScale = (n: number, qp: number) => 1 / Math.sqrt(Math.max(1, n) * qp);

/**
 * Builds the fake-quant graph of `float` (prepared as `quantizeModel` prepares it) under `plan`
 * with calibrated `ranges`. `sampleShapes` (input name → shape of one sample, batch 1) sizes each
 * activation's gradient scale.
 */
export async function buildQatGraph(
  float: Graph,
  plan: QuantPlan,
  ranges: Ranges,
  kernels: KernelBackend,
  sampleShapes: Record<string, number[]>,
): Promise<QatGraph> {
  const shapes = inferShapes(float, { inputShapes: sampleShapes }).types;
  const perSample = (v: string) =>
    (shapes.get(v)?.shape ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
  const model = exportModel(float);
  const g = importModel({
    ...model,
    opsetImport: [
      ...model.opsetImport.filter((o) => o.domain !== QAT_DOMAIN),
      { domain: QAT_DOMAIN, version: 1n },
    ],
  });
  const nodes = new Map(g.nodes().map((n) => [n.name, n]));
  const uint8 = plan.scheme.activations === 'uint8';
  const [qmin, qmax] = uint8 ? [0, 255] : [-128, 127];
  const addFloat = (base: string, dims: number[], data: Float32Array) => {
    const name = g.uniqueName(base);
    g.addInitializer(makeTensor(name, DataType.FLOAT, dims, data));
    return name;
  };
  const addInt = (base: string, values: number[]) => {
    const name = g.uniqueName(base);
    g.addInitializer(makeTensor(name, DataType.INT32, [values.length], Int32Array.from(values)));
    return name;
  };

  // ---- activations: one step size per parameter owner; shared by its pass-through outputs ----
  const params = planActivationParams(plan, ranges);
  const owners = new Map<QParams, string>();
  const activations: Record<string, { scale: string; zeroPoint: number }> = {};
  for (const [name, p] of params) if (plan.activations[name].shareWith === undefined) owners.set(p, name);
  const scaleOf = new Map<string, { scale: string; zp: string }>();
  for (const [p, name] of owners) {
    const scale = addFloat(`${name}_qat_s`, [], new Float32Array([p.scale]));
    scaleOf.set(name, { scale, zp: addInt(`${name}_qat_zp`, [p.zeroPoint]) });
    activations[name] = { scale, zeroPoint: p.zeroPoint };
  }
  const qp = uint8 ? 255 : 127;
  for (const [name, p] of params) {
    const own = scaleOf.get(owners.get(p)!)!;
    insertFakeQuant(g, name, own.scale, own.zp, [
      intAttr('qmin', qmin),
      intAttr('qmax', qmax),
      makeAttribute('grad_scale', gradScale(perSample(name), qp)),
    ]);
  }

  // ---- weights: symmetric narrow int8, per channel along the plan's axis ----
  const weights: Record<string, string> = {};
  const fakeWeights = new Map<string, string>();
  const weightScaleOfNode = new Map<string, string>();
  const zero = addInt('qat_zero', [0]);
  for (const w of plan.weights) {
    const key = weightKey(w);
    let out = fakeWeights.get(key);
    if (out === undefined) {
      const t = g.initializers.get(w.name)!;
      const dims = t.dims.map(Number);
      const data = Float32Array.from(tensorData(t) as Float32Array);
      const { scales } = await quantizeWeight(kernels, data, dims, w.axis);
      const perChannel = w.axis !== undefined;
      const scale = addFloat(`${w.name}_qat_s`, perChannel ? [scales.length] : [], scales);
      weights[key] = scale;
      const perChannelCount = scales.length ? dims.reduce((a, b) => a * b, 1) / scales.length : 1;
      out = g.uniqueName(`${w.name}_fq`);
      g.addNode({
        opType: 'FakeQuantize',
        domain: QAT_DOMAIN,
        inputs: [w.name, scale, zero],
        outputs: [out],
        attributes: [
          intAttr('qmin', -127),
          intAttr('qmax', 127),
          makeAttribute('grad_scale', gradScale(perChannelCount, 127)),
          ...(perChannel ? [intAttr('axis', w.axis!)] : []),
        ],
      });
      fakeWeights.set(key, out);
    }
    weightScaleOfNode.set(w.node, weights[key]);
    g.setNodeInput(nodes.get(w.node)!.id, w.input, out);
  }

  // ---- biases: int32 at s_x·s_w (or float where that would overflow), as the exporter stores them ----
  for (const b of plan.biases) {
    const weightScale = weightScaleOfNode.get(b.node);
    if (weightScale === undefined) continue; // an activation weight: onnxruntime adds the float bias
    const inputScale = scaleOf.get(owners.get(params.get(b.activation)!)!)!.scale;
    const out = g.uniqueName(`${b.name}_fq`);
    g.addNode({
      opType: 'FakeQuantizeBias',
      domain: QAT_DOMAIN,
      inputs: [b.name, inputScale, weightScale],
      outputs: [out],
    });
    g.setNodeInput(nodes.get(b.node)!.id, b.input, out);
  }
  return { graph: g, layout: { activations, weights } };
}

/**
 * FakeQuantize on `value` read by every reader of it. A graph output keeps its name on the fake-quant
 * output (as the exporter's last DequantizeLinear does), so the loss reads the quantized value.
 */
function insertFakeQuant(
  g: Graph,
  value: string,
  scale: string,
  zp: string,
  attributes: ReturnType<typeof makeAttribute>[],
): void {
  const { source, isOutput, restore } = detachOutput(g, value);
  const uses = g.uses(source);
  const out = isOutput ? value : g.uniqueName(`${value}_fq`);
  g.addNode({
    opType: 'FakeQuantize',
    domain: QAT_DOMAIN,
    inputs: [source, scale, zp],
    outputs: [out],
    attributes,
  });
  for (const use of uses) g.setNodeInput(use.node, use.index, out);
  restore();
}
