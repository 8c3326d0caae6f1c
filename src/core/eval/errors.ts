/** A dataset that cannot be read as asked; the message names the file or item at fault. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  /** The file or item the problem was found in (a path inside the dataset, or a sample index). */
  readonly item: string;

  constructor(item: string, message: string) {
    super(message);
    this.item = item;
  }
}

/** A preprocessing spec that cannot be parsed or does not fit the model. */
export class PreprocessError extends Error {
  override readonly name = 'PreprocessError';
}

/** onnxruntime refused to load a model (an op or type it lacks, a graph it finds invalid). */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/**
 * The data, as preprocessed, cannot feed the model: a rank, channel count or size the model's graph
 * cannot run at. Found before onnxruntime is called; the message says what the data gives and what
 * the model expects.
 */
export class FeedShapeError extends Error {
  override readonly name = 'FeedShapeError';
}

/**
 * onnxruntime refused to run a model on the inputs it was given (a wrong-sized input, operands that
 * cannot broadcast); the message names the node, the input and the shapes, not onnxruntime's text.
 */
export class ModelRunError extends Error {
  override readonly name = 'ModelRunError';
}
