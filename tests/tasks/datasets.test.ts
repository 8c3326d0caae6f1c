/** Segmentation and detection datasets in every supported format open to the same targets. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memoryFileSource, type BoxTargets, type Dataset, type MaskTargets } from '../../src/core/eval';
import { nodeDirectorySource, nodeImageDecoder } from '../../src/core/eval/node';
import { openTaskDataset } from '../../src/core/tasks';
import { encodeNpy, FIXTURES } from '../eval/helpers';

const TEST = join(FIXTURES, 'tasks', 'test');
const decoder = nodeImageDecoder;
const read = (p: string) => new Uint8Array(readFileSync(p));

async function masks(d: Dataset, count: number) {
  return (d.targets as MaskTargets).read(0, count);
}

describe('segmentation datasets', () => {
  it('pairs images with palette PNG masks by file name; indices, not colours', async () => {
    const d = await openTaskDataset(nodeDirectorySource(TEST), { decoder });
    expect(d.size).toBe(400);
    expect(d.description).toMatch(/with 400 PNG masks/);
    const [m] = await masks(d, 1);
    expect([m.width, m.height]).toEqual([96, 96]);
    const values = new Set(m.data);
    expect(values.has(0)).toBe(true);
    expect(Math.max(...values)).toBeLessThanOrEqual(10);
  });

  it('reads the same masks from .npy pairs, a .npz and a .zip', async () => {
    const folder = await openTaskDataset(nodeDirectorySource(TEST), { decoder });
    const first = await masks(folder, 4);
    const images = await folder.read(0, 4);
    const x = new Uint8Array(4 * 96 * 96);
    const y = new Uint8Array(4 * 96 * 96);
    images.forEach((s, i) => {
      if (s.kind !== 'image') throw new Error('image expected');
      for (let p = 0; p < 96 * 96; p++) x[i * 9216 + p] = s.image.data[p * s.image.channels];
    });
    first.forEach((m, i) => y.set(m.data, i * 9216));
    const npyX = encodeNpy('|u1', [4, 96, 96], x);
    const npyY = encodeNpy('|u1', [4, 96, 96], y);
    const pairs = await openTaskDataset(memoryFileSource('pairs', { 'images.npy': npyX, 'masks.npy': npyY }));
    const npz = await openTaskDataset(
      memoryFileSource('set', { 'set.npz': zipSync({ 'x.npy': npyX, 'masks.npy': npyY }) }),
    );
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(join(TEST, 'images')).slice(0, 4)) {
      files[`images/${f}`] = read(join(TEST, 'images', f));
      files[`masks/${f}`] = read(join(TEST, 'masks', f));
    }
    const zip = await openTaskDataset(memoryFileSource('z', { 'set.zip': zipSync(files) }), { decoder });
    for (const d of [pairs, npz, zip]) {
      const got = await masks(d, 4);
      got.forEach((m, i) => expect(Array.from(m.data)).toEqual(Array.from(first[i].data)));
    }
  });

  it('names an image without a mask', async () => {
    const files = {
      'images/a.png': read(join(TEST, 'images', '0000.png')),
      'images/b.png': read(join(TEST, 'images', '0001.png')),
      'masks/a.png': read(join(TEST, 'masks', '0000.png')),
    };
    await expect(openTaskDataset(memoryFileSource('s', files), { decoder })).rejects.toThrow(
      /images\/b.png has no mask/,
    );
  });
});

describe('detection datasets', () => {
  const pick = (names: (f: string) => boolean) => {
    const files: Record<string, Uint8Array> = {};
    for (const sub of ['images', 'labels', 'annotations'])
      for (const f of readdirSync(join(TEST, sub)))
        if (names(`${sub}/${f}`)) files[`${sub}/${f}`] = read(join(TEST, sub, f));
    return files;
  };

  it('reads the same boxes from COCO JSON, YOLO txt and Pascal VOC XML', async () => {
    const classes = read(join(TEST, 'classes.txt'));
    const coco = await openTaskDataset(nodeDirectorySource(TEST), { decoder, task: 'detection' });
    const yolo = await openTaskDataset(
      memoryFileSource('y', { ...pick((f) => !f.startsWith('annotations')), 'classes.txt': classes }),
      { decoder },
    );
    const voc = await openTaskDataset(
      memoryFileSource('v', { ...pick((f) => !f.startsWith('labels')), 'classes.txt': classes }),
      { decoder },
    );
    expect(coco.description).toMatch(/1215 boxes \(COCO JSON\), 10 classes/);
    expect(yolo.description).toMatch(/YOLO txt/);
    expect(voc.description).toMatch(/Pascal VOC XML/);
    expect(yolo.classNames).toEqual(coco.classNames);
    expect(voc.classNames).toEqual(coco.classNames);
    const boxes = (d: Dataset) => (d.targets as BoxTargets).images;
    const a = boxes(coco);
    for (const other of [boxes(yolo), boxes(voc)]) {
      expect(other.length).toBe(400);
      other.forEach((im, i) => {
        expect(im.boxes.length).toBe(a[i].boxes.length);
        im.boxes.forEach((b, k) => {
          const c = a[i].boxes[k];
          expect(b.label).toBe(c.label);
          for (const key of ['x1', 'y1', 'x2', 'y2'] as const) expect(b[key]).toBeCloseTo(c[key], 3);
        });
      });
    }
  });
});
