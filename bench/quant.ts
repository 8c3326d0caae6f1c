/**
 * `npm run bench:quant`: quantizes the zoo models (1,000 calibration images), then prints full-test-set
 * accuracy FP32 vs INT8 (onnxruntime-node) and onnxruntime-web wasm latency FP32 vs INT8 at batch 1
 * and 32, interleaved so drift hits both. Prints only; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compareLatency, createOrtRuntime, evaluateModel, idxDataset } from '../src/core/eval';
import { datasetFeeds, quantizeModel, type CalibrationMethod } from '../src/core/quant';

const FIX = join(import.meta.dirname, '..', 'tests', 'fixtures');
const gz = (p: string) => ({ path: p, bytes: new Uint8Array(gunzipSync(readFileSync(join(FIX, p)))) });
const SPEC = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };
const INPUT = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
const calib = idxDataset(gz('fmnist-calib/train-images-idx3-ubyte.gz'));
const test = idxDataset(
  gz('fmnist-test/t10k-images-idx3-ubyte.gz'),
  gz('fmnist-test/t10k-labels-idx1-ubyte.gz'),
);
const methods = (process.env.METHODS ?? 'minmax').split(',') as CalibrationMethod[];

const native = await createOrtRuntime({ backend: 'native' });
const acc = async (bytes: Uint8Array) =>
  (await evaluateModel(await native.createSession(bytes), test, { preprocess: SPEC, batchSize: 500 }))
    .accuracy!.top1;
const quantized: Record<string, Uint8Array> = {};
for (const name of ['fmnist-resnet8', 'fmnist-resnet8-bn', 'fmnist-mobilenetv2', 'fmnist-mobilenetv2-bn']) {
  const bytes = new Uint8Array(readFileSync(join(FIX, `${name}.onnx`)));
  const fp32 = await acc(bytes);
  for (const method of methods) {
    const r = await quantizeModel(bytes, {
      runtime: native,
      method,
      calibration: datasetFeeds(calib, INPUT, { preprocess: SPEC, batchSize: 50 }),
    });
    quantized[name] ??= r.bytes;
    const int8 = await acc(r.bytes);
    console.log(
      `${name.padEnd(22)} ${method.padEnd(10)} top-1 FP32 ${(fp32 * 100).toFixed(2)} %  INT8 ${(int8 * 100).toFixed(2)} %  drop ${((fp32 - int8) * 100).toFixed(2)} pt  size ${bytes.length} → ${r.bytes.length} (${(bytes.length / r.bytes.length).toFixed(2)}×)  fused ${r.fusion.fused}/${r.fusion.units.length}`,
    );
  }
}

const wasm = await createOrtRuntime({ backend: 'wasm', threads: Number(process.env.THREADS ?? 1) });
const fp32 = new Uint8Array(readFileSync(join(FIX, 'fmnist-resnet8.onnx')));
for (const batch of [1, 32]) {
  const c = await compareLatency(
    wasm,
    [
      { label: 'FP32', bytes: fp32 },
      { label: 'INT8', bytes: quantized['fmnist-resnet8'] },
    ],
    { batch, warmup: 10, runs: batch === 1 ? 200 : 40 },
  );
  const [a, b] = c.models;
  console.log(
    `resnet8 ORT-web wasm ${wasm.threads} thread(s) batch ${batch}: FP32 ${a.medianMs.toFixed(3)} ms, INT8 ${b.medianMs.toFixed(3)} ms, INT8/FP32 ${c.ratios[0].ratio.toFixed(2)}`,
  );
}
