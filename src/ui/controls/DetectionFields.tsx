import { useRef } from 'react';
import { useStudio, type StudioStore, type TaskChoice } from '../../state';
import { Choice, Field, NumberField } from './Field';

const selectDetection = (s: StudioStore) => s.recipe.task.detection;
const selectTask = (s: StudioStore) => s.task;
const selectUpdate = (s: StudioStore) => s.updateDetection;
const selectSetPriors = (s: StudioStore) => s.setPriors;

const formats: { value: TaskChoice['detection']['format']; label: string }[] = [
  { value: 'auto', label: 'Guess from the outputs' },
  { value: 'yolo', label: 'YOLO [N, 4+C, A] (centre, size)' },
  { value: 'boxes-scores', label: 'Decoded boxes + scores' },
  { value: 'ssd', label: 'SSD offsets + logits (priors)' },
];

/** How detection outputs become boxes: decoder, SSD priors, score threshold, NMS IoU, detections kept. */
export function DetectionFields() {
  const detection = useStudio(selectDetection);
  const task = useStudio(selectTask);
  const update = useStudio(selectUpdate);
  const setPriors = useStudio(selectSetPriors);
  const priorsInput = useRef<HTMLInputElement>(null);
  const format = detection.format === 'auto' ? task.guess?.format : detection.format;
  return (
    <>
      <Field label="Decoder">
        {(id) => (
          <Choice
            id={id}
            value={detection.format}
            options={formats}
            onChange={(f) => update({ format: f })}
            testId="detection-format"
          />
        )}
      </Field>
      {(format === 'ssd' || detection.format === 'auto' || task.priors) && (
        <div className="field">
          <span className="field-label">Priors (.npy [A, 4], centre x/y, width, height)</span>
          <div className="drop-actions">
            <button type="button" className="button small" onClick={() => priorsInput.current?.click()}>
              {task.priors ? 'Replace…' : 'Priors file…'}
            </button>
            {task.priors && (
              <>
                <span className="mono small-text" data-testid="priors-name">
                  {task.priors.name} · {task.priors.anchors} anchors
                </span>
                <button
                  type="button"
                  className="button small ghost"
                  aria-label="Forget the priors"
                  onClick={() => void setPriors(null)}
                >
                  ✕
                </button>
              </>
            )}
          </div>
          <input
            ref={priorsInput}
            type="file"
            accept=".npy"
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Priors file"
            data-testid="priors-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void setPriors(file);
              e.target.value = '';
            }}
          />
          {task.priorsError && (
            <div role="alert" className="inline-error">
              {task.priorsError}
            </div>
          )}
        </div>
      )}
      <NumberField
        label="Score threshold"
        hint="Detections below it are dropped before NMS (COCO: 0.001)."
        value={detection.scoreThreshold}
        step={0.001}
        min={0}
        max={1}
        clampToRange
        testId="score-threshold"
        onChange={(scoreThreshold) => update({ scoreThreshold })}
      />
      <NumberField
        label="NMS IoU"
        value={detection.nmsIou}
        step={0.05}
        min={0.05}
        max={1}
        clampToRange
        testId="nms-iou"
        onChange={(nmsIou) => update({ nmsIou })}
      />
      <NumberField
        label="Max detections per image"
        value={detection.maxDetections}
        step={1}
        min={1}
        max={10000}
        integer
        clampToRange
        testId="max-detections"
        onChange={(maxDetections) => update({ maxDetections })}
      />
    </>
  );
}
