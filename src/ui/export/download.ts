/** Saves `data` as a file through a temporary object URL (nothing leaves the machine). */
export function download(fileName: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: the download reads the URL asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `fmnist-resnet8.onnx` + `pruned-int8` → `fmnist-resnet8.pruned-int8.onnx`. */
export const stageFileName = (modelFile: string, stage: string): string =>
  `${modelFile.replace(/\.onnx$/i, '')}.${stage}.onnx`;
