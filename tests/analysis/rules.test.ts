/**
 * What the analysis says about each rule's fixture: which tensors share a group, which groups are
 * prunable, the feature blocks after a flatten, grouped-conv constraints, and the reason each
 * blocker gives. (Whether the coupling is *true* is oracle.test.ts's job.)
 */
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { importModel } from '../../src/core/graph';
import {
  analyzeFixture,
  customDomainFixture,
  groupsWith,
  runnableFixtures,
  type AnalysisFixture,
} from './fixtures';
import { Net } from './fixtures/net';

function checkExpectations(f: AnalysisFixture): void {
  const { analysis } = analyzeFixture(f);
  const only = (tensor: string) => {
    const groups = groupsWith(analysis, tensor);
    expect(
      groups.map((g) => g.id),
      `groups holding '${tensor}'`,
    ).toHaveLength(1);
    return groups[0];
  };
  const e = f.expect;
  for (const t of e.prunable ?? []) {
    const g = only(t);
    expect(g.prunable, `group ${g.id} of '${t}': ${g.reasons.map((r) => r.message).join('; ')}`).toBe(true);
  }
  for (const list of e.together ?? []) {
    const ids = list.map((t) => only(t).id);
    expect(new Set(ids).size, `one group for ${list.join(', ')}: got ${ids.join(', ')}`).toBe(1);
  }
  for (const [p, q] of e.apart ?? []) expect(only(p).id, `'${p}' and '${q}' apart`).not.toBe(only(q).id);
  for (const { tensor, block } of e.block ?? []) {
    const runs = analysis.groups
      .flatMap((g) => g.members.filter((m) => m.kind === 'tensor' && m.name === tensor))
      .flatMap((m) => m.runs);
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(r.block, `block of '${tensor}'`).toBe(block);
  }
  for (const { tensor, blocks } of e.constraint ?? []) {
    const g = only(tensor);
    expect(g.constraints.map((c) => [c.kind, c.blocks])).toContainEqual(['uniform-per-block', blocks]);
  }
  for (const { tensor, kind, mentions } of e.blocked ?? []) {
    const g = only(tensor);
    expect(g.prunable, `group ${g.id} of '${tensor}' is not prunable`).toBe(false);
    const reason = g.reasons.find((r) => r.kind === kind);
    expect(reason, `reason '${kind}' among ${g.reasons.map((r) => r.kind).join(', ')}`).toBeDefined();
    if (mentions) expect(reason!.message).toContain(mentions);
    expect(analysis.blocked.find((b) => b.group === g.id)?.reasons.map((r) => r.kind)).toContain(kind);
  }
}

describe('channel analysis rules', () => {
  for (const f of runnableFixtures()) it(f.name, () => checkExpectations(f));
  it('unknown op (custom domain, not runnable)', () => checkExpectations(customDomainFixture()));

  it('totals agree with the groups', () => {
    for (const f of runnableFixtures()) {
      const { analysis } = analyzeFixture(f);
      const total = analysis.groups.reduce((s, g) => s + g.producerChannels, 0);
      const prunable = analysis.groups.filter((g) => g.prunable).reduce((s, g) => s + g.producerChannels, 0);
      expect(analysis.producerChannels, f.name).toBe(total);
      expect(analysis.prunableProducerChannels, f.name).toBe(prunable);
      expect(
        analysis.blocked.map((b) => b.group),
        f.name,
      ).toEqual(analysis.groups.filter((g) => !g.prunable).map((g) => g.id));
    }
  });
});

describe('shared initializers', () => {
  // Exporters store equal tensors once (torch: zero biases behind Identity nodes). Two layers reading
  // one bias are not coupled by it: each keeps its own group and the member says `shared`.
  it('a bias shared through Identity nodes couples nothing', () => {
    const net = new Net();
    const bias = net.param([4], { min: -0.5, max: 0.5 });
    const conv = (x: string, cin: number, name: string) =>
      net.op(
        'Conv',
        [x, net.param([4, cin, 1, 1]), net.op('Identity', [bias])],
        { kernel_shape: [1, 1] },
        { name },
      );
    const a = conv('x', 3, 'convA');
    const r = net.op('Relu', [a]);
    const b = conv(r, 4, 'convB');
    const out = net.conv(net.op('Relu', [b]), 4, 2);
    const graph = importModel(net.finish(out));
    const analysis = analyzeChannels(graph);
    const [ga] = groupsWith(analysis, 'convA');
    const [gb] = groupsWith(analysis, 'convB');
    expect(ga.id).not.toBe(gb.id);
    for (const g of [ga, gb]) {
      expect(g.prunable).toBe(true);
      const biasMember = g.members.find((m) => m.kind === 'parameter' && m.name === bias);
      expect(biasMember?.shared).toBe(true);
    }
  });
});
