/**
 * Reads a Blob into one buffer chunk by chunk, reporting progress, so a several-hundred-MB model is
 * never copied twice and the page can show how far along it is.
 */
export async function readBlob(blob: Blob, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  const out = new Uint8Array(blob.size);
  const reader = blob.stream().getReader();
  let offset = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, offset);
    offset += value.byteLength;
    // About a hundred updates at most: each one is a message to the page.
    if (offset - reported > blob.size / 100) {
      reported = offset;
      onProgress(offset / Math.max(1, blob.size));
    }
  }
  onProgress(1);
  return offset === out.length ? out : out.subarray(0, offset);
}
