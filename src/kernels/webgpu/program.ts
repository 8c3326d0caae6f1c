/// <reference types="@webgpu/types" />
// One shape for every WGSL program — validate inputs → output shape → {cacheKey, workgroupSize,
// dispatch, source} — and one runner that caches pipelines by cacheKey.

export interface Program {
  /** Identifies the compiled pipeline: same key, same source. */
  cacheKey: string;
  workgroupSize: number;
  /** Workgroup counts (x, y). */
  dispatch: [number, number];
  source: string;
}

let debug = false;
/** Prints every WGSL program's source the first time it is compiled. */
export function setWebGpuDebug(on: boolean): void {
  debug = on;
}

/** Largest x extent of a dispatch; bigger grids wrap into y. */
export const MAX_GROUPS_X = 65535;

/** Splits `groups` workgroups into an (x, y) grid within the per-dimension limit. */
export function grid(groups: number): [number, number] {
  const x = Math.min(Math.max(groups, 1), MAX_GROUPS_X);
  return [x, Math.ceil(Math.max(groups, 1) / x)];
}

export class Runner {
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(readonly device: GPUDevice) {}

  pipeline(program: Program): GPUComputePipeline {
    let p = this.pipelines.get(program.cacheKey);
    if (!p) {
      if (debug) console.debug(`[webgpu] ${program.cacheKey}\n${program.source}`);
      const module = this.device.createShaderModule({ code: program.source });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(program.cacheKey, p);
    }
    return p;
  }

  /** Buffer from data (storage + copy both ways); sizes round up to 4 bytes. */
  upload(data: ArrayBufferView, usage = GPUBufferUsage.STORAGE): GPUBuffer {
    const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
    const buffer = this.device.createBuffer({
      size,
      usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    buffer.unmap();
    return buffer;
  }

  empty(bytes: number): GPUBuffer {
    return this.device.createBuffer({
      size: Math.max(4, Math.ceil(bytes / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  uniform(values: ArrayLike<number>, types: string): GPUBuffer {
    // types: one letter per value, 'u' u32, 'i' i32, 'f' f32 (WGSL struct of scalars).
    const bytes = new ArrayBuffer(Math.max(16, Math.ceil((values.length * 4) / 16) * 16));
    const view = new DataView(bytes);
    for (let i = 0; i < values.length; i++) {
      if (types[i] === 'f') view.setFloat32(i * 4, values[i], true);
      else if (types[i] === 'i') view.setInt32(i * 4, values[i], true);
      else view.setUint32(i * 4, values[i], true);
    }
    return this.upload(new Uint8Array(bytes), GPUBufferUsage.UNIFORM);
  }

  /** Encodes one dispatch with `buffers` bound at @binding(0..n) of group 0. */
  run(program: Program, buffers: GPUBuffer[]): void {
    const pipeline = this.pipeline(program);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(program.dispatch[0], program.dispatch[1]);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Copies `bytes` of a buffer back to the CPU. */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return copy;
  }
}

/** Destroys buffers once a kernel is done with them. */
export function release(...buffers: GPUBuffer[]): void {
  for (const b of buffers) b.destroy();
}
