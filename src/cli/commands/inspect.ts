/** `whittle inspect MODEL.onnx [--json] [--data-dir DIR] [--input-size HxW]`: what is in a model, and what it costs. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeChannels } from '../../core/analysis';
import { importModel } from '../../core/graph';
import { inspectModel } from '../../core/inspect';
import { decodeModel } from '../../core/onnx';
import { defineCommand } from '../command';
import { externalDataFrom } from '../external-data';
import { formatGroups } from '../format-groups';
import { formatSummary } from '../format-summary';
import { INPUT_SIZE_OPTION } from '../input-size';

export const { summary, run } = defineCommand({
  name: 'inspect',
  summary: 'shapes, opsets, op histogram, parameters and MACs of an ONNX model',
  usage: `Usage: whittle inspect MODEL.onnx [--groups] [--json] [--data-dir DIR] [--input-size HxW]

  --groups         list the filter-pruning groups (coupled channels), with prunability and reasons
  --json           print the summary as JSON
  --data-dir DIR   folder holding the model's external data files (default: the model's folder)
${INPUT_SIZE_OPTION.usage}`,
  options: {
    json: { type: 'boolean' },
    groups: { type: 'boolean' },
    'data-dir': { type: 'string' },
    'input-size': { type: 'string' },
  },
  async run({ values, one, fail }) {
    const imageSize = INPUT_SIZE_OPTION.parse(values['input-size'], fail);
    const path = one('MODEL.onnx path');
    const bytes = new Uint8Array(await readFile(path));
    const external = externalDataFrom(path, values['data-dir']);
    if (values.groups) {
      const analysis = analyzeChannels(importModel(decodeModel(bytes, external)));
      console.log(values.json ? JSON.stringify(analysis, null, 2) : formatGroups(analysis));
      return 0;
    }
    const result = inspectModel(bytes, external, { imageSize });
    console.log(values.json ? JSON.stringify(result, null, 2) : formatSummary(result, basename(path)));
    return 0;
  },
});
