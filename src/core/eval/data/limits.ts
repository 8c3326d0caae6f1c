import { DatasetError } from '../errors';

/**
 * How much memory one dataset file may claim once decoded. A few kilobytes of deflate or PNG can
 * describe gigabytes, so sizes are checked against these before anything that large is allocated.
 */
export interface DataLimits {
  /** Most bytes one compressed file (a zip member, a `.npz` array, a `.gz` file) may inflate to. */
  readonly maxInflatedBytes: number;
  /** Most pixels one image (width × height) may decode to. */
  readonly maxImagePixels: number;
  /** How the user raises each limit, ending the error sentence ("set WHITTLE_MAX_INFLATED_MB"). */
  readonly howToRaise?: { readonly inflated: string; readonly pixels: string };
}

/** 256 MiB holds CIFAR-10's training set as one array; 40 MP is a 7,300 × 5,500 photo (160 MB RGBA). */
export const DEFAULT_DATA_LIMITS: DataLimits = {
  maxInflatedBytes: 256 * 2 ** 20,
  maxImagePixels: 40e6,
};

/** A dataset file that would decode past a `DataLimits` bound; the message names the file and the limit. */
export class DataLimitError extends DatasetError {}

const MiB = 2 ** 20;

/** The error for `what` (a file, a member) that inflates past the limit. */
export function inflateLimitError(item: string, what: string, limits: DataLimits): DataLimitError {
  const limit = `${Math.round(limits.maxInflatedBytes / MiB)} MiB`;
  const raise = limits.howToRaise?.inflated ?? 'raise maxInflatedBytes in the data limits';
  return new DataLimitError(
    item,
    `${what} inflates to more than ${limit}, the limit for one decompressed file; to allow it, ${raise}.`,
  );
}

/** The error for an image whose header declares more pixels than the limit. */
export function pixelLimitError(
  item: string,
  size: { width: number; height: number },
  limits: DataLimits,
): DataLimitError {
  const mp = (n: number) => `${+(n / 1e6).toFixed(1)} MP`;
  const raise = limits.howToRaise?.pixels ?? 'raise maxImagePixels in the data limits';
  return new DataLimitError(
    item,
    `${item} is ${size.width}×${size.height} (${mp(size.width * size.height)}), more than the ${mp(limits.maxImagePixels)} limit for one image; to allow it, ${raise}.`,
  );
}
