/**
 * Channel-dependency analysis: which channels of which tensors and parameters must be pruned
 * together (groups), whether each group can be pruned, and why not.
 */
export { analyzeChannels } from './analyze';
export type * from './types';
