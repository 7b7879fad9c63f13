/** Serialised response bodies of one session or partner, as bytes, so a client polling the same page
 *  is handed the bytes built the first time: no validation, no scan, no JSON.stringify, and no string
 *  for the socket to encode again (a string body costs Node a fresh copy of itself on every write).
 *
 *  Each body is kept under a key (what the answer is a pure function of: the route and raw query) and
 *  the version of the data it was made from; asked under another version it is dropped, never served.
 *  Bounded by the memory bodies hold (a view counts all of its ArrayBuffer), least recently used first,
 *  so a client sending endless distinct queries cannot grow a session without limit. */
/** Bytes a Response can carry (not a view of a SharedArrayBuffer). */
export type Bytes = Uint8Array<ArrayBuffer>

export class AnswerCache {
  readonly #entries = new Map<string, { version: number; body: Bytes }>()
  #bytes = 0
  /** The most recently used key and its entry: asked again (the usual case), it is compared rather than
   *  hashed (a request's key is a new string each time), and needs no move to the end. */
  #newest: string | undefined
  #newestEntry: { version: number; body: Bytes } | undefined

  constructor(
    /** Bytes held at most, by all bodies together. */
    readonly maxBytes: number,
    /** Bodies holding more than this are not kept. */
    readonly maxBody = maxBytes,
  ) {}

  get(key: string, version = 0): Bytes | undefined {
    const newest = this.#newestEntry !== undefined && key === this.#newest
    const entry = newest ? this.#newestEntry : this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.version !== version) {
      this.#delete(key)
      return undefined
    }
    if (!newest) {
      this.#entries.delete(key)
      this.#entries.set(key, entry)
      this.#newest = key
      this.#newestEntry = entry
    }
    return entry.body
  }

  /** Keeps `body` (a string is encoded as UTF-8 once) and returns the bytes to send: the same bytes a
   *  later get() returns, whether or not they were kept. */
  set(key: string, version: number, body: string | Bytes): Bytes {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    if (heldBy(bytes) > this.maxBody) return bytes
    this.#delete(key)
    const entry = { version, body: bytes }
    this.#entries.set(key, entry)
    this.#newest = key
    this.#newestEntry = entry
    this.#bytes += heldBy(bytes)
    for (const k of this.#entries.keys()) {
      if (this.#bytes <= this.maxBytes) break
      this.#delete(k)
    }
    return bytes
  }

  /** Bodies kept. */
  get count(): number {
    return this.#entries.size
  }

  /** Bytes held. */
  get size(): number {
    return this.#bytes
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
    this.#newest = undefined
    this.#newestEntry = undefined
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#entries.delete(key)
    this.#bytes -= heldBy(entry.body)
    if (key === this.#newest) {
      this.#newest = undefined
      this.#newestEntry = undefined
    }
  }
}

const encoder = new TextEncoder()

/** The memory a body keeps alive: all of its ArrayBuffer. */
function heldBy(body: Bytes): number {
  return body.buffer.byteLength
}
