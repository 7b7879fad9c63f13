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

  constructor(
    readonly capacity = 10_000,
    readonly maxBytes = 32 * 1024 * 1024,
  ) {
    this.#ring = new Array(Math.max(1, capacity))
    this.#weights = new Array(Math.max(1, capacity)).fill(0)
  }

  nextId(): number {
    return ++this.#seq
  }

  add(entry: JournalEntry): JournalEntry {
    const len = this.#ring.length
    if (this.#count === len) this.#bytes -= this.#weights[this.#next]!
    const weight = weightOf(entry)
    this.#ring[this.#next] = entry
    this.#weights[this.#next] = weight
    this.#bytes += weight
    this.#next = (this.#next + 1) % len
    this.#count = Math.min(this.#count + 1, len)
    // Past the byte bound the oldest go first; the newest entry always stays.
    while (this.#bytes > this.maxBytes && this.#count > 1) {
      const oldest = (this.#next - this.#count + len) % len
      this.#bytes -= this.#weights[oldest]!
      this.#weights[oldest] = 0
      this.#ring[oldest] = undefined
      this.#count--
    }
    return entry
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
    this.#weights.fill(0)
    this.#bytes = 0
    this.#ring = new Array(this.#ring.length)
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

/** An entry's bodies, in bytes (roughly), plus a little for the rest of it. Inbound entries know what
 *  they kept without decoding it; others (Apna's outbound attempts) carry their bodies as text. */
function weightOf(entry: JournalEntry): number {
  const kept = (entry as { keptBytes?: unknown }).keptBytes
  if (typeof kept === 'number') return 512 + kept
  return 512 + (entry.body?.length ?? 0) + (entry.responseBody?.length ?? 0)
}
