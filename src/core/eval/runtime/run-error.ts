/**
 * onnxruntime's failures to run a model, in one sentence a person can act on. Its raw text ("Non-zero
 * status code returned while running Add node. Name:'p2o.Add.11' … BroadcastIterator … 7 by 8", "Got
 * invalid dimensions for input: x …") names neither what was fed nor what the model expects; this
 * keeps the node it names and adds the inputs fed against the shapes the model declares.
 */
import { ModelRunError } from '../errors';
import type { TensorData, ValueMeta } from '../types';

const shape = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

/** Problems of shape and type, which the inputs (not our code) cause. */
const INPUT_FAULT =
  /invalid dimensions|invalid rank|broadcast|by a dimension|shape mismatch|mismatch|incompatible dimensions|cannot reshape|input_shape_size|data type|missing in 'feeds'|does not match|out of range|not divisible|size of/i;

/**
 * A {@link ModelRunError} for `error` when it is a shape or type problem of the fed inputs; otherwise
 * `error` as it was (a failure that is not the inputs' fault is a bug to see, not a sentence to hide).
 */
export function translateRunError(
  error: unknown,
  feeds: Readonly<Record<string, TensorData>>,
  inputs: readonly ValueMeta[],
): unknown {
  const text = String((error as Error)?.message ?? error);
  if (!INPUT_FAULT.test(text)) return error;
  const fed = Object.entries(feeds)
    .map(([name, t]) => {
      const declared = inputs.find((i) => i.name === name);
      return `input '${name}' was fed ${shape(t.dims)}${declared?.shape.length ? `, the model declares ${shape(declared.shape)}` : ''}`;
    })
    .join('; ');
  const node = /running (\w+) node\.\s*Name:\s*'([^']*)'/.exec(text);
  const detail = reason(text);
  const where = node ? `at ${node[1]} node '${node[2]}'` : '';
  const bad = /invalid dimensions for input:\s*(\S+)/i.exec(text);
  const message = bad
    ? `Model input '${bad[1]}' was fed the wrong shape (${detail}): ${fed}.`
    : `The model cannot run on its inputs ${where}${detail ? ` (${detail})` : ''}: ${fed}.`;
  return new ModelRunError(message.replace(/\s+/g, ' '), { cause: error });
}

/** onnxruntime's own reason, without source paths and C++ signatures: `cannot broadcast 7 by 8`. */
function reason(text: string): string {
  const dims = /index:\s*(\d+)\s*Got:\s*(\d+)\s*Expected:\s*(\d+)/gi;
  const got = [...text.matchAll(dims)].map((m) => `axis ${m[1]} got ${m[2]}, expected ${m[3]}`);
  if (got.length) return got.join('; ');
  const broadcast = /broadcast[^.]*\.\s*(\d+)\s*by\s*(\d+)/i.exec(text);
  if (broadcast) return `operand sizes ${broadcast[1]} and ${broadcast[2]} cannot broadcast`;
  const status = /Status Message:\s*(.*)/s.exec(text)?.[1] ?? text;
  // Drop "/path/file.cc:123 void ns::Fn(args) " prefixes onnxruntime puts before its sentence.
  const plain = status
    .replace(/\S*\.(cc|h|cpp):\d+\s+/g, '')
    .replace(/^[\w:<>,\s*&]+\([^)]*\)\s*(const\s*)?/, '')
    .split('\n', 1)[0]
    .trim();
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}
