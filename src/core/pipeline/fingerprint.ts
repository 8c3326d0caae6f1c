/**
 * What a fine-tuning checkpoint was made from — the model file, the recipe and the training set — as
 * one short string, so a checkpoint is never continued on anything else. FNV-1a over the bytes, two
 * 32-bit lanes (a cheap identity check, not a security measure).
 */
import type { Dataset } from '../eval';
import type { Recipe } from './recipe';

function fnv1a(bytes: Uint8Array, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

const hex = (bytes: Uint8Array) =>
  fnv1a(bytes, 0x811c9dc5).toString(16).padStart(8, '0') +
  fnv1a(bytes, 0x050c5d1f).toString(16).padStart(8, '0');

export interface RunFingerprint {
  model: string;
  recipe: string;
  training: string;
}

/** Fingerprints of the model bytes, the recipe (fields that shape the model) and the training set. */
export function runFingerprint(model: Uint8Array, recipe: Recipe, training: Dataset): RunFingerprint {
  // Timing settings leave the model alone: changing them may not orphan a checkpoint.
  const { evaluate: _evaluate, ...shaping } = recipe;
  const text = new TextEncoder();
  return {
    model: hex(model),
    recipe: hex(text.encode(JSON.stringify(shaping))),
    training: hex(text.encode(`${training.name}\u0000${training.size}`)),
  };
}

/** Which of the three differ, in words ('' when none). */
export function fingerprintMismatch(saved: RunFingerprint, now: RunFingerprint): string {
  const parts = (['model', 'recipe', 'training'] as const).filter((k) => saved[k] !== now[k]);
  const words = { model: 'the model', recipe: 'the recipe', training: 'the training set' };
  return parts.map((k) => words[k]).join(', ');
}
