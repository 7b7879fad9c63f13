/** The only door to the machine's time. Clocks and fault delays go through it, nothing else does,
 *  so a test can hand the sandbox a fake one. */
export interface RealTime {
  now(): number
  /** A timer that never keeps the process alive; returns how to cancel it. */
  schedule(ms: number, fn: () => void): () => void
  sleep(ms: number): Promise<void>
}

// setTimeout takes at most a signed 32-bit delay; longer ones fire at once.
const MAX_DELAY = 2 ** 31 - 1

export const systemTime: RealTime = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_DELAY))
    t.unref()
    return () => clearTimeout(t)
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}
