/**
 * A large generated CNN for analysis scale checks: `units` repetitions of an inverted-residual block
 * with squeeze-and-excitation (15 nodes) followed by a two-branch Concat block (5 nodes), between a
 * stem conv and a GlobalAveragePool → Flatten → Gemm head: 20·units + 4 nodes.
 */
import type { Model } from '../src/core/onnx';
import { float } from '../tests/helpers/model-builder';
import { Net } from '../tests/analysis/fixtures/net';

export function generatedCnn(units: number, channels = 16): Model {
  const c = channels;
  const n = new Net(14, [1, 3, 8, 8]);
  let x = n.conv('x', 3, c, { k: 3 });
  for (let u = 0; u < units; u++) {
    // Inverted residual: expand, depthwise, SE, project, Add.
    const e = n.op('HardSwish', [n.bn(n.conv(x, c, 2 * c, { bias: false }), 2 * c)]);
    const d = n.op('LeakyRelu', [n.bn(n.conv(e, 2 * c, 2 * c, { k: 3, group: 2 * c, bias: false }), 2 * c)]);
    const squeeze = n.op('Relu', [n.conv(n.op('GlobalAveragePool', [d]), 2 * c, c / 2)]);
    const excite = n.op('HardSigmoid', [n.conv(squeeze, c / 2, 2 * c)], {
      alpha: float(0.2),
      beta: float(0.5),
    });
    const p = n.bn(n.conv(n.op('Mul', [d, excite]), 2 * c, c, { bias: false }), c);
    x = n.op('Add', [x, p]);
    // Two branches concatenated back to c channels.
    const a = n.op('Relu', [n.conv(x, c, c / 2)]);
    const b = n.op('Relu', [n.conv(x, c, c / 2, { k: 3 })]);
    x = n.op('Concat', [a, b], { axis: 1 });
  }
  const head = n.gemm(n.op('Flatten', [n.op('GlobalAveragePool', [x])]), c, 10);
  return n.finish(head);
}
