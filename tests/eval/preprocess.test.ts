import { describe, expect, it } from 'vitest';
import {
  batches,
  memoryFileSource,
  openDataset,
  parsePreprocess,
  PREPROCESS_PRESETS,
  PreprocessError,
  resolvePreprocess,
  type Dataset,
  type PreprocessSpec,
  type RawImage,
  type ValueMeta,
} from '../../src/core/eval';
import { readPreprocessArg } from '../../src/core/eval/node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A dataset of given raw images (decoder bypassed: each file's bytes index into `images`). */
async function imagesDataset(images: RawImage[]): Promise<Dataset> {
  const files = Object.fromEntries(images.map((_, i) => [`img${i}.png`, new Uint8Array([i])]));
  const decoder = { decode: async (bytes: Uint8Array) => images[bytes[0]] };
  return openDataset(memoryFileSource('mem', files), { decoder });
}

async function run(
  images: RawImage[],
  shape: (number | string)[],
  spec?: PreprocessSpec,
): Promise<{ values: number[]; dims: number[][]; assumptions: string }> {
  const dataset = await imagesDataset(images);
  const input: ValueMeta = { name: 'x', type: 'float32', shape };
  const { preprocess, assumptions } = resolvePreprocess(spec, input, dataset);
  const values: number[] = [];
  const dims: number[][] = [];
  for await (const b of batches(dataset, preprocess, { batchSize: 8 })) {
    values.push(...b.input);
    dims.push([...b.dims]);
  }
  return { values, dims, assumptions };
}

const gray = (width: number, height: number, data: number[]): RawImage => ({
  width,
  height,
  channels: 1,
  data: Uint8Array.from(data),
});

describe('parsePreprocess', () => {
  it('knows the presets by name', () => {
    expect(parsePreprocess('imagenet')).toEqual(PREPROCESS_PRESETS.imagenet);
    expect(parsePreprocess(' UNIT ')).toEqual({ scale: 1 / 255 });
  });

  it('parses the zoo models’ JSON spec', () => {
    expect(parsePreprocess('{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}')).toEqual({
      scale: 0.00392156862745098,
      mean: [0.286],
      std: [0.353],
    });
  });

  it.each([
    ['nonsense', /Unknown preprocessing "nonsense"/],
    ['{"scale":', /does not parse/],
    ['{"scal":1}', /unknown field "scal"/],
    ['{"resize":[0,4]}', /"resize" must be/],
    ['{"std":[0]}', /must not contain 0/],
    ['{"channels":"rgba"}', /"channels" must be/],
    ['{"layout":"chw"}', /"layout" must be/],
  ])('refuses %s', (arg, message) => {
    expect(() => parsePreprocess(arg)).toThrow(PreprocessError);
    expect(() => parsePreprocess(arg)).toThrow(message);
  });

  it('reads a spec from a JSON file in the Node CLI', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'whittle-pre-')), 'pre.json');
    writeFileSync(file, '{"scale":2,"layout":"nhwc"}');
    expect(await readPreprocessArg(file)).toEqual({ scale: 2, layout: 'nhwc' });
    expect(await readPreprocessArg('signed')).toEqual(PREPROCESS_PRESETS.signed);
  });
});

describe('pixel pipeline', () => {
  it('maps the signed preset onto [-1, 1]', async () => {
    const { values } = await run([gray(2, 1, [0, 255])], ['n', 1, 1, 2], parsePreprocess('signed'));
    expect(values).toEqual([-1, 1]);
  });

  it('resizes bilinearly with half-pixel centres', async () => {
    // Source x of output o is (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    const { values } = await run([gray(2, 1, [0, 100])], ['n', 1, 1, 4], { resize: [1, 4] });
    expect(values).toEqual([0, 25, 75, 100]);
  });

  it('crops the centre after resizing', async () => {
    const img = gray(4, 4, [...Array(16).keys()]);
    const { values } = await run([img], ['n', 1, 2, 2], { crop: [2, 2] });
    expect(values).toEqual([5, 6, 9, 10]);
  });

  it('applies scale, mean and std per channel in NHWC, BGR order', async () => {
    const rgb: RawImage = { width: 1, height: 1, channels: 3, data: Uint8Array.from([10, 20, 30]) };
    const spec: PreprocessSpec = {
      scale: 0.5,
      mean: [1, 2, 3],
      std: [2, 4, 8],
      channels: 'bgr',
      layout: 'nhwc',
    };
    const { values, dims } = await run([rgb], ['n', 1, 1, 3], spec);
    expect(dims).toEqual([[1, 1, 1, 3]]);
    // B, G, R: (30·0.5 − 1)/2, (20·0.5 − 2)/4, (10·0.5 − 3)/8
    expect(values).toEqual([7, 2, 0.25]);
  });

  it('converts RGB to gray with BT.601 weights and gray to RGB by copying', async () => {
    const rgb: RawImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([100, 200, 50, 7]) };
    const toGray = await run([rgb], ['n', 1, 1, 1], { scale: 1 });
    expect(toGray.values[0]).toBeCloseTo(0.299 * 100 + 0.587 * 200 + 0.114 * 50, 10);
    const toRgb = await run([gray(1, 1, [42])], ['n', 3, 1, 1], { scale: 1 });
    expect(toRgb.values).toEqual([42, 42, 42]);
  });

  it('detects NHWC from the input shape and says what it assumed', async () => {
    const img: RawImage = { width: 2, height: 2, channels: 3, data: new Uint8Array(12).fill(255) };
    const { dims, values, assumptions } = await run([img], ['n', 4, 4, 3]);
    expect(dims).toEqual([[1, 4, 4, 3]]);
    expect(values.every((v) => v === 1)).toBe(true);
    expect(assumptions).toBe(
      'Assumed RGB channel order; images resized to 4×4 (bilinear); values = pixel / 255 (the "unit" preset; pass a preprocessing spec if the model was trained otherwise).',
    );
  });

  it('honours a fixed batch dim in the model', async () => {
    const { dims } = await run([gray(1, 1, [1]), gray(1, 1, [2]), gray(1, 1, [3])], [1, 1, 1, 1], {
      scale: 1,
    });
    expect(dims).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
  });

  it('refuses specs that contradict the model', async () => {
    const dataset = await imagesDataset([gray(1, 1, [1])]);
    const input: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 3, 8, 8] };
    expect(() => resolvePreprocess({ mean: [1, 2] }, input, dataset)).toThrow(
      /"mean" has 2 values for 3 channels/,
    );
    expect(() => resolvePreprocess({ crop: [4, 4] }, input, dataset)).toThrow(
      /gives 4×4 but model input 'x' is 8×8/,
    );
    expect(() => resolvePreprocess({ channels: 'gray' }, input, dataset)).toThrow(
      /"gray" but model input 'x' has 3/,
    );
  });
});
