// Patch gathering for least-squares recovery: rows of a convolution's im2col at chosen output
// positions of one image, over planes the JS side has already narrowed to the kept channels.

// Geometry block: 11 i32s written by the JS side, in this order.
const IN_H = 0, IN_W = 1, OUT_W = 2, K_H = 3, K_W = 4, S_H = 5, S_W = 6, P_T = 7, P_L = 8, D_H = 9, D_W = 10;

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** out[r·rowStride …] = the patch at positions[r] (oh·outW + ow) over `planes` input planes of x. */
export function patchRows(g: usize, x: usize, planes: i32, positions: usize, rows: i32, out: usize, rowStride: i32): void {
  const inH = geo(g, IN_H), inW = geo(g, IN_W), outW = geo(g, OUT_W), kh = geo(g, K_H), kw = geo(g, K_W);
  const sh = geo(g, S_H), sw = geo(g, S_W), pt = geo(g, P_T), pl = geo(g, P_L), dh = geo(g, D_H), dw = geo(g, D_W);
  const plane = <usize>(inH * inW) << 2;
  const rowBytes = <usize>kw << 2;
  for (let r = 0; r < rows; r++) {
    const pos = load<i32>(positions + (<usize>r << 2));
    const oh = pos / outW;
    const h0 = oh * sh - pt;
    const w0 = (pos - oh * outW) * sw - pl;
    // The window's columns all inside the image with unit dilation: each kernel row is one copy.
    const contiguous = dw == 1 && w0 >= 0 && w0 + kw <= inW;
    let o = out + ((<usize>r * <usize>rowStride) << 2);
    let xc = x;
    for (let c = 0; c < planes; c++) {
      for (let i = 0; i < kh; i++) {
        const ih = h0 + i * dh;
        if (ih < 0 || ih >= inH) {
          memory.fill(o, 0, rowBytes);
        } else {
          const xr = xc + (<usize>(ih * inW) << 2);
          if (contiguous) memory.copy(o, xr + (<usize>w0 << 2), rowBytes);
          else
            for (let j = 0; j < kw; j++) {
              const iw = w0 + j * dw;
              store<f32>(o + (<usize>j << 2), iw >= 0 && iw < inW ? load<f32>(xr + (<usize>iw << 2)) : 0);
            }
        }
        o += rowBytes;
      }
      xc += plane;
    }
  }
}
