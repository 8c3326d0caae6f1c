// The plain-TypeScript backend: every kernel from one explicit list, validated, run synchronously.
import type { KernelBackend, Kernels } from '../api';
import * as v from '../validate';
import { crossAccumulate, distanceSums, filterNorms, gramAccumulate, ridgeSolve } from './linalg';
import { histogram, minMax, minMaxPerChannel } from './observers';
import { entropyRange, mseRange, percentileRange } from './search';
import { dequantizeInt8, quantizeInt8, scaleSearch } from './quant';
import { patchRows } from './patches';
import { batchNormBackward, batchNormForward } from './batchnorm';
import { activationBackward, activationForward } from './activation';
import {
  adamwUpdate,
  channelSums,
  conv2dBackwardData,
  conv2dBackwardFilter,
  conv2dForward,
  gemm,
  sgdUpdate,
} from './train';

/** The reference kernels as plain synchronous functions (also borrowed by other backends). */
export const referenceKernels = {
  filterNorms,
  distanceSums,
  gramAccumulate,
  crossAccumulate,
  ridgeSolve,
  minMax,
  minMaxPerChannel,
  histogram,
  percentileRange,
  entropyRange,
  mseRange,
  scaleSearch,
  quantizeInt8,
  dequantizeInt8,
  conv2dForward,
  conv2dBackwardData,
  conv2dBackwardFilter,
  gemm,
  patchRows,
  channelSums,
  sgdUpdate,
  adamwUpdate,
  batchNormForward,
  batchNormBackward,
  activationForward,
  activationBackward,
} satisfies { [K in keyof Kernels]: (args: Parameters<Kernels[K]>[0]) => Awaited<ReturnType<Kernels[K]>> };

const kernels: Kernels = {
  filterNorms: async (a) => (v.filterMatrix(a), filterNorms(a)),
  distanceSums: async (a) => (v.filterMatrix(a), distanceSums(a)),
  gramAccumulate: async (a) => (v.gram(a), gramAccumulate(a)),
  crossAccumulate: async (a) => (v.cross(a), crossAccumulate(a)),
  ridgeSolve: async (a) => (v.ridge(a), ridgeSolve(a)),
  minMax: async (a) => minMax(a),
  minMaxPerChannel: async (a) => minMaxPerChannel(a),
  histogram: async (a) => (v.histogram(a), histogram(a)),
  percentileRange: async (a) => percentileRange(a),
  entropyRange: async (a) => (v.entropy(a), entropyRange(a)),
  mseRange: async (a) => (v.mse(a), mseRange(a)),
  scaleSearch: async (a) => (v.scaleSearch(a), scaleSearch(a)),
  quantizeInt8: async (a) => (v.quantize(a), quantizeInt8(a)),
  dequantizeInt8: async (a) => (v.dequantize(a), dequantizeInt8(a)),
  conv2dForward: async (a) => (v.convForward(a), conv2dForward(a)),
  conv2dBackwardData: async (a) => (v.convBackwardData(a), conv2dBackwardData(a)),
  conv2dBackwardFilter: async (a) => (v.convBackwardFilter(a), conv2dBackwardFilter(a)),
  gemm: async (a) => (v.gemm(a), gemm(a)),
  patchRows: async (a) => (v.patchRows(a), patchRows(a)),
  channelSums: async (a) => (v.channelSums(a), channelSums(a)),
  sgdUpdate: async (a) => (v.sgd(a), sgdUpdate(a)),
  adamwUpdate: async (a) => (v.adamw(a), adamwUpdate(a)),
  batchNormForward: async (a) => (v.batchNormForward(a), batchNormForward(a)),
  batchNormBackward: async (a) => (v.batchNormBackward(a), batchNormBackward(a)),
  activationForward: async (a) => (v.activationForward(a), activationForward(a)),
  activationBackward: async (a) => (v.activationBackward(a), activationBackward(a)),
};

/** The reference backend: the oracle, always available. */
export function createReferenceBackend(): KernelBackend {
  return { name: 'reference', delegated: {}, dispose() {}, ...kernels };
}
