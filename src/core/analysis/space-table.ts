/**
 * Channel spaces and the union-find that couples their channels.
 *
 * Every channel of every space is one element of a disjoint-set forest; a coupling rule (a join, a
 * concat's offsets, a depthwise conv) unions elements pairwise. A group is then a set of spaces whose
 * channels were unioned, and each of its prunable channels is one set of elements.
 */
import { extentOf, indexChannels, type Segment, type SpaceId } from './layout';
import type { BlockReason, GroupConstraint } from './types';

export interface SpaceInfo {
  size: number;
  /** Offset of channel 0 in the element arrays. */
  base: number;
  /** Channels a producer created here (0 for graph inputs and unknown-op outputs). */
  producerChannels: number;
  reasons: BlockReason[];
  constraints: GroupConstraint[];
}

export class SpaceTable {
  readonly spaces: SpaceInfo[] = [];
  private parent = new Int32Array(1024);
  private elements = 0;
  private readonly spaceParent: number[] = [];

  newSpace(size: number, producerChannels: number): SpaceId {
    const id = this.spaces.length;
    const base = this.elements;
    this.ensure(base + size);
    for (let i = 0; i < size; i++) this.parent[base + i] = base + i;
    this.elements += size;
    this.spaces.push({ size, base, producerChannels, reasons: [], constraints: [] });
    this.spaceParent.push(id);
    return id;
  }

  block(space: SpaceId, reason: BlockReason): void {
    const reasons = this.spaces[space].reasons;
    if (!reasons.some((r) => r.message === reason.message)) reasons.push(reason);
  }

  blockSegments(segments: readonly Segment[], reason: BlockReason): void {
    for (const s of segments) this.block(s.space, reason);
  }

  constrain(space: SpaceId, c: GroupConstraint): void {
    this.spaces[space].constraints.push(c);
  }

  element(space: SpaceId, channel: number): number {
    return this.spaces[space].base + channel;
  }

  /** Root element of `e`, with path halving. */
  find(e: number): number {
    const p = this.parent;
    while (p[e] !== e) {
      p[e] = p[p[e]];
      e = p[e];
    }
    return e;
  }

  unionChannels(a: SpaceId, ca: number, b: SpaceId, cb: number): void {
    const ra = this.find(this.element(a, ca));
    const rb = this.find(this.element(b, cb));
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
    this.unionSpaces(a, b);
  }

  /** Couples two layouts of equal extent index by index. Returns false when extents differ. */
  unionSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
    if (extentOf(a) !== extentOf(b)) return false;
    if (a.length === 1 && b.length === 1 && a[0].block === b[0].block) {
      const [sa, sb] = [a[0], b[0]];
      for (let c = 0; c < sa.length; c++) this.unionChannels(sa.space, sa.start + c, sb.space, sb.start + c);
      return true;
    }
    const ia = indexChannels(a);
    const ib = indexChannels(b);
    for (let i = 0; i < ia.space.length; i++)
      this.unionChannels(ia.space[i], ia.channel[i], ib.space[i], ib.channel[i]);
    return true;
  }

  /** Representative space of the group `space` belongs to. */
  spaceRoot(space: SpaceId): SpaceId {
    const p = this.spaceParent;
    while (p[space] !== space) {
      p[space] = p[p[space]];
      space = p[space];
    }
    return space;
  }

  private unionSpaces(a: SpaceId, b: SpaceId): void {
    const ra = this.spaceRoot(a);
    const rb = this.spaceRoot(b);
    if (ra !== rb) this.spaceParent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  private ensure(n: number): void {
    if (n <= this.parent.length) return;
    let size = this.parent.length;
    while (size < n) size *= 2;
    const next = new Int32Array(size);
    next.set(this.parent.subarray(0, this.elements));
    this.parent = next;
  }
}
