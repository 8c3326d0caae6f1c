// Reference observers: running min/max and fixed-range histograms.
import type { HistogramArgs, MinMaxArgs, MinMaxPerChannelArgs } from '../api';
import { channelView } from '../validate';
import { f32 } from './numeric';

export function minMax({ data, minmax }: MinMaxArgs): void {
  let mn = minmax[0];
  let mx = minmax[1];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  minmax[0] = mn;
  minmax[1] = mx;
}

export function minMaxPerChannel(args: MinMaxPerChannelArgs): void {
  const [outer, channels, inner] = channelView(args);
  const { data, mins, maxs } = args;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let mn = mins[c];
      let mx = maxs[c];
      const base = (o * channels + c) * inner;
      for (let s = 0; s < inner; s++) {
        const v = data[base + s];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      mins[c] = mn;
      maxs[c] = mx;
    }
  }
}

/** Bin index in f32 arithmetic (each step rounded as WASM and WGSL round it). */
export function histogram({ data, lo, hi, absolute, counts }: HistogramArgs): void {
  const bins = counts.length;
  const flo = f32(lo);
  const scale = f32(bins / f32(f32(hi) - flo));
  for (let i = 0; i < data.length; i++) {
    const v = absolute ? Math.abs(data[i]) : data[i];
    if (v !== v) continue;
    const t = Math.floor(f32(f32(v - flo) * scale));
    counts[t >= bins - 1 ? bins - 1 : t <= 0 ? 0 : t]++;
  }
}
