// npm run bench:kernels — each kernel at ResNet-50-sized inputs, reference TS vs WASM SIMD in Node,
// then the geometric-median (FPGM) criterion over every ResNet-50 conv layer. Prints ratios.
import { createReferenceBackend, createWasmBackend } from '../src/kernels';
import type { KernelBackend, KernelName } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';

const reference = createReferenceBackend();
const wasm = await createWasmBackend(nodeWasmLoader);

let seed = 12345;
function gauss(): number {
  // xorshift + Box–Muller: deterministic inputs, no allocation per draw.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const u = ((seed >>> 0) + 0.5) / 4294967296;
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const v = ((seed >>> 0) + 0.5) / 4294967296;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const normals = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => gauss() * s);
const relu = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.max(0, gauss()));

/** Best wall time (ms) of a few runs after one warm-up; long kernels stop early. */
async function time(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  const first = performance.now() - t0;
  let best = first;
  let spent = first;
  for (let i = 0; i < 5 && spent < 1500; i++) {
    const t = performance.now();
    await run();
    const ms = performance.now() - t;
    best = Math.min(best, ms);
    spent += ms;
  }
  return best;
}

interface Row {
  kernel: string;
  size: string;
  bound: 'compute' | 'memory';
  ref: number;
  wasm: number;
}
const rows: Row[] = [];

// BENCH_ONLY=ridgeSolve,fpgm runs the kernels whose names contain one of the words.
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string): boolean => !only || only.some((w) => name.includes(w));

async function bench(
  kernel: string,
  size: string,
  bound: Row['bound'],
  run: (b: KernelBackend) => Promise<unknown>,
) {
  if (!wanted(kernel)) return;
  // A kernel the WASM backend hands elsewhere would time that other backend: no ratio to print.
  const away = wasm.delegated[kernel.split(' ')[0] as KernelName];
  if (away) {
    console.log(
      `${kernel.padEnd(22)} ${size.padEnd(26)} ${bound.padEnd(8)} not compared: wasm delegates it (${away})`,
    );
    return;
  }
  const ref = await time(() => run(reference));
  const w = await time(() => run(wasm));
  rows.push({ kernel, size, bound, ref, wasm: w });
  console.log(
    `${kernel.padEnd(22)} ${size.padEnd(26)} ${bound.padEnd(8)} ref ${ref.toFixed(1).padStart(9)} ms  wasm ${w.toFixed(1).padStart(8)} ms  ×${(ref / w).toFixed(1)}`,
  );
}

// ResNet-50 layer4 3×3 conv: 512 filters of 512·3·3.
const F = 512;
const K = 4608;
const weights = normals(F * K, 0.02);
const perFilter = new Float32Array(F);
await bench('filterNorms l1', `${F}×${K}`, 'memory', (b) =>
  b.filterNorms({ weights, filters: F, size: K, norm: 'l1', out: perFilter }),
);
await bench('filterNorms l2', `${F}×${K}`, 'memory', (b) =>
  b.filterNorms({ weights, filters: F, size: K, norm: 'l2', out: perFilter }),
);
await bench('distanceSums (FPGM)', `${F}×${K}`, 'compute', (b) =>
  b.distanceSums({ weights, filters: F, size: K, out: perFilter }),
);

// 256 calibration images × 7·7 positions of a 512-channel layer4 activation.
const N = 256 * 49;
const D = 512;
const x = relu(N * D);
const y = normals(N * D);
const gram = new Float32Array(D * D);
const cross = new Float32Array(D * D);
await bench('gramAccumulate XᵀX', `${N}×${D}`, 'compute', (b) =>
  b.gramAccumulate({ x, rows: N, cols: D, out: gram.fill(0) }),
);
await bench('crossAccumulate XᵀY', `${N}×${D} · ${N}×${D}`, 'compute', (b) =>
  b.crossAccumulate({ x, y, rows: N, xCols: D, yCols: D, out: cross.fill(0) }),
);
const wOut = new Float32Array(D * D);
await reference.gramAccumulate({ x, rows: N, cols: D, out: gram.fill(0) });
await bench('ridgeSolve', `${D}×${D}, ${D} rhs`, 'compute', (b) =>
  b.ridgeSolve({ gram, rhs: cross, size: D, cols: D, lambda: 1e-3 * N, out: wOut }),
);

// One calibration batch of a layer1 activation: 16 × 256 × 56 × 56 (NCHW).
const shape = [16, 256, 56, 56];
const act = normals(shape.reduce((a, c) => a * c, 1));
const mm = new Float32Array(2);
const mins = new Float32Array(256);
const maxs = new Float32Array(256);
const counts = new Uint32Array(2048);
await bench('minMax', shape.join('×'), 'memory', (b) => b.minMax({ data: act, minmax: mm.fill(0) }));
await bench('minMaxPerChannel', `${shape.join('×')} axis 1`, 'memory', (b) =>
  b.minMaxPerChannel({ data: act, shape, axis: 1, mins, maxs }),
);
await bench('histogram', `${shape.join('×')}, 2048 bins`, 'memory', (b) =>
  b.histogram({ data: act, lo: 0, hi: 5, absolute: true, counts: counts.fill(0) }),
);
await bench('percentileRange', '2048 bins', 'memory', (b) =>
  b.percentileRange({ counts, lo: 0, hi: 5, percentile: 99.99 }),
);
await bench('entropyRange (KL)', '2048 bins, 128 levels', 'compute', (b) =>
  b.entropyRange({ counts, hi: 5, levels: 128, start: 128 }),
);
await bench('mseRange', '2048 bins, 512 candidates', 'compute', (b) =>
  b.mseRange({ counts, lo: 0, hi: 5, qmax: 127, candidates: 512 }),
);

const scales = new Float32Array(F);
const q = new Int8Array(F * K);
const deq = new Float32Array(F * K);
const base = { weights, channels: F, size: K, range: 'narrow' as const, minRatio: 0.5, scales };
await bench('scaleSearch absmax', `${F}×${K}`, 'memory', (b) => b.scaleSearch({ ...base, steps: 1 }));
await bench('scaleSearch mse', `${F}×${K}, 100 steps`, 'compute', (b) =>
  b.scaleSearch({ ...base, steps: 100 }),
);
await bench('quantizeInt8', `${F}×${K}`, 'memory', (b) =>
  b.quantizeInt8({ weights, channels: F, size: K, scales, range: 'narrow', out: q }),
);
await bench('dequantizeInt8', `${F}×${K}`, 'memory', (b) =>
  b.dequantizeInt8({ q, channels: F, size: K, scales, out: deq }),
);

// End to end: FPGM over every ResNet-50 conv layer ([out, in·k·k]), random weights.
function resnet50Convs(): [number, number][] {
  const convs: [number, number][] = [[64, 3 * 49]];
  let inC = 64;
  for (const [blocks, width] of [
    [3, 64],
    [4, 128],
    [6, 256],
    [3, 512],
  ]) {
    for (let i = 0; i < blocks; i++) {
      convs.push([width, inC], [width, width * 9], [width * 4, width]);
      if (i === 0) convs.push([width * 4, inC]);
      inC = width * 4;
    }
  }
  return convs;
}
if (wanted('fpgm')) await endToEnd();
async function endToEnd(): Promise<void> {
  const convs = resnet50Convs().map(([o, k]) => ({
    o,
    k,
    w: normals(o * k, 0.02),
    out: new Float32Array(o),
  }));
  const fpgm = (b: KernelBackend) =>
    Promise.all(convs.map((c) => b.distanceSums({ weights: c.w, filters: c.o, size: c.k, out: c.out })));
  const e2eRef = await time(() => fpgm(reference));
  const e2eWasm = await time(() => fpgm(wasm));
  console.log(`\nEnd to end: FPGM criterion over ResNet-50's ${convs.length} conv layers`);
  console.log(
    `  reference ${e2eRef.toFixed(0)} ms, wasm ${e2eWasm.toFixed(0)} ms, ×${(e2eRef / e2eWasm).toFixed(1)}`,
  );
}

if (wanted('lsq')) await leastSquaresEndToEnd();
/** Least-squares recovery of fmnist-resnet8 pruned by 40% of its MACs, 1,000 calibration images. */
async function leastSquaresEndToEnd(): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { analyzeChannels } = await import('../src/core/analysis');
  const { createOrtRuntime } = await import('../src/core/eval');
  const { openDatasetPath } = await import('../src/core/eval/node');
  const { importModel, inferShapes } = await import('../src/core/graph');
  const { decodeModel } = await import('../src/core/onnx');
  const prune = await import('../src/core/prune');
  const graph = importModel(
    decodeModel(new Uint8Array(await readFile('tests/fixtures/fmnist-resnet8.onnx'))),
  );
  const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
  const calibration = await prune.calibrationFromDataset(
    await openDatasetPath('tests/fixtures/fmnist-calib'),
    {
      input: { name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] },
      preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
      limit: 1000,
    },
  );
  const shapes = inferShapes(graph);
  const analysis = analyzeChannels(graph, shapes);
  const scores = await prune.weightScores(graph, analysis.groups, { criterion: 'l1' }, wasm);
  const plan = prune.planPruning(graph, analysis, scores, { macsTarget: 0.4 }, 'l1', shapes);
  const masked = prune.cloneGraph(graph);
  prune.applyMask(masked, plan);
  const recover = async (b: KernelBackend) => {
    const t0 = performance.now();
    await prune.reconstruct(runtime, graph, prune.cloneGraph(masked), plan, calibration, { kernels: b });
    return performance.now() - t0;
  };
  await recover(wasm);
  const [r, w] = [await recover(reference), await recover(wasm)];
  console.log(
    `\nEnd to end: least-squares recovery of fmnist-resnet8 (40% MACs pruned), 1,000 calibration images`,
  );
  console.log(
    `  reference ${r.toFixed(0)} ms, wasm ${w.toFixed(0)} ms, ×${(r / w).toFixed(1)} (onnxruntime passes included)`,
  );
}

const compute = rows.filter((r) => r.bound === 'compute');
const missed = compute.filter((r) => r.ref / r.wasm < 5);
console.log(
  `\nCompute-bound kernels at ≥5×: ${compute.length - missed.length}/${compute.length}` +
    (missed.length ? ` (below: ${missed.map((r) => r.kernel).join(', ')})` : ''),
);
