/** A model or request quantization cannot handle, said in one sentence the user can act on. */
export class QuantError extends Error {
  override readonly name = 'QuantError';
}
