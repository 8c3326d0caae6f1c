import { readFile, stat } from 'node:fs/promises';
import type { Dataset } from '../../eval';
import {
  dataLimitsFromEnv,
  nodeDirectorySource,
  nodeFileSource,
  nodeImageDecoder,
  openDatasetPath,
} from '../../eval/node';
import { openTaskDataset } from '../data/open-task-dataset';
import { priorsFromNpy } from '../priors';
import type { TaskKind } from '../types';

/**
 * A dataset path opened with what its task scores against (masks, boxes) — Node only. A separate
 * labels file means a classification set, opened by the eval readers.
 */
export async function openTaskDatasetPath(
  path: string,
  labelsPath?: string,
  task?: TaskKind,
): Promise<Dataset> {
  if (labelsPath) return openDatasetPath(path, labelsPath);
  const source = (await stat(path)).isDirectory() ? nodeDirectorySource(path) : nodeFileSource(path);
  return openTaskDataset(source, { decoder: nodeImageDecoder, task, limits: dataLimitsFromEnv() });
}

/** SSD priors from a `.npy` of shape [A, 4] (centre x/y, width, height relative to the input). */
export async function readPriors(path: string): Promise<Float32Array> {
  return priorsFromNpy(path, new Uint8Array(await readFile(path)));
}
