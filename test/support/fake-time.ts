import type { RealTime } from '../../src/core/real-time.js'

/** Real time under the test's control: nothing moves unless the test says so. */
export class FakeTime implements RealTime {
  #now: number
  #timers: { at: number; fn: () => void; live: boolean }[] = []

  constructor(start = Date.UTC(2026, 0, 14, 11)) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  schedule(ms: number, fn: () => void): () => void {
    const t = { at: this.#now + ms, fn, live: true }
    this.#timers.push(t)
    return () => (t.live = false)
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(ms, resolve))
  }

  /** Moves real time and fires the real timers that fall due. */
  tick(ms: number): void {
    this.#now += ms
    const due = this.#timers.filter((t) => t.live && t.at <= this.#now)
    this.#timers = this.#timers.filter((t) => t.live && t.at > this.#now)
    for (const t of due) t.fn()
  }

  get scheduled(): number {
    return this.#timers.filter((t) => t.live).length
  }
}
