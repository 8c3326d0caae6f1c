// Entry of the Whittle WASM SIMD kernels. Memory is managed from JS: it places inputs,
// outputs and scratch above heapBase() and grows `memory` once to the largest request.
export { crossAccumulate, mirrorUpper, transpose } from './gram';
export { filterNorms, distanceSums } from './norms';
export { ridgeSolve } from './ridge';
export { minMax, minMaxPerChannel, histogram } from './observers';
export { entropySearch, mseSearch, percentileBins } from './search';
export { scaleSearch, quantize, dequantize } from './quant';
export { patchRows } from './patches';
export { batchNormForward, batchNormBackward } from './batchnorm';
export { activationForward, activationBackward } from './activation';
export { gemm, conv2dScratch, conv2dForward, conv2dBackwardData, conv2dBackwardFilter, channelSums, sgdUpdate, adamwUpdate } from './train';

/** First byte free for JS-managed buffers. */
export function heapBase(): usize {
  return __heap_base;
}
