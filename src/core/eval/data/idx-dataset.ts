import { DatasetError } from '../errors';
import type { Dataset, Sample } from './dataset';
import { parseIdx } from './idx';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

/**
 * An MNIST-style IDX pair: images (N, H, W) uint8 and optional labels (N). The decompressed images
 * are one contiguous buffer (7.8 MB for 10,000 28×28 images); samples are views into it, not copies.
 */
export function idxDataset(
  images: { path: string; bytes: Uint8Array },
  labels?: { path: string; bytes: Uint8Array },
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): Dataset {
  const pixels = parseIdx(images.path, images.bytes, 3, limits);
  const [n, h, w] = pixels.dims;
  let labelArray: Int32Array | undefined;
  if (labels !== undefined) {
    const parsed = parseIdx(labels.path, labels.bytes, 1, limits);
    if (parsed.dims[0] !== n) {
      throw new DatasetError(
        labels.path,
        `Mismatched label count: ${labels.path} has ${parsed.dims[0]} labels for ${n} images in ${images.path}.`,
      );
    }
    labelArray = Int32Array.from(parsed.data);
  }
  if (n === 0) throw new DatasetError(images.path, `${images.path} holds no images.`);
  const stride = h * w;
  return {
    name: images.path,
    description: `IDX ${images.path}: ${n} images ${h}×${w} gray, ${labelArray ? 'labelled' : 'unlabelled'}`,
    size: n,
    sampleKind: 'image',
    sampleDims: [h, w, 1],
    labels: labelArray,
    read: async (start, count) => {
      const out: Sample[] = [];
      for (let i = start; i < Math.min(n, start + count); i++) {
        const data = pixels.data.subarray(i * stride, (i + 1) * stride);
        out.push({
          kind: 'image',
          path: `${images.path}#${i}`,
          image: { width: w, height: h, channels: 1, data },
        });
      }
      return out;
    },
  };
}
