/** The command definition helper: every command parses, helps and fails the same way. */
import { describe, expect, it, vi } from 'vitest';
import { defineCommand } from '../../src/cli/command';
import { UserError } from '../../src/cli/errors';
import { DatasetError } from '../../src/core/eval';

const seen: unknown[] = [];
const demo = defineCommand({
  name: 'demo',
  summary: 'a command for the test',
  usage: 'Usage: whittle demo FILE [--n N] [--mode a|b] [--cut F] [--list A,B]',
  options: {
    n: { type: 'string' },
    mode: { type: 'string' },
    cut: { type: 'string' },
    list: { type: 'string' },
    data: { type: 'string' },
  },
  async run({ values, one, integer, choice, fraction, list }) {
    if (values.data) throw new DatasetError(values.data, `${values.data} holds no samples.`);
    seen.push([one('FILE path'), integer('n'), choice('mode', ['a', 'b']), fraction('cut'), list('list')]);
    return 0;
  },
});

const failure = async (argv: string[]) => {
  try {
    await demo.run(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
};

describe('defineCommand', () => {
  it('hands the body typed values, with defaults', async () => {
    seen.length = 0;
    expect(await demo.run(['m.onnx', '--n', '3', '--cut', '0.25', '--list', 'x, ,y'])).toBe(0);
    expect(await demo.run(['m.onnx', '--mode', 'b'])).toBe(0);
    expect(seen).toEqual([
      ['m.onnx', 3, 'a', 0.25, ['x', 'y']],
      ['m.onnx', undefined, 'b', undefined, undefined],
    ]);
  });

  it('prints the usage for --help and -h', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await demo.run(['--help'])).toBe(0);
    expect(await demo.run(['-h'])).toBe(0);
    expect(log.mock.calls).toEqual([
      [expect.stringMatching(/^Usage: whittle demo/)],
      [expect.stringMatching(/^Usage/)],
    ]);
    log.mockRestore();
  });

  it('names the command and the flag in one sentence for every mistake', async () => {
    expect(await failure(['m.onnx', '--n', '0'])).toBe('demo: --n must be a positive integer, not "0".');
    expect(await failure(['m.onnx', '--mode', 'c'])).toBe('demo: --mode must be a or b, not "c".');
    expect(await failure(['m.onnx', '--cut', '1'])).toBe('demo: --cut must be a number in [0, 1), not "1".');
    expect(await failure([])).toBe('demo: missing FILE path; see `whittle demo --help`.');
    expect(await failure(['m.onnx', '--nope'])).toMatch(
      /^demo: unknown option '--nope'; see `whittle demo --help`\.$/,
    );
  });

  it('turns the core’s input errors into the command’s one sentence', async () => {
    expect(await failure(['m.onnx', '--data', 'empty.zip'])).toBe('demo: empty.zip holds no samples.');
  });
});
