/** Node-only adapters for `core/eval`: disk file sources and pure-JS image decoding. Never bundled for the browser. */
export { nodeDirectorySource, nodeFileSource } from './node-file-source';
export { nodeImageDecoder } from './node-image-decoder';
export { dataLimitsFromEnv, openDatasetPath, readPreprocessArg } from './open-path';
