/**
 * The studio's plan preview is the run's plan: for the studio's settings (a ratio, a MAC target, a
 * per-group override with the first convolution included) the preview built from the opened model
 * names the same channels as the prune stage's `pruneModel`, and its predicted costs are the costs of
 * the model once those channels are physically removed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costModel, importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { defaultRecipe, parseRecipe, previewPlan, pruneRecipeOf, type Recipe } from '../../src/core/pipeline';
import { cloneGraph, pruneModel, removeChannels, weightScores } from '../../src/core/prune';
import { openModelView } from '../../src/core/view';
import { createReferenceBackend } from '../../src/kernels';

const kernels = createReferenceBackend();
const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

const recipeWith = (prune: Partial<Recipe['prune']>): Recipe => {
  const base = defaultRecipe();
  const { ratio: _r, macsTarget: _m, ...rest } = base.prune;
  void _r;
  void _m;
  return parseRecipe({ ...base, prune: { ...rest, ...prune } });
};

const settings: [string, Partial<Recipe['prune']>][] = [
  ['ratio 40 %', { ratio: 0.4 }],
  ['MAC target −45 %', { macsTarget: 0.45 }],
  [
    'global 30 % with an override and the first conv',
    { ratio: 0.3, global: true, overrides: { g2: 0.6 }, includeFirst: true },
  ],
];

describe.each(['fmnist-resnet8-bn.onnx', 'fmnist-mobilenetv2.onnx'])('plan preview of %s', (name) => {
  const opened = openModelView(bytes(name));
  const shapes = opened.shapes;

  it.each(settings)(
    '%s: the preview is the prune stage’s plan and its costs are the removed model’s',
    async (_label, prune) => {
      const recipe = recipeWith(prune);
      const scores = await weightScores(
        opened.graph,
        opened.analysis.groups,
        { criterion: recipe.prune.criterion },
        kernels,
      );
      const preview = previewPlan(opened.graph, opened.analysis, shapes, recipe, scores);

      // The run's path: the file decoded afresh, pruned by pruneModel with the recipe's rules.
      const graph = importModel(decodeModel(bytes(name)));
      const { masked, plan } = await pruneModel(graph, {
        criterion: { criterion: recipe.prune.criterion },
        recipe: pruneRecipeOf(recipe),
        kernels,
      });
      expect(preview.groups.map((g) => [g.id, g.prune])).toEqual(plan.groups.map((g) => [g.id, g.prune]));
      expect(preview.prunedChannels).toBeGreaterThan(0);

      const removed = cloneGraph(masked);
      removeChannels(removed, plan);
      const cost = costModel(removed);
      expect(preview.after).toEqual({ macs: cost.macs, parameters: cost.parameters });
      expect(preview.before).toEqual({
        macs: opened.view.summary.macs,
        parameters: opened.view.summary.parameters,
      });
    },
  );

  it('marks the first convolution and the classifier input as kept, with the reason, unless asked', () => {
    const recipe = recipeWith({ ratio: 0.5 });
    const scores = Object.fromEntries(
      opened.analysis.groups.map((g) => [g.id, Array.from({ length: g.channels }, (_, i) => i)]),
    );
    const kept = previewPlan(opened.graph, opened.analysis, shapes, recipe, scores).groups.filter(
      (g) => g.status === 'excluded',
    );
    expect(kept.map((g) => g.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/first convolution/)]),
    );
    const all = previewPlan(
      opened.graph,
      opened.analysis,
      shapes,
      recipeWith({ ratio: 0.5, includeFirst: true, includeClassifier: true }),
      scores,
    );
    for (const g of kept) expect(all.groups.find((x) => x.id === g.id)!.status).toBe('pruned');
  });

  it('plans nothing (and says so) when pruning is off', () => {
    const scores = Object.fromEntries(
      opened.analysis.groups.map((g) => [g.id, new Array(g.channels).fill(1)]),
    );
    const off = previewPlan(
      opened.graph,
      opened.analysis,
      shapes,
      recipeWith({ enabled: false, ratio: 0.5 }),
      scores,
    );
    expect(off.prunes).toBe(false);
    expect(off.prunedChannels).toBe(0);
    expect(off.after).toEqual(off.before);
  });
});
