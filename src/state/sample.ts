import type { SampleSource } from './types';

/** The built-in sample (public/samples/), fetched from the app's own origin. */
export const builtInSample: SampleSource = {
  fileName: 'fmnist-resnet8.onnx',
  async load() {
    const response = await fetch(`${import.meta.env.BASE_URL}samples/fmnist-resnet8.onnx`);
    if (!response.ok) throw new Error(`The sample model could not be loaded (HTTP ${response.status}).`);
    return new Uint8Array(await response.arrayBuffer());
  },
};
