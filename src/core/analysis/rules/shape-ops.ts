/**
 * Ops that move, cut or glue the channel axis: Concat, Split, Slice, Flatten, Reshape, Transpose,
 * Squeeze, Unsqueeze, Gather, Expand, Tile.
 */
import { attrInt, attrInts, type Dim, type GraphNode } from '../../graph';
import { scaleBlocks, sliceSegments, type Layout, type Segment } from '../layout';
import { quote, type AnalysisState } from '../state';
import type { Rule } from './rule';

const norm = (a: number, rank: number) => (a < 0 ? a + rank : a);

function concat(s: AnalysisState, node: GraphNode): void {
  const y = node.outputs[0];
  const rank = s.rank(y);
  const inputs = node.inputs.filter((v) => v !== '');
  if (rank === undefined)
    return s.blockInputs(node, 'untraceable', `${quote(node)} has an output of unknown rank.`);
  const axis = norm(attrInt(node, 'axis', 1), rank);
  const tracked = inputs.filter((v) => s.layout(v));
  if (tracked.length === 0) return;
  if (tracked.some((v) => s.layout(v)!.axis !== axis)) {
    // Concatenated along another axis: channel c of every input meets channel c of the others.
    const anchor = s.layout(tracked[0])!;
    for (const v of tracked.slice(1)) {
      const l = s.layout(v)!;
      if (l.axis !== anchor.axis || !s.table.unionSegments(anchor.segments, l.segments))
        s.block(l, 'untraceable', `${quote(node)} mixes channel axes.`, node, v);
    }
    if (anchor.axis === axis)
      return s.block(anchor, 'untraceable', `${quote(node)} mixes channel axes.`, node, y);
    return s.setLayout(y, anchor, 'join', node, `joined by ${quote(node)}`);
  }
  const segments: Segment[] = [];
  for (const v of inputs) {
    const l = s.layout(v);
    const size = s.dim(v, axis);
    if (size === undefined)
      return s.blockInputs(node, 'untraceable', `${quote(node)} has an input of unknown size.`);
    const part =
      l?.segments ??
      s.opaque(
        v,
        size,
        axis,
        rank,
        'untraceable',
        `${quote(node)} concatenates '${v}', whose channels Whittle cannot trace.`,
        node,
      ).segments;
    segments.push(...part);
  }
  s.setLayout(y, { axis, rank, segments }, 'concat', node, `concatenation by ${quote(node)}`);
}

/** Split and its outputs' offsets, from the inferred output sizes (every Split form agrees on them). */
function split(s: AnalysisState, node: GraphNode): void {
  const input = s.layout(node.inputs[0]);
  if (!input) return;
  const axis = norm(attrInt(node, 'axis', 0), input.rank);
  if (axis !== input.axis) {
    for (const y of node.outputs) if (y) s.setLayout(y, input, 'split', node);
    return;
  }
  let offset = 0;
  for (const y of node.outputs) {
    const size = s.dim(y, axis);
    const part = size === undefined ? undefined : sliceSegments(input.segments, offset, offset + size);
    if (!part) return s.block(input, 'untraceable', `${quote(node)} splits inside a channel.`, node, y);
    s.setLayout(
      y,
      { ...input, segments: part },
      'split',
      node,
      `split by ${quote(node)} at offset ${offset}`,
    );
    offset += size!;
  }
}

function slice(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const input = s.layout(x);
  const y = node.outputs[0];
  if (!input) return;
  const legacy = node.inputs.length === 1;
  const starts = legacy ? attrInts(node, 'starts') : s.numbers(node.inputs[1]);
  const rank = input.rank;
  const axes = (legacy ? attrInts(node, 'axes') : s.numbers(node.inputs[3])) ?? starts?.map((_, i) => i);
  const steps = legacy ? undefined : s.numbers(node.inputs[4]);
  if (!starts || !axes)
    return s.block(input, 'untraceable', `${quote(node)} slices with computed bounds.`, node, x);
  const k = axes.map((a) => norm(a, rank)).indexOf(input.axis);
  if (k < 0) return s.setLayout(y, input, 'follower', node);
  const extent = s.extent(input);
  const out = s.dim(y, input.axis);
  const step = steps?.[k] ?? 1;
  let begin = starts[k] < 0 ? starts[k] + extent : starts[k];
  begin = Math.max(0, Math.min(extent, begin));
  const part =
    step === 1 && out !== undefined ? sliceSegments(input.segments, begin, begin + out) : undefined;
  if (!part)
    return s.block(
      input,
      'untraceable',
      `${quote(node)} takes channels with a stride or inside a channel.`,
      node,
      x,
    );
  s.setLayout(
    y,
    { ...input, segments: part },
    'split',
    node,
    `sliced by ${quote(node)} from offset ${begin}`,
  );
}

function product(dims: readonly Dim[]): number | undefined {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    p *= d;
  }
  return p;
}

function flatten(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const input = s.layout(x);
  const shape = s.shape(x);
  if (!input || !shape) return;
  const a = norm(attrInt(node, 'axis', 1), shape.length);
  const between = product(shape.slice(a, input.axis));
  const block = product(shape.slice(input.axis + 1));
  if (input.axis < a || between !== 1 || block === undefined)
    return s.block(input, 'untraceable', `${quote(node)} merges the channels with other axes.`, node, x);
  s.setLayout(
    node.outputs[0],
    scaleBlocks(input, block, 1, 2),
    'reshape',
    node,
    `flattened by ${quote(node)}: each channel owns ${block} features`,
  );
}

/** Same dims, symbol for symbol. */
const sameDims = (a: readonly Dim[], b: readonly Dim[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Axis of the output where the channel axis lands, and how many indices each channel then owns. */
function reshapedAxis(
  inShape: Dim[],
  outShape: Dim[],
  c: number,
): { axis: number; block: number } | 'split' | undefined {
  const C = inShape[c];
  if (typeof C !== 'number') return undefined;
  const prefixIn = inShape.slice(0, c);
  let o = -1;
  if (sameDims(prefixIn, outShape.slice(0, c))) o = c;
  else {
    const p = product(prefixIn);
    if (p === undefined) return undefined;
    for (let k = 0, acc = 1; k <= outShape.length; k++) {
      if (acc === p) {
        o = k;
        break;
      }
      const d = outShape[k];
      if (typeof d !== 'number' || k === outShape.length) return undefined;
      acc *= d;
    }
    // Leading 1s are interchangeable; skip those the output adds.
    while (o >= 0 && o < outShape.length && outShape[o] === 1 && C !== 1) o++;
  }
  if (o < 0 || o >= outShape.length) return undefined;
  const D = outShape[o];
  if (typeof D !== 'number') return undefined;
  if (D === C) return { axis: o, block: 1 };
  if (D > C && D % C === 0) {
    const tail = product(inShape.slice(c + 1));
    const block = D / C;
    if (tail !== undefined && tail % block === 0) return { axis: o, block };
    return undefined;
  }
  if (D < C && C % D === 0) return 'split';
  return undefined;
}

function reshape(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const y = node.outputs[0];
  const input = s.layout(x);
  const inShape = s.shape(x);
  const outShape = s.shape(y);
  if (!input) return;
  if (!inShape || !outShape)
    return s.block(input, 'untraceable', `${quote(node)} has unknown shapes.`, node, x);
  const moved = reshapedAxis(inShape, outShape, input.axis);
  if (moved === 'split') {
    const next = s.graph.consumers(y)[0];
    const perm = next?.opType === 'Transpose' ? attrInts(next, 'perm') : undefined;
    const after = next ? s.graph.consumers(next.outputs[0])[0] : undefined;
    if (
      next &&
      perm &&
      perm[input.axis] === input.axis + 1 &&
      perm[input.axis + 1] === input.axis &&
      after?.opType === 'Reshape'
    )
      return s.block(
        input,
        'channel-shuffle',
        `${quote(node)}, ${quote(next)} and ${quote(after)} shuffle channels between groups.`,
        node,
        x,
      );
    return s.block(
      input,
      'untraceable',
      `${quote(node)} splits the channel axis in two (e.g. into attention heads).`,
      node,
      x,
    );
  }
  if (!moved)
    return s.block(input, 'untraceable', `${quote(node)} merges the channels with other axes.`, node, x);
  const target = targetShapeEntry(s, node, moved.axis);
  if (typeof target === 'string') return s.block(input, 'fixed-reshape', target, node, x);
  const layout =
    moved.block === 1
      ? { axis: moved.axis, rank: outShape.length, segments: input.segments }
      : scaleBlocks(input, moved.block, moved.axis, outShape.length);
  const how = moved.block > 1 ? `: each channel owns ${moved.block} features` : '';
  s.setLayout(y, layout, 'reshape', node, `reshaped by ${quote(node)}${how}`);
  if (target) {
    s.members.push({
      role: 'reshape',
      node: node.name,
      opType: node.opType,
      kind: 'parameter',
      name: target.name,
      axis: 0,
      segments: [],
      via: y,
      shapeEntry: target.entry,
      note: `entry ${target.entry} of '${target.name}' (${target.value}) counts the channels and is rewritten when they are removed`,
    });
  }
}

interface RewritableEntry {
  name: string;
  entry: number;
  value: number;
}

/**
 * Where a Reshape's target shape pins the channel count. Undefined when it adapts by itself (an entry
 * of -1 or 0, or one read from `Shape`); the initializer entry pruning must rewrite when the literal
 * sits in an initializer used only here (the target itself, or one part of a Shape→Gather→Concat);
 * a sentence saying why not when the literal cannot be rewritten.
 */
function targetShapeEntry(
  s: AnalysisState,
  node: GraphNode,
  axis: number,
): RewritableEntry | string | undefined {
  const shapeValue = node.inputs[1];
  if (!shapeValue) return undefined;
  const entry = s.numbers(shapeValue)?.[axis];
  if (entry === -1 || entry === 0) return undefined;
  const own = rewritable(s, shapeValue, axis);
  if (own) return own;
  const producer = s.graph.producer(shapeValue);
  if (producer?.opType === 'Concat') {
    let offset = 0;
    for (const part of producer.inputs) {
      const len = s.dim(part, 0) ?? 1;
      if (axis < offset + len) {
        const lit = s.numbers(part)?.[axis - offset];
        if (dependsOnShape(s, part) || lit === -1 || lit === 0) return undefined;
        return (
          rewritable(s, part, axis - offset) ??
          `${quote(node)} takes its target shape from a Shape→Gather→Concat subgraph whose constant ${lit ?? '?'} encodes the channel count and is shared or computed.`
        );
      }
      offset += len;
    }
  }
  if (dependsOnShape(s, shapeValue)) return undefined;
  return `${quote(node)} takes its target shape from a computed constant${entry !== undefined ? ` (${entry})` : ''} that encodes the channel count.`;
}

/**
 * `value`'s entry `entry` when it is a positive literal of an initializer that only this shape reads,
 * possibly through `Cast`/`Identity` nodes (exporters cast shape constants to int64).
 */
function rewritable(s: AnalysisState, value: string, entry: number): RewritableEntry | undefined {
  const v = s.numbers(value)?.[entry];
  if (v === undefined || v <= 0) return undefined;
  let name = value;
  for (let hops = 0; hops < 8 && !s.graph.initializers.has(name); hops++) {
    const p = s.graph.producer(name);
    if (!p || (p.opType !== 'Cast' && p.opType !== 'Identity') || s.graph.consumers(name).length !== 1)
      return undefined;
    name = p.inputs[0];
  }
  if (!s.graph.initializers.has(name) || s.graph.consumers(name).length !== 1) return undefined;
  return { name, entry, value: v };
}

/** Whether `value` is computed from a `Shape` op (so it follows the tensor's real size). */
function dependsOnShape(s: AnalysisState, value: string): boolean {
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = s.graph.producer(v);
    if (!p) continue;
    if (p.opType === 'Shape') return true;
    if (p.opType === 'Concat') continue; // Only a direct chain counts; Concat parts are checked one by one.
    stack.push(...p.inputs.filter((i) => i));
  }
  return false;
}

function transpose(s: AnalysisState, node: GraphNode): void {
  const input = s.layout(node.inputs[0]);
  if (!input) return;
  const perm = attrInts(node, 'perm') ?? [...Array(input.rank).keys()].reverse();
  s.setLayout(
    node.outputs[0],
    { ...input, axis: perm.indexOf(input.axis) },
    'reshape',
    node,
    `transposed by ${quote(node)}`,
  );
}

function squeeze(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const input = s.layout(x);
  const shape = s.shape(x);
  if (!input || !shape) return;
  const raw =
    attrInts(node, 'axes') ?? s.numbers(node.inputs[1]) ?? shape.flatMap((d, i) => (d === 1 ? [i] : []));
  const axes = raw.map((a) => norm(a, input.rank));
  if (axes.includes(input.axis)) return; // A single channel squeezed away: nothing left to track.
  const axis = input.axis - axes.filter((a) => a < input.axis).length;
  s.setLayout(
    node.outputs[0],
    { axis, rank: input.rank - axes.length, segments: input.segments },
    'reshape',
    node,
  );
}

function unsqueeze(s: AnalysisState, node: GraphNode): void {
  const input = s.layout(node.inputs[0]);
  if (!input) return;
  const raw = attrInts(node, 'axes') ?? s.numbers(node.inputs[1]);
  if (!raw) return s.block(input, 'untraceable', `${quote(node)} has computed axes.`, node, node.inputs[0]);
  const rank = input.rank + raw.length;
  const axes = raw.map((a) => norm(a, rank)).sort((p, q) => p - q);
  let axis = input.axis;
  for (const a of axes) if (a <= axis) axis++;
  s.setLayout(node.outputs[0], { axis, rank, segments: input.segments }, 'reshape', node);
}

function gather(s: AnalysisState, node: GraphNode): void {
  const [x, idx] = node.inputs;
  const input = s.layout(x);
  if (!input) return;
  const axis = norm(attrInt(node, 'axis', 0), input.rank);
  if (axis === input.axis)
    return s.block(input, 'untraceable', `${quote(node)} picks channels by index.`, node, x);
  const r = s.rank(idx);
  if (r === undefined)
    return s.block(input, 'untraceable', `${quote(node)} has indices of unknown rank.`, node, x);
  const shift = axis < input.axis ? r - 1 : 0;
  s.setLayout(
    node.outputs[0],
    { axis: input.axis + shift, rank: input.rank + r - 1, segments: input.segments },
    'follower',
    node,
  );
}

/** Expand/Tile: followers unless they repeat along the channel axis. */
function repeat(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const input = s.layout(x);
  const y = node.outputs[0];
  const yr = s.rank(y);
  if (!input || yr === undefined) return;
  const axis = input.axis + (yr - input.rank);
  if (s.dim(y, axis) !== s.extent(input))
    return s.block(input, 'untraceable', `${quote(node)} repeats along the channel axis.`, node, x);
  const layout: Layout = { axis, rank: yr, segments: input.segments };
  s.setLayout(y, layout, 'follower', node);
}

export const shapeRules: Record<string, Rule> = {
  Concat: concat,
  Split: split,
  Slice: slice,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Gather: gather,
  Expand: repeat,
  Tile: repeat,
};
