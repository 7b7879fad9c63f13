import type { RealTime } from './real-time.js'

export interface ClockOptions {
  /** Session time at creation, epoch ms; omitted: real time. */
  start?: number
  frozen?: boolean
  /** Where an error thrown by a timer goes; timers never break each other or `advance`. */
  onTimerError?: (error: unknown, label: string) => void
}

export interface TimerHandle {
  cancel(): void
}

export interface PendingTimer {
  due: number
  label: string
}

interface Timer extends PendingTimer {
  seq: number
  fn: () => unknown
  cancelled: boolean
}

/** One session's time: real time plus an offset, or frozen. Tokens, schedules, deltas and retries read
 *  it, and timers are scheduled on it, so that `POST /__sandbox/clock` moves all of them together. */
export class Clock {
  #offset = 0
  #frozenAt: number | undefined
  #timers: Timer[] = []
  #seq = 0
  #cancelReal: (() => void) | undefined
  // Timers run one at a time, whether an advance or the real timer started them.
  #running: Promise<void> = Promise.resolve()
  #disposed = false

  constructor(
    private readonly real: RealTime,
    private readonly options: ClockOptions = {},
  ) {
    if (options.start !== undefined) this.#offset = options.start - real.now()
    // Not this.now(): real time may have moved on by a millisecond since the line above.
    if (options.frozen) this.#frozenAt = options.start ?? real.now()
  }

  now(): number {
    return this.#frozenAt ?? this.real.now() + this.#offset
  }

  get frozen(): boolean {
    return this.#frozenAt !== undefined
  }

  /** Runs fn at session time `due`; equal times run in the order scheduled. A due time already past
   *  runs on the next tick of the clock (an advance, or at once in real time when not frozen). */
  at(due: number, fn: () => unknown, label = 'timer'): TimerHandle {
    const timer: Timer = { due, seq: this.#seq++, fn, label, cancelled: false }
    // Insert in order: timers are few and mostly appended, so this beats sorting the whole list.
    let i = this.#timers.length
    while (i > 0 && this.#timers[i - 1]!.due > due) i--
    this.#timers.splice(i, 0, timer)
    this.#armReal()
    return {
      cancel: () => {
        timer.cancelled = true
        const at = this.#timers.indexOf(timer)
        if (at >= 0) this.#timers.splice(at, 1)
        this.#armReal()
      },
    }
  }

  after(ms: number, fn: () => unknown, label?: string): TimerHandle {
    return this.at(this.now() + ms, fn, label)
  }

  pending(): PendingTimer[] {
    return this.#timers.map(({ due, label }) => ({ due, label }))
  }

  /** Moves time forward by `ms`. Each due timer runs in time order and sees the clock at its own due
   *  time, so a retry that a timer schedules inside the window fires in this same call. */
  advance(ms: number): Promise<void> {
    return this.#exclusive(async () => {
      const target = this.now() + Math.max(0, ms)
      await this.#runDue(target)
      this.#set(target)
    })
  }

  /** Jumps to `time`: forward runs the timers on the way, like advance; backward runs none. */
  set(time: number): Promise<void> {
    return this.#exclusive(async () => {
      if (time > this.now()) await this.#runDue(time)
      this.#set(time)
    })
  }

  freeze(frozen: boolean): void {
    if (frozen && this.#frozenAt === undefined) this.#frozenAt = this.now()
    if (!frozen && this.#frozenAt !== undefined) {
      this.#offset = this.#frozenAt - this.real.now()
      this.#frozenAt = undefined
    }
    this.#armReal()
  }

  /** Stops the real timer and drops every pending one; the clock still tells time. */
  dispose(): void {
    this.#disposed = true
    this.#cancelReal?.()
    this.#cancelReal = undefined
    this.#timers = []
  }

  /** Resolves once every timer running now has finished. */
  idle(): Promise<void> {
    return this.#running
  }

  #exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.#running.then(work)
    this.#running = run.catch(() => undefined)
    return run
  }

  async #runDue(target: number): Promise<void> {
    for (let t = this.#takeDue(target); t; t = this.#takeDue(target)) {
      // A timer due in the past does not move time backwards.
      if (t.due > this.now()) this.#set(t.due)
      try {
        await t.fn()
      } catch (error) {
        this.options.onTimerError?.(error, t.label)
      }
    }
    this.#armReal()
  }

  #takeDue(target: number): Timer | undefined {
    const first = this.#timers[0]
    if (!first || first.due > target) return undefined
    this.#timers.shift()
    return first
  }

  #set(time: number): void {
    if (this.#frozenAt !== undefined) this.#frozenAt = time
    else this.#offset = time - this.real.now()
  }

  /** One real timer for the earliest pending one, only while the clock runs. */
  #armReal(): void {
    this.#cancelReal?.()
    this.#cancelReal = undefined
    const first = this.#timers[0]
    if (!first || this.#frozenAt !== undefined || this.#disposed) return
    this.#cancelReal = this.real.schedule(first.due - this.now(), () => {
      this.#cancelReal = undefined
      void this.#exclusive(() => this.#runDue(this.now()))
    })
  }
}
