/** Records of bytes kept outside the JS heap, appended into shared chunks.
 *
 *  Why: what a sandbox keeps for a long time (journal entries, Apna's finished deliveries) would
 *  otherwise be many small objects and strings that the collector copies into old space, scans on every
 *  major collection, and lets the heap grow around. Here they are bytes in a few chunks: 4 KiB growing to
 *  256 KiB each, written front to back. A chunk goes once none of its records is live; a log that drops
 *  its oldest records first frees its chunks in order. A freed full-size chunk may be written again, so
 *  a reader copies what it keeps of a record rather than holding a view into its chunk.
 *
 *  A record is addressed by its chunk's sequence number and its offset there: write into `room()` from
 *  `at`, then `placed(end)`. */
export class ChunkLog {
  #chunks: Buffer[] = []
  /** A full-size chunk that emptied, kept to be written again. A log at its bound (a journal at its
   *  budget) frees a chunk for each one it fills: reusing it spares the process a fresh allocation
   *  whose every page the kernel must fault in and zero on first write, which cost a Cordell call
   *  (2 KB of record) about 2 µs. */
  #spare: Buffer | undefined
  /** Sequence number of #chunks[0], and how many live records each chunk holds. */
  #first = 0
  #live: number[] = []
  #at = 0

  /** Where the next record goes in the newest chunk. */
  get at(): number {
    return this.#at
  }

  /** Bytes held in chunks, written or not (what the process holds for the records). */
  get bytes(): number {
    return this.#chunks.reduce((n, c) => n + c.byteLength, this.#spare?.byteLength ?? 0)
  }

  /** The newest chunk, with at least `bytes` free from `at`: a new one (twice the last, up to MAX_CHUNK,
   *  or as big as one record needs) when it has not. */
  room(bytes: number): Buffer {
    const last = this.#chunks[this.#chunks.length - 1]
    // length: a Buffer's byteLength, without the call V8 makes for byteLength.
    if (last && last.length - this.#at >= bytes) return last
    const size = Math.max(bytes, Math.min(MAX_CHUNK, last ? last.length * 2 : MIN_CHUNK))
    const spare = this.#spare
    const chunk = spare && spare.byteLength >= size ? spare : Buffer.allocUnsafeSlow(size)
    if (chunk === spare) this.#spare = undefined
    this.#chunks.push(chunk)
    this.#live.push(0)
    this.#at = 0
    // A chunk no record uses any more goes now rather than waiting for the next release.
    this.#dropEmpty()
    return chunk
  }

  /** Records a record written into the newest chunk up to `end`; returns that chunk's sequence number. */
  placed(end: number): number {
    this.#at = end
    this.#live[this.#live.length - 1]!++
    return this.#first + this.#chunks.length - 1
  }

  chunk(seq: number): Buffer {
    return this.#chunks[seq - this.#first]!
  }

  /** A record of chunk `seq` is no longer needed. */
  release(seq: number): void {
    this.#live[seq - this.#first]!--
    this.#dropEmpty()
  }

  clear(): void {
    this.#chunks = []
    this.#spare = undefined
    this.#live = []
    this.#first = 0
    this.#at = 0
  }

  /** Oldest first, so the chunks that empty are the first ones; the newest is kept for writing. */
  #dropEmpty(): void {
    while (this.#chunks.length > 1 && this.#live[0] === 0) {
      const chunk = this.#chunks.shift()!
      this.#live.shift()
      this.#first++
      if (chunk.byteLength === MAX_CHUNK && this.#spare === undefined) this.#spare = chunk
    }
  }
}

const MIN_CHUNK = 4 * 1024
const MAX_CHUNK = 256 * 1024
