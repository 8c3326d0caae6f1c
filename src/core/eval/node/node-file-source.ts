import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { FileEntry, FileSource } from '../data/file-source';

/** A folder on disk, walked recursively (hidden files skipped); files are read only when asked for. */
export function nodeDirectorySource(dir: string): FileSource {
  return {
    name: dir,
    list: async () => {
      const out: FileEntry[] = [];
      await walk(dir, dir, out);
      return out;
    },
    read: async (path) => {
      const buffer = await readFile(join(dir, ...path.split('/')));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
  };
}

/** A single file on disk, seen as a source holding just that file (so format detection applies). */
export function nodeFileSource(file: string): FileSource {
  const name = basename(file);
  const folder = nodeDirectorySource(dirname(file));
  return {
    name: file,
    list: async () => [{ path: name, size: (await stat(file)).size }],
    read: (path) => folder.read(path),
  };
}

async function walk(root: string, dir: string, out: FileEntry[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile()) out.push({ path: relative(root, full).split(sep).join('/') });
  }
}
