/** Why a byte string could not be read as an ONNX model. */
export type OnnxFormatErrorCode =
  /** The bytes are not an ONNX model at all (another file type, or no graph inside). */
  | 'not-onnx'
  /** A length or number runs past the end of the file (or of an external data file). */
  | 'truncated'
  /** The bytes are damaged: bad varint, wrong wire type, impossible length, nesting too deep. */
  | 'corrupt'
  /** A tensor keeps its data in an external file that the caller did not supply. */
  | 'missing-external-data'
  /** An external data location that may not be read (outside the model's folder, not a regular file). */
  | 'refused-external-data';

/**
 * The one error the codec throws for bad input. `message` is a single sentence a user can act on,
 * naming the tensor, node or file involved where known; `offset` is the byte position, if any.
 */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';

  constructor(
    readonly code: OnnxFormatErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}
