import { argmax } from './classification';

/** How closely one output of a model follows the reference's, over the same inputs. */
export interface FidelityFigures {
  /** Fraction of rows whose argmax matches the reference's. */
  readonly top1Agreement: number;
  /** Mean over rows of cos(ref, test). */
  readonly meanCosine: number;
  /** 10·log10(Σref² / Σ(ref − test)²) over all values; Infinity when identical. */
  readonly sqnrDb: number;
  readonly maxAbsError: number;
  readonly count: number;
}

/**
 * Accumulates fidelity between a reference's and a test model's outputs `[n, rowLength]` without
 * labels. SQNR is signal-to-quantization-noise ratio in decibels, the measure quantization tools
 * (e.g. onnxruntime's `compute_signal_to_quantization_noice_ratio`) report per tensor.
 */
export class FidelityAccumulator {
  private agree = 0;
  private cosineSum = 0;
  private rows = 0;
  private signal = 0;
  private noise = 0;
  private maxAbs = 0;

  add(reference: ArrayLike<number>, test: ArrayLike<number>, rowLength: number): void {
    if (reference.length !== test.length)
      throw new Error(`outputs differ in size: ${reference.length} vs ${test.length}`);
    const rows = reference.length / rowLength;
    for (let r = 0; r < rows; r++) {
      const o = r * rowLength;
      if (argmax(reference, o, rowLength) === argmax(test, o, rowLength)) this.agree++;
      let dot = 0;
      let rr = 0;
      let tt = 0;
      for (let k = o; k < o + rowLength; k++) {
        const a = reference[k];
        const b = test[k];
        dot += a * b;
        rr += a * a;
        tt += b * b;
        const d = a - b;
        this.noise += d * d;
        const ad = Math.abs(d);
        if (ad > this.maxAbs) this.maxAbs = ad;
      }
      this.signal += rr;
      // Two all-zero rows are identical (cosine 1); one all-zero row against another is orthogonal (0).
      this.cosineSum += rr === 0 && tt === 0 ? 1 : rr === 0 || tt === 0 ? 0 : dot / Math.sqrt(rr * tt);
    }
    this.rows += rows;
  }

  result(): FidelityFigures {
    const n = Math.max(1, this.rows);
    return {
      top1Agreement: this.agree / n,
      meanCosine: this.cosineSum / n,
      sqnrDb: sqnrDb(this.signal, this.noise),
      maxAbsError: this.maxAbs,
      count: this.rows,
    };
  }
}

/** {@link FidelityFigures} of one named output. */
export interface OutputFidelity extends FidelityFigures {
  /** The test model's output name. */
  readonly output: string;
}

/**
 * Fidelity of every output of a model. The top-level figures are the worst over the outputs (lowest
 * agreement, cosine and SQNR, largest error), so a model with one broken head cannot look faithful;
 * `outputs` names each one.
 */
export interface FidelityResult extends FidelityFigures {
  readonly outputs: readonly OutputFidelity[];
}

/** Folds per-output figures into a {@link FidelityResult} (worst over outputs). */
export function fidelityOverOutputs(outputs: readonly OutputFidelity[]): FidelityResult {
  if (outputs.length === 0) throw new Error('fidelity needs at least one output');
  const min = (f: (o: OutputFidelity) => number) => Math.min(...outputs.map(f));
  return {
    top1Agreement: min((o) => o.top1Agreement),
    meanCosine: min((o) => o.meanCosine),
    sqnrDb: min((o) => o.sqnrDb),
    maxAbsError: Math.max(...outputs.map((o) => o.maxAbsError)),
    count: outputs[0].count,
    outputs,
  };
}

/** 10·log10(signal / noise), Infinity for zero noise. */
export function sqnrDb(signal: number, noise: number): number {
  if (noise === 0) return Infinity;
  return 10 * Math.log10(signal / noise);
}
