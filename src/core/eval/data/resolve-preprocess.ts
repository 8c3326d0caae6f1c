import { DatasetError, PreprocessError } from '../errors';
import type { ValueMeta } from '../types';
import type { Dataset } from './dataset';
import type { PreprocessSpec } from './preprocess';

/** A spec with every field decided for one model input and one dataset. */
export interface ResolvedPreprocess {
  readonly inputName: string;
  /** Dims of one sample as fed (batch dim excluded), e.g. `[1, 28, 28]`. */
  readonly sampleDims: readonly number[];
  /** The model's batch dim when fixed (e.g. exported with batch 1), else undefined. */
  readonly fixedBatch?: number;
  /** Samples are already tensors: fed as float32, no image processing. */
  readonly asIs: boolean;
  readonly layout: 'nchw' | 'nhwc';
  readonly channels: 'rgb' | 'bgr' | 'gray';
  readonly height: number;
  readonly width: number;
  /** Resize target before the crop; undefined crops straight from the decoded image. */
  readonly resize?: readonly [number, number];
  readonly scale: number;
  /** Per output channel, length = channel count. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The resolved spec and one human sentence listing what had to be assumed ('' when nothing). */
export interface PreprocessPlan {
  readonly preprocess: ResolvedPreprocess;
  readonly assumptions: string;
}

/**
 * Fills in what the spec leaves open from the model input's declared shape and the dataset: layout
 * (where the 1- or 3-sized axis is), channel count and order, size. With no spec at all, pixels are
 * scaled to [0, 1] (the `unit` preset); with a spec, missing fields take identity values
 * (scale 1, mean 0, std 1). Images are resized to the model's size unless a resize or crop is given.
 */
export function resolvePreprocess(
  spec: PreprocessSpec | undefined,
  input: ValueMeta,
  dataset: Dataset,
): PreprocessPlan {
  const assumed: string[] = [];
  const shape = input.shape;
  const fixedBatch = typeof shape[0] === 'number' ? shape[0] : undefined;
  if (dataset.sampleKind === 'tensor') return resolveTensors(spec, input, dataset, fixedBatch);
  if (shape.length !== 4 && shape.length !== 0) {
    throw new PreprocessError(
      `Model input '${input.name}' has shape [${shape.join(', ')}]; image datasets need a rank-4 input.`,
    );
  }
  const dim = (i: number) => (typeof shape[i] === 'number' ? (shape[i] as number) : undefined);
  let layout = spec?.layout;
  if (!layout) {
    layout =
      dim(3) !== undefined && [1, 3].includes(dim(3) as number) && ![1, 3].includes(dim(1) ?? 0)
        ? 'nhwc'
        : 'nchw';
    if (shape.length === 0) assumed.push('NCHW layout (the model declares no input shape)');
  }
  const [ci, hi, wi] = layout === 'nchw' ? [1, 2, 3] : [3, 1, 2];
  const dataChannels = dataset.sampleDims?.[2];
  let count = dim(ci) ?? (spec?.channels ? (spec.channels === 'gray' ? 1 : 3) : undefined);
  if (count === undefined) {
    count = dataChannels === 1 ? 1 : 3;
    assumed.push(`${count} channel${count === 1 ? '' : 's'} (from the data)`);
  }
  if (count !== 1 && count !== 3)
    throw new PreprocessError(`Model input '${input.name}' has ${count} channels; images give 1 or 3.`);
  const channels = spec?.channels ?? (count === 1 ? 'gray' : 'rgb');
  if ((channels === 'gray') !== (count === 1)) {
    throw new PreprocessError(
      `Preprocessing asks for "${channels}" but model input '${input.name}' has ${count} channel(s).`,
    );
  }
  if (!spec?.channels && count === 3) assumed.push('RGB channel order');
  const size = inputSize(spec, dim(hi), dim(wi), dataset, assumed, input.name);
  const resize = spec?.resize ?? (spec?.crop ? undefined : size);
  if (!spec?.resize && !spec?.crop && !sameSize(dataset.sampleDims, size))
    assumed.push(`images resized to ${size[0]}×${size[1]} (bilinear)`);
  if (spec === undefined)
    assumed.push(
      'values = pixel / 255 (the "unit" preset; pass a preprocessing spec if the model was trained otherwise)',
    );
  const scale = spec === undefined ? 1 / 255 : (spec.scale ?? 1);
  const sampleDims = layout === 'nchw' ? [count, size[0], size[1]] : [size[0], size[1], count];
  const preprocess: ResolvedPreprocess = {
    inputName: input.name,
    sampleDims,
    fixedBatch,
    asIs: false,
    layout,
    channels,
    height: size[0],
    width: size[1],
    resize,
    scale,
    mean: perChannel('mean', spec?.mean, count, 0),
    std: perChannel('std', spec?.std, count, 1),
  };
  return { preprocess, assumptions: assumed.length ? `Assumed ${assumed.join('; ')}.` : '' };
}

function inputSize(
  spec: PreprocessSpec | undefined,
  h: number | undefined,
  w: number | undefined,
  dataset: Dataset,
  assumed: string[],
  inputName: string,
): [number, number] {
  const wanted = spec?.crop ?? spec?.resize;
  if (h !== undefined && w !== undefined) {
    if (wanted && (wanted[0] !== h || wanted[1] !== w)) {
      throw new PreprocessError(
        `Preprocessing gives ${wanted[0]}×${wanted[1]} but model input '${inputName}' is ${h}×${w}.`,
      );
    }
    return [h, w];
  }
  if (wanted) return [wanted[0], wanted[1]];
  const dims = dataset.sampleDims;
  if (dims) {
    assumed.push(`input size ${dims[0]}×${dims[1]} (from the data; the model's is symbolic)`);
    return [dims[0], dims[1]];
  }
  throw new PreprocessError(
    `Model input '${inputName}' has a symbolic size and the images differ in size; give "resize" or "crop".`,
  );
}

function sameSize(dims: readonly number[] | undefined, size: [number, number]): boolean {
  return dims !== undefined && dims[0] === size[0] && dims[1] === size[1];
}

function perChannel(
  name: string,
  values: readonly number[] | undefined,
  count: number,
  fill: number,
): number[] {
  if (values === undefined) return new Array<number>(count).fill(fill);
  if (values.length === 1) return new Array<number>(count).fill(values[0]);
  if (values.length !== count)
    throw new PreprocessError(`Preprocessing "${name}" has ${values.length} values for ${count} channels.`);
  return [...values];
}

function resolveTensors(
  spec: PreprocessSpec | undefined,
  input: ValueMeta,
  dataset: Dataset,
  fixedBatch: number | undefined,
): PreprocessPlan {
  const dims = dataset.sampleDims ?? [];
  const want = input.shape.slice(1);
  const fits =
    input.shape.length === 0 ||
    (want.length === dims.length && want.every((d, i) => typeof d !== 'number' || d === dims[i]));
  if (!fits) {
    throw new DatasetError(
      dataset.name,
      `Wrong sample shape: ${dataset.name} holds samples of shape [${dims.join(', ')}], model input '${input.name}' expects [${want.join(', ')}].`,
    );
  }
  const preprocess: ResolvedPreprocess = {
    inputName: input.name,
    sampleDims: dims,
    fixedBatch,
    asIs: true,
    layout: 'nchw',
    channels: 'rgb',
    height: dims[1] ?? 1,
    width: dims[2] ?? 1,
    scale: 1,
    mean: [],
    std: [],
  };
  const note = spec ? 'Preprocessing ignored: the samples are numeric arrays, fed as-is.' : '';
  return { preprocess, assumptions: note };
}
