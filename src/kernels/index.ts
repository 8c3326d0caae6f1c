/**
 * Whittle's kernels: one interface (api.ts), three backends — plain-TS reference (the oracle),
 * WASM SIMD and WebGPU — and a start-up selection that measures which is fastest here.
 * The WASM loader is injected: `nodeWasmLoader` from './wasm/node-loader' in Node,
 * `browserWasmLoader` from './wasm/browser-loader' in the page or a worker.
 */
export * from './api';
export { createReferenceBackend, referenceKernels } from './reference';
export { createWasmBackend, wasmSimdSupported } from './wasm';
export type { WasmLoader } from './wasm';
export { createWebGpuBackend, setWebGpuDebug, webGpuAvailable } from './webgpu';
export { createBackends, selectBackend } from './select';
export type { BackendOptions, BackendProbe, Backends, Selection } from './select';
