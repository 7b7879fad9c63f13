/** One session's record of every partner request and its response, so a failing test can ask the
 *  sandbox what it was sent and why a call was refused (WireMock's request journal, bounded the same way). */

import { PackedEntries } from './packed-entries.js'

export const BODY_CAP = 64 * 1024

export interface JournalEntry {
  id: number
  /** `inbound`: a client called a partner; `outbound`: the sandbox called the client (Apna). */
  direction: 'inbound' | 'outbound'
  session: string
  partner: string
  method: string
  /** The path under the partner's prefix, as its document writes it (`/api/foreignjobs`). */
  path: string
  /** The URL as it arrived (or, outbound, as it was sent), secrets masked. */
  url: string
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: string
  bodyTruncated: boolean
  status: number
  responseHeaders: Record<string, string>
  /** The first 64 KiB of a text response; a larger body is described, not copied. */
  responseBody: string
  responseSize: number | null
  durationMs: number
  /** Session (virtual) time and wall-clock time of arrival, ISO-8601. */
  at: string
  realAt: string
  /** Set when a fault rule shaped the response: its id and what it did. */
  fault: string | null
  /** Why the partner refused the request, in words: which header, parameter, token rule or schedule. */
  refusal: string | null
  /** Set on a request that failed inside the sandbox (the 500 carries the same id). */
  error: string | null
}

export interface JournalQuery {
  partner?: string
  method?: string
  /** A glob: `*` matches anything. */
  path?: string
  /** `404`, or a class like `4xx`. */
  status?: string
  refused?: boolean
  limit?: number
}

/** What every session's journal may hold together, in the same rough bytes as `Journal.maxBytes`: a
 *  thousand sessions of 16 MiB each would otherwise be 16 GB, and a long CI run only ever reads the
 *  newest entries. Past it, the journal holding the most gives up its oldest entries. */
export class JournalBudget {
  readonly #journals = new Set<Journal>()
  #bytes = 0

  constructor(readonly maxBytes = 32 * 1024 * 1024) {}

  /** Bytes held by every journal of the sandbox together. */
  get bytes(): number {
    return this.#bytes
  }

  /** @internal Journal bookkeeping. */
  join(journal: Journal): void {
    this.#journals.add(journal)
  }

  /** @internal */
  leave(journal: Journal, bytes: number): void {
    if (this.#journals.delete(journal)) this.#bytes -= bytes
  }

  /** @internal */
  charge(bytes: number): void {
    this.#bytes += bytes
    if (this.#bytes <= this.maxBytes) return
    // Rare (the budget is reached once, then each add sheds about one entry): a scan of the journals is
    // cheaper than keeping them ordered on every add.
    while (this.#bytes > this.maxBytes) {
      let largest: Journal | undefined
      for (const j of this.#journals) if (j.size > 1 && (!largest || j.bytes > largest.bytes)) largest = j
      if (!largest) return
      largest.shedOldest()
    }
  }
}

/** Keeps the newest `capacity` entries in a ring, so an endless test run costs bounded memory. */
export class Journal {
  /** The ring's slots; what each entry weighs (its bodies and text, roughly, in bytes) bounds the ring in
   *  memory too: 10,000 entries of 64 KiB bodies would otherwise be 640 MB for one session. */
  #slots = new PackedEntries()
  #bytes = 0
  #next = 0
  #count = 0
  #seq = 0
  #budget: JournalBudget | undefined

  constructor(
    readonly capacity = 10_000,
    readonly maxBytes = 32 * 1024 * 1024,
    /** The sandbox-wide bound this journal counts against, if any. */
    budget?: JournalBudget,
  ) {
    // The ring grows to its capacity as entries come (a session that makes ten calls should not cost
    // 10,000 slots), then wraps.
    this.#budget = budget
    budget?.join(this)
  }

  nextId(): number {
    return ++this.#seq
  }

  add(entry: JournalEntry): JournalEntry {
    const before = this.#bytes
    const slots = this.#slots
    const len = slots.length
    const capacity = Math.max(1, this.capacity)
    if (len < capacity) {
      // Still growing: the next slot is the end (what was shed is at the start, not yet wrapped to).
      this.#bytes += slots.write(len, entry)
      this.#next = (len + 1) % capacity
      this.#count++
    } else {
      if (this.#count === len) this.#release(this.#next)
      this.#bytes += slots.write(this.#next, entry)
      this.#next = (this.#next + 1) % len
      this.#count = Math.min(this.#count + 1, len)
    }
    // Past the byte bound the oldest go first; the newest entry always stays.
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#dropOldest()
    this.#budget?.charge(this.#bytes - before)
    return entry
  }

  /** Drops the oldest entry (never the only one): the sandbox-wide budget's call. */
  shedOldest(): void {
    if (this.#count > 1) this.#budget?.charge(-this.#dropOldest())
  }

  #dropOldest(): number {
    const len = this.#slots.length
    const weight = this.#release((this.#next - this.#count + len) % len)
    this.#count--
    return weight
  }

  #release(slot: number): number {
    const weight = this.#slots.weightAt(slot)
    this.#bytes -= weight
    this.#slots.release(slot)
    return weight
  }

  /** Stops counting against the sandbox-wide budget (the session was reset or deleted); the entries
   *  stay readable. */
  detach(): void {
    this.#budget?.leave(this, this.#bytes)
    this.#budget = undefined
  }

  /** Roughly what the kept entries hold, in bytes. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#count
  }

  /** Newest last; `limit` keeps the newest n of the matches. Entries are matched on their packed
   *  fields and built only when they match, newest first, so a limited query reads only what it returns. */
  list(query: JournalQuery = {}): JournalEntry[] {
    const slots = this.#slots
    const len = slots.length
    const path = query.path ? globToRegExp(query.path) : undefined
    const status = query.status?.toLowerCase()
    const method = query.method?.toUpperCase()
    const limit = query.limit ?? Infinity
    const out: JournalEntry[] = []
    for (let i = this.#count - 1; i >= 0 && out.length < limit; i--) {
      const slot = (this.#next - this.#count + i + len) % len
      if (query.partner && slots.partnerAt(slot) !== query.partner) continue
      if (method && slots.methodAt(slot) !== method) continue
      if (status && !statusMatches(slots.statusAt(slot), status)) continue
      if (query.refused !== undefined && slots.refusedAt(slot) !== query.refused) continue
      if (path && !path.test(slots.pathAt(slot))) continue
      out.push(slots.read(slot))
    }
    return out.reverse()
  }

  get(id: number): JournalEntry | undefined {
    const slots = this.#slots
    const len = slots.length
    for (let i = 0; i < this.#count; i++) {
      const slot = (this.#next - this.#count + i + len) % len
      if (slots.idAt(slot) === id) return slots.read(slot)
    }
    return undefined
  }

  clear(): void {
    this.#budget?.charge(-this.#bytes)
    this.#slots.clear()
    this.#bytes = 0
    this.#next = 0
    this.#count = 0
  }
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
}

function statusMatches(status: number, pattern: string): boolean {
  if (/^[1-5]xx$/.test(pattern)) return Math.floor(status / 100) === Number(pattern[0])
  return String(status) === pattern
}
