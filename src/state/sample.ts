import type { SampleCatalog, SampleDataSource, SampleSource } from './types';

const base = () => import.meta.env.BASE_URL;

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(`${base()}${path}`);
  if (!response.ok) throw new Error(`The sample ${path} could not be loaded (HTTP ${response.status}).`);
  return new Uint8Array(await response.arrayBuffer());
}

const model = (fileName: string, label: string): SampleSource => ({
  fileName,
  label,
  load: () => fetchBytes(`samples/${fileName}`),
});

/** Zoo's preprocessing for the Fashion-MNIST models: `(pixel / 255 − 0.286) / 0.353`. */
const FMNIST_PREPROCESS = '{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}';

const idx = (name: string, folder: string, files: string[]): SampleDataSource => ({
  name,
  preprocess: FMNIST_PREPROCESS,
  load: async () =>
    Promise.all(
      files.map(async (file) => ({
        path: file,
        blob: new Blob([(await fetchBytes(`samples/${folder}/${file}`)) as Uint8Array<ArrayBuffer>]),
      })),
    ),
});

/** The built-in models and data (public/samples/), fetched from the app's own origin. */
export const builtInSamples: SampleCatalog = {
  models: [
    model('fmnist-resnet8.onnx', 'ResNet-8 (Fashion-MNIST)'),
    model('fmnist-mobilenetv2.onnx', 'MobileNetV2 (Fashion-MNIST)'),
  ],
  data: {
    calibration: idx('fmnist-calib', 'fmnist-calib', [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]),
    evaluation: idx('fmnist-test', 'fmnist-test', ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']),
    training: idx('fmnist-train-slice', 'fmnist-train-slice', [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]),
  },
};
