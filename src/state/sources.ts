/**
 * Where the open model and datasets came from, kept on the page so a replaced worker (after a crash)
 * can be handed them again: Files are handles (nothing is copied), samples are re-fetched.
 */
import type { DataRole } from './types';

export interface ModelSource {
  fileName: string;
  load(): Promise<Blob | Uint8Array>;
  externalData: { name: string; blob: Blob }[];
}

export interface Sources {
  model: ModelSource | null;
  data: Partial<Record<DataRole, { name: string; files: { path: string; blob: Blob }[] }>>;
  /** SSD priors picked for detection. */
  priors?: { name: string; blob: Blob };
}

export const createSources = (): Sources => ({ model: null, data: {} });
