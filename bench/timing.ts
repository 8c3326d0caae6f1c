/**
 * Median wall time of each function over `runs` rounds, after `warmup` calls of each. The functions
 * run interleaved (one of each per round) so load from other processes hits them alike.
 */
export function interleavedMedians<K extends string>(
  fns: Record<K, () => unknown>,
  runs = 9,
  warmup = 3,
): Record<K, number> {
  const names = Object.keys(fns) as K[];
  const times = {} as Record<K, number[]>;
  for (const n of names) {
    for (let i = 0; i < warmup; i++) fns[n]();
    times[n] = [];
  }
  for (let i = 0; i < runs; i++) {
    for (const n of names) {
      const t0 = performance.now();
      fns[n]();
      times[n].push(performance.now() - t0);
    }
  }
  const out = {} as Record<K, number>;
  for (const n of names) out[n] = times[n].sort((a, b) => a - b)[runs >> 1];
  return out;
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [k, r] of cells.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
