import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FidelityAccumulator } from '../../src/core/eval';
import { checkFusability, quantizeModel } from '../../src/core/quant';
import { CLS_PATH, nativeRuntime } from './helpers';
import { calibrationImages, sharedImages, strips, testImages } from './text-strips';

const [H, W] = [48, 192];

describe('PaddleOCR direction classifier (opset 9)', () => {
  it('quantizes after the opset upgrade; INT8 outputs follow FP32 closely on strips it never saw', async () => {
    const bytes = new Uint8Array(readFileSync(CLS_PATH));
    const runtime = await nativeRuntime();
    // 128 strips of calibration images to calibrate, 256 strips of test images to measure.
    const calibration = Array.from({ length: 8 }, (_, i) =>
      strips(calibrationImages(), 'x', i * 16, 16, H, W),
    );
    const held = Array.from({ length: 16 }, (_, i) => strips(testImages(), 'x', i * 16, 16, H, W));
    const calibrationSeen = calibration.flatMap((c) => c.images);
    const heldSeen = held.flatMap((c) => c.images);
    expect([calibrationSeen.length, heldSeen.length]).toEqual([512, 1024]);
    expect(sharedImages(calibrationImages(), calibrationSeen, testImages(), heldSeen)).toBe(0);

    // Min/max calibration reaches cosine 0.9847 here: the hard-swish outputs that lose most (by
    // rankDamage) have min/max ranges up to 93, and a range set by the largest values leaves the
    // rest few levels. MSE calibration clips those tails: 0.9930. Its clipping points need samples:
    // from only the first 64 calibration strips it gives 0.9882 (min/max 0.9850), and on
    // bench:pipeline's 64 + 64 strips 0.9787 against min/max's 0.9860. Per-tensor weights (0.9755)
    // and returning the most damaged nodes to float (0.9875 with 8 of them) do not reach 0.99.
    const r = await quantizeModel(bytes, {
      runtime,
      calibration: calibration.map((c) => c.feeds),
      method: 'mse',
    });
    expect(r.prepare).toMatchObject({ fromOpset: 9, toOpset: 13, batchNormsFolded: 35 });
    const report = checkFusability(r.quantized);
    expect(report.predictedOps.QLinearConv).toBe(53);

    const [ref, int8] = [await runtime.createSession(bytes), await runtime.createSession(r.bytes)];
    const fidelity = new FidelityAccumulator();
    for (const { feeds } of held) {
      const [a, b] = [await ref.run(feeds), await int8.run(feeds)];
      fidelity.add(a['softmax_0.tmp_0'].data as Float32Array, b['softmax_0.tmp_0'].data as Float32Array, 2);
    }
    const f = fidelity.result();
    console.log(
      `cls INT8 vs FP32 on 256 held-out strips: cosine ${f.meanCosine.toFixed(4)}, SQNR ${f.sqnrDb.toFixed(1)} dB, top-1 agreement ${(f.top1Agreement * 100).toFixed(1)} %; ${bytes.length} → ${r.bytes.length} bytes`,
    );
    // Measured: cosine 0.9930, SQNR 19.3 dB, agreement 243/256. Fashion-MNIST strips are not text,
    // so many of the two-class outputs sit near 0.5, where any error flips the argmax: agreement
    // moves between 93 % and 96 % with the calibration details, hence its looser bound.
    expect(f.meanCosine).toBeGreaterThan(0.99);
    expect(f.sqnrDb).toBeGreaterThan(18);
    expect(f.top1Agreement).toBeGreaterThanOrEqual(0.93);
  });
});
