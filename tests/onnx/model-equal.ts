/**
 * Structural equality for decoded models: typed arrays compare by type and bytes (fast enough for
 * 10 MB of weights, unlike a generic deep-equal), `undefined` fields equal missing ones.
 * Returns the path of the first difference, or undefined when equal.
 */
export function modelDifference(a: unknown, b: unknown, path = 'model'): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b)) return undefined;
  if (typeof a !== 'object' || a === null || b === null) return `${path}: ${String(a)} vs ${String(b)}`;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return `${path}: typed array vs other`;
    if (a.constructor !== b.constructor) return `${path}: ${a.constructor.name} vs ${b.constructor.name}`;
    const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return x.equals(y) ? undefined : `${path}: ${a.constructor.name} contents differ`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = modelDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    const d = modelDifference(ra[k], rb[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}
