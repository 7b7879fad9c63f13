import { widened } from '../../core/columns.js'
import { iso, type AuditRow } from './store.js'

/** What a call adds to the trail; the trail numbers it and gives its time. `since` is a time in ms
 *  (session clock), written as ISO text only when the trail is read. */
export type AuditInput = Omit<AuditRow, 'id' | 'at' | 'since'> & { since: number | null }

/** The audit trail: a ring of at most `limit` rows, kept as columns.
 *
 *  Why columns: a client calling in a loop adds a row per call, and a row object lives long enough for
 *  the collector to copy it twice and then promote it, only to be overwritten in old space later. Here a
 *  call writes numbers and references into arrays that already exist: what a row points to (the user,
 *  the method, its frozen parameters) is shared with other rows, and its times are numbers. Rows are
 *  built as objects, and times as text, only when someone reads the trail. */
export class AuditTrail {
  #size = 0
  /** Where the next row goes once the ring is full (then also where the oldest row is). */
  #next = 0
  #seq = 0
  #id = new Float64Array(0)
  #records = new Float64Array(0)
  #at = new Float64Array(0)
  /** NaN for none. */
  #since = new Float64Array(0)
  #user: (string | null)[] = []
  #ip: string[] = []
  #method: string[] = []
  #parameters: Readonly<Record<string, string>>[] = []
  #mode: AuditRow['mode'][] = []
  #outcome: string[] = []

  constructor(readonly limit: number) {}

  /** Rows kept. */
  get size(): number {
    return this.#size
  }

  /** The id of the newest row ever added (rows dropped from the ring included). */
  get seq(): number {
    return this.#seq
  }

  /** Appends a row made at `at` (ms, session clock), numbered after the last; once `limit` rows are
   *  kept, it replaces the oldest. */
  add(at: number, row: AuditInput): void {
    this.#put(++this.#seq, at, row)
  }

  /** The kept rows, oldest first. */
  rows(): AuditRow[] {
    const out: AuditRow[] = []
    const start = this.#size < this.limit ? 0 : this.#next
    for (let i = 0; i < this.#size; i++) out.push(this.#row((start + i) % this.#size))
    return out
  }

  /** Puts back a saved trail (its newest `limit` rows) and its sequence. */
  restore(rows: readonly AuditRow[], seq: number): void {
    this.#size = 0
    this.#next = 0
    for (const row of rows.length > this.limit ? rows.slice(-this.limit) : rows) {
      this.#put(row.id, Date.parse(row.at), { ...row, since: row.since === null ? null : Date.parse(row.since) })
    }
    this.#seq = seq
  }

  #put(id: number, at: number, row: AuditInput): void {
    let slot: number
    if (this.#size < this.limit) {
      slot = this.#size
      if (slot === this.#id.length) this.#grow()
      this.#size++
    } else {
      slot = this.#next
      this.#next = (slot + 1) % this.limit
    }
    this.#id[slot] = id
    this.#records[slot] = row.records
    this.#at[slot] = at
    this.#user[slot] = row.user
    this.#ip[slot] = row.ip
    this.#method[slot] = row.method
    this.#parameters[slot] = row.parameters
    this.#mode[slot] = row.mode
    this.#since[slot] = row.since ?? Number.NaN
    this.#outcome[slot] = row.outcome
  }

  #row(slot: number): AuditRow {
    return {
      id: this.#id[slot]!,
      at: iso(this.#at[slot]!),
      user: this.#user[slot]!,
      ip: this.#ip[slot]!,
      method: this.#method[slot]!,
      parameters: this.#parameters[slot]!,
      mode: this.#mode[slot]!,
      since: Number.isNaN(this.#since[slot]!) ? null : iso(this.#since[slot]!),
      records: this.#records[slot]!,
      outcome: this.#outcome[slot]!,
    }
  }

  /** Doubles the number columns (up to the limit); the reference columns grow as they are written. */
  #grow(): void {
    const n = Math.min(this.limit, Math.max(64, this.#id.length * 2))
    this.#id = widened(this.#id, n)
    this.#records = widened(this.#records, n)
    this.#at = widened(this.#at, n)
    this.#since = widened(this.#since, n)
  }
}
