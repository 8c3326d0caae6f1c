import type { TensorArray, TensorData, ValueMeta } from './types';

/**
 * Inputs for timing runs: the declared shapes with a symbolic first dim set to `batch`, filled from a
 * fixed-seed generator so every run and every model sees the same values.
 */
export function syntheticFeeds(inputs: readonly ValueMeta[], batch: number): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  let seed = 0x9e3779b9;
  const next = () => {
    // xorshift32: cheap, deterministic, good enough for filler values.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (const input of inputs) {
    const dims = input.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      if (i === 0) return batch;
      throw new Error(
        `Input '${input.name}' has a symbolic dim '${d}' past the batch; timing needs concrete shapes.`,
      );
    });
    if (input.shape.length === 0)
      throw new Error(`Input '${input.name}' declares no shape; timing needs concrete shapes.`);
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = {
      type: input.type === 'unknown' ? 'float32' : input.type,
      data: fill(input.type, count, next),
      dims,
    };
  }
  return feeds;
}

function fill(type: ValueMeta['type'], count: number, next: () => number): TensorArray {
  switch (type) {
    case 'float32':
    case 'unknown': {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = next() * 2 - 1;
      return a;
    }
    case 'float64':
      return Float64Array.from({ length: count }, () => next() * 2 - 1);
    case 'int64':
      return new BigInt64Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(count);
    case 'int8':
      return new Int8Array(count);
    default:
      throw new Error(`Timing cannot make inputs of type ${type}.`);
  }
}
