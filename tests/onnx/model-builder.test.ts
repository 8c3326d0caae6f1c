import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { AttributeType, DataType, decodeModel, tensorData } from '../../src/core/onnx';
import { ModelBuilder, float, ints, seededRandom } from '../helpers/model-builder';

describe('model builder', () => {
  it('builds a model onnxruntime runs, with typed attributes and symbolic dims', async () => {
    const { model, bytes } = new ModelBuilder({ seed: 7 })
      .input('x', 'float32', ['N', 2])
      .initializer('w', [2, 3], [1, 2, 3, 4, 5, 6])
      .node('MatMul', ['x', 'w'], ['y'])
      .node('LeakyRelu', ['y'], ['z'], { alpha: float(0.5) })
      .node('Transpose', ['z'], ['t'], { perm: ints([1, 0]) })
      .output('t', 'float32', [3, 'N'])
      .build();
    const back = decodeModel(bytes);
    expect(back.graph!.node[1].attribute[0]).toMatchObject({
      name: 'alpha',
      type: AttributeType.FLOAT,
      f: 0.5,
    });
    expect(back.graph!.node[2].attribute[0]).toMatchObject({ type: AttributeType.INTS, ints: [1n, 0n] });
    expect(back.graph!.input[0].type!.tensorType!.shape!.dim[0].dimParam).toBe('N');
    expect(model.opsetImport[0].version).toBe(13n);

    const session = await ort.InferenceSession.create(bytes);
    const x = new ort.Tensor('float32', new Float32Array([1, -1]), [1, 2]);
    const out = await session.run({ x });
    // x·w = [1-4, 2-5, 3-6] = [-3,-3,-3] → LeakyRelu(0.5) → -1.5 each, transposed to [3, 1].
    expect(Array.from(out.t.data as Float32Array)).toEqual([-1.5, -1.5, -1.5]);
    expect(out.t.dims).toEqual([3, 1]);
  });

  it('fills random initializers deterministically from the seed', () => {
    const a = new ModelBuilder({ seed: 3 }).initializer('w', [4, 9]).build().model;
    const b = new ModelBuilder({ seed: 3 }).initializer('w', [4, 9]).build().model;
    const wa = tensorData(a.graph!.initializer[0]) as Float32Array;
    expect(wa).toEqual(tensorData(b.graph!.initializer[0]));
    expect(a.graph!.initializer[0].dataType).toBe(DataType.FLOAT);
    for (const v of wa) expect(Math.abs(v)).toBeLessThanOrEqual(1 / 3);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });
});
