/** `inspect` and `prune` on generated impossible models: exit 2 and one sentence naming the tensor or node. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { DataType, makeTensor, type Tensor } from '../../src/core/onnx';
import { int, ModelBuilder } from '../helpers/model-builder';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-impossible-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A float32 initializer `w` of `dims` holding `bytes` bytes whatever the dims say. */
function weight(dims: number[], bytes: number): Tensor {
  return {
    ...makeTensor('w', DataType.FLOAT, [bytes / 4], new Float32Array(bytes / 4)),
    dims: dims.map(BigInt),
  };
}

function convFile(name: string, w: Tensor, group = 1): string {
  const { bytes } = new ModelBuilder()
    .input('x', 'float32', [1, 3, 8, 8])
    .tensor(w)
    .node('Conv', ['x', 'w'], ['y'], { group: int(group) }, { name: 'conv1' })
    .output('y', 'float32')
    .build();
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** Runs the CLI in-process: exit code and the lines written to stderr. */
async function cli(...args: string[]): Promise<{ code: number; errors: string[] }> {
  vi.restoreAllMocks();
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const code = await main(args);
  return { code, errors: error.mock.calls.map((c) => c.join(' ')) };
}

describe('impossible models exit 2 with one sentence', () => {
  it.each([
    [
      'inspect',
      convFile('negative.onnx', weight([-4, 3, 3, 1], 144)),
      /Initializer 'w' has a negative dimension/,
    ],
    [
      'inspect',
      convFile('huge.onnx', weight([2 ** 20, 2 ** 20, 1, 1], 16)),
      /Initializer 'w' .* but 16 bytes of data/,
    ],
    [
      'prune',
      convFile('huge-prune.onnx', weight([2 ** 20, 2 ** 20, 1, 1], 16)),
      /Initializer 'w' .* but 16 bytes of data/,
    ],
    [
      'inspect',
      convFile('short.onnx', weight([4, 3, 3, 3], 100)),
      /Initializer 'w' .* but 100 bytes of data/,
    ],
    [
      'inspect',
      convFile('group.onnx', weight([16, 1, 3, 3], 16 * 9 * 4), 3),
      /Conv 'conv1' has group 3, which does not divide its 16 output channels/,
    ],
    [
      'prune',
      convFile('group-prune.onnx', weight([4, 3, 3, 3], 4 * 27 * 4), 2),
      /Conv 'conv1' reads 3 input channels/,
    ],
  ])('%s %s', async (command, path, message) => {
    const extra = command === 'prune' ? ['--ratio', '0.5', '--out', join(tmp, 'out.onnx')] : [];
    const { code, errors } = await cli(command, path, ...extra);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^whittle: .+\.$/);
    expect(errors[0]).toMatch(message);
    expect(code).toBe(2);
  });
});

describe('one exit-code contract', () => {
  it.each([
    [
      'a cycle',
      new ModelBuilder()
        .input('x', 'float32', [1, 4])
        .node('Add', ['x', 'q'], ['p'], {}, { name: 'add' })
        .node('Relu', ['p'], ['q'], {}, { name: 'relu' })
        .output('q', 'float32'),
      /The model is invalid: cycle through/,
    ],
    [
      'an undefined input',
      new ModelBuilder()
        .input('x', 'float32', [1, 4])
        .node('Relu', ['nope'], ['y'], {}, { name: 'r' })
        .output('y', 'float32'),
      /The model is invalid: input 'nope' of Relu 'r' is not defined\./,
    ],
    [
      'a duplicate output',
      new ModelBuilder()
        .input('x', 'float32', [1, 4])
        .node('Relu', ['x'], ['y'], {}, { name: 'a' })
        .node('Neg', ['x'], ['y'], {}, { name: 'b' })
        .output('y', 'float32'),
      /output 'y' of Neg 'b' is already defined/,
    ],
  ])('%s exits 2 from inspect', async (_, builder, message) => {
    const path = join(tmp, `${_.replace(/ /g, '-')}.onnx`);
    writeFileSync(path, builder.build().bytes);
    const { code, errors } = await cli('inspect', path);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(code).toBe(2);
  });

  it('quantize maps an onnxruntime load failure to exit 2, as eval does', async () => {
    // Imports and infers fine, but onnxruntime has no kernel for an op of an unknown domain.
    const path = join(tmp, 'mystery.onnx');
    const { bytes } = new ModelBuilder()
      .opset('com.example', 1)
      .input('x', 'float32', ['N', 1, 28, 28])
      .node('Mystery', ['x'], ['y'], {}, { name: 'm', domain: 'com.example' })
      .output('y', 'float32')
      .build();
    writeFileSync(path, bytes);
    const calib = 'tests/fixtures/fmnist-calib';
    for (const args of [
      ['quantize', path, '--calib', calib, '--samples', '8', '--out', join(tmp, 'q.onnx')],
      ['eval', path, '--data', calib, '--limit', '8'],
    ]) {
      const { code, errors } = await cli(...args);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/onnxruntime cannot load/);
      expect(code).toBe(2);
    }
  });

  it('prune says which kernels ran and refuses kernels that cannot run, like optimize', async () => {
    const path = convFile('ok.onnx', weight([8, 3, 3, 3], 8 * 27 * 4));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['prune', path, '--ratio', '0.5', '--out', join(tmp, 'ok-pruned.onnx')])).toBe(0);
    expect(log.mock.calls.join('\n')).toMatch(/Kernels: (wasm|reference) \(picked by measurement among /);
    const { code, errors } = await cli(
      'prune',
      path,
      '--ratio',
      '0.5',
      '--kernels',
      'webgpu',
      '--out',
      join(tmp, 'x.onnx'),
    );
    expect(errors[0]).toMatch(
      /^whittle: prune: --kernels webgpu cannot run here: No kernel backend can run here \(.*webgpu: /,
    );
    expect(code).toBe(2);
  });
});
