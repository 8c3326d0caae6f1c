/**
 * What a sample is scored against beyond a class label: a per-pixel class map (segmentation) or a list
 * of boxes (detection). Kept as plain data here so datasets can carry them; `core/tasks` reads them,
 * decodes model outputs and scores.
 */

/** A per-pixel class map, row-major; values are class indices (the ignore index marks pixels not scored). */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint16Array | Int32Array;
}

/** Masks are read a batch at a time, like the images they belong to. */
export interface MaskTargets {
  readonly kind: 'masks';
  read(start: number, count: number): Promise<Mask[]>;
}

/** One annotated object, in the image's own pixels; `x2`/`y2` are the right/bottom edges. */
export interface GroundTruthBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** Class index, 0-based, in the dataset's class order. */
  readonly label: number;
  /** COCO `iscrowd` / VOC `difficult`: matched detections are ignored rather than counted. */
  readonly ignore?: boolean;
  /** Area for COCO's area ranges (the segment area when the annotation gives one), else the box area. */
  readonly area?: number;
}

/** The boxes of one image and its size (for mapping predictions back from the model's input). */
export interface ImageBoxes {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly GroundTruthBox[];
}

export interface BoxTargets {
  readonly kind: 'boxes';
  /** One entry per sample, in dataset order. */
  readonly images: readonly ImageBoxes[];
}

export type DatasetTargets = MaskTargets | BoxTargets;
