// A fine-tuning checkpoint continues only on what made it: the fingerprint names the model, the
// recipe (fields that shape the model) and the training set that differ, and ignores timing settings.
import { describe, expect, test } from 'vitest';
import { openDatasetPath } from '../../src/core/eval/node';
import { defaultRecipe, fingerprintMismatch, runFingerprint } from '../../src/core/pipeline';
import { fixture } from '../eval/helpers';

const model = new Uint8Array(fixture('fmnist-resnet8.onnx'));
const slice = await openDatasetPath('tests/fixtures/fmnist-train-slice');
const calib = await openDatasetPath('tests/fixtures/fmnist-calib');
const recipe = defaultRecipe();
const base = runFingerprint(model, recipe, slice);

describe('run fingerprint', () => {
  test('the same inputs match; timing settings do not orphan a checkpoint', () => {
    expect(fingerprintMismatch(base, runFingerprint(model.slice(), recipe, slice))).toBe('');
    const timed = { ...recipe, evaluate: { ...recipe.evaluate, runs: 99 } };
    expect(fingerprintMismatch(base, runFingerprint(model, timed, slice))).toBe('');
  });

  test('a changed model byte, training seed or training set is named', () => {
    const flipped = model.slice();
    flipped[flipped.length - 5] ^= 1;
    expect(fingerprintMismatch(base, runFingerprint(flipped, recipe, slice))).toBe('the model');
    const seeded = { ...recipe, finetune: { ...recipe.finetune, seed: 1 } };
    expect(fingerprintMismatch(base, runFingerprint(model, seeded, slice))).toBe('the recipe');
    expect(fingerprintMismatch(base, runFingerprint(model, seeded, calib))).toBe(
      'the recipe, the training set',
    );
  });
});
