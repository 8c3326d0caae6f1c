import { parseNpy } from '../eval';
import { TaskError } from './errors';

/**
 * SSD priors from the bytes of a `.npy` of shape [A, 4] (centre x/y, width, height relative to the
 * input), as the CLI reads them from disk and the studio from a picked file.
 * @throws TaskError naming `path` when the array is not float [A, 4].
 */
export function priorsFromNpy(path: string, bytes: Uint8Array): Float32Array {
  const array = parseNpy(path, bytes);
  if (
    array.shape.length !== 2 ||
    array.shape[1] !== 4 ||
    array.dtype.includes('i') ||
    array.dtype.includes('u')
  )
    throw new TaskError(
      `${path} has shape [${array.shape.join(', ')}] ${array.dtype}; priors must be float [A, 4].`,
    );
  return Float32Array.from(array.data as ArrayLike<number>);
}
