/** `whittle prune` end to end: plan summary, costs, a smaller model onnxruntime runs, JSON, errors. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { fixturePath, runCli } from '../cli/run-cli';
import { randomFeed, runGraph } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'whittle-prune-'));
const SPEC = '{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}';

describe('whittle prune', () => {
  it('--macs-target writes a smaller model and prints the plan with before/after costs', async () => {
    const out = join(dir, 'r8.onnx');
    const r = runCli('prune', fixturePath('fmnist-resnet8.onnx'), '--macs-target', '0.3', '--criterion', 'l2', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/uniform plan, criterion l2/);
    expect(r.stdout).toMatch(/MACs\s+9,345,920 → [\d,]+ \((3\d\.\d) % less\)/);
    expect(r.stdout).toMatch(/kept: The first convolution/);
    const graph = importModel(decodeModel(new Uint8Array(readFileSync(out))));
    const logits = await runGraph(graph, randomFeed('input', [2, 1, 28, 28], 1));
    expect(logits).toHaveLength(20);
  });

  it('--json with recovery and --mask-only: same shapes, JSON report', () => {
    const out = join(dir, 'masked.onnx');
    const r = runCli(
      'prune', fixturePath('fmnist-resnet8-bn.onnx'), '--ratio', '0.25', '--global', '--round-to', '2',
      '--recover', 'compensate,lsq,bn', '--calib', fixturePath('fmnist-calib'), '--calib-limit', '100',
      '--preprocess', SPEC, '--mask-only', '--json', '--out', out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.maskOnly).toBe(true);
    expect(report.recover).toEqual(['compensate', 'lsq', 'bn']);
    expect(report.plan.criterion).toBe('reconstruction');
    expect(report.plan.mode).toBe('global');
    expect(report.plan.prunedChannels).toBeGreaterThan(0);
    expect(report.after.macs).toBe(report.before.macs);
    for (const g of report.plan.groups) if (g.status === 'pruned') expect(g.keep % 2).toBe(0);
  });

  it('explains what is missing', () => {
    const noTarget = runCli('prune', fixturePath('fmnist-resnet8.onnx'), '--out', join(dir, 'x.onnx'));
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/exactly one of --ratio and --macs-target/);
    const noCalib = runCli('prune', fixturePath('fmnist-resnet8.onnx'), '--ratio', '0.2', '--recover', 'lsq', '--out', join(dir, 'x.onnx'));
    expect(noCalib.code).toBe(2);
    expect(noCalib.stderr).toMatch(/need --calib/);
    const bad = runCli('prune', fixturePath('fmnist-resnet8.onnx'), '--ratio', '1.5', '--out', join(dir, 'x.onnx'));
    expect(bad.stderr).toMatch(/--ratio must be a number in \[0, 1\)/);
  });
});
