import { PreprocessError } from '../errors';

/**
 * How images become model input, every field optional:
 * `value = (pixel · scale − mean[c]) / std[c]` per channel, after a bilinear `resize` to [H, W] and a
 * centre `crop` to [H, W]; `channels` picks the colour order, `layout` the tensor layout.
 */
export interface PreprocessSpec {
  resize?: [number, number];
  crop?: [number, number];
  scale?: number;
  mean?: number[];
  std?: number[];
  channels?: 'rgb' | 'bgr' | 'gray';
  layout?: 'nchw' | 'nhwc';
}

/** Named specs: `imagenet` (torchvision's mean/std), `unit` = [0, 1], `signed` = [−1, 1]. */
export const PREPROCESS_PRESETS: Readonly<Record<string, PreprocessSpec>> = {
  imagenet: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'rgb' },
  unit: { scale: 1 / 255 },
  signed: { scale: 2 / 255, mean: [1], std: [1] },
};

/**
 * Parses a preset name or a JSON spec (`{"scale":0.0039,"mean":[0.286],"std":[0.353]}`). Reading a
 * spec from a file is the Node CLI's job (see `eval/node`).
 */
export function parsePreprocess(arg: string): PreprocessSpec {
  const text = arg.trim();
  const preset = PREPROCESS_PRESETS[text.toLowerCase()];
  if (preset) return structuredClone(preset);
  if (!text.startsWith('{')) {
    throw new PreprocessError(
      `Unknown preprocessing "${arg}": use ${Object.keys(PREPROCESS_PRESETS).join(', ')}, a JSON object or a JSON file.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PreprocessError(`Preprocessing JSON does not parse: ${(e as Error).message}.`);
  }
  return validatePreprocess(value);
}

/** Checks a parsed object field by field; unknown fields are refused so typos do not pass silently. */
export function validatePreprocess(value: unknown): PreprocessSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PreprocessError('Preprocessing must be a JSON object.');
  const spec: PreprocessSpec = {};
  for (const [key, v] of Object.entries(value)) {
    switch (key) {
      case 'resize':
      case 'crop':
        if (!isSize(v))
          throw new PreprocessError(`Preprocessing "${key}" must be [height, width] of positive integers.`);
        spec[key] = [v[0], v[1]];
        break;
      case 'scale':
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new PreprocessError('Preprocessing "scale" must be a number.');
        spec.scale = v;
        break;
      case 'mean':
      case 'std':
        if (
          !Array.isArray(v) ||
          v.length === 0 ||
          !v.every((x) => typeof x === 'number' && Number.isFinite(x))
        ) {
          throw new PreprocessError(`Preprocessing "${key}" must be a non-empty list of numbers.`);
        }
        if (key === 'std' && v.some((x) => x === 0))
          throw new PreprocessError('Preprocessing "std" must not contain 0.');
        spec[key] = [...v];
        break;
      case 'channels':
        if (v !== 'rgb' && v !== 'bgr' && v !== 'gray')
          throw new PreprocessError('Preprocessing "channels" must be "rgb", "bgr" or "gray".');
        spec.channels = v;
        break;
      case 'layout':
        if (v !== 'nchw' && v !== 'nhwc')
          throw new PreprocessError('Preprocessing "layout" must be "nchw" or "nhwc".');
        spec.layout = v;
        break;
      default:
        throw new PreprocessError(`Preprocessing has an unknown field "${key}".`);
    }
  }
  return spec;
}

function isSize(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x > 0);
}
