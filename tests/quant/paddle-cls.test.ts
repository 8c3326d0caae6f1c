import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FidelityAccumulator, type TensorData } from '../../src/core/eval';
import { checkFusability, quantizeModel } from '../../src/core/quant';
import { CLS_PATH, FIXTURES, nativeRuntime } from './helpers';

/**
 * Text-line-like inputs for the 48×192 RGB classifier: four Fashion-MNIST images side by side,
 * scaled up and normalised as PaddleOCR does ((x/255 − 0.5)/0.5). Real pictures, not noise.
 */
const pixels = new Uint8Array(
  gunzipSync(readFileSync(`${FIXTURES}/fmnist-calib/train-images-idx3-ubyte.gz`)),
).subarray(16);
function strip(start: number, n: number): Record<string, TensorData> {
  const [H, W] = [48, 192];
  const data = new Float32Array(n * 3 * H * W);
  for (let s = 0; s < n; s++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) {
        const img = ((start + s) * 4 + Math.floor(w / 48)) % 1000;
        const v = pixels[img * 784 + Math.floor((h * 28) / 48) * 28 + Math.floor(((w % 48) * 28) / 48)];
        for (let c = 0; c < 3; c++) data[((s * 3 + c) * H + h) * W + w] = (v / 255 - 0.5) / 0.5;
      }
  return { x: { type: 'float32', data, dims: [n, 3, H, W] } };
}

describe('PaddleOCR direction classifier (opset 9)', () => {
  it('quantizes after the opset upgrade; INT8 outputs follow FP32 closely', async () => {
    const bytes = new Uint8Array(readFileSync(CLS_PATH));
    const runtime = await nativeRuntime();
    const calibration = Array.from({ length: 8 }, (_, i) => strip(i * 16, 16));
    const r = await quantizeModel(bytes, { runtime, calibration });
    expect(r.prepare).toMatchObject({ fromOpset: 9, toOpset: 13, batchNormsFolded: 35 });
    const report = checkFusability(r.quantized);
    expect(report.predictedOps.QLinearConv).toBe(53);

    const [ref, int8] = [await runtime.createSession(bytes), await runtime.createSession(r.bytes)];
    const fidelity = new FidelityAccumulator();
    for (let i = 0; i < 16; i++) {
      const feeds = strip(500 + i * 16, 16);
      const [a, b] = [await ref.run(feeds), await int8.run(feeds)];
      fidelity.add(a['softmax_0.tmp_0'].data as Float32Array, b['softmax_0.tmp_0'].data as Float32Array, 2);
    }
    const f = fidelity.result();
    console.log(
      `cls INT8 vs FP32 on 256 strips: cosine ${f.meanCosine.toFixed(4)}, SQNR ${f.sqnrDb.toFixed(1)} dB, top-1 agreement ${(f.top1Agreement * 100).toFixed(1)} %; ${bytes.length} → ${r.bytes.length} bytes`,
    );
    expect(f.meanCosine).toBeGreaterThan(0.99);
    expect(f.top1Agreement).toBeGreaterThanOrEqual(0.95);
    expect(f.sqnrDb).toBeGreaterThan(15);
  });
});
