import type { BackendEvent } from './backend';

/** A tiny listener set shared by the backends; a throwing listener cannot break the others. */
export class BackendEvents {
  private readonly listeners = new Set<(event: BackendEvent) => void>();

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: BackendEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the event still reaches the others.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
