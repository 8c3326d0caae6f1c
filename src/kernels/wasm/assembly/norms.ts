// Per-filter norms and pairwise distance sums over a [F, K] row-major filter matrix.
import { crossAccumulate, transpose } from './gram';

/** out[f] = Σ_k |w[f,k]| (p = 1) or sqrt(Σ_k w[f,k]²) (p = 2); 4 f32x4 accumulators per row. */
export function filterNorms(w: usize, f: i32, k: i32, p: i32, out: usize): void {
  const k16 = k & ~15;
  for (let r = 0; r < f; r++) {
    const row = w + ((<usize>r * <usize>k) << 2);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let tail: f32 = 0;
    if (p == 1) {
      for (let i = 0; i < k16; i += 16) {
        const q = row + (<usize>i << 2);
        a0 = f32x4.add(a0, f32x4.abs(v128.load(q)));
        a1 = f32x4.add(a1, f32x4.abs(v128.load(q, 16)));
        a2 = f32x4.add(a2, f32x4.abs(v128.load(q, 32)));
        a3 = f32x4.add(a3, f32x4.abs(v128.load(q, 48)));
      }
      for (let i = k16; i < k; i++) tail += abs<f32>(load<f32>(row + (<usize>i << 2)));
    } else {
      for (let i = 0; i < k16; i += 16) {
        const q = row + (<usize>i << 2);
        let v = v128.load(q);
        a0 = f32x4.add(a0, f32x4.mul(v, v));
        v = v128.load(q, 16);
        a1 = f32x4.add(a1, f32x4.mul(v, v));
        v = v128.load(q, 32);
        a2 = f32x4.add(a2, f32x4.mul(v, v));
        v = v128.load(q, 48);
        a3 = f32x4.add(a3, f32x4.mul(v, v));
      }
      for (let i = k16; i < k; i++) {
        const v = load<f32>(row + (<usize>i << 2));
        tail += v * v;
      }
    }
    const s = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    let total =
      f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3) + tail;
    store<f32>(out + (<usize>r << 2), p == 1 ? total : sqrt<f32>(total));
  }
}

/**
 * out[a] = Σ_b ‖w_a − w_b‖ via the Gram matrix G = W·Wᵀ: ‖a−b‖² = G_aa + G_bb − 2·G_ab, clamped ≥ 0.
 * `wt` (K×F) and `gram` (F×F, zeroed here) are caller-provided scratch.
 */
export function distanceSums(w: usize, f: i32, k: i32, wt: usize, gram: usize, out: usize): void {
  transpose(w, f, k, wt);
  memory.fill(gram, 0, (<usize>f * <usize>f) << 2);
  crossAccumulate(wt, wt, k, f, f, gram, true);
  const f4 = f & ~3;
  const stride = (<usize>f + 1) << 2;
  for (let a = 0; a < f; a++) {
    const row = gram + ((<usize>a * <usize>f) << 2);
    const gaa = f32x4.splat(load<f32>(gram + <usize>a * stride));
    const zero = f32x4.splat(0);
    const two = f32x4.splat(2);
    let acc = f32x4.splat(0);
    for (let b = 0; b < f4; b += 4) {
      // Diagonal entries G_bb for b..b+3, gathered lane by lane.
      let gbb = f32x4.splat(load<f32>(gram + <usize>b * stride));
      gbb = f32x4.replace_lane(gbb, 1, load<f32>(gram + <usize>(b + 1) * stride));
      gbb = f32x4.replace_lane(gbb, 2, load<f32>(gram + <usize>(b + 2) * stride));
      gbb = f32x4.replace_lane(gbb, 3, load<f32>(gram + <usize>(b + 3) * stride));
      const d2 = f32x4.sub(f32x4.add(gaa, gbb), f32x4.mul(two, v128.load(row + (<usize>b << 2))));
      acc = f32x4.add(acc, f32x4.sqrt(f32x4.pmax(zero, d2)));
    }
    let total: f32 =
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    const ga = load<f32>(gram + <usize>a * stride);
    for (let b = f4; b < f; b++) {
      const d2 = ga + load<f32>(gram + <usize>b * stride) - 2 * load<f32>(row + (<usize>b << 2));
      total += sqrt<f32>(max<f32>(d2, 0));
    }
    store<f32>(out + (<usize>a << 2), total);
  }
}
