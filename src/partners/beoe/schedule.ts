import { WEEKDAYS, type ScheduleConfig } from './schema.js'

/** "End Users will be able to access this API at agreed upon schedule" (seed 000): windows of local
 *  time in one zone, on chosen weekdays, minus closed dates. A window whose `to` is earlier than its
 *  `from` runs past midnight and belongs to the day it opens on (so a closed date closes the night
 *  window that starts on it). Read on the session clock only. */

const DAY_MS = 86_400_000

interface Local {
  /** Days since 1970-01-01 of the local calendar date. */
  day: number
  /** Minutes since local midnight. */
  minute: number
}

export class Schedule {
  readonly #format: Intl.DateTimeFormat
  readonly #closed: Set<number>

  constructor(private readonly config: ScheduleConfig) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: config.timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    this.#closed = new Set(config.closed.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS))
  }

  /** isOpen's last answer and the second it holds for: the local day and minute (from formatToParts,
   *  which dominates the check) cannot change within one second, as zone offsets are whole seconds. */
  #openSecond = NaN
  #openVerdict = false

  isOpen(now: number): boolean {
    const second = Math.floor(now / 1000)
    if (second === this.#openSecond) return this.#openVerdict
    this.#openVerdict = this.#isOpen(now)
    this.#openSecond = second
    return this.#openVerdict
  }

  #isOpen(now: number): boolean {
    const { day, minute } = this.#local(now)
    return this.config.open.some((w) => {
      if (w.from < w.to) return this.#opensOn(w.days, day) && minute >= w.from && minute < w.to
      return (this.#opensOn(w.days, day) && minute >= w.from) || (this.#opensOn(w.days, day - 1) && minute < w.to)
    })
  }

  /** The first opening after `now` (epoch ms), within 400 days; undefined when none is scheduled. */
  nextOpening(now: number): number | undefined {
    const today = this.#local(now).day
    for (let day = today - 1; day <= today + 400; day++) {
      let best: number | undefined
      for (const w of this.config.open) {
        if (!this.#opensOn(w.days, day)) continue
        const at = this.#instant(day, w.from)
        if (at > now && (best === undefined || at < best)) best = at
      }
      if (best !== undefined) return best
    }
    return undefined
  }

  /** The first instant after `now` at which the API is closed, following windows that run into each
   *  other; `now` itself when closed, undefined when it never closes (within ~400 windows). */
  nextClosing(now: number): number | undefined {
    let t = now
    for (let n = 0; n < 400 && this.isOpen(t); n++) {
      const end = this.#windowEnd(t)
      if (end === undefined || end <= t) return undefined
      t = end
    }
    return this.isOpen(t) ? undefined : t
  }

  /** The latest end of the windows open at `t` (which opened today or, overnight, yesterday). */
  #windowEnd(t: number): number | undefined {
    const today = this.#local(t).day
    let best: number | undefined
    for (const day of [today - 1, today]) {
      for (const w of this.config.open) {
        if (!this.#opensOn(w.days, day)) continue
        const start = this.#instant(day, w.from)
        const end = this.#instant(w.from < w.to ? day : day + 1, w.to)
        if (start <= t && t < end && (best === undefined || end > best)) best = end
      }
    }
    return best
  }

  /** `mon, tue, wed, thu, fri 09:00-17:00` windows, for messages. */
  describe(): string {
    const windows = this.config.open.map((w) => `${w.days.join(', ')} ${hhmm(w.from)}-${hhmm(w.to)}`)
    const closed = this.config.closed.length > 0 ? `, closed on ${this.config.closed.join(', ')}` : ''
    return `${windows.length > 0 ? windows.join('; ') : 'no windows'} (${this.config.timezone})${closed}`
  }

  /** ISO-8601 with the zone's offset at that instant: `2026-01-15T09:00:00+05:00`. */
  isoLocal(t: number): string {
    const p = this.#parts(t)
    const offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000) / 60_000)
    const sign = offset < 0 ? '-' : '+'
    const abs = Math.abs(offset)
    return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  }

  #opensOn(days: readonly string[], day: number): boolean {
    // 1970-01-01 was a Thursday.
    return days.includes(WEEKDAYS[(((day + 4) % 7) + 7) % 7]!) && !this.#closed.has(day)
  }

  #local(t: number): Local {
    const p = this.#parts(t)
    return { day: Date.UTC(p.year, p.month - 1, p.day) / DAY_MS, minute: p.hour * 60 + p.minute }
  }

  /** The instant at which local (day, minute) happens; in a DST gap, the first instant after it. */
  #instant(day: number, minute: number): number {
    const wall = day * DAY_MS + minute * 60_000
    let t = wall - this.#offset(wall)
    const again = wall - this.#offset(t)
    if (again !== t) t = Math.max(t, again)
    return t
  }

  /** Local wall time minus UTC at instant t, in ms. */
  #offset(t: number): number {
    const p = this.#parts(t)
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000
  }

  #parts(t: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
    for (const part of this.#format.formatToParts(t)) {
      if (part.type in out) out[part.type as keyof typeof out] = Number(part.value)
    }
    return out
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

function hhmm(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}
