/**
 * The INT8 form of a unit exactly as the quantizer writes it (QDQ, per-channel int8 weights, uint8
 * activations), with its uint8 inputs and outputs exposed: inside a quantized chain onnxruntime fuses
 * DQ → op → Q into one integer kernel (QLinearConv, QLinearAdd, …) whose neighbours hand it uint8, so
 * that is the cost to compare with the float op. Converting at a float/INT8 border is timed apart
 * ({@link convertModels}) and charged only where a border is.
 */
import { exportModel, importModel, inferShapes, type Graph } from '../graph';
import { DataType, emptyGraph, emptyModel, emptyNode, emptyValueInfo, makeTensor, type Model } from '../onnx';
import { applyQuantization, calibrationTensors, planQuantization, type Ranges } from '../quant';
import { typeProtoOf } from '../graph';

/**
 * Ranges do not change the integer kernels' speed; a fixed one keeps every scale sane. A clipped
 * tensor (after an absorbed Relu) gets zero point 0, as calibration would give it.
 */
const RANGE = { min: -4, max: 4 };

/** The unit's QDQ model with uint8 in and out, or undefined when the quantizer leaves it float. */
export async function int8UnitModel(unit: Graph): Promise<Model | undefined> {
  const shapes = inferShapes(unit);
  const plan = planQuantization(unit, shapes);
  const op = unit.nodes()[0];
  if (plan.nodes[op.name] !== 'quantized') return undefined;
  const ranges: Ranges = Object.fromEntries(calibrationTensors(plan).map((t) => [t, RANGE]));
  const { graph } = await applyQuantization(unit, plan, ranges);
  return exposeIntegers(graph);
}

/**
 * Cuts the graph-input Qs and the graph-output DQ off: each input Q's output becomes a uint8 graph
 * input, and the Q before the output DQ gives the (uint8) graph output.
 */
function exposeIntegers(graph: Graph): Model {
  const model = exportModel(graph);
  const g = model.graph!;
  const inputs = new Set(g.input.map((v) => v.name));
  const outputs = new Set(g.output.map((v) => v.name));
  const shapes = inferShapes(graph);
  const uint8 = (name: string) => {
    const t = shapes.types.get(name)!;
    return emptyValueInfo({ name, type: typeProtoOf({ dtype: DataType.UINT8, shape: t.shape }) });
  };
  const dropped = new Set<number>();
  const newInputs = [];
  let newOutput: string | undefined;
  g.node.forEach((n, i) => {
    if (n.opType === 'QuantizeLinear' && inputs.has(n.input[0])) {
      dropped.add(i);
      newInputs.push(uint8(n.output[0]));
    } else if (n.opType === 'DequantizeLinear' && outputs.has(n.output[0])) {
      // The quantizer keeps a graph output's name on the DQ after its Q.
      dropped.add(i);
      newOutput = n.input[0];
    }
  });
  for (const v of g.input)
    if (!g.node.some((n, i) => dropped.has(i) && n.input[0] === v.name)) newInputs.push(v);
  if (!newOutput) {
    // A Gemm with a float output (QGemm writes float): keep the float output.
    return { ...model, graph: { ...g, node: g.node.filter((_, i) => !dropped.has(i)), input: newInputs } };
  }
  // Drop whatever nothing reads any more.
  const kept = g.node.filter((_, i) => !dropped.has(i));
  const live = new Set<string>([newOutput]);
  for (let i = kept.length - 1; i >= 0; i--)
    if (kept[i].output.some((o) => live.has(o))) kept[i].input.forEach((v) => live.add(v));
  const nodes = kept.filter((n) => n.output.some((o) => live.has(o)));
  return {
    ...model,
    graph: {
      ...g,
      node: nodes,
      input: newInputs,
      output: [uint8(newOutput)],
      initializer: g.initializer.filter((t) => live.has(t.name)),
    },
  };
}

/**
 * A float → uint8 QuantizeLinear and a uint8 → float DequantizeLinear on a tensor of `shape`: what a
 * border between a float node and an INT8 one costs.
 */
export function convertModels(
  shape: readonly number[],
  opset: Model['opsetImport'],
): { quantize: Model; dequantize: Model } {
  const make = (op: string, from: DataType, to: DataType): Model =>
    importModelCheck(
      emptyModel({
        irVersion: 8n,
        opsetImport: opset,
        graph: emptyGraph({
          name: op,
          node: [emptyNode({ opType: op, input: ['x', 's', 'z'], output: ['y'], name: op })],
          initializer: [
            makeTensor('s', DataType.FLOAT, [], new Float32Array([0.03])),
            makeTensor('z', DataType.UINT8, [], new Uint8Array([128])),
          ],
          input: [emptyValueInfo({ name: 'x', type: typeProtoOf({ dtype: from, shape: [...shape] }) })],
          output: [emptyValueInfo({ name: 'y', type: typeProtoOf({ dtype: to, shape: [...shape] }) })],
        }),
      }),
    );
  return {
    quantize: make('QuantizeLinear', DataType.FLOAT, DataType.UINT8),
    dequantize: make('DequantizeLinear', DataType.UINT8, DataType.FLOAT),
  };
}

/** Importing checks the little model is well formed before a runtime sees it. */
function importModelCheck(m: Model): Model {
  importModel(m);
  return m;
}
