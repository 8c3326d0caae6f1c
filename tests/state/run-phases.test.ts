import { describe, expect, it } from 'vitest';
import { parseRecipe } from '../../src/core/pipeline';
import { describeRecipe, phasesOf } from '../../src/state/run-slice';

describe('run phases and names', () => {
  it('lists the phases a recipe goes through, in the order the pipeline runs them', () => {
    expect(phasesOf(parseRecipe({ version: 1, prune: { ratio: 0.3, recover: ['lsq'] } }))).toEqual([
      'analyse',
      'prune',
      'recover',
      'remove',
      'calibrate',
      'quantize',
      'evaluate',
      'benchmark',
    ]);
    expect(phasesOf(parseRecipe({ version: 1, prune: { ratio: 0 }, quantize: { enabled: false } }))).toEqual([
      'evaluate',
      'benchmark',
    ]);
  });

  it('names a run by what it does', () => {
    expect(
      describeRecipe(parseRecipe({ version: 1, prune: { ratio: 0.3, recover: ['compensate', 'bn'] } })),
    ).toBe('30 % L1 + compensate/bn + INT8');
    expect(describeRecipe(parseRecipe({ version: 1, prune: { macsTarget: 0.5, criterion: 'fpgm' } }))).toBe(
      'MACs −50 % FPGM + INT8',
    );
    expect(describeRecipe(parseRecipe({ version: 1, prune: { enabled: false } }))).toBe('INT8 only');
    expect(
      describeRecipe(parseRecipe({ version: 1, prune: { enabled: false }, quantize: { enabled: false } })),
    ).toBe('measure only');
  });
});
