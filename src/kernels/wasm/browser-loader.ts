// Browser loader for kernels.wasm: Vite emits the file and hands back its URL.
import wasmUrl from './build/kernels.wasm?url';
import type { WasmLoader } from './module';

export const browserWasmLoader: WasmLoader = async () => {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`kernels.wasm: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};
