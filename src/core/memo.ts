/** What the sessions of one sandbox may share because it is derived from the scenario alone (a key
 *  pair, word pools, serialised pages of unchanged data). One Memo per sandbox, so nothing crosses
 *  sandboxes; entries are keyed by the object they derive from (a parsed partner config), so a
 *  `PUT /scenario` starts afresh and the old entries go with the old scenario. */
export class Memo {
  #byOwner = new WeakMap<object, Map<string, unknown>>()

  get<T>(owner: object, name: string, make: () => T): T {
    let entries = this.#byOwner.get(owner)
    if (!entries) {
      entries = new Map()
      this.#byOwner.set(owner, entries)
    }
    if (!entries.has(name)) entries.set(name, make())
    return entries.get(name) as T
  }
}

/** A bounded map of what a client repeats (its tokens, its request bodies, the paths it asks for), made
 *  on first use. The newest key is checked first, by comparison: a client calling in a loop sends the
 *  same text each time, but as a new string, and comparing two strings is cheaper than hashing one for
 *  the map. Past `bound` keys the map starts again, so a client that never repeats itself cannot fill
 *  memory. */
export class Recent<K, V> {
  readonly #kept = new Map<K, V>()
  #lastKey: K | undefined
  #lastValue: V | undefined

  constructor(readonly bound: number) {}

  /** The value for `key`, made and kept when missing. `make` may throw; then nothing is kept. */
  get(key: K, make: (key: K) => V): V {
    if (this.#lastValue !== undefined && key === this.#lastKey) return this.#lastValue
    let value = this.#kept.get(key)
    if (value === undefined) {
      value = make(key)
      if (this.#kept.size >= this.bound) this.#kept.clear()
      this.#kept.set(key, value)
    }
    this.#lastKey = key
    this.#lastValue = value
    return value
  }

  clear(): void {
    this.#kept.clear()
    this.#lastKey = undefined
    this.#lastValue = undefined
  }

  get size(): number {
    return this.#kept.size
  }
}
