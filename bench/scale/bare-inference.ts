/**
 * Child process of `bench:scale`: bare FP32 inference of MODEL over the first N samples of DATA in
 * onnxruntime-node (the runtime the CLI calibrates with), reading and decoding included, as the floor
 * the model-making stages are compared with. Prints {seconds, cpuSeconds, peakRssBytes} as JSON.
 * Usage: tsx bench/scale/bare-inference.ts MODEL DATA SAMPLES [PREPROCESS] [BATCH]
 */
import { readFile } from 'node:fs/promises';
import { createOrtRuntime, modelInput } from '../../src/core/eval';
import { openDatasetPath, readPreprocessArg } from '../../src/core/eval/node';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { datasetFeeds } from '../../src/core/quant';

const [modelPath, data, samples, preprocessArg, batch] = process.argv.slice(2);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const bytes = new Uint8Array(await readFile(modelPath));
const input = modelInput(importModel(decodeModel(bytes)))!;
const runtime = await createOrtRuntime({ backend: 'native' });
const session = await runtime.createSession(bytes);
const preprocess = preprocessArg ? await readPreprocessArg(preprocessArg) : undefined;
const dataset = await openDatasetPath(data);
let seen = 0;
for await (const feeds of datasetFeeds(dataset, input, {
  preprocess,
  limit: Number(samples),
  batchSize: Number(batch ?? 16),
})) {
  await session.run(feeds);
  seen += Object.values(feeds)[0].dims[0];
}
await session.release();
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    samples: seen,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
