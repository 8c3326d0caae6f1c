// The compiled AssemblyScript module: its exports, how its bytes are loaded, and the SIMD probe.

/** Raw exports of kernels.wasm (pointers are byte offsets into `memory`). */
export interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  crossAccumulate(
    x: number,
    y: number,
    rows: number,
    dx: number,
    dy: number,
    out: number,
    symmetric: number,
  ): void;
  filterNorms(w: number, f: number, k: number, p: number, out: number): void;
  distanceSums(w: number, f: number, k: number, wt: number, gram: number, out: number): void;
  ridgeSolve(
    g: number,
    r: number,
    d: number,
    e: number,
    lambda: number,
    l: number,
    z: number,
    out: number,
  ): number;
  minMax(data: number, n: number, mm: number): void;
  minMaxPerChannel(
    data: number,
    outer: number,
    channels: number,
    inner: number,
    mins: number,
    maxs: number,
  ): void;
  histogram(
    data: number,
    n: number,
    lo: number,
    hi: number,
    bins: number,
    counts: number,
    absolute: number,
  ): void;
  entropySearch(
    counts: number,
    bins: number,
    levels: number,
    start: number,
    div: number,
    pre: number,
  ): number;
  percentileBins(counts: number, bins: number, percentile: number, out: number): number;
  mseSearch(
    counts: number,
    bins: number,
    lo: number,
    hi: number,
    qmax: number,
    candidates: number,
    err: number,
    stage: number,
  ): number;
  scaleSearch(
    w: number,
    c: number,
    k: number,
    qmin: number,
    qmax: number,
    steps: number,
    minRatio: number,
    scales: number,
  ): void;
  quantize(w: number, c: number, k: number, scales: number, qmin: number, qmax: number, out: number): void;
  dequantize(q: number, c: number, k: number, scales: number, out: number): void;
  gemm(
    a: number,
    b: number,
    out: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
    scratchA: number,
    scratchB: number,
  ): void;
  patchRows(
    g: number,
    x: number,
    planes: number,
    positions: number,
    rows: number,
    out: number,
    rowStride: number,
  ): void;
  /** Bytes of `work` a convolution pass (0 forward, 1 data gradient, 2 filter gradient) needs. */
  conv2dScratch(g: number, pass: number): number;
  conv2dForward(
    g: number,
    x: number,
    w: number,
    bias: number,
    out: number,
    col: number,
    wT: number,
    work: number,
  ): void;
  conv2dBackwardData(
    g: number,
    dy: number,
    w: number,
    dx: number,
    col: number,
    g2: number,
    wf: number,
    wT: number,
    work: number,
  ): void;
  conv2dBackwardFilter(g: number, x: number, dy: number, dw: number, work: number): void;
  channelSums(data: number, outer: number, channels: number, inner: number, out: number): void;
  sgdUpdate(
    p: number,
    grad: number,
    vel: number,
    n: number,
    lr: number,
    momentum: number,
    decay: number,
    nesterov: number,
  ): void;
  adamwUpdate(
    p: number,
    grad: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
    c1: number,
    c2: number,
  ): void;
  batchNormForward(
    x: number,
    scale: number,
    bias: number,
    out: number,
    mean: number,
    variance: number,
    invStd: number,
    outer: number,
    channels: number,
    inner: number,
    eps: number,
  ): void;
  batchNormBackward(
    x: number,
    dy: number,
    scale: number,
    mean: number,
    invStd: number,
    dx: number,
    dScale: number,
    dBias: number,
    outer: number,
    channels: number,
    inner: number,
    sums: number,
  ): void;
  activationForward(kind: number, x: number, out: number, n: number, a: number, b: number): void;
  activationBackward(kind: number, x: number, dy: number, dx: number, n: number, a: number, b: number): void;
}

/**
 * Supplies kernels.wasm: bytes or a compiled module. Injected so this folder never imports a
 * Node module on a browser path — see node-loader.ts and browser-loader.ts.
 */
export type WasmLoader = () => Promise<BufferSource | WebAssembly.Module>;

// (func (result v128) i32.const 0 i32x4.splat): validates only where fixed-width SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01,
  0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b,
]);

/** Whether this engine runs WebAssembly fixed-width SIMD. */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

export async function instantiateKernels(load: WasmLoader): Promise<WasmExports> {
  const source = await load();
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const instance = await WebAssembly.instantiate(module, {});
  return instance.exports as unknown as WasmExports;
}
