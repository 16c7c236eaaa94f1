import {useSyncExternalStore} from 'react'

/** Subscribes a component to a store with `subscribe` and `getState` (DeployStore, LogStore). */
export function useStore<S>(store: {subscribe(listener: () => void): () => void; getState(): S}): S {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState)
}
