import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const ortImports = ['onnxruntime-web', 'onnxruntime-web/wasm', 'onnxruntime-web/webgpu', 'onnxruntime-node'];
const uiImports = ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'comlink', '@xyflow/react', 'recharts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'tests/fixtures/**', 'src/core/onnx/generated/**', 'src/kernels/wasm/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // onnxruntime is imported by exactly one adapter module (src/core/eval/runtime).
  {
    files: ['src/**/*.{ts,tsx}', 'workers/**/*.ts'],
    ignores: ['src/core/eval/runtime/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ortImports }] },
  },
  // The core runs unchanged in Node, a worker and the page: no UI, RPC or DOM.
  {
    files: ['src/core/**/*.ts', 'src/kernels/**/*.ts'],
    ignores: ['src/core/eval/runtime/**'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...uiImports, ...ortImports], patterns: ['**/ui/**', '**/state/**', '**/workers/**'] },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'postMessage', 'localStorage'],
    },
  },
  {
    files: ['src/core/eval/runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: uiImports }] },
  },
);
