/**
 * One call from file bytes to the figures a person wants first: shapes, op mix, parameters, MACs.
 * Used by the core worker (page) and `whittle inspect` (CLI), so both report the same numbers.
 */
import { decodeModel } from './onnx';
import { summarizeModel, type ModelSummary, type SummaryOptions } from './graph';

/** Options of the ONNX decoder (e.g. how to read external data), passed through unchanged. */
export type InspectOptions = Parameters<typeof decodeModel>[1];

/**
 * Decodes an ONNX file and summarises it.
 * @throws OnnxFormatError when the bytes are not a readable ONNX model.
 */
export function inspectModel(
  bytes: Uint8Array,
  opts?: InspectOptions,
  summary: SummaryOptions = {},
): ModelSummary {
  return summarizeModel(decodeModel(bytes, opts), bytes.byteLength, summary);
}

export type { ModelSummary, TensorInfo } from './graph';
