/**
 * A layer's least-squares statistics, accumulated over its sampled rows in chunks of the whole row
 * stream rather than of each batch: rows gathered from one batch wait for the next batch's until a
 * chunk is full. The sums then do not depend on the batch size the passes run at (a smaller batch
 * for less memory gives the same XᵀX and XᵀY), and every kernel call gets a full chunk of rows.
 */
import type { Kernels } from '../../../kernels';
import type { TensorData } from '../../eval';
import { patchArgs, type ConvGeometry } from './im2col';

/** One least-squares system per conv group. */
export interface System {
  d: number;
  outputs: number;
  /** Absolute input channels (Conv) or features (Gemm/MatMul) kept. */
  kept: Int32Array;
  gram: Float32Array;
  cross: Float32Array;
  yy: number;
}

/** A system with empty sums: `d` unknowns (kept inputs × kernel positions, plus the intercept). */
export function emptySystem(kept: readonly number[], d: number, outputs: number): System {
  return {
    d,
    outputs,
    kept: Int32Array.from(kept),
    gram: new Float32Array(d * d),
    cross: new Float32Array(d * outputs),
    yy: 0,
  };
}

/**
 * One buffer the layers' waiting rows take turns in (layers are accumulated one after another). A
 * fresh array per layer cost more than the sums on small models: the first write to each new page
 * (16 MB a layer) took longer than the Gram kernel over it.
 */
export class ChunkScratch {
  private buffer = new Float32Array(0);

  /** `floats` elements, reused from the last call when it was as large. Contents are undefined. */
  take(floats: number): Float32Array {
    if (this.buffer.length < floats) this.buffer = new Float32Array(floats);
    return this.buffer.subarray(0, floats);
  }
}

export class RowChunks {
  /** Rows per chunk: a multiple of the Gram kernel's 64-row blocks. */
  private readonly chunk: number;
  private readonly x: Float32Array[];
  private readonly y: Float32Array[];
  /** Rows waiting in `x` and `y`. */
  private filled = 0;

  constructor(
    private readonly systems: readonly System[],
    private readonly g: ConvGeometry | undefined,
    private readonly intercept: boolean,
    private readonly kernels: Kernels,
    /** Rows the layer gathers in all (no chunk need be longer). */
    totalRows: number,
    /** Floats of waiting rows, all systems together (inputs and targets). */
    chunkFloats = 4 << 20,
    /** Shared with the layers before and after this one (a fresh buffer when absent). */
    scratch = new ChunkScratch(),
  ) {
    const perRow = systems.reduce((n, s) => n + s.d + s.outputs, 0);
    const fits = Math.max(64, Math.floor(chunkFloats / perRow / 64) * 64);
    this.chunk = Math.max(64, Math.min(fits, Math.ceil(totalRows / 64) * 64));
    const all = scratch.take(this.chunk * perRow);
    let at = 0;
    const part = (floats: number) => all.subarray(at, (at += floats));
    this.x = systems.map((s) => part(this.chunk * s.d));
    this.y = systems.map((s) => part(this.chunk * s.outputs));
  }

  /**
   * Adds one batch's sampled rows to every system: inputs gathered from `xt` at `picks`, targets the
   * original's outputs there (`targets`, [picks × totalOut]); returns the rows added.
   */
  async add(xt: TensorData, picks: Int32Array, targets: Float32Array, totalOut: number): Promise<number> {
    const xd = xt.data as Float32Array;
    const C = xt.dims[1];
    const K = xt.dims[xt.dims.length - 1];
    for (let r0 = 0; r0 < picks.length; ) {
      const n = Math.min(this.chunk - this.filled, picks.length - r0);
      const at = picks.subarray(r0, r0 + n);
      for (let k = 0; k < this.systems.length; k++) {
        const s = this.systems[k];
        const x = this.x[k].subarray(this.filled * s.d, (this.filled + n) * s.d);
        const y = this.y[k].subarray(this.filled * s.outputs, (this.filled + n) * s.outputs);
        if (this.g) await this.kernels.patchRows(patchArgs(this.g, C, xd, s.kept, at, x, s.d));
        for (let r = 0; r < n; r++) {
          if (!this.g) {
            const p = at[r];
            for (let i = 0; i < s.kept.length; i++) x[r * s.d + i] = xd[p * K + s.kept[i]];
          }
          const from = (r0 + r) * totalOut + k * s.outputs;
          y.set(targets.subarray(from, from + s.outputs), r * s.outputs);
          if (this.intercept) x[r * s.d + s.d - 1] = 1;
        }
      }
      this.filled += n;
      r0 += n;
      if (this.filled === this.chunk) await this.flush();
    }
    return picks.length;
  }

  /** Adds the waiting rows to the sums; call once the layer's last batch is in. */
  async flush(): Promise<void> {
    const n = this.filled;
    if (!n) return;
    for (let k = 0; k < this.systems.length; k++) {
      const s = this.systems[k];
      const x = this.x[k].subarray(0, n * s.d);
      const y = this.y[k].subarray(0, n * s.outputs);
      for (let i = 0; i < y.length; i++) s.yy += y[i] * y[i];
      await this.kernels.gramAccumulate({ x, rows: n, cols: s.d, out: s.gram });
      await this.kernels.crossAccumulate({ x, y, rows: n, xCols: s.d, yCols: s.outputs, out: s.cross });
    }
    this.filled = 0;
  }
}
