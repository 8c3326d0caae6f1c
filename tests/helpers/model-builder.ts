/**
 * A small builder for test models, shared by every module's tests.
 *
 *   const { model, bytes } = new ModelBuilder({ opset: 13, seed: 1 })
 *     .input('x', 'float32', ['N', 3, 8, 8])
 *     .initializer('w', [4, 3, 3, 3])                       // seeded random float32
 *     .node('Conv', ['x', 'w'], ['y'], { kernel_shape: [3, 3], pads: ints([1, 1, 1, 1]) })
 *     .node('LeakyRelu', ['y'], ['z'], { alpha: float(0.1) })
 *     .output('z', 'float32', ['N', 4, 8, 8])
 *     .build();
 *
 * Attribute values: an integer number → INT, other numbers → FLOAT, number[] of integers → INTS
 * (else FLOATS), string → STRING, string[] → STRINGS, Tensor → TENSOR, Graph → GRAPH; use
 * `int`/`ints`/`float`/`floats` to be explicit (a float that happens to be whole: `float(1)`).
 */
import {
  AttributeType,
  DataType,
  dataTypeName,
  emptyGraph,
  emptyModel,
  emptyNode,
  emptyValueInfo,
  encodeModel,
  makeAttribute,
  makeTensor,
  type Attribute,
  type AttributeValue,
  type Graph,
  type Model,
  type Tensor,
  type ValueInfo,
} from '../../src/core/onnx';

/** A dimension: a number for a fixed size, a string for a symbolic one (`'N'`). */
export type Dim = number | string;
/** A data type by enum or by its `dataTypeName` (`'float32'`, `'int64'`, …). */
export type DTypeSpec = DataType | string;

/** An explicitly typed attribute value, from `int`, `ints`, `float`, `floats`. */
export interface TypedAttr {
  readonly attrType: AttributeType;
  readonly value: AttributeValue;
}
export const int = (v: number | bigint): TypedAttr => ({ attrType: AttributeType.INT, value: BigInt(v) });
export const ints = (v: (number | bigint)[]): TypedAttr => ({
  attrType: AttributeType.INTS,
  value: v.map((x) => BigInt(x)),
});
export const float = (v: number): TypedAttr => ({ attrType: AttributeType.FLOAT, value: v });
export const floats = (v: number[]): TypedAttr => ({ attrType: AttributeType.FLOATS, value: v });

export type AttrInput =
  | number
  | number[]
  | bigint
  | bigint[]
  | string
  | string[]
  | Tensor
  | Tensor[]
  | Graph
  | Graph[]
  | Attribute
  | TypedAttr;

/** Mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function toDataType(d: DTypeSpec): DataType {
  if (typeof d === 'number') return d;
  for (let dt = 1; dt <= 26; dt++) if (dataTypeName(dt) === d) return dt;
  throw new Error(`Unknown data type name '${d}'.`);
}

/** A ValueInfo for a tensor of `dtype` and `shape` (omit shape for unknown rank). */
export function tensorValueInfo(name: string, dtype: DTypeSpec, shape?: Dim[]): ValueInfo {
  return emptyValueInfo({
    name,
    type: {
      denotation: '',
      tensorType: {
        elemType: toDataType(dtype),
        shape: shape && {
          dim: shape.map((d) =>
            typeof d === 'number' ? { dimValue: BigInt(d), denotation: '' } : { dimParam: d, denotation: '' },
          ),
        },
      },
    },
  });
}

function toAttribute(name: string, v: AttrInput): Attribute {
  if (typeof v === 'object' && 'attrType' in v) return makeAttribute(name, v.value, v.attrType);
  if (typeof v === 'object' && 'refAttrName' in v) return v;
  if (typeof v === 'number')
    return makeAttribute(name, v, Number.isInteger(v) ? AttributeType.INT : AttributeType.FLOAT);
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'number') {
    const allInts = (v as number[]).every((x) => Number.isInteger(x));
    return makeAttribute(name, v as number[], allInts ? AttributeType.INTS : AttributeType.FLOATS);
  }
  return makeAttribute(name, v as AttributeValue);
}

/** Options for a seeded random float32 initializer: uniform in [min, max). */
export interface RandomInit {
  min?: number;
  max?: number;
}

/** Builds one graph (the main graph, or a subgraph for If/Loop/Scan attributes). */
export class GraphBuilder {
  protected readonly g: Graph;
  protected readonly random: () => number;
  private nodeCount = 0;

  constructor(name = 'main', seed = 1) {
    this.g = emptyGraph({ name });
    this.random = seededRandom(seed);
  }

  input(name: string, dtype: DTypeSpec, shape?: Dim[]): this {
    this.g.input.push(tensorValueInfo(name, dtype, shape));
    return this;
  }

  output(name: string, dtype: DTypeSpec, shape?: Dim[]): this {
    this.g.output.push(tensorValueInfo(name, dtype, shape));
    return this;
  }

  valueInfo(name: string, dtype: DTypeSpec, shape?: Dim[]): this {
    this.g.valueInfo.push(tensorValueInfo(name, dtype, shape));
    return this;
  }

  /**
   * A float32 initializer: `data` if given, else seeded uniform values in ±1/√fan_in (fan_in = the
   * product of dims after the first; ±0.1 for rank ≤ 1), or in [min, max) when given.
   */
  initializer(name: string, dims: number[], data?: ArrayLike<number> | RandomInit): this {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    if (data && 'length' in data) values.set(data);
    else {
      const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
      const bound = dims.length <= 1 ? 0.1 : 1 / Math.sqrt(fanIn);
      const min = data?.min ?? -bound;
      const max = data?.max ?? bound;
      for (let i = 0; i < count; i++) values[i] = min + (max - min) * this.random();
    }
    this.g.initializer.push(makeTensor(name, DataType.FLOAT, dims, values));
    return this;
  }

  /** An initializer of any type, e.g. `makeTensor('shape', DataType.INT64, [2], new BigInt64Array([1n, -1n]))`. */
  tensor(t: Tensor): this {
    this.g.initializer.push(t);
    return this;
  }

  /** A node; its name defaults to `<opType>_<index>`. */
  node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, AttrInput> = {},
    opts: { name?: string; domain?: string } = {},
  ): this {
    this.g.node.push(
      emptyNode({
        opType,
        input: inputs,
        output: outputs,
        name: opts.name ?? `${opType}_${this.nodeCount}`,
        domain: opts.domain ?? '',
        attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
      }),
    );
    this.nodeCount++;
    return this;
  }

  graph(): Graph {
    return this.g;
  }
}

export interface ModelBuilderOptions {
  /** Default-domain opset version (13). */
  opset?: number;
  /** IR version (8). */
  irVersion?: number;
  /** Seed for random initializers (1). */
  seed?: number;
  /** Main graph name ('main'). */
  name?: string;
}

/** Builds a model around a main graph; `build()` returns it and its encoded bytes. */
export class ModelBuilder extends GraphBuilder {
  private readonly m: Model;

  constructor(opts: ModelBuilderOptions = {}) {
    super(opts.name ?? 'main', opts.seed ?? 1);
    this.m = emptyModel({
      irVersion: BigInt(opts.irVersion ?? 8),
      producerName: 'whittle-test',
      opsetImport: [{ domain: '', version: BigInt(opts.opset ?? 13) }],
    });
  }

  /** Imports another operator set (e.g. `com.microsoft`). */
  opset(domain: string, version: number): this {
    this.m.opsetImport.push({ domain, version: BigInt(version) });
    return this;
  }

  /** Direct access for fields the builder has no method for (functions, training info, metadata). */
  get model(): Model {
    return this.m;
  }

  build(): { model: Model; bytes: Uint8Array } {
    this.m.graph = this.g;
    return { model: this.m, bytes: encodeModel(this.m) };
  }
}
