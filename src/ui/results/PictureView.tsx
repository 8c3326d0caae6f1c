import { useEffect, useRef } from 'react';
import {
  classColor,
  maskOverlay,
  type PicturePrediction,
  type SamplePicture,
  type TaskPictures,
} from '../../core/tasks';

const SIZE = 168;

/**
 * One sample with one prediction: the image on a canvas (a segmentation's classes blended over it),
 * detection boxes as SVG rectangles labelled with class and score.
 */
export function PictureView({
  pictures,
  sample,
  prediction,
  caption,
}: {
  pictures: TaskPictures;
  sample: SamplePicture;
  prediction: PicturePrediction;
  caption: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { width, height } = sample.image;
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const rgba =
      prediction.kind === 'mask'
        ? maskOverlay(sample.image, prediction.classes, pictures.background)
        : sample.image.rgba;
    context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  }, [pictures, sample, prediction, width, height]);
  const scale = SIZE / width;
  return (
    <figure className="picture" data-testid="picture" data-kind={prediction.kind}>
      <div className="picture-frame" style={{ width: SIZE, height: height * scale }}>
        <canvas ref={canvas} width={width} height={height} data-testid="picture-canvas" />
        {prediction.kind === 'boxes' && (
          <svg width={SIZE} height={height * scale} aria-label={`${prediction.boxes.length} boxes`}>
            {prediction.boxes.map((b, i) => {
              const name = pictures.classNames[b.label] ?? String(b.label);
              const color = classColor(b.label, false);
              return (
                <g key={i} data-testid="picture-box">
                  <rect
                    x={b.x1 * scale}
                    y={b.y1 * scale}
                    width={(b.x2 - b.x1) * scale}
                    height={(b.y2 - b.y1) * scale}
                    fill="none"
                    stroke={color}
                    strokeWidth={2}
                  />
                  <text x={b.x1 * scale + 2} y={Math.max(10, b.y1 * scale - 3)} fill={color}>
                    {b.score < 1 ? `${name} ${b.score.toFixed(2)}` : name}
                  </text>
                </g>
              );
            })}
          </svg>
        )}
      </div>
      <figcaption className="small-text">{caption}</figcaption>
    </figure>
  );
}
