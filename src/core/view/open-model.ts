/**
 * From file bytes to a view model in one call: decode, import, summarise, analyse. The worker calls
 * this and keeps `graph` for later stages; the page receives `view`.
 */
import { decodeModel, type DecodeOptions } from '../onnx';
import { importModel, summarizeModel, type Graph } from '../graph';
import { buildModelView, type BuiltView, type ViewPhase } from './build-view';

export type OpenPhase = 'decode' | 'import' | ViewPhase;

export interface OpenedModel extends BuiltView {
  graph: Graph;
}

/**
 * Decodes and analyses a model.
 * @throws OnnxFormatError when the bytes are not a readable ONNX model (the caller shows its message).
 */
export function openModelView(
  bytes: Uint8Array,
  options: DecodeOptions = {},
  onPhase: (phase: OpenPhase) => void = () => {},
): OpenedModel {
  onPhase('decode');
  const model = decodeModel(bytes, options);
  onPhase('import');
  const summary = summarizeModel(model, bytes.byteLength);
  const graph = importModel(model);
  return { graph, ...buildModelView(graph, summary, onPhase) };
}
