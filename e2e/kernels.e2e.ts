/**
 * The shared kernel suite (tests/kernels/suite.ts) in headless Chromium: kernels-test.html runs every
 * case on the reference, WASM SIMD and WebGPU (SwiftShader) backends against the reference, and each
 * outcome becomes one test here. A backend the page cannot build is skipped with its probe's reason.
 * Where a backend hands a kernel to another (WebGPU's ridge solve and patch gathering run on its CPU
 * backend), the report says so and a test pins exactly which; the training kernels all run in WGSL.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BackendName } from '../src/kernels';
import type { BrowserSuiteReport } from '../tests/kernels/browser-page';
import { kernelCases } from '../tests/kernels/suite';
import { launchBrowser, type BrowserSession } from './browser';

const backends: BackendName[] = ['reference', 'wasm', 'webgpu'];

describe('kernels in Chromium', () => {
  let session: BrowserSession;
  let report: BrowserSuiteReport;

  beforeAll(async () => {
    session = await launchBrowser();
    const seed = process.env.KERNEL_SEED ? `?seed=${process.env.KERNEL_SEED}` : '';
    await session.page.goto(new URL(`kernels-test.html${seed}`, inject('baseUrl')).href);
    await session.page.waitForFunction(() => window.__kernelSuite?.done === true, undefined, {
      timeout: 170_000,
    });
    report = (await session.page.evaluate(() => window.__kernelSuite)) as BrowserSuiteReport;
    console.info(
      `browser kernel suite: seed ${report.seed}, adapter ${report.adapter ?? 'none'}, selected ${report.selected?.name}`,
    );
    await session.screenshot('kernels-suite');
  });

  afterAll(async () => {
    await session?.close();
  });

  it('ran without a page error', () => {
    expect(report.error).toBeUndefined();
    expect(session.pageErrors).toEqual([]);
    expect(session.foreignRequests()).toEqual([]);
  });

  it('probed WASM SIMD and WebGPU (SwiftShader) as available', () => {
    const available = Object.fromEntries(report.probes.map((p) => [p.name, p.available]));
    expect(available).toEqual({ reference: true, wasm: true, webgpu: true });
    expect(report.adapter).toMatch(/swiftshader|google/i);
  });

  it('selected the backend that measured fastest', () => {
    const timings = report.selected?.timings ?? {};
    const fastest = (Object.entries(timings) as [BackendName, number][]).sort((a, b) => a[1] - b[1])[0][0];
    expect(report.selected?.name).toBe(fastest);
  });

  it('runs on the GPU every kernel but the ridge solve and patch gathering, which it declares', () => {
    expect(report.delegated.reference).toEqual({});
    expect(report.delegated.wasm).toEqual({});
    expect(Object.keys(report.delegated.webgpu ?? {}).sort()).toEqual(['patchRows', 'ridgeSolve']);
    const onGpu = report.results.filter((r) => r.backend === 'webgpu' && r.implementation === 'webgpu');
    expect(onGpu.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'percentileRange from a histogram',
        'conv2dForward (+ bias)',
        'conv2dBackwardData',
        'conv2dBackwardFilter',
        'gemm in all four layouts, overwrite and accumulate',
        'channelSums',
        'sgdUpdate (momentum, Nesterov) and adamwUpdate over three steps',
        'batchNormForward and batchNormBackward by batch statistics',
        'activationForward and activationBackward (relu, leakyRelu, clip) with the kinks exact',
        'training engine: three SGD steps of a small CNN match the reference kernels',
      ]),
    );
    const ridge = report.results.find((r) => r.backend === 'webgpu' && r.name.startsWith('ridgeSolve'));
    expect(ridge?.implementation).toMatch(
      /^delegated \(ridgeSolve: Cholesky is a chain of dependent pivots: runs on wasm\)$/,
    );
  });

  describe.each(backends)('%s backend', (backend) => {
    for (const c of kernelCases) {
      it(c.name, (ctx) => {
        const result = report.results.find((r) => r.backend === backend && r.name === c.name);
        expect(result, `no result for ${backend} / ${c.name}`).toBeDefined();
        if (result?.status === 'skip') {
          console.info(`skipped ${backend} / ${c.name}: ${result.message}`);
          ctx.skip(`${backend} unavailable in this browser: ${result.message}`);
        }
        if (result?.implementation !== backend)
          console.info(`${backend} / ${c.name}: ${result?.implementation}`);
        expect(result?.status, `[${backend}, seed ${report.seed}] ${result?.message ?? ''}`).toBe('pass');
      });
    }
  });
});
