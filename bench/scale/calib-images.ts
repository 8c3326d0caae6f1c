/**
 * A deterministic folder of natural-ish 224-px RGB images for the scale bench: smooth colour fields,
 * a few soft-edged shapes and grain, seeded — so calibration sees varied, image-like statistics
 * without any download. Written once per folder (reused when complete).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** Mulberry32: a small seeded generator, enough for test pictures. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function picture(size: number, seed: number): Buffer {
  const rnd = generator(seed);
  const png = new PNG({ width: size, height: size });
  const base = [0, 1, 2].map(() => [rnd() * 255, (rnd() - 0.5) * 200, (rnd() - 0.5) * 200]);
  const shapes = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => ({
    cx: rnd() * size,
    cy: rnd() * size,
    r: size * (0.08 + rnd() * 0.3),
    colour: [rnd() * 255, rnd() * 255, rnd() * 255],
  }));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const px: number[] = base.map(([c, gx, gy]) => c + gx * u + gy * v);
      for (const s of shapes) {
        const d = Math.hypot(x - s.cx, y - s.cy) / s.r;
        const w = 1 / (1 + Math.exp((d - 1) * 12));
        for (let c = 0; c < 3; c++) px[c] = px[c] * (1 - w) + s.colour[c] * w;
      }
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) png.data[o + c] = Math.max(0, Math.min(255, px[c] + (rnd() - 0.5) * 24));
      png.data[o + 3] = 255;
    }
  return PNG.sync.write(png);
}

/** Makes (or reuses) `count` images of `size` px in `dir`; returns `dir`. */
export function calibrationImages(dir: string, count = 256, size = 224): string {
  if (existsSync(dir) && readdirSync(dir).filter((f) => f.endsWith('.png')).length === count) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++)
    writeFileSync(join(dir, `img${String(i).padStart(4, '0')}.png`), picture(size, 1000 + i));
  return dir;
}
