/** Typed reads of node attributes, with ONNX defaults. */
import type { Attribute, Tensor } from '../onnx/types';

type WithAttributes = { attributes: readonly Attribute[] };

const find = (n: WithAttributes, name: string) => n.attributes.find((a) => a.name === name);

/** An INT attribute as a number (INT64_MAX becomes 2^63, which every clamp treats as "to the end"). */
export function attrInt(n: WithAttributes, name: string, fallback: number): number;
export function attrInt(n: WithAttributes, name: string): number | undefined;
export function attrInt(n: WithAttributes, name: string, fallback?: number): number | undefined {
  const a = find(n, name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

/** An INTS attribute as numbers; undefined when absent. */
export function attrInts(n: WithAttributes, name: string): number[] | undefined {
  const a = find(n, name);
  return a ? a.ints.map(Number) : undefined;
}

export function attrFloat(n: WithAttributes, name: string, fallback: number): number {
  return find(n, name)?.f ?? fallback;
}

export function attrFloats(n: WithAttributes, name: string): number[] | undefined {
  return find(n, name)?.floats;
}

export function attrString(n: WithAttributes, name: string, fallback: string): string {
  const s = find(n, name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
}

export function attrTensor(n: WithAttributes, name: string): Tensor | undefined {
  return find(n, name)?.t;
}

export function hasAttr(n: WithAttributes, name: string): boolean {
  return find(n, name) !== undefined;
}
