/** Serialised answers of one session's read calls, so a client polling the same page does not pay for
 *  validation, the scan and `JSON.stringify` each time. An answer is kept under the request's raw input
 *  (its query string or path parameter, which validation and the answer are pure functions of) and the
 *  `version` of the data it was made from: when the data changes, the version moves and every answer
 *  made before is dropped. Nothing time-, token- or URL-dependent may be cached here (the token is
 *  checked before the cache, on every call).
 *
 *  Bounded by characters held, oldest first (a Map iterates in insertion order), so a client sending
 *  endless distinct queries cannot grow a session without limit. */
export class ResponseCache {
  readonly #entries = new Map<string, string>()
  #version = 0
  #chars = 0

  constructor(
    /** Characters (keys and bodies) held at most. */
    private readonly maxChars = 4_000_000,
    /** Bodies larger than this are not kept. */
    private readonly maxBody = 512_000,
  ) {}

  get(key: string, version: number): string | undefined {
    if (version !== this.#version) return undefined
    return this.#entries.get(key)
  }

  set(key: string, version: number, body: string): void {
    if (version !== this.#version) this.clear(version)
    if (body.length > this.maxBody || this.#entries.has(key)) return
    this.#entries.set(key, body)
    this.#chars += key.length + body.length
    for (const [k, v] of this.#entries) {
      if (this.#chars <= this.maxChars) break
      this.#entries.delete(k)
      this.#chars -= k.length + v.length
    }
  }

  get size(): number {
    return this.#entries.size
  }

  clear(version = this.#version): void {
    this.#entries.clear()
    this.#chars = 0
    this.#version = version
  }
}
