import type { GraphNode } from '../../graph';
import type { AnalysisState } from '../state';

/** A coupling rule: reads the layouts of `node`'s inputs, sets its outputs', records members. */
export type Rule = (s: AnalysisState, node: GraphNode) => void;
