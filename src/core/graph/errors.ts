/** An edit or a model that would leave the graph invalid (undefined value, cycle, name clash). */
export class GraphError extends Error {
  override name = 'GraphError';
}
