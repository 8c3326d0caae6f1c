/**
 * The input size of a model whose input is symbolic (PaddleOCR det's `[N, 3, ?, ?]`): taken from the
 * attached data when it fits the model (calibration first), else from the field, which starts at the
 * model's preferred size when it names one. Each change asks the worker for the costs at that size;
 * until a size is bound the page shows MACs as unknown, never 0.
 */
import type { StoreApi } from 'zustand/vanilla';
import { parseImageSize, shapeForImageSize, type InputShapes } from '../core/graph';
import type { CoreClient, InputSizeState, StudioActions, StudioStore } from './types';

type Bound =
  { shapes: InputShapes; source: NonNullable<InputSizeState['source']> } | { error: string | null };

/** What the current model, data and field bind, or why nothing is bound. */
function boundShapes(s: StudioStore): Bound {
  const wanted = s.model?.view.inputSize;
  if (!wanted) return { error: null };
  for (const role of ['calibration', 'evaluation'] as const) {
    const fed = s.data[role].fed;
    if (s.data[role].dataset && fed) return { shapes: { [wanted.input]: [1, ...fed] }, source: role };
  }
  const text = s.inputSize.text.trim();
  if (!text) return { error: null };
  const size = parseImageSize(text);
  if (!size) return { error: `“${text}” is not a size: write height×width, e.g. 640x640.` };
  const shape = shapeForImageSize(wanted.shape, size[0], size[1]);
  if (!shape)
    return {
      error: `Input '${wanted.input}' is [${wanted.shape.join(', ')}]: a height×width does not fix all its dims.`,
    };
  return { shapes: { [wanted.input]: shape }, source: 'field' };
}

export function watchInputSize(
  store: StoreApi<StudioStore>,
  core: CoreClient,
): Pick<StudioActions, 'setInputSize'> {
  const { setState: set, getState: get } = store;
  let asked = '';

  const refresh = async () => {
    const s = get();
    const bound = boundShapes(s);
    const key = 'shapes' in bound ? JSON.stringify(bound.shapes) : '';
    if (!('shapes' in bound)) {
      asked = '';
      if (s.inputSize.costs || s.inputSize.source || s.inputSize.error !== bound.error)
        set({ inputSize: { ...s.inputSize, costs: null, source: null, error: bound.error } });
      return;
    }
    if (key === asked) return;
    asked = key;
    const model = s.model;
    const reply = await core.costs(bound.shapes);
    // A newer size or model was asked for meanwhile: its answer wins.
    if (asked !== key || get().model !== model) return;
    set({
      inputSize: reply.ok
        ? { ...get().inputSize, costs: reply.costs, source: bound.source, error: null }
        : { ...get().inputSize, costs: null, source: null, error: reply.error.message },
    });
  };

  store.subscribe((s, prev) => {
    if (s.model !== prev.model) {
      asked = '';
      const preferred = s.model?.view.inputSize?.preferred;
      set({
        inputSize: {
          text: preferred ? `${preferred[0]}x${preferred[1]}` : '',
          source: null,
          costs: null,
          error: null,
        },
      });
    }
    if (
      s.model !== prev.model ||
      s.inputSize.text !== prev.inputSize.text ||
      s.data.calibration !== prev.data.calibration ||
      s.data.evaluation !== prev.data.evaluation
    )
      void refresh().catch((err: unknown) =>
        set({ inputSize: { ...get().inputSize, costs: null, source: null, error: String(err) } }),
      );
  });

  return { setInputSize: (text) => set({ inputSize: { ...get().inputSize, text } }) };
}
