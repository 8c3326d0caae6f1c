/**
 * Exporters deduplicate bit-identical initializers into `Identity` nodes: torchvision's DenseNet has a
 * BatchNorm whose running_mean is an Identity of its own bias and whose running_var an Identity of its
 * own scale, and the same bias tensor is also, through another Identity, the bias of a convolution in
 * a different group. Pruning gave the BatchNorm a private copy at one slot only, so its mean kept the
 * old width and onnxruntime refused the model ("Invalid input mean: 0th dimension != 110") while the
 * CLI reported success. The model below reproduces that pattern at toy size (opset 13, BatchNorm not
 * fused); `prune` must write a model that runs and equals the masked one, and a broken removal must
 * be caught before anything is written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportModel, importModel } from '../../src/core/graph';
import { decodeModel, encodeModel, makeTensor, DataType } from '../../src/core/onnx';
import { checkPrunedModel, PruneCheckError } from '../../src/core/prune';
import { runCli } from '../cli/run-cli';
import { ModelBuilder } from '../helpers/model-builder';
import { nativeRuntime, randomFeed, relativeError } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'whittle-dedup-'));

/** stem conv → [r0, conv1(r0)] concatenated → BatchNorm (mean, var through Identity) → conv2 → conv3 → classifier. */
function denseBlockWithDedup(): Uint8Array {
  const b = new ModelBuilder({ opset: 13, seed: 21 })
    .input('input', 'float32', ['N', 3, 8, 8])
    .initializer('conv0.weight', [8, 3, 3, 3])
    .initializer('conv0.bias', [8])
    .initializer('conv1.weight', [8, 8, 3, 3])
    .initializer('bn.weight', [16], { min: 0.5, max: 1.5 })
    .initializer('bn.bias', [16], { min: -0.5, max: 0.5 })
    .initializer('conv2.weight', [16, 16, 1, 1])
    .initializer('conv3.weight', [8, 16, 3, 3])
    .initializer('fc.weight', [10, 8])
    .initializer('fc.bias', [10])
    // The deduplicated copies: bit-identical tensors the exporter turned into Identity nodes.
    .node('Identity', ['conv0.bias'], ['conv1.bias'])
    .node('Identity', ['bn.bias'], ['bn.running_mean'])
    .node('Identity', ['bn.weight'], ['bn.running_var'])
    .node('Identity', ['bn.bias'], ['conv2.bias'])
    .node('Conv', ['input', 'conv0.weight', 'conv0.bias'], ['c0'], { pads: [1, 1, 1, 1] }, { name: 'conv0' })
    .node('Relu', ['c0'], ['r0'])
    .node('Conv', ['r0', 'conv1.weight', 'conv1.bias'], ['c1'], { pads: [1, 1, 1, 1] }, { name: 'conv1' })
    .node('Relu', ['c1'], ['r1'])
    .node('Concat', ['r0', 'r1'], ['cat'], { axis: 1 })
    .node(
      'BatchNormalization',
      ['cat', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'],
      ['n'],
      {},
      { name: 'bn' },
    )
    .node('Relu', ['n'], ['r2'])
    .node('Conv', ['r2', 'conv2.weight', 'conv2.bias'], ['c2'], {}, { name: 'conv2' })
    .node('Relu', ['c2'], ['r3'])
    .node('Conv', ['r3', 'conv3.weight'], ['c3'], { pads: [1, 1, 1, 1] }, { name: 'conv3' })
    .node('Relu', ['c3'], ['r4'])
    .node('GlobalAveragePool', ['r4'], ['p'])
    .node('Flatten', ['p'], ['f'])
    .node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, { name: 'fc' })
    .output('logits', 'float32', ['N', 10]);
  return b.build().bytes;
}

async function run(bytes: Uint8Array, feed: ReturnType<typeof randomFeed>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const x = feed.input;
  const out = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [...x.dims]) });
  await session.release();
  return out.logits.data as Float32Array;
}

describe('pruning through deduplicated initializers', () => {
  const model = join(dir, 'dense.onnx');
  writeFileSync(model, denseBlockWithDedup());

  it('prune writes a model onnxruntime runs, equal to the masked model', async () => {
    const removedPath = join(dir, 'removed.onnx');
    const maskedPath = join(dir, 'masked.onnx');
    const common = ['--ratio', '0.5', '--include-first', '--criterion', 'l2'];
    const r = runCli('prune', model, ...common, '--out', removedPath);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(runCli('prune', model, ...common, '--mask-only', '--out', maskedPath).code).toBe(0);

    const removed = new Uint8Array(readFileSync(removedPath));
    const graph = importModel(decodeModel(removed));
    const bn = graph.nodes().find((n) => n.opType === 'BatchNormalization')!;
    // Every BatchNorm input, whether it was an initializer or an Identity copy, lost the same channels.
    const widths = bn.inputs.slice(1).map((v) => {
      let name = v;
      while (!graph.initializers.has(name)) name = graph.producer(name)!.inputs[0];
      return Number(graph.initializers.get(name)!.dims[0]);
    });
    expect(widths).toEqual([8, 8, 8, 8]);
    // conv2 reads the same deduplicated bias but its own channels were cut differently.
    expect(graph.initializers.get('conv2.weight')!.dims.map(Number)).toEqual([8, 8, 1, 1]);

    const feed = randomFeed('input', [4, 3, 8, 8], 3);
    const masked = await run(new Uint8Array(readFileSync(maskedPath)), feed);
    expect(relativeError(masked, await run(removed, feed))).toBeLessThanOrEqual(1e-5);
  });

  it('a removal that does not run, or computes something else, is refused before it is written', async () => {
    const runtime = await nativeRuntime();
    const masked = readFileSync(join(dir, 'masked.onnx'));
    const graph = importModel(decodeModel(new Uint8Array(readFileSync(join(dir, 'removed.onnx')))));
    // The bug as it was: the BatchNorm's mean kept its old width.
    const stale = importModel(decodeModel(new Uint8Array(readFileSync(join(dir, 'removed.onnx')))));
    const bn = stale.nodes().find((n) => n.opType === 'BatchNormalization')!;
    stale.addInitializer(makeTensor('stale_mean', DataType.FLOAT, [16], new Float32Array(16)));
    stale.setNodeInput(bn.id, 3, 'stale_mean');
    await expect(checkPrunedModel(runtime, encodeModel(exportModel(stale)), masked)).rejects.toThrow(
      /pruned model does not (load|run) in onnxruntime.*nothing was written/,
    );
    // A model that runs but whose classifier bias changed.
    graph.replaceInitializer(
      'fc.bias',
      makeTensor('fc.bias', DataType.FLOAT, [10], new Float32Array(10).fill(5)),
    );
    const wrong = checkPrunedModel(runtime, encodeModel(exportModel(graph)), masked);
    await expect(wrong).rejects.toBeInstanceOf(PruneCheckError);
    await expect(wrong).rejects.toThrow(/differs from the masked model's/);
  });
});
