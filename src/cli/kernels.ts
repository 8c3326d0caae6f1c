/**
 * The kernel backend a command computes with (scoring, recovery, calibration math). `prune` and
 * `optimize` pick it the same way — by measurement among the backends that run here, or the one asked
 * for, refused when it cannot run — and say which ran and why others did not.
 */
import { selectBackend, type BackendName, type Selection } from '../kernels';
import { nodeWasmLoader } from '../kernels/wasm/node-loader';
import { UserError } from './errors';

export const KERNEL_CHOICES = ['auto', 'reference', 'wasm', 'webgpu'] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];

/** Selects the backend; `refusal` starts the sentence when the asked-for one cannot run. */
export async function pickKernels(choice: KernelChoice, refusal: string): Promise<Selection> {
  const allow: BackendName[] | undefined = choice === 'auto' ? undefined : [choice];
  return selectBackend({ wasmLoader: nodeWasmLoader, allow }).catch((e: Error) => {
    throw new UserError(`${refusal}: ${e.message}`);
  });
}

/** Backends that could not run, with why (empty when all that were considered ran). */
function unavailable(s: Selection): string[] {
  return s.probes
    .filter((p) => !p.available && p.reason !== 'not requested')
    .map((p) => `${p.name}: ${p.reason}`);
}

/** One line for the text report. */
export function kernelsLine(s: Selection): string {
  const missing = unavailable(s);
  return `Kernels: ${s.backend.name} (picked by measurement among ${Object.keys(s.timings).join(', ')}${missing.length ? `; not available: ${missing.join('; ')}` : ''})`;
}

/** The same, for JSON reports. */
export function kernelsReport(s: Selection): {
  backend: BackendName;
  timingsMs: Selection['timings'];
  unavailable: string[];
} {
  return { backend: s.backend.name, timingsMs: s.timings, unavailable: unavailable(s) };
}
