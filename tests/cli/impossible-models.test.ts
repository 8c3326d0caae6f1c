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
