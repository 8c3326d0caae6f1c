import { useRef, type ChangeEvent } from 'react';

/** A real button that opens a hidden file input, so it looks like the other controls and keeps focus styles. */
export function OpenModelButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    // Reset so choosing the same file again still fires a change.
    event.target.value = '';
    if (files.length) onFiles(files);
  };
  return (
    <>
      <button type="button" className="button primary" onClick={() => input.current?.click()}>
        Open model…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept=".onnx,application/octet-stream"
        className="visually-hidden"
        aria-label="Open an ONNX model file and its external data files"
        data-testid="file-input"
        tabIndex={-1}
        onChange={onChange}
      />
    </>
  );
}
