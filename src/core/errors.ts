/**
 * One error taxonomy from core to CLI and studio. Each module throws its own typed error for input
 * the user can fix (a damaged file, an impossible model, a bad dataset, recipe or preprocessing, a
 * model onnxruntime or quantization cannot take); its message is one sentence naming the file,
 * tensor, node or sample. Anything else that escapes core is a bug. The CLI maps user errors to exit 2
 * and the rest to exit 1; the worker answers user errors as failures with the same sentence.
 */
import { DatasetError, FeedShapeError, ModelLoadError, ModelRunError, PreprocessError } from './eval/errors';
import { InputSizeError, InvalidModelError } from './graph/errors';
import { OnnxFormatError } from './onnx/errors';
import { RecipeError } from './pipeline/errors';
import { QuantError } from './quant/errors';
import { TaskError } from './tasks/errors';
import { TrainError } from './train/errors';

/** A short stable code per kind of user error (the codec's own codes for file damage). */
export function userErrorCode(err: unknown): string | undefined {
  if (err instanceof OnnxFormatError) return err.code;
  if (err instanceof InvalidModelError) return 'invalid-model';
  if (err instanceof InputSizeError) return 'input-size';
  if (err instanceof DatasetError) return 'dataset';
  if (err instanceof PreprocessError) return 'preprocess';
  if (err instanceof RecipeError) return 'recipe';
  if (err instanceof QuantError) return 'quant';
  if (err instanceof ModelLoadError) return 'runtime-load';
  if (err instanceof FeedShapeError) return 'shape';
  if (err instanceof ModelRunError) return 'runtime-run';
  if (err instanceof TrainError) return 'train';
  if (err instanceof TaskError) return 'task';
  return undefined;
}

/** Whether `err` is the user's to fix (exit 2, one sentence) rather than a bug (exit 1). */
export function isUserError(err: unknown): err is Error {
  return userErrorCode(err) !== undefined;
}
