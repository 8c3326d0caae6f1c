/** Pictures of predictions: a few samples with what each stage of a run predicted on them. */
import type { Detection } from '../detection/boxes';

/** An image as the model saw it (after resize and crop), RGBA, row-major. */
export interface PictureImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8ClampedArray;
}

/** A per-pixel class map at the image's size ({@link NO_CLASS} where nothing is scored), or boxes in its pixels. */
export type PicturePrediction =
  | { readonly kind: 'mask'; readonly width: number; readonly height: number; readonly classes: Uint8Array }
  | { readonly kind: 'boxes'; readonly boxes: readonly Detection[] };

export interface SamplePicture {
  /** Where the sample came from ("images/0003.png", "calib.npz:x.npy[3]"). */
  readonly path: string;
  readonly image: PictureImage;
  /** The annotation, aligned to the image as the model saw it, when the data has one. */
  readonly truth?: PicturePrediction;
  /** One prediction per stage, in the order of {@link TaskPictures.stages}. */
  readonly predictions: readonly PicturePrediction[];
}

/** What a run's stages predicted on a few samples; structured-clone and IndexedDB safe. */
export interface TaskPictures {
  readonly task: 'segmentation' | 'detection';
  /** Class names by index (mask values, box labels). */
  readonly classNames: readonly string[];
  /** Whether class 0 is a background drawn see-through. */
  readonly background: boolean;
  readonly stages: readonly { readonly name: string; readonly label: string }[];
  readonly samples: readonly SamplePicture[];
  /** Boxes scoring below this are not drawn (the metric still counts them). */
  readonly minScore: number;
}

/** Mask value of pixels outside every class (ignored pixels of an annotation). */
export const NO_CLASS = 255;
