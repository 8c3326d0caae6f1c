/**
 * A layered (Sugiyama-style) layout fast enough for thousands of boxes, in the spirit of
 * Gansner et al., "A Technique for Drawing Directed Graphs" (1993), with cheap phases:
 * 1. layers by longest path from the sources (sources then pulled down next to their first reader);
 * 2. virtual nodes on edges that skip layers, so crossings reduction sees them;
 * 3. a few barycenter sweeps (down, then up) to order each layer;
 * 4. x by averaging a left-packed and a right-packed placement around each node's barycenter,
 *    which keeps order and spacing, so chains come out straight.
 * Everything is typed arrays and sorts: about O((V + E) log V) per sweep.
 */

export interface LayeredInput {
  count: number;
  width: number;
  height: number;
  /** Edges as item index pairs; duplicates and back edges are tolerated. */
  edges: readonly (readonly [number, number])[];
}

export interface LayeredOutput {
  x: Float64Array;
  y: Float64Array;
  width: number;
  height: number;
}

const LAYER_GAP = 44;
const NODE_GAP = 36;
const VIRTUAL_WIDTH = 12;
/** Edges longer than this get no virtual nodes: they hardly change the order and would cost memory. */
const MAX_SPAN = 48;
const SWEEPS = 4;

/** Lays out `count` boxes of one size top to bottom; returns their top-left corners. */
export function layeredLayout(input: LayeredInput): LayeredOutput {
  const n = input.count;
  const succ = adjacency(n, input.edges, false);
  const pred = adjacency(n, input.edges, true);
  const layer = assignLayers(n, succ, pred);

  // Virtual nodes: ids n.. ; each long edge becomes a path through them.
  const vLayer: number[] = Array.from(layer);
  const vSucc: number[][] = succ.map((s) => [...s]);
  const vPred: number[][] = pred.map((p) => [...p]);
  for (let u = 0; u < n; u++) {
    const targets = succ[u];
    for (let k = 0; k < targets.length; k++) {
      const v = targets[k];
      const span = layer[v] - layer[u];
      if (span <= 1 || span > MAX_SPAN) continue;
      replace(vSucc[u], v, -1);
      replace(vPred[v], u, -1);
      let prev = u;
      for (let l = layer[u] + 1; l < layer[v]; l++) {
        const id = vLayer.length;
        vLayer.push(l);
        vSucc.push([]);
        vPred.push([prev]);
        if (prev === u) vSucc[u].push(id);
        else vSucc[prev].push(id);
        prev = id;
      }
      vSucc[prev].push(v);
      vPred[v].push(prev);
    }
  }
  for (const list of vSucc) removeMarks(list);
  for (const list of vPred) removeMarks(list);

  const total = vLayer.length;
  let layerCount = 0;
  for (let i = 0; i < total; i++) if (vLayer[i] + 1 > layerCount) layerCount = vLayer[i] + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let i = 0; i < total; i++) layers[vLayer[i]].push(i);

  const pos = new Float64Array(total);
  const indexInLayer = () => {
    for (const row of layers) for (let k = 0; k < row.length; k++) pos[row[k]] = k;
  };
  indexInLayer();
  const key = new Float64Array(total);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const from = down ? 1 : layerCount - 2;
    const step = down ? 1 : -1;
    for (let l = from; l >= 0 && l < layerCount; l += step) {
      const row = layers[l];
      for (const v of row) key[v] = barycenter(down ? vPred[v] : vSucc[v], pos, pos[v]);
      row.sort((a, b) => key[a] - key[b] || pos[a] - pos[b]);
      for (let k = 0; k < row.length; k++) pos[row[k]] = k;
    }
  }

  const widthOf = (v: number) => (v < n ? input.width : VIRTUAL_WIDTH);
  const centre = new Float64Array(total);
  for (const row of layers) {
    let x = 0;
    for (const v of row) {
      centre[v] = x + widthOf(v) / 2;
      x += widthOf(v) + NODE_GAP;
    }
  }
  for (let round = 0; round < 4; round++) {
    const down = round % 2 === 0;
    const from = down ? 1 : layerCount - 2;
    const step = down ? 1 : -1;
    for (let l = from; l >= 0 && l < layerCount; l += step) {
      place(layers[l], down ? vPred : vSucc, centre, widthOf);
    }
  }

  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < n; v++) {
    minX = Math.min(minX, centre[v] - input.width / 2);
    maxX = Math.max(maxX, centre[v] + input.width / 2);
  }
  if (n === 0) minX = maxX = 0;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    x[v] = centre[v] - input.width / 2 - minX;
    y[v] = layer[v] * (input.height + LAYER_GAP);
  }
  return { x, y, width: maxX - minX, height: layerCount * (input.height + LAYER_GAP) - LAYER_GAP };
}

function adjacency(n: number, edges: LayeredInput['edges'], reverse: boolean): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    if (a === b) continue;
    const [from, to] = reverse ? [b, a] : [a, b];
    if (!out[from].includes(to)) out[from].push(to);
  }
  return out;
}

/** Longest path from the sources, ignoring edges that close a cycle; sources then sit just above their nearest reader. */
function assignLayers(n: number, succ: number[][], pred: number[][]): Int32Array {
  const indegree = new Int32Array(n);
  for (let v = 0; v < n; v++) indegree[v] = pred[v].length;
  const layer = new Int32Array(n);
  const order: number[] = [];
  const done = new Uint8Array(n);
  let next = 0;
  // Items arrive in graph order, so when a cycle stalls Kahn's queue the first unplaced one breaks it.
  for (let guard = 0; order.length < n && guard <= n; guard++) {
    const queue: number[] = [];
    while (next < n && done[next]) next++;
    // Only once the queue has stalled (a cycle): the first pass starts from the true sources.
    if (guard > 0 && next < n && indegree[next] > 0) indegree[next] = 0;
    for (let v = 0; v < n; v++) {
      if (done[v] || indegree[v] !== 0) continue;
      queue.push(v);
      done[v] = 1;
    }
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head];
      order.push(u);
      for (const v of succ[u]) {
        if (done[v]) continue;
        if (layer[u] + 1 > layer[v]) layer[v] = layer[u] + 1;
        if (--indegree[v] === 0) {
          done[v] = 1;
          queue.push(v);
        }
      }
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const u = order[i];
    if (pred[u].length > 0 || succ[u].length === 0) continue;
    let nearest = Infinity;
    for (const v of succ[u]) if (layer[v] > layer[u]) nearest = Math.min(nearest, layer[v]);
    if (Number.isFinite(nearest)) layer[u] = nearest - 1;
  }
  return layer;
}

function barycenter(neighbours: readonly number[], pos: Float64Array, fallback: number): number {
  if (neighbours.length === 0) return fallback;
  let sum = 0;
  for (const u of neighbours) sum += pos[u];
  return sum / neighbours.length;
}

/** Moves a layer towards its neighbours' centres while keeping its order and spacing. */
function place(
  row: readonly number[],
  neighbours: readonly number[][],
  centre: Float64Array,
  widthOf: (v: number) => number,
): void {
  const m = row.length;
  if (m === 0) return;
  const want = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const list = neighbours[row[k]];
    want[k] = list.length ? barycenter(list, centre, 0) : centre[row[k]];
  }
  const gap = (k: number) => (widthOf(row[k]) + widthOf(row[k + 1])) / 2 + NODE_GAP;
  const left = new Float64Array(m);
  const right = new Float64Array(m);
  left[0] = want[0];
  for (let k = 1; k < m; k++) left[k] = Math.max(want[k], left[k - 1] + gap(k - 1));
  right[m - 1] = want[m - 1];
  for (let k = m - 2; k >= 0; k--) right[k] = Math.min(want[k], right[k + 1] - gap(k));
  for (let k = 0; k < m; k++) centre[row[k]] = (left[k] + right[k]) / 2;
}

function replace(list: number[], value: number, by: number): void {
  const i = list.indexOf(value);
  if (i >= 0) list[i] = by;
}

function removeMarks(list: number[]): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) if (list[r] >= 0) list[w++] = list[r];
  list.length = w;
}
