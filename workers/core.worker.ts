/**
 * The core worker: decoding and analysis run here so a large model never freezes the page.
 * It only unpacks a request, calls `src/core` and answers; model bytes arrive transferred, not copied.
 */
import { expose } from 'comlink';
import { inspectModel } from '../src/core/inspect';
import { OnnxFormatError } from '../src/core/onnx';
import type { ModelSummary } from '../src/core/inspect';

/** A bad file is an expected outcome, so it is an answer rather than a thrown error. */
export type InspectReply =
  { ok: true; summary: ModelSummary } | { ok: false; error: { message: string; code: string } };

const api = {
  /** Decodes and summarises one ONNX file (no external data in the page yet). */
  async inspect(bytes: Uint8Array): Promise<InspectReply> {
    try {
      return { ok: true, summary: inspectModel(bytes) };
    } catch (err) {
      if (err instanceof OnnxFormatError)
        return { ok: false, error: { message: err.message, code: err.code } };
      throw err;
    }
  },
};

expose(api);

export type CoreWorkerApi = typeof api;
