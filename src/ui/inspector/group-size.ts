import type { ViewGroup } from '../../state';
import { plural } from '../format';

/**
 * How big a group is, in the one wording the list and the inspector share: its members (the rows
 * the inspector lists: tensors and parameters) and the graph nodes they belong to.
 */
export const groupSize = (group: Pick<ViewGroup, 'members' | 'nodeIds'>): string =>
  `${plural(group.members.length, 'member')} in ${plural(group.nodeIds.length, 'node')}`;
