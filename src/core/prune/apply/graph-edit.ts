// The graph and codec helpers the apply step uses, in one place.
import { AttributeType, makeAttribute, type Attribute } from '../../onnx';
export { attrInt, attrInts, inferShapes, type Graph, type GraphNode, type ShapeInference } from '../../graph';

/** An INT attribute. */
export function makeAttributeInt(name: string, value: number): Attribute {
  return makeAttribute(name, value, AttributeType.INT);
}

/** An INTS attribute. */
export function makeAttributeInts(name: string, values: number[]): Attribute {
  return makeAttribute(name, values, AttributeType.INTS);
}
