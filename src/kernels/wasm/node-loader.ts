// Node-only loader for kernels.wasm (tests, benches, CLI). Browser code uses browser-loader.ts.
import { readFile } from 'node:fs/promises';
import type { WasmLoader } from './module';

export const nodeWasmLoader: WasmLoader = () => readFile(new URL('./build/kernels.wasm', import.meta.url));
