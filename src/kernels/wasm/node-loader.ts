// Node-only loader for kernels.wasm (tests, benches, CLI). Browser code uses browser-loader.ts.
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import type { WasmLoader } from './module';

/**
 * Compiles the kernels with V8's optimizing tier up front. Under dynamic tiering (the default) a
 * training epoch of fmnist-resnet8 ran 15 % slower on average, and up to 35 % in some processes
 * (bench:finetune-speed); the module is small, so compiling it whole costs little. The flag is
 * restored at once: other modules (onnxruntime's) keep V8's default.
 */
export const nodeWasmLoader: WasmLoader = async () => {
  const bytes = await readFile(new URL('./build/kernels.wasm', import.meta.url));
  setFlagsFromString('--no-wasm-dynamic-tiering');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    setFlagsFromString('--wasm-dynamic-tiering');
  }
};
