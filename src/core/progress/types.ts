/**
 * How far a long call has come: units done of a known total within one phase, and a sentence. The
 * one progress shape of the core, the worker, the studio and the CLI.
 */
export interface Progress<P extends string = string> {
  phase: P;
  /** Units finished within the phase (may be fractional: a layer half fitted); never goes back. */
  done: number;
  /** Units the phase has; `done` reaches it when the phase ends. */
  total: number;
  /** What a unit is: "samples", "layers", "epochs", "runs". */
  unit: string;
  /** `done / total`, 0…1. */
  fraction: number;
  message: string;
}
