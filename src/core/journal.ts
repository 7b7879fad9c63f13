/** One session's record of every partner request and its response, so a failing test can ask the
 *  sandbox what it was sent and why a call was refused (WireMock's request journal, bounded the same way). */

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
  #ring: (JournalEntry | undefined)[]
  /** What each slot's entry keeps in bodies, in bytes (roughly), so the ring is bounded in memory
   *  too: 10,000 entries of 64 KiB bodies would otherwise be 640 MB for one session. */
  #weights: number[]
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
    // two 10,000-slot arrays), then wraps.
    this.#ring = []
    this.#weights = []
    this.#budget = budget
    budget?.join(this)
  }

  nextId(): number {
    return ++this.#seq
  }

  add(entry: JournalEntry): JournalEntry {
    const before = this.#bytes
    const weight = weightOf(entry)
    const len = this.#ring.length
    if (len < Math.max(1, this.capacity)) {
      // Still growing: the next slot is the end (what was shed is at the start, not yet wrapped to).
      this.#ring.push(entry)
      this.#weights.push(weight)
      this.#next = (len + 1) % Math.max(1, this.capacity)
      this.#count++
    } else {
      if (this.#count === len) this.#bytes -= this.#weights[this.#next]!
      this.#ring[this.#next] = entry
      this.#weights[this.#next] = weight
      this.#next = (this.#next + 1) % len
      this.#count = Math.min(this.#count + 1, len)
    }
    this.#bytes += weight
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
    const len = this.#ring.length
    const oldest = (this.#next - this.#count + len) % len
    const weight = this.#weights[oldest]!
    this.#bytes -= weight
    this.#weights[oldest] = 0
    this.#ring[oldest] = undefined
    this.#count--
    return weight
  }

  /** Stops counting against the sandbox-wide budget (the session was reset or deleted); the entries
   *  stay readable. */
  detach(): void {
    this.#budget?.leave(this, this.#bytes)
    this.#budget = undefined
  }

  /** Roughly what the kept entries hold in bodies, in bytes. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#count
  }

  /** Newest last; `limit` keeps the newest n of the matches. */
  list(query: JournalQuery = {}): JournalEntry[] {
    const matches = this.#all().filter(matcher(query))
    return query.limit !== undefined ? matches.slice(Math.max(0, matches.length - query.limit)) : matches
  }

  get(id: number): JournalEntry | undefined {
    return this.#all().find((e) => e.id === id)
  }

  clear(): void {
    this.#budget?.charge(-this.#bytes)
    this.#weights = []
    this.#bytes = 0
    this.#ring = []
    this.#next = 0
    this.#count = 0
  }

  #all(): JournalEntry[] {
    const out: JournalEntry[] = []
    const len = this.#ring.length
    const start = (this.#next - this.#count + len) % len
    for (let i = 0; i < this.#count; i++) out.push(this.#ring[(start + i) % len]!)
    return out
  }
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
}

function matcher(q: JournalQuery): (e: JournalEntry) => boolean {
  const path = q.path ? globToRegExp(q.path) : undefined
  const status = q.status?.toLowerCase()
  return (e) =>
    (!q.partner || e.partner === q.partner) &&
    (!q.method || e.method === q.method.toUpperCase()) &&
    (!path || path.test(e.path)) &&
    (!status || statusMatches(e.status, status)) &&
    (q.refused === undefined || (e.refusal !== null) === q.refused)
}

function statusMatches(status: number, pattern: string): boolean {
  if (/^[1-5]xx$/.test(pattern)) return Math.floor(status / 100) === Number(pattern[0])
  return String(status) === pattern
}

/** An entry's bodies, in bytes (roughly), plus about a kilobyte for the rest of it. Inbound entries know what
 *  they kept without decoding it; others (Apna's outbound attempts) carry their bodies as text. */
function weightOf(entry: JournalEntry): number {
  const kept = (entry as { keptBytes?: unknown }).keptBytes
  if (typeof kept === 'number') return ENTRY_BYTES + kept
  return ENTRY_BYTES + (entry.body?.length ?? 0) + (entry.responseBody?.length ?? 0)
}

/** About what an entry holds besides its bodies: the entry, the request's headers and URL. */
const ENTRY_BYTES = 1024
