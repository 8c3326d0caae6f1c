import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportModel, importModel } from '../../src/core/graph';
import {
  decodeModel,
  encodeModel,
  emptyGraph,
  emptyModel,
  emptyNode,
  makeAttribute,
  type Model,
} from '../../src/core/onnx';
import { prepareWithReport, QuantError, upgradeOpset } from '../../src/core/quant';
import { CLS_PATH, fixture, nativeRuntime, random } from './helpers';
import type { TensorData } from '../../src/core/eval';

const graphOf = (bytes: Uint8Array) => importModel(decodeModel(bytes));
const ops = (m: Model) => m.graph!.node.map((n) => n.opType);

async function run(bytes: Uint8Array, feeds: Record<string, TensorData>): Promise<Float32Array> {
  const session = await (await nativeRuntime()).createSession(bytes);
  try {
    const out = await session.run(feeds);
    return out[session.outputs[0].name].data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function noise(dims: number[], seed: number): TensorData {
  const r = random(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return { type: 'float32', data: Float32Array.from({ length: n }, () => 2 * r() - 1), dims };
}

describe('BatchNormalization folding', () => {
  for (const name of ['fmnist-resnet8-bn', 'fmnist-mobilenetv2-bn']) {
    it(`${name}: every BN folds and outputs match the original to 1e-5`, async () => {
      const bytes = fixture(`${name}.onnx`);
      const { graph, report } = prepareWithReport(graphOf(bytes));
      const folded = exportModel(graph);
      expect(report.batchNormsFolded).toBe(name.includes('resnet') ? 9 : 22);
      expect(ops(folded)).not.toContain('BatchNormalization');
      const feeds = { input: noise([8, 1, 28, 28], 1) };
      expect(maxDiff(await run(bytes, feeds), await run(encodeModel(folded), feeds))).toBeLessThan(1e-5);
    });
  }

  it('folds into Gemm (transB) and ConvTranspose exactly', async () => {
    // x[2,3] → Gemm(transB, W[4,3]) → BN(4) ; y[1,2,5,5] → ConvTranspose(W[2,3,3,3]) → BN(3)
    const r = random(7);
    const f = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 0.5);
    const t = (name: string, dims: number[], data: Float32Array) => ({
      dims: dims.map(BigInt),
      dataType: 1,
      name,
      docString: '',
      rawData: new Uint8Array(data.buffer),
      externalData: [],
      dataLocation: 0,
      metadataProps: [],
    });
    const vi = (name: string, dims: number[]) => ({
      name,
      docString: '',
      metadataProps: [],
      type: {
        tensorType: {
          elemType: 1,
          shape: { dim: dims.map((d) => ({ dimValue: BigInt(d), denotation: '' })) },
        },
        denotation: '',
      },
    });
    const bn = (x: string, c: number, out: string, p: string) =>
      [
        emptyNode({
          opType: 'BatchNormalization',
          input: [x, `${p}s`, `${p}b`, `${p}m`, `${p}v`],
          output: [out],
          attribute: [makeAttribute('epsilon', 1e-3)],
        }),
        [
          t(`${p}s`, [c], f(c)),
          t(`${p}b`, [c], f(c)),
          t(`${p}m`, [c], f(c)),
          t(
            `${p}v`,
            [c],
            f(c).map((v) => v + 1),
          ),
        ],
      ] as const;
    const [bn1, p1] = bn('g', 4, 'a', 'bn1');
    const [bn2, p2] = bn('ct', 3, 'b', 'bn2');
    const model = emptyModel({
      irVersion: 7n,
      opsetImport: [{ domain: '', version: 13n }],
      graph: emptyGraph({
        node: [
          emptyNode({
            opType: 'Gemm',
            input: ['x', 'W', 'C'],
            output: ['g'],
            attribute: [makeAttribute('transB', 1n), makeAttribute('beta', 0.5)],
          }),
          bn1,
          emptyNode({
            opType: 'ConvTranspose',
            input: ['y', 'K'],
            output: ['ct'],
            attribute: [makeAttribute('strides', [2n, 2n])],
          }),
          bn2,
        ],
        initializer: [t('W', [4, 3], f(12)), t('C', [4], f(4)), t('K', [2, 3, 3, 3], f(54)), ...p1, ...p2],
        input: [vi('x', [2, 3]), vi('y', [1, 2, 5, 5])],
        output: [vi('a', [2, 4]), vi('b', [1, 3, 11, 11])],
      }),
    });
    const bytes = encodeModel(model);
    const { graph, report } = prepareWithReport(graphOf(bytes));
    expect(report.batchNormsFolded).toBe(2);
    const feeds = { x: noise([2, 3], 2), y: noise([1, 2, 5, 5], 3) };
    const folded = encodeModel(exportModel(graph));
    const session = await (await nativeRuntime()).createSession(bytes);
    const foldedSession = await (await nativeRuntime()).createSession(folded);
    const [a, b] = [await session.run(feeds), await foldedSession.run(feeds)];
    for (const k of ['a', 'b'])
      expect(maxDiff(a[k].data as Float32Array, b[k].data as Float32Array)).toBeLessThan(1e-5);
  });
});

describe('opset upgrade', () => {
  it('PaddleOCR cls (opset 9): Clip, Slice and Softmax rewritten; outputs unchanged at opset 13', async () => {
    const bytes = new Uint8Array(readFileSync(CLS_PATH));
    const up = exportModel(upgradeOpset(graphOf(bytes)));
    expect(up.opsetImport.find((o) => o.domain === '')?.version).toBe(13n);
    const clip = up.graph!.node.find((n) => n.opType === 'Clip')!;
    expect(clip.input.length).toBe(3);
    expect(clip.attribute).toEqual([]);
    const feeds = { x: noise([2, 3, 48, 192], 4) };
    expect(maxDiff(await run(bytes, feeds), await run(encodeModel(up), feeds))).toBeLessThan(1e-6);
  });

  it('refuses an op it has no rewrite for, naming it', () => {
    const model = emptyModel({
      irVersion: 6n,
      opsetImport: [{ domain: '', version: 9n }],
      graph: emptyGraph({
        node: [emptyNode({ opType: 'Scatter', input: ['x', 'i', 'u'], output: ['y'] })],
        input: ['x', 'i', 'u'].map((name) => ({ name, docString: '', metadataProps: [] })),
        output: [{ name: 'y', docString: '', metadataProps: [] }],
      }),
    });
    expect(() => upgradeOpset(importModel(model))).toThrow(QuantError);
    expect(() => upgradeOpset(importModel(model))).toThrow(/Scatter/);
  });

  it('moves Squeeze/Unsqueeze axes, Split sizes and Pad pads from attributes to inputs', async () => {
    const vi = (name: string, dims: number[]) => ({
      name,
      docString: '',
      metadataProps: [],
      type: {
        tensorType: {
          elemType: 1,
          shape: { dim: dims.map((d) => ({ dimValue: BigInt(d), denotation: '' })) },
        },
        denotation: '',
      },
    });
    const model = emptyModel({
      irVersion: 6n,
      opsetImport: [{ domain: '', version: 10n }],
      graph: emptyGraph({
        node: [
          emptyNode({
            opType: 'Unsqueeze',
            input: ['x'],
            output: ['u'],
            attribute: [makeAttribute('axes', [0n])],
          }),
          emptyNode({
            opType: 'Pad',
            input: ['u'],
            output: ['p'],
            attribute: [makeAttribute('pads', [0n, 0n, 1n, 0n, 0n, 0n, 1n, 0n]), makeAttribute('value', 0.5)],
          }),
          emptyNode({
            opType: 'Split',
            input: ['p'],
            output: ['s1', 's2'],
            attribute: [makeAttribute('axis', 2n), makeAttribute('split', [2n, 4n])],
          }),
          emptyNode({
            opType: 'Squeeze',
            input: ['s2'],
            output: ['y'],
            attribute: [makeAttribute('axes', [0n])],
          }),
          emptyNode({ opType: 'Dropout', input: ['s1'], output: ['z'] }),
        ],
        input: [vi('x', [2, 4, 3])],
        output: [vi('y', [2, 4, 3]), vi('z', [1, 2, 2, 3])],
      }),
    });
    const bytes = encodeModel(model);
    const up = exportModel(upgradeOpset(importModel(decodeModel(bytes))));
    expect(ops(up)).toEqual(['Unsqueeze', 'Pad', 'Split', 'Squeeze']);
    const feeds = { x: noise([2, 4, 3], 5) };
    const a = await (await (await nativeRuntime()).createSession(bytes)).run(feeds);
    const b = await (await (await nativeRuntime()).createSession(encodeModel(up))).run(feeds);
    for (const k of ['y', 'z']) expect(maxDiff(a[k].data as Float32Array, b[k].data as Float32Array)).toBe(0);
  });
});
