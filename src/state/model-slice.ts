/** Opening models, selection, search and block expansion. */
import type { StoreApi } from 'zustand/vanilla';
import { highlightedItems, itemOfNode, searchItems } from './highlight';
import { startJob } from './jobs';
import type { Sources } from './sources';
import type { CoreClient, SampleCatalog, StudioActions, StudioStore } from './types';

type ModelActions = Pick<
  StudioActions,
  | 'openFiles'
  | 'openModel'
  | 'openSample'
  | 'dismissError'
  | 'select'
  | 'setCursor'
  | 'setSearch'
  | 'stepSearch'
  | 'toggleBlock'
  | 'collapseAll'
>;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function modelSlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
  samples: SampleCatalog,
  sources: Sources,
): ModelActions {
  const { setState: set, getState: get } = store;
  // Only the latest request may write its answer: opening B while A is still analysing must not let
  // A's late reply replace B.
  let latest = 0;
  let seq = 0;

  const open = async (
    fileName: string,
    model: () => Promise<Blob | Uint8Array>,
    externalData: { name: string; blob: Blob }[],
    isSample: boolean,
  ) => {
    const request = ++latest;
    const job = startJob(store, 'open', fileName);
    set({ loading: fileName });
    try {
      const source = await model();
      // Bytes are transferred to the worker; a Blob copy stays here to re-open after a crash.
      const kept =
        source instanceof Uint8Array && !isSample ? new Blob([source as Uint8Array<ArrayBuffer>]) : null;
      const keep = kept ? async () => kept : model;
      const reply = await core.open({ fileName, model: source, externalData }, (p) => {
        if (request === latest) job.progress(p.phase, p.fraction);
      });
      if (request !== latest) return job.finish('cancelled');
      if (!reply.ok) {
        job.finish('failed', reply.error.message);
        return set({ loading: null, error: { fileName, ...reply.error } });
      }
      job.finish('done');
      sources.model = { fileName, load: keep, externalData };
      set({
        model: { fileName, summary: reply.view.summary, view: reply.view, isSample },
        layout: reply.layout,
        expanded: [],
        selection: null,
        highlight: new Set(),
        focus: null,
        cursor: reply.layout.items[0]?.id ?? null,
        search: { query: '', matches: [], index: 0 },
        loading: null,
        error: null,
        stageResults: [],
        sensitivity: null,
        sweep: null,
      });
    } catch (err) {
      job.finish('failed', message(err));
      if (request !== latest) return;
      set({ loading: null, error: { fileName, message: message(err), code: 'worker' } });
    }
  };

  const relayout = async (expanded: string[]) => {
    const model = get().model;
    if (!model) return;
    const layout = await core.layout(expanded);
    if (get().model !== model) return;
    const { selection, search, cursor, layout: before } = get();
    // The tab stop stays on the same node when its block opens or closes.
    const cursorNode = before?.items.find((i) => i.id === cursor)?.nodes[0];
    set({
      layout,
      cursor: (cursorNode && itemOfNode(layout, cursorNode)) ?? layout.items[0]?.id ?? null,
      expanded,
      highlight: highlightedItems(model.view, layout, selection),
      search: { ...search, matches: searchItems(model.view, layout, search.query), index: 0 },
    });
  };

  return {
    async openFiles(files) {
      const onnx = files.find((f) => /\.onnx$/i.test(f.name)) ?? files[0];
      if (!onnx) return;
      const external = files.filter((f) => f !== onnx).map((f) => ({ name: f.name, blob: f as Blob }));
      await open(onnx.name, async () => onnx, external, false);
    },
    openModel: (fileName, bytes) => open(fileName, async () => bytes, [], false),
    openSample(fileName) {
      const sample = samples.models.find((m) => m.fileName === fileName) ?? samples.models[0];
      return open(sample.fileName, () => sample.load(), [], true);
    },
    dismissError: () => set({ error: null }),

    select(selection) {
      const { model, layout } = get();
      if (!model || !layout) return;
      const highlight = highlightedItems(model.view, layout, selection);
      // A node frames its own box; a group frames every box with a member.
      const item = selection?.kind === 'node' ? itemOfNode(layout, selection.id) : undefined;
      const items = item ? [item] : selection?.kind === 'group' ? [...highlight] : [];
      set({
        selection,
        highlight,
        focus: items.length ? { items, seq: ++seq } : get().focus,
        cursor: item ?? get().cursor,
      });
    },
    setCursor: (cursor) => set({ cursor }),

    setSearch(query) {
      const { model, layout } = get();
      const matches = model && layout ? searchItems(model.view, layout, query) : [];
      set({
        search: { query, matches, index: 0 },
        focus: matches.length ? { items: [matches[0]], seq: ++seq } : get().focus,
      });
    },
    stepSearch(delta) {
      const { search } = get();
      if (!search.matches.length) return;
      const index = (search.index + delta + search.matches.length) % search.matches.length;
      set({ search: { ...search, index }, focus: { items: [search.matches[index]], seq: ++seq } });
    },

    async toggleBlock(blockId) {
      const { expanded } = get();
      await relayout(
        expanded.includes(blockId) ? expanded.filter((b) => b !== blockId) : [...expanded, blockId],
      );
    },
    collapseAll: () => relayout([]),
  };
}
