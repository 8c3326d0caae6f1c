/**
 * The coupling oracle: checks a channel analysis against what onnxruntime computes.
 *
 * For a group and one of its channels g, a base model zeroes g's input slice in every consumer
 * parameter (so nothing about g flows past a consumer), and a perturbed copy also moves g at every
 * producer (bias shift, or filter scale). Running both with every intermediate exposed, the values
 * that changed must be exactly those the analysis predicts: in each tensor member reached by the
 * perturbation, the indices g owns along the member's axis, and nothing in any other tensor. This
 * catches missed couplings (a non-member moves), wrong offsets or blocks (the wrong indices move),
 * merged channels (g' moves with g) and over-claimed members (a member does not move).
 */
import type * as ort from 'onnxruntime-node';
import type { ChannelAnalysis, ChannelGroup, GroupId } from '../../src/core/analysis';
import { exportModel, type Graph } from '../../src/core/graph';
import type { Model, Node } from '../../src/core/onnx';
import { seededRandom } from '../helpers/model-builder';
import { runAllValues } from '../helpers/ort-all-values';
import { applyEdits, type ParamEdit } from './oracle-edits';
import { changedIndices, compactIndices } from './oracle-observe';
import { followerShifts, perturbations, zeroConsumers } from './oracle-perturb';
import { Dataflow, opaqueValues, predict, type Prediction } from './oracle-predict';

export interface OracleOptions {
  /** Channels perturbed per group (1). */
  channelsPerGroup?: number;
  /** Check at most this many groups, evenly spread over the analysis (all). */
  maxGroups?: number;
  /** Seed for the channel choice (1). */
  seed?: number;
}

export interface Mismatch {
  tensor: string;
  /** The member axis compared; undefined for a non-member that moved. */
  axis?: number;
  expected: string;
  got: string;
}

export interface ChannelCheck {
  group: GroupId;
  channel: number;
  /** The perturbations of the last attempt, in words. */
  perturbed: string[];
  attempts: number;
  mismatches: Mismatch[];
  /** Values downstream of an opaque blocking node that moved (not judged). */
  opaqueMoved: number;
}

export interface OracleReport {
  groups: number;
  checkedGroups: number;
  channels: number;
  skippedNoProducer: number;
  skipped: { group: GroupId; why: string }[];
  /** Groups not sampled because of `maxGroups`. */
  notSampled: number;
  failures: ChannelCheck[];
  opaqueMoved: number;
  timeMs: number;
}

/** Producer perturbations tried in turn; the last adds follower bias shifts (see followerShifts). */
const MAX_ATTEMPTS = 6;

function compare(
  base: Record<string, ort.Tensor>,
  perturbed: Record<string, ort.Tensor>,
  prediction: Prediction,
  extents: Map<string, Map<number, number>>,
  opaque: ReadonlySet<string>,
): { mismatches: Mismatch[]; opaqueMoved: number } {
  const mismatches: Mismatch[] = [];
  let opaqueMoved = 0;
  for (const [name, t] of Object.entries(base)) {
    const moved = changedIndices(t, perturbed[name]);
    const axes = prediction.get(name);
    // Downstream of a node the group is blocked at for an opaque reason (a ReduceMean over channels,
    // a channel shuffle), channels mix by design: the analysis claims index correspondence there, not independence.
    if (opaque.has(name)) {
      if (moved) opaqueMoved++;
      continue;
    }
    if (!axes) {
      if (moved)
        mismatches.push({
          tensor: name,
          expected: 'no change (not a member)',
          got: moved.map((ix, a) => `${a}:${compactIndices(ix, 4)}`).join(' '),
        });
      continue;
    }
    for (const [axis, want] of axes) {
      const extent = extents.get(name)?.get(axis);
      if (t.dims.length <= axis || (extent !== undefined && t.dims[axis] !== extent)) {
        mismatches.push({
          tensor: name,
          axis,
          expected: `extent ${extent}`,
          got: `dims [${t.dims.join(',')}]`,
        });
        continue;
      }
      const got = moved ? moved[axis] : [];
      const expected = [...want].sort((p, q) => p - q);
      if (got.length !== expected.length || got.some((v, i) => v !== expected[i]))
        mismatches.push({ tensor: name, axis, expected: compactIndices(expected), got: compactIndices(got) });
    }
  }
  return { mismatches, opaqueMoved };
}

/**
 * Tensor members no producer of the group (nor a graph input it holds) can reach without passing a
 * consumer: the analysis claims them, but no channel of the group can ever move them.
 */
function unreachableMembers(
  group: ChannelGroup,
  flow: Dataflow,
  producers: Node[],
  cut: ReadonlySet<Node>,
): Mismatch[] {
  const starts = [...producers];
  for (const m of group.members) if (m.role === 'input') starts.push(...(flow.readers.get(m.name) ?? []));
  const reach = flow.reachable(starts, cut);
  const out: Mismatch[] = [];
  for (const m of group.members)
    if (m.kind === 'tensor' && m.role !== 'input' && flow.producerOf.has(m.name) && !reach.has(m.name))
      out.push({
        tensor: m.name,
        axis: m.axis,
        expected: 'reachable from a producer of the group',
        got: 'unreachable',
      });
  return out;
}

/** Distinct channels to perturb in a group of `n`, chosen by a seeded draw. */
function pickChannels(n: number, count: number, random: () => number): number[] {
  const out = new Set<number>();
  while (out.size < Math.min(n, count)) out.add(Math.floor(random() * n));
  return [...out];
}

async function checkChannel(
  model: Model,
  flow: Dataflow,
  group: ChannelGroup,
  channel: number,
  feeds: Record<string, ort.Tensor>,
): Promise<ChannelCheck | string> {
  const producers = [...new Set(group.members.filter((m) => m.role === 'producer').map((m) => m.node))]
    .map((name) => flow.byName.get(name))
    .filter((n): n is Node => n !== undefined);
  const zero = zeroConsumers(group, channel);
  const base = await runAllValues(applyEdits(model, zero.edits), feeds);
  const options = producers.map((p) => perturbations(group, p, channel, flow, base));
  if (options.every((o) => o.length === 0)) return 'no editable bias or filter at any producer';
  const cut = new Set(
    [...zero.nodes].map((n) => flow.byName.get(n)).filter((n): n is Node => n !== undefined),
  );
  const opaque = opaqueValues(group, flow);
  const unreachable = unreachableMembers(group, flow, producers, cut);
  const extents = new Map<string, Map<number, number>>();
  for (const m of group.members)
    if (m.kind === 'tensor') {
      if (!extents.has(m.name)) extents.set(m.name, new Map());
      extents.get(m.name)!.set(m.axis, m.extent);
    }
  let check: ChannelCheck | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const edits: ParamEdit[] = [...zero.edits];
    const perturbed: string[] = [];
    const starts: Node[] = [];
    const last = attempt === MAX_ATTEMPTS - 1;
    const choices = producers.map((_, i) => options[i][last ? 0 : Math.min(attempt, options[i].length - 1)]);
    if (last) choices.push(...followerShifts(group, channel, flow));
    choices.forEach((choice) => {
      if (!choice) return;
      edits.push(choice.edit);
      perturbed.push(choice.what);
      const reader = flow.byName.get(choice.edit.node);
      starts.push(...(reader ? [reader] : (flow.readers.get(choice.edit.param) ?? [])));
    });
    const after = await runAllValues(applyEdits(model, edits), feeds);
    const prediction = predict(group, channel, flow.reachable(starts, cut));
    const { mismatches, opaqueMoved } = compare(base, after, prediction, extents, opaque);
    mismatches.push(...unreachable);
    check = { group: group.id, channel, perturbed, attempts: attempt + 1, mismatches, opaqueMoved };
    // A member that did not move can be a saturated activation rather than a wrong analysis: try another perturbation.
    const onlyMissing = mismatches.length > 0 && mismatches.every((m) => m.got === '∅');
    if (!onlyMissing) break;
  }
  return check!;
}

/**
 * Runs the oracle over the groups of `analysis` (computed on `graph`), feeding `feeds`. Groups
 * without a producer (channels that only come from a graph input) cannot be perturbed and are counted.
 */
export async function runOracle(
  graph: Graph,
  analysis: ChannelAnalysis,
  feeds: Record<string, ort.Tensor>,
  options: OracleOptions = {},
): Promise<OracleReport> {
  const start = performance.now();
  const model = exportModel(graph);
  const flow = new Dataflow(model.graph!.node);
  const random = seededRandom(options.seed ?? 1);
  const report: OracleReport = {
    groups: analysis.groups.length,
    checkedGroups: 0,
    channels: 0,
    skippedNoProducer: 0,
    skipped: [],
    notSampled: 0,
    failures: [],
    opaqueMoved: 0,
    timeMs: 0,
  };
  const eligible = analysis.groups.filter((g) => g.members.some((m) => m.role === 'producer'));
  report.skippedNoProducer = analysis.groups.length - eligible.length;
  const limit = Math.min(eligible.length, options.maxGroups ?? eligible.length);
  const sample = Array.from({ length: limit }, (_, i) => eligible[Math.floor((i * eligible.length) / limit)]);
  report.notSampled = eligible.length - sample.length;
  for (const group of sample) {
    let checked = false;
    for (const channel of pickChannels(group.channels, options.channelsPerGroup ?? 1, random)) {
      const result = await checkChannel(model, flow, group, channel, feeds);
      if (typeof result === 'string') {
        report.skipped.push({ group: group.id, why: result });
        break;
      }
      checked = true;
      report.channels++;
      report.opaqueMoved += result.opaqueMoved;
      if (result.mismatches.length > 0) report.failures.push(result);
    }
    if (checked) report.checkedGroups++;
  }
  report.timeMs = performance.now() - start;
  return report;
}

/** A few lines per failing check: group, channel, perturbation, and the first mismatches. */
export function describeFailures(report: OracleReport, maxChecks = 6, maxMismatches = 6): string {
  const lines: string[] = [];
  for (const f of report.failures.slice(0, maxChecks)) {
    lines.push(`group ${f.group} channel ${f.channel} (${f.perturbed.join('; ')}; attempts ${f.attempts}):`);
    for (const m of f.mismatches.slice(0, maxMismatches))
      lines.push(
        `  ${m.tensor}${m.axis !== undefined ? ` axis ${m.axis}` : ''}: expected ${m.expected}, got ${m.got}`,
      );
    if (f.mismatches.length > maxMismatches) lines.push(`  … ${f.mismatches.length - maxMismatches} more`);
  }
  if (report.failures.length > maxChecks)
    lines.push(`… ${report.failures.length - maxChecks} more failing checks`);
  return lines.join('\n');
}

/** One line: groups checked, channels perturbed, skips, failures. */
export function summarize(report: OracleReport): string {
  return (
    `${report.checkedGroups}/${report.groups} groups checked, ${report.channels} channels perturbed, ` +
    `${report.skippedNoProducer} without producer, ${report.skipped.length} uneditable, ` +
    `${report.notSampled} not sampled, ${report.failures.length} failing, ` +
    `${report.opaqueMoved} opaque values moved, ${(report.timeMs / 1000).toFixed(1)} s`
  );
}
