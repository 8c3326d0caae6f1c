/**
 * Fine-tuning a segmenter through the whole pipeline (`bench:tasks` with FINETUNE=segmentation):
 * it runs to the end, distils the logits with a held-out loss per epoch, and the bench's progress log
 * says every phase and epoch as they come, so a run stopped by a timeout shows how far it got.
 */
import { expect, test } from 'vitest';
import { progressLog } from '../../bench/progress-log';
import { createOrtRuntime } from '../../src/core/eval';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { openTaskDatasetPath } from '../../src/core/tasks/node';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { fixture } from '../eval/helpers';

test('a segmenter fine-tunes through the pipeline; every phase and epoch is logged as it comes', async () => {
  const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
  const kernels = await createWasmBackend(nodeWasmLoader);
  const calibration = await openTaskDatasetPath('tests/fixtures/tasks/calib.npz');
  const evaluation = await openTaskDatasetPath('tests/fixtures/tasks/test', undefined, 'segmentation');
  const recipe = parseRecipe({
    version: 1,
    task: { kind: 'segmentation' },
    prune: { macsTarget: 0.4, recover: ['compensate'] },
    finetune: { enabled: true, epochs: 2, batchSize: 16, samples: 64, heldOut: 0.25, lr: 2e-3, patience: 5 },
    quantize: { enabled: false },
    data: { preprocess: { scale: 1 / 255 }, calibrationSamples: 32, batchSize: 16, evalLimit: 16 },
    evaluate: { runs: 1, warmup: 0 },
  });
  const lines: string[] = [];
  const result = await runPipeline({
    model: fixture('tasks/seg-unet.onnx'),
    recipe,
    calibration,
    evaluation,
    training: calibration,
    runtime,
    kernels,
    ...progressLog('seg', 60_000, (line) => lines.push(line)),
  });
  expect(result.stages.map((s) => s.name)).toEqual(['original', 'pruned', 'recovered', 'finetuned']);
  expect(result.stages.at(-1)!.result.score?.metric).toBe('mIoU');
  const history = result.finetune!.history;
  expect(history).toHaveLength(2);
  expect(history[1].heldOutLoss!).toBeLessThan(history[0].heldOutLoss!);
  // Every phase is said when it starts, however short the throttle lets the rest be.
  for (const phase of ['load', 'prune', 'recover', 'remove', 'finetune', 'evaluate'])
    expect(
      lines.some((l) => l.includes(`] ${phase}: `)),
      phase,
    ).toBe(true);
  const epochs = lines.filter((l) => /fine-tuning step 1 epoch \d: loss \S+, held-out loss \d/.test(l));
  expect(epochs).toHaveLength(2);
}, 300_000);
