/** A task that cannot be applied to this model or data (wrong outputs, missing priors, bad annotations). */
export class TaskError extends Error {
  override readonly name = 'TaskError';
}
