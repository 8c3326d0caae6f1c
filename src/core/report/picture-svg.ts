/**
 * One picture of predictions as a self-contained SVG: the image (with a segmentation class map blended
 * over it) as an embedded PNG, and detection boxes as rectangles labelled with class and score.
 */
import { encode as encodePng } from 'fast-png';
import {
  classColor,
  maskOverlay,
  type PicturePrediction,
  type SamplePicture,
  type TaskPictures,
} from '../tasks';
import { escapeHtml } from './escape';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 (core runs where neither `btoa` nor `Buffer` may be assumed). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** RGBA pixels as a `data:image/png;base64,…` URL. */
export function pngDataUrl(width: number, height: number, rgba: Uint8ClampedArray): string {
  const png = encodePng({
    width,
    height,
    data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length),
    channels: 4,
    depth: 8,
  });
  return `data:image/png;base64,${base64(png)}`;
}

/** `sample` with `prediction` drawn over it, `size` pixels wide (nearest-neighbour scaling keeps masks crisp). */
export function pictureSvg(
  pictures: TaskPictures,
  sample: SamplePicture,
  prediction: PicturePrediction,
  size = 192,
): string {
  const { width: w, height: h } = sample.image;
  const rgba =
    prediction.kind === 'mask'
      ? maskOverlay(sample.image, prediction.classes, pictures.background)
      : sample.image.rgba;
  const scale = size / w;
  const H = Math.round(h * scale);
  const boxes =
    prediction.kind === 'boxes'
      ? prediction.boxes
          .map((b) => {
            const color = classColor(b.label, false);
            const name = pictures.classNames[b.label] ?? String(b.label);
            const text = b.score < 1 ? `${name} ${b.score.toFixed(2)}` : name;
            const x = b.x1 * scale;
            const y = b.y1 * scale;
            return (
              `<g class="box"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${((b.x2 - b.x1) * scale).toFixed(1)}" height="${((b.y2 - b.y1) * scale).toFixed(1)}" fill="none" stroke="${color}" stroke-width="2"/>` +
              `<text x="${(x + 2).toFixed(1)}" y="${Math.max(10, y - 3).toFixed(1)}" font-size="10" fill="${color}" stroke="#000" stroke-width="0.3">${escapeHtml(text)}</text></g>`
            );
          })
          .join('')
      : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${H}" viewBox="0 0 ${size} ${H}">` +
    `<image width="${size}" height="${H}" style="image-rendering:pixelated" href="${pngDataUrl(w, h, rgba)}"/>${boxes}</svg>`
  );
}

/** A few samples, one row each: the annotation, then every stage's prediction. */
export function picturesSection(pictures: TaskPictures | undefined, samples = 3): string {
  if (!pictures?.samples.length) return '';
  const hasTruth = pictures.samples.some((s) => s.truth);
  const head = [...(hasTruth ? ['annotation'] : []), ...pictures.stages.map((s) => s.label)];
  const rows = pictures.samples.slice(0, samples).map((sample) => {
    const cells = [...(hasTruth ? [sample.truth] : []), ...sample.predictions].map(
      (p) => `<td>${p ? pictureSvg(pictures, sample, p) : '—'}</td>`,
    );
    return `<tr><th scope="row" class="sub">${escapeHtml(sample.path)}</th>${cells.join('')}</tr>`;
  });
  const what =
    pictures.task === 'segmentation'
      ? 'predicted classes over the image'
      : `boxes scoring ${pictures.minScore} or more, with class and score`;
  return `<section class="pictures"><h2>Predictions on ${Math.min(samples, pictures.samples.length)} samples (${what})</h2><table><thead><tr><th></th>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
