/** One line per attribute for the inspector: `kernel_shape = [3, 3]`, long lists and tensors shortened. */
import { AttributeType, type Attribute } from '../onnx';

const MAX_ITEMS = 8;

const list = (items: readonly (number | string)[]) =>
  `[${items.slice(0, MAX_ITEMS).join(', ')}${items.length > MAX_ITEMS ? `, … ${items.length} items` : ''}]`;

const decoder = new TextDecoder();

const float = (f: number) => (Number.isInteger(f) ? String(f) : f.toPrecision(4).replace(/0+$/, ''));

export function formatAttribute(a: Attribute): string {
  let value: string;
  switch (a.type) {
    case AttributeType.FLOAT:
      value = float(a.f ?? 0);
      break;
    case AttributeType.INT:
      value = String(a.i ?? 0n);
      break;
    case AttributeType.STRING:
      value = JSON.stringify(a.s ? decoder.decode(a.s) : '');
      break;
    case AttributeType.FLOATS:
      value = list(a.floats.map(float));
      break;
    case AttributeType.INTS:
      value = list(a.ints.map(String));
      break;
    case AttributeType.STRINGS:
      value = list(a.strings.map((s) => JSON.stringify(decoder.decode(s))));
      break;
    case AttributeType.TENSOR:
      value = `tensor [${a.t?.dims.join(', ') ?? ''}]`;
      break;
    case AttributeType.GRAPH:
      value = `graph (${a.g?.node.length ?? 0} nodes)`;
      break;
    default:
      value = a.refAttrName ? `@${a.refAttrName}` : '…';
  }
  return `${a.name} = ${value}`;
}
