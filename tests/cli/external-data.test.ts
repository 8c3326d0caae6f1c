/**
 * External data is read only from regular files inside the model's folder (real paths, links
 * resolved), and only the ranges tensors name: links out of the folder, devices and FIFOs are refused
 * by name, a length past the end is refused before reading, and a huge file costs only what is read.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { externalDataFrom } from '../../src/cli/external-data';
import { decodeModel, OnnxFormatError, tensorData } from '../../src/core/onnx';
import { externalWeightData, externalWeightModel } from './external-model';
import { runCliMeasured } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-external-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder holding `model.onnx` whose weight W is at `location`, prepared by `setup(folder)`. */
function modelWith(name: string, location: string, setup: (dir: string) => void): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const model = join(dir, 'model.onnx');
  writeFileSync(model, externalWeightModel(location));
  setup(dir);
  return model;
}

function decode(model: string) {
  return decodeModel(new Uint8Array(readFileSync(model)), externalDataFrom(model));
}

function refusal(model: string): OnnxFormatError {
  try {
    decode(model);
  } catch (e) {
    expect(e).toBeInstanceOf(OnnxFormatError);
    return e as OnnxFormatError;
  }
  throw new Error('expected a refusal');
}

describe('external data files', () => {
  it('a regular file inside the folder is read, also through a link that stays inside', () => {
    const direct = modelWith('direct', 'weights.bin', (d) =>
      writeFileSync(join(d, 'weights.bin'), externalWeightData()),
    );
    const linked = modelWith('linked', 'weights.bin', (d) => {
      mkdirSync(join(d, 'store'));
      writeFileSync(join(d, 'store', 'w.bin'), externalWeightData());
      symlinkSync(join(d, 'store', 'w.bin'), join(d, 'weights.bin'));
    });
    for (const model of [direct, linked]) {
      const w = decode(model).graph?.initializer[0];
      if (!w) throw new Error('no weight decoded');
      expect(Array.from(tensorData(w) as Float32Array)).toEqual(
        Array.from(new Float32Array(externalWeightData().buffer)),
      );
    }
  });

  it.each([
    [
      'a link to /etc/passwd',
      '/etc/passwd',
      /^External data 'weights\.bin' is a link to \/etc\/passwd, outside the model's folder .*\.$/,
    ],
    [
      'a link to /dev/zero',
      '/dev/zero',
      /^External data 'weights\.bin' is a link to \/dev\/zero, outside the model's folder/,
    ],
  ])('%s is refused by name', (_what, target, message) => {
    const model = modelWith(`link-${target.replace(/\W/g, '')}`, 'weights.bin', (d) =>
      symlinkSync(target, join(d, 'weights.bin')),
    );
    const error = refusal(model);
    expect(error.code).toBe('refused-external-data');
    expect(error.message).toMatch(message);
  });

  it('a FIFO or a folder is refused without being opened', () => {
    const fifo = modelWith('fifo', 'weights.bin', (d) => {
      expect(spawnSync('mkfifo', [join(d, 'weights.bin')]).status).toBe(0);
    });
    expect(refusal(fifo).message).toMatch(
      /^External data 'weights\.bin' in .* is a FIFO \(named pipe\), not a regular file\.$/,
    );
    const folder = modelWith('folder', 'weights.bin', (d) => mkdirSync(join(d, 'weights.bin')));
    expect(refusal(folder).message).toMatch(/is a directory, not a regular file\.$/);
  });

  it('a location that climbs out of the folder is refused', () => {
    const model = modelWith('climb', '../weights.bin', () => undefined);
    expect(refusal(model).message).toMatch(/^External data location '\.\.\/weights\.bin' points outside /);
  });

  it('a file shorter than offset + length is refused before reading', () => {
    const model = modelWith('short', 'weights.bin', (d) =>
      writeFileSync(join(d, 'weights.bin'), new Uint8Array(10)),
    );
    expect(refusal(model).message).toBe(
      "External data file 'weights.bin' is truncated: tensor 'W' needs bytes 0 to 48 but the file has 10.",
    );
  });

  it('a 64 GiB file costs only the 48 bytes the tensor names', () => {
    const model = modelWith('huge', 'weights.bin', (d) => {
      writeFileSync(join(d, 'weights.bin'), externalWeightData());
      truncateSync(join(d, 'weights.bin'), 64 * 2 ** 30);
    });
    const w = decode(model).graph?.initializer[0];
    if (!w) throw new Error('no weight decoded');
    expect(w.rawData?.byteLength).toBe(48);
  });
});

describe('whittle inspect on hostile external data', () => {
  it.each([
    [
      '/dev/zero',
      (d: string) => symlinkSync('/dev/zero', join(d, 'weights.bin')),
      /is a link to \/dev\/zero/,
    ],
    ['a FIFO', (d: string) => void spawnSync('mkfifo', [join(d, 'weights.bin')]), /is a FIFO/],
  ])('%s: exit 2 at once, one sentence, not "corrupt"', (what, setup, message) => {
    const model = modelWith(`cli-${what.replace(/\W/g, '')}`, 'weights.bin', setup);
    const result = runCliMeasured({}, 'inspect', model);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^whittle: External data /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/corrupt/i);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.peakRss).toBeLessThan(512e6);
  });
});
