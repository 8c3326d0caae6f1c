/**
 * Layers that share a pass over the calibration data: in order, as many as one batch of their captured
 * tensors and their statistics fit the memory budget (the `reconstruction` criterion's passes, whose
 * statistics all come from the one original model). At least one layer per block.
 */

/** What one layer holds while its block is accumulated. */
export interface LayerCost {
  /** Gram and cross matrices, kept until the block is solved. */
  statisticsBytes: number;
  /** Its input and output for one sample, captured each batch. */
  capturedBytesPerSample: number;
}

/** Layer indices per block, in order; every block has at least one layer. */
export function planBlocks(
  costs: readonly LayerCost[],
  options: { budget: number; batchSize: number; maxLayers?: number },
): number[][] {
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = 0;
  costs.forEach((c, i) => {
    const bytes = c.statisticsBytes + c.capturedBytesPerSample * options.batchSize;
    const full = current.length >= (options.maxLayers ?? Infinity) || used + bytes > options.budget;
    if (current.length && full) {
      blocks.push(current);
      current = [];
      used = 0;
    }
    current.push(i);
    used += bytes;
  });
  if (current.length) blocks.push(current);
  return blocks;
}
