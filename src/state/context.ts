import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { StudioStore } from './types';

/** The store instance the views read; provided once at the root (src/main.tsx). */
export const StudioContext = createContext<StoreApi<StudioStore> | null>(null);

/** The store itself, for imperative reads in event handlers. */
export function useStudioApi(): StoreApi<StudioStore> {
  const store = useContext(StudioContext);
  if (!store) throw new Error('useStudio needs a StudioContext provider.');
  return store;
}

/** Subscribes to one slice of the studio store; pass a selector declared at module level. */
export function useStudio<T>(selector: (state: StudioStore) => T): T {
  return useStore(useStudioApi(), selector);
}
