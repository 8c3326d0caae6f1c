/**
 * Timings by what decides them — op, shapes, attributes, the runtime — not by node name: ResNet's
 * repeated blocks are timed once, and a second run (another ratio, the studio's next Run) times
 * nothing it has seen. Weights' values do not change a kernel's speed, so they are not in the key.
 */
import type { GraphNode } from '../graph';
import type { Attribute } from '../onnx';

export class ProfileCache {
  private readonly entries = new Map<string, number>();

  get(key: string): number | undefined {
    return this.entries.get(key);
  }

  set(key: string, ms: number): void {
    this.entries.set(key, ms);
  }

  get size(): number {
    return this.entries.size;
  }

  /** For saving between runs (the CLI's cache file, the studio's IndexedDB). */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries);
  }

  static fromJSON(json: Record<string, number>): ProfileCache {
    const c = new ProfileCache();
    for (const [k, v] of Object.entries(json)) if (typeof v === 'number' && v >= 0) c.set(k, v);
    return c;
  }
}

const attrText = (a: Attribute): string =>
  `${a.name}=${a.i ?? ''}${a.f ?? ''}${a.ints.join(',')}${a.floats.join(',')}${a.s ? new TextDecoder().decode(a.s) : ''}`;

/** The key of a node's timing: runtime, variant, op (and the op fused into it), attributes, shapes. */
export function timingKey(
  runtime: string,
  variant: string,
  nodes: readonly GraphNode[],
  shapes: readonly (readonly number[] | undefined)[],
): string {
  const ops = nodes.map(
    (n) =>
      `${n.opType}(${[...n.attributes]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(attrText)
        .join(';')})`,
  );
  return `${runtime}|${variant}|${ops.join('+')}|${shapes.map((s) => (s ? s.join('x') : '?')).join('/')}`;
}
