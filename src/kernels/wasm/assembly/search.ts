// Range searches over a histogram: percentile edges, KL-divergence (entropy) calibration and
// MSE-optimal clipping.

const EPS: f64 = 1e-12;

/**
 * Entropy calibration over a histogram of |x| (`bins` bins on [0, hi]): for every kept-bin count
 * i ∈ [start, bins] the divergence KL(P‖Q) of the clipped distribution P against its `levels`-level
 * re-quantisation Q, written to `div[i − start]`. Uses prefix sums, so each candidate costs
 * O(levels) instead of O(i): KL = Σp·log p / S − log S − Σ_g (Σ_{j∈g} p_j / S)·log Q_g.
 * `pre` is scratch of 3·(bins + 1) f64. Returns the best i.
 */
export function entropySearch(counts: usize, bins: i32, levels: i32, start: i32, div: usize, pre: usize): i32 {
  const cum = pre;
  const cumLog = pre + ((<usize>bins + 1) << 3);
  const cumNz = pre + ((<usize>bins + 1) << 4);
  store<f64>(cum, 0);
  store<f64>(cumLog, 0);
  store<f64>(cumNz, 0);
  let total: f64 = 0;
  for (let j = 0; j < bins; j++) {
    const c = <f64>load<u32>(counts + (<usize>j << 2));
    total += c;
    const o = <usize>(j + 1) << 3;
    store<f64>(cum + o, total);
    store<f64>(cumLog + o, load<f64>(cumLog + o - 8) + (c > 0 ? c * Math.log(c) : 0));
    store<f64>(cumNz + o, load<f64>(cumNz + o - 8) + (c > 0 ? 1 : 0));
  }
  let best = start;
  let bestDiv = Infinity;
  for (let i = start; i <= bins; i++) {
    const kl = divergence(counts, i, levels, total, cum, cumLog, cumNz);
    store<f64>(div + (<usize>(i - start) << 3), kl);
    if (kl < bestDiv) {
      bestDiv = kl;
      best = i;
    }
  }
  return best;
}

@inline function at(p: usize, j: i32): f64 {
  return load<f64>(p + (<usize>j << 3));
}

function divergence(counts: usize, i: i32, levels: i32, total: f64, cum: usize, cumLog: usize, cumNz: usize): f64 {
  const outliers = total - at(cum, i);
  const kept = at(cum, i); // Σq: re-quantisation spreads the unclipped counts only
  if (kept <= 0 || total <= 0) return Infinity;
  const last = <f64>load<u32>(counts + (<usize>(i - 1) << 2)) + outliers;
  const plogp = at(cumLog, i - 1) + (last > 0 ? last * Math.log(last) : 0);
  let cross: f64 = 0; // Σ_j p_j·log Q_j
  const m = i / levels;
  for (let g = 0; g < levels; g++) {
    const a = g * m;
    const isLast = g == levels - 1;
    const b = isLast ? i : a + m;
    const s = at(cum, b) - at(cum, a);
    let nz: f64, mass: f64;
    if (isLast) {
      nz = at(cumNz, b - 1) - at(cumNz, a) + (last > 0 ? 1 : 0);
      mass = s + outliers;
    } else {
      nz = at(cumNz, b) - at(cumNz, a);
      mass = s;
    }
    if (mass <= 0) continue;
    const q = s > 0 ? s / (nz * kept) : EPS;
    cross += mass * Math.log(q);
  }
  return plogp / total - Math.log(total) - cross / total;
}

/**
 * MSE-optimal symmetric clipping: for thresholds t_k = a·(k+1)/K (a = max(|lo|, |hi|)) the
 * count-weighted squared error of quantising each bin centre with scale t_k/qmax, written to
 * `err[k]`. Bin centres and counts are staged as f32 in `stage` (2·bins). Returns the best k.
 */
export function mseSearch(
  counts: usize,
  bins: i32,
  lo: f32,
  hi: f32,
  qmax: f32,
  candidates: i32,
  err: usize,
  stage: usize,
): i32 {
  const width: f32 = (hi - lo) / <f32>bins;
  const centres = stage;
  const weights = stage + (<usize>bins << 2);
  for (let b = 0; b < bins; b++) {
    store<f32>(centres + (<usize>b << 2), lo + (<f32>b + 0.5) * width);
    store<f32>(weights + (<usize>b << 2), <f32>load<u32>(counts + (<usize>b << 2)));
  }
  const extent = <f64>max<f32>(abs<f32>(lo), abs<f32>(hi));
  const b4 = bins & ~3;
  let best = 0;
  let bestErr = Infinity;
  for (let k = 0; k < candidates; k++) {
    const t = <f32>((extent * <f64>(k + 1)) / <f64>candidates);
    const s: f32 = t / qmax;
    const vs = f32x4.splat(s);
    const vmax = f32x4.splat(qmax);
    const vmin = f32x4.splat(-qmax);
    let acc = f32x4.splat(0);
    for (let b = 0; b < b4; b += 4) {
      const x = v128.load(centres + (<usize>b << 2));
      const q = f32x4.pmin(f32x4.pmax(f32x4.nearest(f32x4.div(x, vs)), vmin), vmax);
      const e = f32x4.sub(x, f32x4.mul(q, vs));
      acc = f32x4.add(acc, f32x4.mul(v128.load(weights + (<usize>b << 2)), f32x4.mul(e, e)));
    }
    let total: f64 =
      <f64>f32x4.extract_lane(acc, 0) +
      <f64>f32x4.extract_lane(acc, 1) +
      <f64>f32x4.extract_lane(acc, 2) +
      <f64>f32x4.extract_lane(acc, 3);
    for (let b = b4; b < bins; b++) {
      const x = load<f32>(centres + (<usize>b << 2));
      const q = min<f32>(max<f32>(nearest<f32>(x / s), -qmax), qmax);
      const e = x - q * s;
      total += <f64>(load<f32>(weights + (<usize>b << 2)) * (e * e));
    }
    store<f64>(err + (<usize>k << 3), total);
    if (total < bestErr) {
      bestErr = total;
      best = k;
    }
  }
  return best;
}

/**
 * Percentile edges (PercentileArgs): the first bin from the left, and from the right, whose running
 * count reaches percentile/100 of the total. Counts are summed in f64 (exact below 2^53), the same
 * arithmetic as the reference, so the bins agree exactly. Writes [lower, upper] as i32 to `out`;
 * returns 0 for an empty histogram (nothing written).
 */
export function percentileBins(counts: usize, bins: i32, percentile: f64, out: usize): i32 {
  let total: f64 = 0;
  for (let b = 0; b < bins; b++) total += <f64>load<u32>(counts + (<usize>b << 2));
  if (total == 0) return 0;
  const need = (percentile / 100) * total;
  let upper = bins - 1;
  let cum: f64 = 0;
  for (let b = 0; b < bins; b++) {
    cum += <f64>load<u32>(counts + (<usize>b << 2));
    if (cum >= need) {
      upper = b;
      break;
    }
  }
  let lower = 0;
  cum = 0;
  for (let b = bins - 1; b >= 0; b--) {
    cum += <f64>load<u32>(counts + (<usize>b << 2));
    if (cum >= need) {
      lower = b;
      break;
    }
  }
  store<i32>(out, lower);
  store<i32>(out + 4, upper);
  return 1;
}
