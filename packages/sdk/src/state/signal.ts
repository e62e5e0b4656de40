/**
 * Something that happens in the state, for whoever listens (the sync loads a
 * thread someone started watching; the cache writes what changed). The state
 * does not know its listeners: data flows out of it, never back through it.
 */
export interface Signal<T> {
  /** Calls `listener` on every emit, synchronously; returns the unsubscribe function. */
  listen(listener: (value: T) => void): () => void;
  emit(value: T): void;
}

export function signal<T>(): Signal<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value) {
      for (const listener of listeners) listener(value);
    },
  };
}
