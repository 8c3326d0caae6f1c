/** An edit or a model that would leave the graph invalid (undefined value, cycle, name clash). */
export class GraphError extends Error {
  override name = 'GraphError';
}

/**
 * A figure or check that needs the size of an input the model leaves symbolic (PaddleOCR det's height
 * and width) was asked for before that size was given; the message names the input and what to set.
 */
export class InputSizeError extends Error {
  override name = 'InputSizeError';
}

/**
 * The user's model breaks a rule of ONNX (an undefined value, a cycle, a tensor whose data does not
 * match its dims, a Conv whose group does not divide its channels). A plain {@link GraphError} from
 * an edit is our bug; this one is the file's fault, and its message is one sentence naming the node,
 * value or tensor.
 */
export class InvalidModelError extends GraphError {
  override name = 'InvalidModelError';
}
