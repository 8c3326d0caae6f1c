/** Unknown or malformed ops give unknown shapes, never a crash; big graphs import and infer fully. */
import { describe, expect, it } from 'vitest';
import { GraphError, importModel, inferShapes, summarizeModel, validateGraph } from '../../src/core/graph';
import { ModelBuilder } from '../helpers/model-builder';
import { syntheticModel } from './synthetic';

describe('robustness', () => {
  it('an unknown op yields unknown outputs and inference goes on', () => {
    const { model } = new ModelBuilder()
      .opset('com.example', 1)
      .input('x', 'float32', ['N', 3, 8, 8])
      .initializer('w', [4, 3, 3, 3])
      .node('Mystery', ['x'], ['m'], {}, { domain: 'com.example' })
      .node('Relu', ['m'], ['r'])
      .node('Conv', ['x', 'w'], ['c'])
      .node('Conv', ['x'], ['broken']) // no weight: malformed
      .output('c', 'float32')
      .build();
    const g = importModel(model);
    const s = inferShapes(g);
    expect(s.types.get('m')).toBeUndefined();
    expect(s.types.get('r')).toBeUndefined();
    expect(s.types.get('c')?.shape).toEqual(['N', 4, 6, 6]);
    expect(() => summarizeModel(model)).not.toThrow();
  });

  it('declared value_info fills in what a rule cannot know', () => {
    const { model } = new ModelBuilder()
      .opset('com.example', 1)
      .input('x', 'float32', ['N', 3])
      .node('Mystery', ['x'], ['m'], {}, { domain: 'com.example' })
      .node('Relu', ['m'], ['r'])
      .valueInfo('m', 'float32', ['N', 7])
      .output('r', 'float32')
      .build();
    const s = inferShapes(importModel(model));
    expect(s.types.get('r')?.shape).toEqual(['N', 7]);
  });

  it('sorts a file whose nodes are out of order, and rejects a cycle', () => {
    const b = new ModelBuilder()
      .input('x', 'float32', ['N', 4])
      .node('Relu', ['b'], ['c'])
      .node('Sigmoid', ['a'], ['b'])
      .node('Neg', ['x'], ['a'])
      .output('c', 'float32');
    const g = importModel(b.build().model);
    expect(validateGraph(g)).toEqual([]);
    expect(g.nodes().map((n) => n.opType)).toEqual(['Neg', 'Sigmoid', 'Relu']);
    const cyclic = new ModelBuilder()
      .input('x', 'float32', [4])
      .node('Add', ['x', 'q'], ['p'])
      .node('Relu', ['p'], ['q'])
      .output('q', 'float32');
    expect(() => importModel(cyclic.build().model)).toThrow(GraphError);
    expect(() => importModel(cyclic.build().model)).toThrow(/cycle through Add_0/);
  });

  it('a 5,000-node graph imports valid and every value gets a shape', () => {
    const { model } = syntheticModel(500).build();
    const g = importModel(model);
    expect(g.nodeCount).toBe(5000);
    expect(validateGraph(g)).toEqual([]);
    const s = inferShapes(g);
    for (const n of g.nodes()) for (const v of n.outputs) expect(s.types.get(v)?.shape, v).toBeDefined();
    // Shape → Gather → Concat → Reshape round trips resolve to the input's own dims.
    expect(s.types.get('flat499')?.shape).toEqual(['N', 8, s.symbols.derive('mul', 'H', 'W'), 1]);
    expect(s.types.get('y499')?.shape).toEqual(['N', 8, 'H', 'W']);
  });
});
