/**
 * The run archive in IndexedDB: finished runs, their stage models, the studio's settings and the
 * latest fine-tuning checkpoint, so a reload finds them again. Plain IndexedDB (three object stores, one database), no library: the
 * operations are few and each is one transaction.
 */
import type { RunArchive, RunRecord, SavedCheckpoint, SavedStudio, StudioRecipe } from '../state/types';

const DB_NAME = 'whittle';
const DB_VERSION = 1;
const RUNS = 'runs';
const MODELS = 'models';
const SETTINGS = 'settings';
/** Bumped when the saved recipe's shape changes; older saved settings are then ignored. */
const SETTINGS_SCHEMA = 1;
/** The one fine-tuning checkpoint kept, under this key of the settings store. */
const CHECKPOINT = 'finetune-checkpoint';

type Store = typeof RUNS | typeof MODELS | typeof SETTINGS;

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed.'));
  });

const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed.'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction was aborted.'));
  });

function openDatabase(): Promise<IDBDatabase> {
  const request = indexedDB.open(DB_NAME, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
    // Keyed [runId, stage], so one run's models are one key range.
    if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS);
    if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS);
  };
  return done(request);
}

const runModels = (runId: number) => IDBKeyRange.bound([runId, ''], [runId, '\uffff']);

/** The archive in this browser's IndexedDB, or null where the browser has none (private modes). */
export function createIndexedDbArchive(): RunArchive | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: Promise<IDBDatabase> | null = null;
  const database = () => (db ??= openDatabase());

  const write = async (stores: Store[], body: (tx: IDBTransaction) => void) => {
    const tx = (await database()).transaction(stores, 'readwrite');
    body(tx);
    await committed(tx);
  };

  return {
    async load(): Promise<SavedStudio> {
      const tx = (await database()).transaction([RUNS, SETTINGS], 'readonly');
      const [runs, settings, checkpoint] = await Promise.all([
        done(tx.objectStore(RUNS).getAll() as IDBRequest<RunRecord[]>),
        done(tx.objectStore(SETTINGS).get('recipe') as IDBRequest<{ schema: number; recipe: StudioRecipe }>),
        done(tx.objectStore(SETTINGS).get(CHECKPOINT) as IDBRequest<SavedCheckpoint | undefined>),
      ]);
      return {
        runs: runs.sort((a, b) => a.id - b.id),
        checkpoint: checkpoint ?? null,
        recipe: settings?.schema === SETTINGS_SCHEMA ? settings.recipe : null,
      };
    },

    saveRun: (run, models) =>
      write([RUNS, MODELS], (tx) => {
        const store = tx.objectStore(MODELS);
        for (const [stage, bytes] of Object.entries(models)) store.put(bytes, [run.id, stage]);
        tx.objectStore(RUNS).put(run);
      }),

    async model(runId, stage) {
      const tx = (await database()).transaction(MODELS, 'readonly');
      return done(tx.objectStore(MODELS).get([runId, stage]) as IDBRequest<Uint8Array | undefined>);
    },

    removeRun: (runId) =>
      write([RUNS, MODELS], (tx) => {
        tx.objectStore(RUNS).delete(runId);
        tx.objectStore(MODELS).delete(runModels(runId));
      }),

    saveSettings: (recipe) =>
      write([SETTINGS], (tx) => {
        tx.objectStore(SETTINGS).put({ schema: SETTINGS_SCHEMA, recipe }, 'recipe');
      }),

    saveCheckpoint: (saved) =>
      write([SETTINGS], (tx) => {
        const store = tx.objectStore(SETTINGS);
        if (saved) store.put(saved, CHECKPOINT);
        else store.delete(CHECKPOINT);
      }),

    clear: () =>
      write([RUNS, MODELS, SETTINGS], (tx) => {
        for (const name of [RUNS, MODELS, SETTINGS]) tx.objectStore(name).clear();
      }),

    async usage() {
      if (!navigator.storage?.estimate) return null;
      const { usage = 0, quota = 0 } = await navigator.storage.estimate();
      return { usage, quota };
    },
  };
}
