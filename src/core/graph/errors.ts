/** An edit or a model that would leave the graph invalid (undefined value, cycle, name clash). */
export class GraphError extends Error {
  override name = 'GraphError';
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
