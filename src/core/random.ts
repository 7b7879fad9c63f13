/** Deterministic randomness. Everything the sandbox draws (fault probabilities, delays, fake data)
 *  comes from a seed through here, so the same scenario replays the same draws. */

/** A 32-bit hash of the parts (FNV-1a over their text): the seed of row `i` of partner `p` is
 *  `seedOf(seed, p, i)`, computable without making rows 0..i-1. */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const text = String(part)
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    h ^= 0x1f // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: small, fast, and good enough for test data and coin flips. */
export class Random {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** Where the stream stands: a session snapshot keeps it, so a restored session draws on exactly
   *  where the original would have (the next token, the next fault coin flip). */
  get state(): number {
    return this.#state
  }

  set state(value: number) {
    this.#state = value >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  chance(probability: number): boolean {
    return probability >= 1 || (probability > 0 && this.next() < probability)
  }

  /** An independent stream named `label`: drawing from one never shifts another. */
  fork(label: string | number): Random {
    return new Random(seedOf(this.#state, label))
  }
}
