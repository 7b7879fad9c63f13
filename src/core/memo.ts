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
