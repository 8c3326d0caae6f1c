/**
 * Measured per-node latency in the runtime the user targets, and what it decides: precision per node,
 * channel counts the kernels like, and pruning plans for a latency target. The timing itself is
 * injected (`LatencyTimer`), so the same code runs in Node and in a worker.
 */
export type * from './types';
export { runtimeTimer, type TimerOptions } from './timer';
export { ProfileCache, timingKey } from './cache';
export { profileNodes, quantizableUnits, type ProfileOptions } from './profile-nodes';
export { choosePrecision, AUTO_MARGIN } from './precision';
export { unitModel, type NodeUnit, type UnitWidth } from './unit-model';
export { int8UnitModel } from './int8-unit';
export { chooseWidths, candidateWidths, type GroupWidth, type WidthGroup } from './widths';
export { int8Holds, timeWholeModel, wholeModelTiming, runsNeeded, describeWholeModel } from './verdict';
