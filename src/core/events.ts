/** What a session tells its watchers (the dashboard, `GET /__sandbox/events`) as it happens. */
export interface SandboxEvent {
  /** `request`, `clock`, `fault`, `timeline`, `reset`, or a partner's own (`apna.delivery`). */
  type: string
  data: unknown
}

export type Listener = (event: SandboxEvent) => void

/** A synchronous fan-out; a failing listener is dropped rather than allowed to break the request. */
export class EventBus {
  #listeners = new Set<Listener>()

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  emit(type: string, data: unknown): void {
    // Every request emits: with nobody watching (the usual case) that costs nothing.
    if (this.#listeners.size === 0) return
    for (const listener of this.#listeners) {
      try {
        listener({ type, data })
      } catch {
        this.#listeners.delete(listener)
      }
    }
  }

  get size(): number {
    return this.#listeners.size
  }

  clear(): void {
    this.#listeners.clear()
  }
}
