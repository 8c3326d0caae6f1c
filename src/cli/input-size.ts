/** The `--input-size HxW` option of the commands that count costs: the size a symbolic input is fed at. */
import { parseImageSize } from '../core/graph';

export const INPUT_SIZE_OPTION = {
  usage: `  --input-size HxW  height and width to count MACs at when the model's input size is symbolic
                    (e.g. 640x640; PaddleOCR det declares [N, 3, ?, ?])`,
  /** `[h, w]`, undefined when absent; a malformed value fails with one sentence. */
  parse(raw: string | undefined, fail: (message: string) => never): [number, number] | undefined {
    if (raw === undefined) return undefined;
    return parseImageSize(raw) ?? fail(`--input-size must be HxW or one size, e.g. 640x640, not "${raw}".`);
  },
};
