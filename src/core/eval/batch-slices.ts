/** Cutting a batch of feeds into smaller ones, so a pass can run at the batch size its memory allows. */
import type { TensorData } from './types';

/** `feeds` cut along the batch axis into parts of at most `size` samples (views, no copies). */
export function* batchSlices(
  feeds: Readonly<Record<string, TensorData>>,
  size: number,
): Generator<Readonly<Record<string, TensorData>>> {
  const entries = Object.entries(feeds);
  const n = entries[0]?.[1].dims[0] ?? 0;
  if (n <= size) {
    yield feeds;
    return;
  }
  for (let start = 0; start < n; start += size) {
    const count = Math.min(size, n - start);
    const part: Record<string, TensorData> = {};
    for (const [name, t] of entries) {
      const per = t.data.length / n;
      part[name] = {
        type: t.type,
        data: t.data.subarray(start * per, (start + count) * per) as TensorData['data'],
        dims: [count, ...t.dims.slice(1)],
      };
    }
    yield part;
  }
}
