/**
 * A large synthetic CNN for scale checks: `blocks` residual blocks of Conv → Relu → Conv → Add,
 * each followed by the Shape → Gather → Unsqueeze → Concat → Reshape round trip exporters emit.
 * 10 nodes per block.
 */
import { DataType, makeTensor } from '../../src/core/onnx';
import { ModelBuilder } from '../helpers/model-builder';

export function syntheticModel(blocks: number): ModelBuilder {
  const b = new ModelBuilder({ opset: 13 })
    .input('x', 'float32', ['N', 8, 'H', 'W'])
    .initializer('w', [8, 8, 3, 3])
    .tensor(makeTensor('i0', DataType.INT64, [], new BigInt64Array([0n])))
    .tensor(makeTensor('ax0', DataType.INT64, [1], new BigInt64Array([0n])))
    .tensor(makeTensor('rest', DataType.INT64, [3], new BigInt64Array([8n, -1n, 1n])));
  let x = 'x';
  for (let i = 0; i < blocks; i++) {
    b.node('Conv', [x, 'w'], [`c${i}a`], { pads: [1, 1, 1, 1] })
      .node('Relu', [`c${i}a`], [`r${i}`])
      .node('Conv', [`r${i}`, 'w'], [`c${i}b`], { pads: [1, 1, 1, 1] })
      .node('Add', [x, `c${i}b`], [`s${i}`])
      .node('Shape', [`s${i}`], [`shape${i}`])
      .node('Gather', [`shape${i}`, 'i0'], [`n${i}`])
      .node('Unsqueeze', [`n${i}`, 'ax0'], [`n1_${i}`])
      .node('Concat', [`n1_${i}`, 'rest'], [`t${i}`], { axis: 0 })
      .node('Reshape', [`s${i}`, `t${i}`], [`flat${i}`])
      .node('Reshape', [`flat${i}`, `shape${i}`], [`y${i}`]);
    x = `y${i}`;
  }
  return b.output(x, 'float32', ['N', 8, 'H', 'W']);
}
