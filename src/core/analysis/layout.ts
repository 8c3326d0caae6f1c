/**
 * Channel layouts: how the indices along one axis of a tensor map onto channel spaces.
 *
 * A space is the set of channels one producer creates. A tensor's channel axis is a sequence of
 * segments, each a range of one space; channel `c` of a segment owns `block` consecutive indices
 * (1 normally, `H·W` once a Flatten has merged the spatial dims into the feature axis).
 */

/** Index of a channel space in the {@link SpaceTable}. */
export type SpaceId = number;

export interface Segment {
  space: SpaceId;
  /** First channel of the space in this segment. */
  start: number;
  /** Channels of the space in this segment. */
  length: number;
  /** Indices along the axis each channel owns. */
  block: number;
}

export interface Layout {
  axis: number;
  rank: number;
  segments: Segment[];
}

/** Indices the layout spans along its axis. */
export function extentOf(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) n += s.length * s.block;
  return n;
}

export function singleSpace(space: SpaceId, size: number, axis: number, rank: number): Layout {
  return { axis, rank, segments: [{ space, start: 0, length: size, block: 1 }] };
}

export function moveAxis(layout: Layout, axis: number, rank: number): Layout {
  return { axis, rank, segments: layout.segments };
}

/** Multiplies every block by `factor` (a Flatten merging `factor` trailing indices into each). */
export function scaleBlocks(layout: Layout, factor: number, axis: number, rank: number): Layout {
  return { axis, rank, segments: layout.segments.map((s) => ({ ...s, block: s.block * factor })) };
}

/**
 * The part of `layout` between indices `[begin, end)` along its axis, or undefined when a cut falls
 * inside a channel's block (the slice would keep part of a channel).
 */
export function sliceSegments(
  segments: readonly Segment[],
  begin: number,
  end: number,
): Segment[] | undefined {
  const out: Segment[] = [];
  let pos = 0;
  for (const s of segments) {
    const size = s.length * s.block;
    const lo = Math.max(begin, pos);
    const hi = Math.min(end, pos + size);
    if (lo < hi) {
      if ((lo - pos) % s.block !== 0 || (hi - pos) % s.block !== 0) return undefined;
      out.push({
        space: s.space,
        start: s.start + (lo - pos) / s.block,
        length: (hi - lo) / s.block,
        block: s.block,
      });
    }
    pos += size;
  }
  return out;
}

/**
 * Calls `visit(index, space, channel)` for every index along the axis. Used to union two layouts of
 * the same extent index by index, whatever their segmentation.
 */
export function forEachIndex(
  segments: readonly Segment[],
  visit: (index: number, space: SpaceId, channel: number) => void,
): void {
  let pos = 0;
  for (const s of segments)
    for (let c = 0; c < s.length; c++) for (let b = 0; b < s.block; b++) visit(pos++, s.space, s.start + c);
}

/** Channel (space, channel) at each index, as two arrays, for pairing two layouts. */
export function indexChannels(segments: readonly Segment[]): { space: Int32Array; channel: Int32Array } {
  const n = extentOf(segments);
  const space = new Int32Array(n);
  const channel = new Int32Array(n);
  forEachIndex(segments, (i, s, c) => {
    space[i] = s;
    channel[i] = c;
  });
  return { space, channel };
}
