import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { ModelLoadError } from '../errors';
import { translateRunError } from './run-error';
import type {
  Backend,
  InferenceRuntime,
  RuntimeSession,
  SessionOptions,
  TensorData,
  TensorElementType,
  ValueMeta,
} from '../types';

/** The part of onnxruntime's API that web and node packages share. */
type Ort = typeof import('onnxruntime-web');

export interface OrtRuntimeOptions {
  readonly backend: Backend;
  /**
   * Intra-op threads. onnxruntime-web reads this once, at its first session in the process or worker;
   * later runtimes report the count actually in force. Default: onnxruntime's own choice.
   */
  readonly threads?: number;
  /** Where onnxruntime-web finds its `.wasm` files, when the bundler does not place them. */
  readonly wasmPaths?: string;
}

/** Thread count onnxruntime-web was initialised with, once it has been. */
let wasmThreadsInForce: number | undefined;

/**
 * An `InferenceRuntime` over onnxruntime: onnxruntime-web's wasm (SIMD, threads when the page is
 * cross-origin isolated) or webgpu backend, or onnxruntime-node (`native`, Node only). Both packages are
 * imported on first use, so a browser bundle never sees onnxruntime-node and a module that only needs
 * the eval types does not load the runtime.
 */
export async function createOrtRuntime(options: OrtRuntimeOptions): Promise<InferenceRuntime> {
  const { backend } = options;
  if (backend === 'native') {
    const ort = await importNative();
    const threads = options.threads ?? 0;
    return {
      backend,
      threads,
      createSession: (bytes, session) =>
        open(ort, bytes, {
          executionProviders: ['cpu'],
          ...(threads ? { intraOpNumThreads: threads } : {}),
          ...levelOf(session),
        }),
    };
  }
  const ort = await import('onnxruntime-web');
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (wasmThreadsInForce === undefined) {
    if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
    wasmThreadsInForce = effectiveWasmThreads(ort);
  }
  if (backend === 'webgpu' && !webgpuAvailable())
    throw new Error('WebGPU is not available here (no navigator.gpu).');
  return {
    backend,
    threads: wasmThreadsInForce,
    createSession: (bytes, session) => open(ort, bytes, { executionProviders: [backend], ...levelOf(session) }),
  };
}

function levelOf(options: SessionOptions | undefined): InferenceSession.SessionOptions {
  return {
    ...(options?.optimize === false ? { graphOptimizationLevel: 'disabled' } : {}),
    // onnxruntime's session config key: no spin-waiting in the intra-op thread pool.
    ...(options?.interleaved ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    ...(options?.lean ? { enableCpuMemArena: false } : {}),
  };
}

/** Loads a model on a backend in one call; see {@link createOrtRuntime}. */
export async function createSession(bytes: Uint8Array, options: OrtRuntimeOptions): Promise<RuntimeSession> {
  return (await createOrtRuntime(options)).createSession(bytes);
}

/** Backends this environment can offer, probed without loading a model. */
export function availableBackends(): Backend[] {
  const list: Backend[] = ['wasm'];
  if (webgpuAvailable()) list.push('webgpu');
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) list.push('native');
  return list;
}

function webgpuAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu !== undefined;
}

function effectiveWasmThreads(ort: Ort): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  // Pages without COOP/COEP cannot share wasm memory: onnxruntime falls back to one thread.
  if (isolated === false) return 1;
  const asked = ort.env.wasm.numThreads;
  if (asked !== undefined && asked > 0) return asked;
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // onnxruntime-web's own default: half the cores, at most 4.
  return Math.max(1, Math.min(4, Math.ceil(cores / 2)));
}

async function importNative(): Promise<Ort> {
  // A variable specifier keeps bundlers from following the import into the browser build.
  const specifier = 'onnxruntime-node';
  try {
    return (await import(/* @vite-ignore */ specifier)) as Ort;
  } catch (e) {
    throw new Error(
      `The native backend needs onnxruntime-node, which did not load (${(e as Error).message}).`,
      { cause: e },
    );
  }
}

async function open(
  ort: Ort,
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<RuntimeSession> {
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...options });
  } catch (e) {
    // One line of onnxruntime's text (it appends a native stack on some builds).
    const reason = String((e as Error)?.message ?? e)
      .split('\n', 1)[0]
      .trim();
    throw new ModelLoadError(`onnxruntime cannot load the model (${reason}).`, { cause: e });
  }
  const inputs = session.inputMetadata.map(meta);
  return {
    inputs,
    outputs: session.outputMetadata.map(meta),
    run: async (feeds, fetches) => {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds))
        ortFeeds[name] = new ort.Tensor(t.type, t.data as never, t.dims);
      let result: InferenceSession.OnnxValueMapType;
      try {
        result = fetches ? await session.run(ortFeeds, fetches) : await session.run(ortFeeds);
      } catch (e) {
        throw translateRunError(e, feeds, inputs);
      }
      const out: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(result)) {
        out[name] = { type: t.type as TensorElementType, data: t.data as TensorData['data'], dims: t.dims };
      }
      return out;
    },
    release: () => session.release(),
  };
}

function meta(m: InferenceSession.ValueMetadata): ValueMeta {
  return m.isTensor
    ? { name: m.name, type: m.type as TensorElementType, shape: m.shape }
    : { name: m.name, type: 'unknown', shape: [] };
}
