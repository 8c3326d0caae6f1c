import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CoreClient, SampleSource, StudioState, StudioStore } from './types';

const initialState: StudioState = { model: null, loading: null, error: null };

/**
 * Creates the studio store. The worker client and the sample are passed in so the store itself
 * holds no globals and can be created fresh (e.g. per test).
 */
export function createStudioStore(core: CoreClient, sample: SampleSource): StoreApi<StudioStore> {
  // Only the latest request may write its answer: opening B while A is still analysing must not
  // let A's late reply replace B.
  let latest = 0;

  return createStore<StudioStore>()((set) => {
    const analyse = async (fileName: string, bytes: () => Promise<Uint8Array>, isSample: boolean) => {
      const request = ++latest;
      set({ loading: fileName });
      try {
        const reply = await core.inspect(await bytes());
        if (request !== latest) return;
        if (reply.ok)
          set({ model: { fileName, summary: reply.summary, isSample }, loading: null, error: null });
        else set({ loading: null, error: { fileName, ...reply.error } });
      } catch (err) {
        if (request !== latest) return;
        const message = err instanceof Error ? err.message : String(err);
        set({ loading: null, error: { fileName, message, code: 'worker' } });
      }
    };

    return {
      ...initialState,
      openModel: (fileName, bytes) => analyse(fileName, async () => bytes, false),
      openSample: () => analyse(sample.fileName, () => sample.load(), true),
      dismissError: () => set({ error: null }),
    };
  });
}
