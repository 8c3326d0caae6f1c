/**
 * The heavy math of training behind one face: f32 runs on a kernel backend (reference, WASM SIMD or
 * WebGPU); f64 runs the reference kernels directly, so the gradient checks test the same code.
 */
import {
  referenceKernels,
  type ActivationBackwardArgs,
  type ActivationForwardArgs,
  type AdamwUpdateArgs,
  type BatchNormBackwardArgs,
  type BatchNormForwardArgs,
  type ChannelSumsArgs,
  type Conv2dBackwardDataArgs,
  type Conv2dBackwardFilterArgs,
  type Conv2dForwardArgs,
  type Floats,
  type GemmArgs,
  type KernelBackend,
  type SgdUpdateArgs,
} from '../../kernels';

export interface Compute {
  conv2dForward(a: Conv2dForwardArgs<Floats>): Promise<void>;
  conv2dBackwardData(a: Conv2dBackwardDataArgs<Floats>): Promise<void>;
  conv2dBackwardFilter(a: Conv2dBackwardFilterArgs<Floats>): Promise<void>;
  gemm(a: GemmArgs<Floats>): Promise<void>;
  channelSums(a: ChannelSumsArgs<Floats>): Promise<void>;
  sgdUpdate(a: SgdUpdateArgs<Floats>): Promise<void>;
  adamwUpdate(a: AdamwUpdateArgs<Floats>): Promise<void>;
  batchNormForward(a: BatchNormForwardArgs<Floats>): Promise<void>;
  batchNormBackward(a: BatchNormBackwardArgs<Floats>): Promise<void>;
  activationForward(a: ActivationForwardArgs<Floats>): Promise<void>;
  activationBackward(a: ActivationBackwardArgs<Floats>): Promise<void>;
}

/** f32 training on `backend`: every array the engine allocates at f32 is a Float32Array. */
export function backendCompute(backend: KernelBackend): Compute {
  // The engine allocates Float32Array for f32 runs, which is what the backend's types say.
  return backend as unknown as Compute;
}

/** f64 arithmetic for gradient checks: the reference kernels, generic over the element type. */
export const float64Compute: Compute = {
  conv2dForward: async (a) => referenceKernels.conv2dForward(a),
  conv2dBackwardData: async (a) => referenceKernels.conv2dBackwardData(a),
  conv2dBackwardFilter: async (a) => referenceKernels.conv2dBackwardFilter(a),
  gemm: async (a) => referenceKernels.gemm(a),
  channelSums: async (a) => referenceKernels.channelSums(a),
  sgdUpdate: async (a) => referenceKernels.sgdUpdate(a),
  adamwUpdate: async (a) => referenceKernels.adamwUpdate(a),
  batchNormForward: async (a) => referenceKernels.batchNormForward(a),
  batchNormBackward: async (a) => referenceKernels.batchNormBackward(a),
  activationForward: async (a) => referenceKernels.activationForward(a),
  activationBackward: async (a) => referenceKernels.activationBackward(a),
};
