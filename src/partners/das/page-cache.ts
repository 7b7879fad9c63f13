/** Serialised GET pages of one session, so a client polling the same page gets the bytes built the
 *  first time. A page is a pure function of the route, the raw query string (parsed and validated the
 *  same way every time) and the stream's contents; streams only grow (append), so the stream's next Id
 *  is its version: an entry made under another version is never served. Nothing in a page depends on
 *  the clock, the token or the base URL. Bounded by a budget in characters; the oldest go first. */

/** Pages larger than this are not kept (a 1,000-event page of apprenticeships is about 950,000). */
const MAX_PAGE = 256 * 1024
/** All pages of a session together. */
const BUDGET = 2 * 1024 * 1024

interface Entry {
  version: number
  body: string
}

export class PageCache {
  readonly #entries = new Map<string, Entry>()
  #chars = 0

  get(key: string, version: number): string | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.version === version) return entry.body
    this.#delete(key, entry)
    return undefined
  }

  set(key: string, version: number, body: string): void {
    if (body.length > MAX_PAGE) return
    const old = this.#entries.get(key)
    if (old) this.#delete(key, old)
    while (this.#chars + body.length > BUDGET) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry]
      this.#delete(oldestKey, oldest)
    }
    this.#entries.set(key, { version, body })
    this.#chars += body.length
  }

  get size(): number {
    return this.#entries.size
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key)
    this.#chars -= entry.body.length
  }
}
