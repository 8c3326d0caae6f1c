/**
 * Files from a drop or a file input, with their paths inside a dropped folder (class sub-folders
 * name the labels of an image folder). Folders are walked through the File and Directory Entries API.
 */
export interface DroppedFile {
  path: string;
  blob: Blob;
}

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(ok: (file: File) => void, fail: (err: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: Entry[]) => void, fail: (err: unknown) => void): void };
}

async function walk(entry: Entry, root: string, out: DroppedFile[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file?.(ok, fail));
    out.push({ path: entry.fullPath.replace(/^\//, '').slice(root.length), blob: file });
    return;
  }
  const reader = entry.createReader?.();
  if (!reader) return;
  // readEntries answers in batches; an empty batch means the folder is done.
  for (;;) {
    const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, root, out);
  }
}

/** Everything dropped; `name` is the folder's name when one folder was dropped. */
export async function readDrop(transfer: DataTransfer): Promise<{ name: string; files: DroppedFile[] }> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry() as Entry | null) : null))
    .filter((e): e is Entry => e !== null);
  if (entries.some((e) => e.isDirectory)) {
    const files: DroppedFile[] = [];
    const single = entries.length === 1 ? entries[0] : undefined;
    const root = single ? `${single.name}/` : '';
    for (const e of entries) await walk(e, root, files);
    return { name: single?.name ?? 'dropped files', files };
  }
  return fromFiles([...transfer.files]);
}

/** Files from an `<input type=file>` (with `webkitRelativePath` when a folder was picked). */
export function fromFiles(list: readonly File[]): { name: string; files: DroppedFile[] } {
  const relative = list[0]?.webkitRelativePath;
  const folder = relative ? relative.split('/')[0] : undefined;
  const files = list.map((f) => ({
    path: f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name,
    blob: f as Blob,
  }));
  return { name: folder ?? (list.length === 1 ? list[0].name : `${list.length} files`), files };
}
