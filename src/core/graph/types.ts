/**
 * Types of the graph IR: values named by string, nodes with stable ids, shapes whose dims are numbers
 * or symbols.
 */
import type { Attribute, DataType, Node } from '../onnx/types';

/** Stable id of a node inside one {@link Graph}; never reused after the node is removed. */
export type NodeId = number & { readonly __brand: 'NodeId' };

/**
 * One dimension: a known size, or a symbol. Symbols are the model's own `dim_param`s (`'batch'`) or
 * ones this module derives (`'unk_3'`), whose definition the {@link SymbolTable} keeps so they can be
 * evaluated once the input symbols are bound.
 */
export type Dim = number | string;

/** Element type and shape of a tensor value; `shape` undefined means the rank is unknown. */
export interface TensorType {
  dtype: DataType;
  shape?: Dim[];
}

/** A node of the graph. Edit it through {@link Graph} methods so producers and consumers stay right. */
export interface GraphNode {
  readonly id: NodeId;
  opType: string;
  domain: string;
  name: string;
  /** Input value names; `''` marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  attributes: Attribute[];
  /** The decoded node this one came from: its doc string, metadata and unknown fields survive export. */
  readonly source?: Node;
}

/** What {@link Graph.addNode} takes. */
export interface NodeSpec {
  opType: string;
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
  source?: Node;
}

/** Where a value comes from. */
export type ValueSource =
  | { kind: 'input' }
  | { kind: 'initializer' }
  | { kind: 'node'; node: NodeId; index: number }
  | { kind: 'none' };

/** One use of a value: input `index` of `node`. */
export interface ValueUse {
  node: NodeId;
  index: number;
}
