/**
 * The worker's compute engines, made once and reused: onnxruntime-web (wasm; threads are read once,
 * at the first run), Whittle's kernels as the recipe names them, and onnxruntime's WebGPU backend
 * when the browser offers an adapter.
 */
import { createOrtRuntime, type InferenceRuntime } from '../src/core/eval';
import { selectBackend, type KernelBackend } from '../src/kernels';
import type { Recipe } from '../src/core/pipeline';
import { browserWasmLoader } from '../src/kernels/wasm/browser-loader';
import { serialized } from './serialized-runtime';

let wasm: Promise<InferenceRuntime> | undefined;
const kernels = new Map<string, Promise<KernelBackend>>();
let webgpu: Promise<{ runtime?: InferenceRuntime; adapter?: string; reason?: string }> | undefined;

/** onnxruntime-web on wasm; `threads` applies only to the first call in this worker. */
export function wasmRuntime(threads: number): Promise<InferenceRuntime> {
  wasm ??= createOrtRuntime({ backend: 'wasm', threads: crossOriginIsolated ? threads : 1 }).then(serialized);
  return wasm;
}

/**
 * Whittle's kernels as the recipe asks (`compute.kernels`): one backend by name, or `auto`, which
 * times the available ones here and takes the fastest (as the CLI does). Made once per choice.
 */
export function kernelBackend(choice: Recipe['compute']['kernels']): Promise<KernelBackend> {
  let found = kernels.get(choice);
  if (found === undefined) {
    const allow = choice === 'auto' ? undefined : [choice];
    found = selectBackend({ wasmLoader: browserWasmLoader, allow }).then(
      (s) => s.backend,
      (e: Error) => {
        kernels.delete(choice);
        throw new Error(`The recipe's compute.kernels (${choice}) cannot be honoured here: ${e.message}`);
      },
    );
    kernels.set(choice, found);
  }
  return found;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

/** onnxruntime's WebGPU backend, or why there is none here. */
export function webgpuRuntime(): Promise<{
  runtime?: InferenceRuntime;
  adapter?: string;
  /** A software adapter (isFallbackAdapter, SwiftShader): correct, but its timings say nothing about a GPU. */
  software?: boolean;
  reason?: string;
}> {
  webgpu ??= (async () => {
    const gpu = (navigator as { gpu?: GpuLike }).gpu;
    if (!gpu) return { reason: 'this browser offers no WebGPU (navigator.gpu is missing)' };
    const adapter = await gpu.requestAdapter().catch(() => null);
    if (!adapter) return { reason: 'navigator.gpu gave no adapter' };
    const info = adapter.info ?? {};
    const name =
      [info.vendor, info.architecture || info.description].filter(Boolean).join(' ') || 'unnamed adapter';
    const software =
      !!adapter.isFallbackAdapter ||
      !!(info as { isFallbackAdapter?: boolean }).isFallbackAdapter ||
      /swiftshader/i.test(name);
    const described = `${name}${software ? ' (software fallback)' : ''}`;
    try {
      return {
        runtime: serialized(await createOrtRuntime({ backend: 'webgpu' })),
        adapter: described,
        software,
      };
    } catch (err) {
      return { reason: `onnxruntime's WebGPU backend did not start (${(err as Error).message})` };
    }
  })();
  return webgpu;
}
