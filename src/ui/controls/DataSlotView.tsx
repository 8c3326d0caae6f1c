import { useRef, useState, type DragEvent } from 'react';
import { useStudio, type DataRole, type StudioStore } from '../../state';
import { formatCount } from '../format';
import { Field } from './Field';
import { PreprocessField } from './PreprocessField';
import { fromFiles, readDrop } from './read-drop';

const titles: Record<DataRole, string> = { calibration: 'Calibration set', evaluation: 'Evaluation set' };
const selectOpen = (s: StudioStore) => s.openDataset;
const selectSample = (s: StudioStore) => s.openSampleData;
const selectClear = (s: StudioStore) => s.clearDataset;

/**
 * One dataset slot: a drop zone (image folder or zip, IDX, .npy/.npz; images with masks or boxes),
 * pickers, preprocessing, status.
 */
export function DataSlotView({ role }: { role: DataRole }) {
  const slot = useStudio((s) => s.data[role]);
  const open = useStudio(selectOpen);
  const openSample = useStudio(selectSample);
  const clear = useStudio(selectClear);
  const [over, setOver] = useState(false);
  // Attached data that cannot feed the open model: the slot is marked and Run refuses with this sentence.
  const misfit = slot.dataset !== null && slot.preprocessError !== null;
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    // The window opens dropped models; a drop here is data.
    event.stopPropagation();
    setOver(false);
    void readDrop(event.dataTransfer).then(({ name, files }) => {
      if (files.length) void open(role, name, files);
    });
  };
  const onPick = (list: FileList | null) => {
    if (!list?.length) return;
    const { name, files } = fromFiles([...list]);
    void open(role, name, files);
  };

  return (
    <div
      className={`data-slot${misfit ? ' misfit' : ''}`}
      data-testid={`data-${role}`}
      data-fits={slot.dataset ? String(!misfit) : undefined}
    >
      <div
        className={`drop-zone${over ? ' over' : ''}${slot.dataset ? ' filled' : ''}`}
        data-testid={`drop-${role}`}
        onDragEnter={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <div className="drop-title">{titles[role]}</div>
        {slot.loading ? (
          <div className="muted small-text">Reading {slot.loading}…</div>
        ) : slot.dataset ? (
          <div className="dataset-info" data-testid={`dataset-${role}`}>
            <strong data-testid={`dataset-size-${role}`}>{formatCount(slot.dataset.size)}</strong> samples ·{' '}
            <span className="mono">{slot.dataset.name}</span>
            <div className="muted small-text">{slot.dataset.description}</div>
            {slot.dataset.targets && (
              <span className="badge" data-testid={`dataset-targets-${role}`}>
                {slot.dataset.targets === 'masks' ? 'masks' : 'boxes'}
              </span>
            )}
          </div>
        ) : (
          <div className="muted small-text">
            Drop an image folder or zip, IDX files or .npy/.npz here; images with a masks folder, or with COCO
            JSON, YOLO .txt or VOC .xml boxes, for segmentation and detection
          </div>
        )}
        <div className="drop-actions">
          <button type="button" className="button small" onClick={() => filesInput.current?.click()}>
            Files…
          </button>
          <button type="button" className="button small" onClick={() => folderInput.current?.click()}>
            Folder…
          </button>
          <button type="button" className="button small" onClick={() => void openSample(role)}>
            Sample data
          </button>
          {slot.dataset && (
            <button
              type="button"
              className="button small ghost"
              onClick={() => clear(role)}
              aria-label={`Clear the ${titles[role].toLowerCase()}`}
            >
              ✕
            </button>
          )}
        </div>
        <input
          ref={filesInput}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label={`${titles[role]} files`}
          onChange={(e) => {
            onPick(e.target.files);
            e.target.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label={`${titles[role]} folder`}
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            onPick(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {slot.error && (
        <div role="alert" className="inline-error" data-testid={`dataset-error-${role}`}>
          {slot.error.message}
        </div>
      )}
      <Field label="Preprocessing">{(id) => <PreprocessField id={id} role={role} />}</Field>
      {slot.preprocessError && (
        <div role="alert" className="inline-error" data-testid={`preprocess-error-${role}`}>
          {slot.preprocessError}
        </div>
      )}
      {slot.preprocessNote && <p className="field-hint">{slot.preprocessNote}</p>}
    </div>
  );
}
