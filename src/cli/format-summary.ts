import type { ModelSummary } from '../core/inspect';
import { compactShape } from '../core/graph';

/** Why MACs are unknown and what to pass, in one sentence. */
function unknownCost(summary: ModelSummary): string {
  const inputs = summary.symbolicInputs.map((t) => `'${t.name}' ${compactShape(t.shape)}`).join(', ');
  return inputs
    ? `unknown: they depend on the size of input ${inputs}; pass --input-size HxW to count them`
    : 'unknown: some shapes depend on the data';
}

const count = new Intl.NumberFormat('en-US');

/** The human-readable form of `whittle inspect`: aligned label/value rows, then the op histogram. */
export function formatSummary(summary: ModelSummary, fileName: string): string {
  const shape = (s: (number | string)[]) => `[${s.join(', ')}]`;
  const nameWidth = Math.max(0, ...[...summary.inputs, ...summary.outputs].map((t) => t.name.length));
  const tensors = (list: ModelSummary['inputs']) =>
    list.map((t) => `${t.name.padEnd(nameWidth)}  ${t.dtype} ${shape(t.shape)}`);
  const at = summary.costInputShapes
    ? `, ${Object.entries(summary.costInputShapes)
        .map(([name, s]) => `${name} ${shape(s)}`)
        .join(', ')}`
    : '';
  const rows: [string, string[]][] = [
    ['Model', [summary.name || '(unnamed)']],
    [
      'File',
      [summary.fileBytes === undefined ? fileName : `${fileName} (${count.format(summary.fileBytes)} bytes)`],
    ],
    ['IR version', [String(summary.irVersion)]],
    ['Producer', [summary.producer || '(unknown)']],
    ['Opsets', [summary.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')]],
    ['Inputs', tensors(summary.inputs)],
    ['Outputs', tensors(summary.outputs)],
    ['Nodes', [count.format(summary.nodeCount)]],
    ['Parameters', [count.format(summary.parameters)]],
    ['MACs', [summary.macs === null ? unknownCost(summary) : `${count.format(summary.macs)} (batch 1${at})`]],
    [
      'Other ops',
      [
        summary.otherOps === null
          ? 'unknown'
          : `${count.format(summary.otherOps)} element operations (batch 1${at})`,
      ],
    ],
    ['Weights', [`${count.format(summary.initializerBytes)} bytes`]],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines: string[] = [];
  for (const [label, values] of rows) {
    (values.length ? values : ['(none)']).forEach((value, i) =>
      lines.push(`${(i === 0 ? label : '').padEnd(labelWidth)}${value}`),
    );
  }
  lines.push('', 'Op histogram');
  const opWidth = Math.max(0, ...summary.opHistogram.map((e) => e.op.length));
  const countWidth = Math.max(0, ...summary.opHistogram.map((e) => count.format(e.count).length));
  for (const { op, count: n } of summary.opHistogram) {
    lines.push(`  ${op.padEnd(opWidth)}  ${count.format(n).padStart(countWidth)}`);
  }
  return lines.join('\n');
}
