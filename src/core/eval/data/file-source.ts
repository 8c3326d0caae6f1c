/**
 * Where dataset files come from. Node reads a folder on disk, the browser reads `File`/`Blob` objects,
 * a zip is read from its bytes: datasets only list paths and read the files a batch needs.
 */

/** A file inside a source; `path` is relative, `/`-separated. */
export interface FileEntry {
  readonly path: string;
  readonly size?: number;
}

export interface FileSource {
  /** What the user pointed at, for messages (a folder, a zip's name). */
  readonly name: string;
  /** Every file, in any order. */
  list(): Promise<FileEntry[]>;
  read(path: string): Promise<Uint8Array>;
}

/** The part of `Blob` a source needs; a browser `File` fits, and so does Node's `Blob`. */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Files already in memory (tests, small uploads). */
export function memoryFileSource(name: string, files: Readonly<Record<string, Uint8Array>>): FileSource {
  return {
    name,
    list: async () => Object.keys(files).map((path) => ({ path, size: files[path].byteLength })),
    read: async (path) => {
      const bytes = files[path];
      if (bytes === undefined) throw new Error(`${name}: no file ${path}`);
      return bytes;
    },
  };
}

/**
 * Browser files (e.g. from `<input webkitdirectory>` with `webkitRelativePath` as `path`): nothing is read
 * until a batch asks for it.
 */
export function blobFileSource(name: string, files: readonly { path: string; blob: BlobLike }[]): FileSource {
  const byPath = new Map(files.map((f) => [f.path, f.blob]));
  return {
    name,
    list: async () => files.map((f) => ({ path: f.path, size: f.blob.size })),
    read: async (path) => {
      const blob = byPath.get(path);
      if (blob === undefined) throw new Error(`${name}: no file ${path}`);
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

/** The last path segment. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Lower-case extension without the dot (`''` if none). */
export function extension(path: string): string {
  const base = baseName(path);
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i + 1).toLowerCase();
}
