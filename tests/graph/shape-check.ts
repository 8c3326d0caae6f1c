/**
 * Compares inferred shapes with what onnxruntime produces: every node output of the model becomes a
 * graph output, the model runs on inputs of the given sizes, and each observed tensor's dims and type
 * must equal the inferred ones with the input symbols bound to those sizes.
 */
import * as ort from 'onnxruntime-node';
import { importModel, inferShapes } from '../../src/core/graph';
import { dataTypeName, type Model } from '../../src/core/onnx';
import { floatInput, observeAllValues } from './ort-probe';

export interface ShapeComparison {
  /** Tensors whose dims and type were compared. */
  compared: number;
  /** 'name: inferred … vs runtime …' for each disagreement or unknown. */
  mismatches: string[];
}

/** Runs `model` with inputs of `sizes` (by input name) and compares every value's shape and type. */
export async function compareWithRuntime(
  model: Model,
  sizes: Record<string, number[]>,
  feeds: Record<string, ort.Tensor> = {},
): Promise<ShapeComparison> {
  const graph = importModel(model);
  const shapes = inferShapes(graph);
  const bindings: Record<string, number> = {};
  const allFeeds: Record<string, ort.Tensor> = { ...feeds };
  for (const vi of graph.inputs) {
    const dims = sizes[vi.name];
    if (!dims) throw new Error(`no size given for input '${vi.name}'`);
    shapes.types.get(vi.name)?.shape?.forEach((d, i) => {
      if (typeof d === 'string') bindings[d] = dims[i];
    });
    allFeeds[vi.name] ??= floatInput(dims);
  }
  const observed = await observeAllValues(model, allFeeds);
  const mismatches: string[] = [];
  for (const [name, o] of observed) {
    const t = shapes.types.get(name);
    const dims = t?.shape?.map((d) => shapes.symbols.evaluate(d, bindings));
    const type = t ? dataTypeName(t.dtype) : 'unknown';
    const same =
      dims !== undefined &&
      dims.length === o.dims.length &&
      dims.every((d, i) => d === o.dims[i]) &&
      type === o.type;
    if (!same) {
      const op = graph.producer(name)?.opType ?? 'initializer';
      const shown = t?.shape
        ? `[${t.shape.map((d) => shapes.symbols.describe(d)).join(', ')}] = [${dims?.join(', ')}]`
        : 'unknown rank';
      mismatches.push(`${name} (${op}): inferred ${type} ${shown}, runtime ${o.type} [${o.dims.join(', ')}]`);
    }
  }
  return { compared: observed.size, mismatches };
}
