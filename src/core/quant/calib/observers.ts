/**
 * Range observers: each sees an activation tensor batch by batch and proposes the [min, max] its
 * quantization should cover. Heavy loops (min/max, binning, range search) run in `src/kernels`.
 */
import type { KernelBackend } from '../../../kernels';
import type { ActivationType, CalibrationMethod } from '../types';
import { GrowingHistogram } from './histogram';

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** Sees a tensor batch by batch; memory does not grow with the number of batches. */
export interface RangeObserver {
  update(data: Float32Array): Promise<void>;
  /**
   * Present on observers that only need each batch's min and max: the runtime can reduce the tensor
   * itself and the observer never sees the data.
   */
  readonly updateMinMax?: (min: number, max: number) => void;
  result(): Promise<Range>;
}

export interface ObserverOptions {
  readonly method: CalibrationMethod;
  /** Activation type the range is for (entropy and MSE count its levels). Default uint8. */
  readonly activations?: ActivationType;
  /** Percentile observer: the share of values kept, in percent (default 99.999, as onnxruntime's tool). */
  readonly percentile?: number;
  /** Moving-average observer: weight of each new batch (default 0.1). */
  readonly averagingConstant?: number;
  /** Histogram bins over [−A, A] (default 4096). */
  readonly bins?: number;
  /** MSE observer: thresholds tried (default 128). */
  readonly candidates?: number;
}

/** The observer for `options.method`. */
export function createObserver(kernels: KernelBackend, options: ObserverOptions): RangeObserver {
  switch (options.method) {
    case 'minmax':
      return new MinMaxObserver(kernels);
    case 'ema':
      return new MovingAverageObserver(kernels, options.averagingConstant ?? 0.1);
    case 'percentile':
    case 'entropy':
    case 'mse':
      return new HistogramObserver(kernels, options);
  }
}

/** Smallest and largest value ever seen. */
export class MinMaxObserver implements RangeObserver {
  protected readonly minmax = new Float32Array([Infinity, -Infinity]);
  constructor(protected readonly kernels: KernelBackend) {}

  async update(data: Float32Array): Promise<void> {
    await this.kernels.minMax({ data, minmax: this.minmax });
  }

  readonly updateMinMax = (min: number, max: number): void => {
    // NaN (a batch of NaNs) compares false and changes nothing, as in the kernel.
    if (min < this.minmax[0]) this.minmax[0] = min;
    if (max > this.minmax[1]) this.minmax[1] = max;
  };

  async result(): Promise<Range> {
    return finite(this.minmax[0], this.minmax[1]);
  }
}

/**
 * Exponential moving average of each batch's min and max: m ← m + c·(m_batch − m), started at the
 * first batch (Jacob et al., "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", CVPR 2018, §3.1). Less swayed by one outlier batch than min/max.
 */
export class MovingAverageObserver implements RangeObserver {
  private readonly batch = new Float32Array(2);
  private min = NaN;
  private max = NaN;
  constructor(
    private readonly kernels: KernelBackend,
    private readonly c: number,
  ) {}

  async update(data: Float32Array): Promise<void> {
    this.batch[0] = Infinity;
    this.batch[1] = -Infinity;
    await this.kernels.minMax({ data, minmax: this.batch });
    this.updateMinMax(this.batch[0], this.batch[1]);
  }

  readonly updateMinMax = (min: number, max: number): void => {
    if (!Number.isFinite(min) || !Number.isFinite(max)) return;
    if (Number.isNaN(this.min)) {
      this.min = min;
      this.max = max;
      return;
    }
    this.min += this.c * (min - this.min);
    this.max += this.c * (max - this.max);
  };

  async result(): Promise<Range> {
    return finite(this.min, this.max);
  }
}

/**
 * Streams a histogram, then searches it: `percentile` keeps the central p% of values; `entropy`
 * picks the threshold minimising KL(P‖Q) between the clipped and the quantized distribution
 * (Migacz, "8-bit Inference with TensorRT", GTC 2017); `mse` the threshold minimising the expected
 * squared rounding-plus-clipping error. Non-negative tensors (after Relu) use uint8's 256 levels.
 * The result never extends past what was observed.
 */
export class HistogramObserver implements RangeObserver {
  private readonly hist: GrowingHistogram;
  private readonly minmax = new Float32Array([Infinity, -Infinity]);
  private readonly batch = new Float32Array(2);

  constructor(
    private readonly kernels: KernelBackend,
    private readonly options: ObserverOptions,
  ) {
    this.hist = new GrowingHistogram(options.bins ?? 4096);
  }

  async update(data: Float32Array): Promise<void> {
    this.batch[0] = Infinity;
    this.batch[1] = -Infinity;
    await this.kernels.minMax({ data, minmax: this.batch });
    if (!Number.isFinite(this.batch[0])) return;
    this.minmax[0] = Math.min(this.minmax[0], this.batch[0]);
    this.minmax[1] = Math.max(this.minmax[1], this.batch[1]);
    await this.hist.add(this.kernels, data, Math.max(Math.abs(this.batch[0]), Math.abs(this.batch[1])));
  }

  async result(): Promise<Range> {
    const [lo, hi] = [this.minmax[0], this.minmax[1]];
    if (!Number.isFinite(lo) || this.hist.extent === 0) return finite(lo, hi);
    const A = this.hist.extent;
    const unsigned = lo >= 0 && (this.options.activations ?? 'uint8') === 'uint8';
    let r: Range;
    switch (this.options.method) {
      case 'percentile':
        r = await this.kernels.percentileRange({
          counts: this.hist.counts,
          lo: -A,
          hi: A,
          percentile: this.options.percentile ?? 99.999,
        });
        break;
      case 'entropy': {
        const levels = unsigned ? 256 : 128;
        const counts = this.hist.absolute();
        // After a Relu half the mass sits at exactly 0, which uint8 with zero point 0 represents
        // exactly; left in, that spike dominates the divergence and drags the threshold down.
        if (lo >= 0) counts[0] = 0;
        r = await this.kernels.entropyRange({
          counts,
          hi: A,
          levels,
          start: Math.min(levels, counts.length),
        });
        break;
      }
      default: {
        const candidates = this.options.candidates ?? 128;
        r = unsigned
          ? await this.kernels.mseRange({ counts: this.hist.absolute(), lo: 0, hi: A, qmax: 255, candidates })
          : await this.kernels.mseRange({ counts: this.hist.counts, lo: -A, hi: A, qmax: 127, candidates });
      }
    }
    return { min: Math.max(lo, r.min), max: Math.min(hi, r.max) };
  }
}

function finite(min: number, max: number): Range {
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : { min: 0, max: 0 };
}
