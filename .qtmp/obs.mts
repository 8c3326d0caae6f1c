import { createReferenceBackend } from '/work/main/src/kernels';
import { createObserver } from '/work/main/src/core/quant';
import { gaussian } from '/work/main/tests/quant/helpers';
const k = createReferenceBackend();
const normal = gaussian(200_000, 1);
for (const [name, d] of [['normal', normal], ['relu', normal.map((v) => Math.max(0, v))]] as const)
  for (const m of ['percentile', 'entropy', 'mse'] as const) for (const a of ['uint8', 'int8'] as const) {
    const o = createObserver(k, { method: m, activations: a });
    for (let i = 0; i < d.length; i += 10000) await o.update(d.subarray(i, i + 10000));
    console.log(name, m, a, await o.result());
  }
