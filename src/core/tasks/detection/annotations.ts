import { XMLParser } from 'fast-xml-parser';
import {
  DatasetError,
  imageFolderDataset,
  type Dataset,
  type FileSource,
  type GroundTruthBox,
  type ImageBoxes,
  type ImageDecoder,
} from '../../eval';

const ext = (p: string) => (p.includes('.') ? p.slice(p.lastIndexOf('.') + 1).toLowerCase() : '');
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const stem = (p: string) => (base(p).includes('.') ? base(p).slice(0, base(p).lastIndexOf('.')) : base(p));
const CLASS_FILES = /^(classes|names|obj\.names|labels)\.(txt|names)$/i;

/**
 * Images with detection annotations: a COCO JSON (`images`, `annotations`, `categories`), YOLO `.txt`
 * files (`class cx cy w h`, normalised, one file per image, class names from `classes.txt`), or Pascal
 * VOC `.xml` files (one per image). Returns undefined when no annotation files are there.
 */
export async function openDetectionDataset(
  source: FileSource,
  files: readonly string[],
  images: readonly string[],
  decoder: ImageDecoder,
): Promise<Dataset | undefined> {
  const json = files.filter((f) => ext(f) === 'json');
  const xml = files.filter((f) => ext(f) === 'xml');
  const classFile = files.find((f) => CLASS_FILES.test(base(f)));
  const txt = files.filter((f) => ext(f) === 'txt' && f !== classFile);
  if (images.length === 0 || (json.length !== 1 && xml.length === 0 && txt.length === 0)) return undefined;
  const text = async (p: string) => new TextDecoder().decode(await source.read(p));
  const classNames = classFile
    ? (await text(classFile))
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    : undefined;
  let boxes: { images: ImageBoxes[]; classNames: string[]; format: string };
  if (json.length === 1) boxes = { ...coco(json[0], await text(json[0]), images), format: 'COCO JSON' };
  else if (xml.length > 0)
    boxes = { ...(await voc(xml, text, images, classNames)), format: 'Pascal VOC XML' };
  else boxes = { ...(await yolo(txt, text, images, classNames, source, decoder)), format: 'YOLO txt' };
  const only: FileSource = {
    name: source.name,
    list: async () => images.map((path) => ({ path })),
    read: source.read,
  };
  const dataset = await imageFolderDataset(only, decoder);
  const objects = boxes.images.reduce((a, b) => a + b.boxes.length, 0);
  return {
    ...dataset,
    description: `${dataset.description.replace(/, unlabelled$/, '')}, ${objects} boxes (${boxes.format}), ${boxes.classNames.length} classes`,
    classNames: boxes.classNames,
    targets: { kind: 'boxes', images: boxes.images },
  };
}

interface CocoFile {
  images?: { id: number; file_name: string; width: number; height: number }[];
  annotations?: { image_id: number; category_id: number; bbox: number[]; area?: number; iscrowd?: number }[];
  categories?: { id: number; name: string }[];
}

function coco(path: string, text: string, images: readonly string[]) {
  let file: CocoFile;
  try {
    file = JSON.parse(text) as CocoFile;
  } catch (e) {
    throw new DatasetError(path, `${path} is not valid JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(file.images) || !Array.isArray(file.annotations) || !Array.isArray(file.categories))
    throw new DatasetError(path, `${path} is not COCO JSON: it needs images, annotations and categories.`);
  const categories = [...file.categories].sort((a, b) => a.id - b.id);
  const labelOf = new Map(categories.map((c, i) => [c.id, i]));
  const byName = new Map(file.images.map((im) => [base(im.file_name), im]));
  const byId = new Map<number, GroundTruthBox[]>();
  for (const a of file.annotations) {
    const label = labelOf.get(a.category_id);
    if (label === undefined)
      throw new DatasetError(
        path,
        `${path}: an annotation names category ${a.category_id}, which is not listed.`,
      );
    const [x, y, w, h] = a.bbox;
    const list = byId.get(a.image_id) ?? [];
    list.push({ x1: x, y1: y, x2: x + w, y2: y + h, label, ignore: a.iscrowd === 1, area: a.area ?? w * h });
    byId.set(a.image_id, list);
  }
  return {
    classNames: categories.map((c) => c.name),
    images: images.map((p): ImageBoxes => {
      const im = byName.get(base(p));
      if (!im) throw new DatasetError(p, `${p} is not listed in ${path}.`);
      return { width: im.width, height: im.height, boxes: byId.get(im.id) ?? [] };
    }),
  };
}

async function voc(
  xml: readonly string[],
  text: (p: string) => Promise<string>,
  images: readonly string[],
  classNames: string[] | undefined,
) {
  const parser = new XMLParser({ isArray: (name) => name === 'object' });
  const byStem = new Map(xml.map((x) => [stem(x), x]));
  type VocObject = {
    name: string;
    difficult?: number;
    bndbox: Record<'xmin' | 'ymin' | 'xmax' | 'ymax', number>;
  };
  const parsed = await Promise.all(
    images.map(async (p) => {
      const file = byStem.get(stem(p));
      if (!file) return { width: 0, height: 0, objects: [] as VocObject[] };
      const doc = parser.parse(await text(file)) as {
        annotation?: { size?: { width: number; height: number }; object?: VocObject[] };
      };
      const a = doc.annotation;
      if (!a?.size || !a.object?.every((o) => o.bndbox && o.name !== undefined))
        throw new DatasetError(
          file,
          `${file} is not a Pascal VOC annotation (annotation/size, object/bndbox).`,
        );
      return { width: Number(a.size.width), height: Number(a.size.height), objects: a.object ?? [] };
    }),
  );
  const names =
    classNames ?? [...new Set(parsed.flatMap((p) => p.objects.map((o) => String(o.name))))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  return {
    classNames: names,
    images: parsed.map((p, k): ImageBoxes => ({
      width: p.width,
      height: p.height,
      boxes: p.objects.map((o) => {
        const label = index.get(String(o.name));
        if (label === undefined)
          throw new DatasetError(images[k], `${images[k]}: class "${o.name}" is not in the class list.`);
        // VOC corners are 1-based and inclusive: pixel edges are (xmin − 1, xmax).
        const b = o.bndbox;
        return {
          x1: b.xmin - 1,
          y1: b.ymin - 1,
          x2: +b.xmax,
          y2: +b.ymax,
          label,
          ignore: Number(o.difficult) === 1,
        };
      }),
    })),
  };
}

async function yolo(
  txt: readonly string[],
  text: (p: string) => Promise<string>,
  images: readonly string[],
  classNames: string[] | undefined,
  source: FileSource,
  decoder: ImageDecoder,
) {
  const byStem = new Map(txt.map((t) => [stem(t), t]));
  let maxLabel = -1;
  const list = await Promise.all(
    images.map(async (p): Promise<ImageBoxes> => {
      // YOLO boxes are relative to the image size, which only the image itself tells.
      const { width, height } = await decoder.decode(await source.read(p), p);
      const file = byStem.get(stem(p));
      const lines = file ? (await text(file)).split(/\r?\n/).filter((l) => l.trim()) : [];
      const boxes = lines.map((line, i) => {
        const v = line.trim().split(/\s+/).map(Number);
        if (v.length < 5 || v.some((x) => !Number.isFinite(x)) || !Number.isInteger(v[0]) || v[0] < 0)
          throw new DatasetError(file as string, `${file} line ${i + 1} is not "class cx cy w h".`);
        const [label, cx, cy, w, h] = v;
        maxLabel = Math.max(maxLabel, label);
        return {
          x1: (cx - w / 2) * width,
          y1: (cy - h / 2) * height,
          x2: (cx + w / 2) * width,
          y2: (cy + h / 2) * height,
          label,
        };
      });
      return { width, height, boxes };
    }),
  );
  return {
    classNames: classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i)),
    images: list,
  };
}
