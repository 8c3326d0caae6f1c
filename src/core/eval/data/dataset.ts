import type { TensorArray } from '../types';
import type { RawImage } from './image';
import type { DatasetTargets } from './targets';

/** One item of a dataset before preprocessing. */
export type Sample =
  | { readonly kind: 'image'; readonly path: string; readonly image: RawImage }
  | {
      readonly kind: 'tensor';
      readonly path: string;
      readonly data: TensorArray;
      readonly dims: readonly number[];
    };

/**
 * A dataset listed but not decoded: `read` decodes only the samples asked for, so a 50,000-image folder
 * holds paths, not pixels. Labels (one int per sample) are small and kept whole.
 */
export interface Dataset {
  /** The file or folder it came from, for messages. */
  readonly name: string;
  /** One line for people: format, count, sample size, labelled or not. */
  readonly description: string;
  readonly size: number;
  readonly sampleKind: 'image' | 'tensor';
  /** Per-sample dims when all samples share them: images `[H, W, C]`, tensors as stored. */
  readonly sampleDims?: readonly number[];
  readonly labels?: Int32Array;
  readonly classNames?: readonly string[];
  /** Masks or boxes per sample, for segmentation and detection sets. */
  readonly targets?: DatasetTargets;
  read(start: number, count: number): Promise<Sample[]>;
}
