import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFusability, quantizeModel, type FusionReport, type QuantizeResult } from '../../src/core/quant';
import { accuracy, calibFeeds, fixture, nativeRuntime, optimizedOps } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-quant-'));

/** Every predicted fused op appears in onnxruntime's optimized model as often as predicted, and no float op of a fused unit survives. */
function expectPredictionHolds(report: FusionReport, ops: Record<string, number>): void {
  for (const [op, count] of Object.entries(report.predictedOps)) expect(ops[op] ?? 0, op).toBe(count);
  const unfused: Record<string, number> = {};
  for (const u of report.units) if (!u.fused) unfused[u.opType] = (unfused[u.opType] ?? 0) + 1;
  for (const op of ['Conv', 'Gemm', 'MatMul', 'Add', 'GlobalAveragePool'])
    expect(ops[op] ?? 0, `float ${op} left`).toBe(unfused[op] ?? 0);
}

const MODELS = [
  // name, file ratio floor (measured: the per-channel scales, int32 biases and Q/DQ nodes are a large
  // share of these ~80k-parameter models; depthwise kernels of 9 weights carry 12 bytes per channel)
  ['fmnist-resnet8', 3.2],
  ['fmnist-resnet8-bn', 3.2],
  ['fmnist-mobilenetv2', 2.3],
  ['fmnist-mobilenetv2-bn', 2.3],
] as const;

describe.each(MODELS)('%s → INT8 (uint8 activations, per-channel int8 weights, min/max)', (name, ratio) => {
  let result: QuantizeResult;
  let bytes: Uint8Array;

  it('quantizes with 1,000 calibration images and loads in onnxruntime', async () => {
    bytes = fixture(`${name}.onnx`);
    result = await quantizeModel(bytes, { runtime: await nativeRuntime(), calibration: calibFeeds() });
    expect(result.prepare.batchNormsFolded).toBe(
      name.endsWith('-bn') ? (name.includes('resnet') ? 9 : 22) : 0,
    );
    const session = await (await nativeRuntime()).createSession(result.bytes);
    expect(session.outputs.map((o) => o.name)).toEqual(['logits']);
    await session.release();
  });

  it('keeps top-1 within 0.5 point of FP32 on the first 2,000 test images', async () => {
    const [fp32, int8] = [await accuracy(bytes), await accuracy(result.bytes)];
    console.log(
      `${name}: FP32 ${(fp32 * 100).toFixed(2)} %, INT8 ${(int8 * 100).toFixed(2)} % (2,000 images)`,
    );
    expect(fp32 - int8).toBeLessThanOrEqual(0.005);
  });

  it(`shrinks the file ≥ ${ratio}× with int8 weight initializers`, () => {
    const r = bytes.length / result.bytes.length;
    console.log(`${name}: ${bytes.length} → ${result.bytes.length} bytes (${r.toFixed(2)}×)`);
    expect(r).toBeGreaterThanOrEqual(ratio);
    for (const t of result.quantized.initializers.values())
      expect(t.dataType === 1 ? t.dims.length : 0).toBeLessThanOrEqual(1);
  });

  it('is fully fused, and onnxruntime’s optimized model agrees', async () => {
    const report = result.fusion;
    expect(report.unfused).toBe(0);
    expect(report.fullyFused).toBe(true);
    const convs = name.includes('resnet') ? 9 : 22;
    expect(report.predictedOps).toMatchObject({ QLinearConv: convs, QGemm: 1, QLinearGlobalAveragePool: 1 });
    const ops = await optimizedOps(result.bytes, join(tmp, `${name}.opt.onnx`));
    expectPredictionHolds(report, ops);
    expect(ops.Relu ?? 0).toBe(0);
    expect(ops.Clip ?? 0).toBe(0);
  });
});

describe('int8 symmetric activations', () => {
  it('the check predicts which units onnxruntime fuses on x86 (int8 → uint8 only for single-reader tensors)', async () => {
    const r = await quantizeModel(fixture('fmnist-resnet8.onnx'), {
      runtime: await nativeRuntime(),
      calibration: calibFeeds(200),
      activations: 'int8',
    });
    const report = checkFusability(r.quantized);
    const convs = report.units.filter((u) => u.opType === 'Conv');
    expect(convs.filter((u) => u.fused).length).toBe(4); // convs whose input and output tensors each have one reader
    expect(convs.some((u) => !u.fused && /INT8/.test(u.reason ?? ''))).toBe(true);
    expect(report.fullyFused).toBe(false);
    const ops = await optimizedOps(r.bytes, join(tmp, 'int8.opt.onnx'));
    expectPredictionHolds(report, ops);
    expect(ops.Relu).toBe(7); // zero point 0 is not int8's minimum: every Relu stays
    expect(fixture('fmnist-resnet8.onnx').length / r.bytes.length).toBeGreaterThan(3);
    const drop = (await accuracy(fixture('fmnist-resnet8.onnx'), 1000)) - (await accuracy(r.bytes, 1000));
    expect(drop).toBeLessThanOrEqual(0.01);
  });
});
