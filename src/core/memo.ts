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

/** `kept`'s value for `key`, made and remembered when missing. A map that holds `bound` values starts
 *  again: these caches hold what a client repeats (its tokens, its request bodies), and a client that
 *  never repeats itself must not fill memory. `make` may throw; then nothing is kept. */
export function remembered<K, V>(kept: Map<K, V>, key: K, bound: number, make: () => V): V {
  let value = kept.get(key)
  if (value === undefined) {
    value = make()
    if (kept.size >= bound) kept.clear()
    kept.set(key, value)
  }
  return value
}
