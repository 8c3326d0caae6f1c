/**
 * A one-line progress bar on stderr when it is a terminal; nothing otherwise, so piped output and
 * `--json` stay clean.
 */
export interface ProgressBar {
  update(label: string, fraction: number): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const width = 28;
  let last = '';
  return {
    update(label, fraction) {
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${label}`;
      const cols = stream.columns || 100;
      const text = line.length > cols - 1 ? line.slice(0, cols - 1) : line;
      if (text === last) return;
      last = text;
      stream.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (last) stream.write('\r\x1b[2K');
      last = '';
    },
  };
}
