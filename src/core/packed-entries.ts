import { InboundEntry, type HeaderSource, type RawHeaders } from './inbound-entry.js'
import { BODY_CAP, type JournalEntry } from './journal.js'
import { ChunkLog } from './chunk-log.js'
import { widened } from './columns.js'

/** The slots of a journal, with inbound entries kept off the JS heap.
 *
 *  Why: a journal entry outlives the request, so every object it holds (the entry, the URL, Node's
 *  headers object and its strings, a copy of the request body) survives a scavenge or two and is copied
 *  into old space: at full load that was the largest cost of the journal, about a tenth of a small
 *  call's CPU. Here an inbound entry's text and bytes are copied into chunks of bytes (4 KiB growing
 *  to 256 KiB each, shared by many entries), its numbers into typed arrays, and what it shares with other
 *  requests (partner and method names, a cached page's bytes, a frozen header object) is referenced, so
 *  filing an entry leaves no young object behind. Reading an entry builds an `InboundEntry` from those
 *  bytes again. Entries of other kinds (Apna's outbound attempts: plain data) are kept as their JSON, so
 *  a long run of pushes does not fill the heap either.
 *
 *  An entry read out holds copies of its bytes, never views into a chunk: a chunk no slot uses any more
 *  may be written again (see ChunkLog). */
export class PackedEntries {
  #size = 0
  #ids = new Float64Array(0)
  #atMs = new Float64Array(0)
  #realMs = new Float64Array(0)
  #durationMs = new Float64Array(0)
  /** -1: no size known (null). */
  #responseSize = new Float64Array(0)
  #status = new Int32Array(0)
  #flags = new Int32Array(0)
  #weights = new Int32Array(0)
  /** The chunk (by sequence number) and offset of each slot's record; -1 for none. */
  #chunkOf = new Int32Array(0)
  #offset = new Int32Array(0)
  #session: string[] = []
  #partner: string[] = []
  #method: string[] = []
  /** The shared objects packed entries point to. */
  #bodyRef: (Uint8Array | undefined)[] = []
  #headersRef: (RawHeaders | undefined)[] = []
  #lastShared: Uint8Array | undefined
  readonly #log = new ChunkLog()

  /** Slots allocated: the ring's length. */
  get length(): number {
    return this.#size
  }

  /** Bytes held in chunks, written or not (what the process holds for the records). */
  get chunkBytes(): number {
    return this.#log.bytes
  }

  /** Writes `entry` into `slot` (at most `length`: the slot past the end adds one) and returns its
   *  weight in bytes for the journal's bounds. The slot must be free (released or never used). */
  write(slot: number, entry: JournalEntry): number {
    if (slot === this.#size) this.#grow()
    this.#ids[slot] = entry.id
    this.#session[slot] = entry.session
    this.#partner[slot] = entry.partner
    this.#method[slot] = entry.method
    this.#status[slot] = entry.status
    if (!(entry instanceof InboundEntry)) {
      this.#packObject(slot, entry)
      // Weighed as before packing: about a kilobyte besides the bodies.
      return (this.#weights[slot] = OBJECT_ENTRY_BYTES + (entry.body?.length ?? 0) + (entry.responseBody?.length ?? 0))
    }
    this.#atMs[slot] = entry.atMs
    this.#realMs[slot] = entry.realMs
    this.#durationMs[slot] = entry.durationMs
    this.#responseSize[slot] = entry.responseSize ?? -1
    return (this.#weights[slot] = PACKED_ENTRY_BYTES + this.#pack(slot, entry))
  }

  /** Frees a slot: its record's chunk may go. */
  release(slot: number): void {
    this.#bodyRef[slot] = undefined
    this.#headersRef[slot] = undefined
    this.#weights[slot] = 0
    const chunk = this.#chunkOf[slot]!
    if (chunk < 0) return
    this.#chunkOf[slot] = -1
    this.#log.release(chunk)
  }

  clear(): void {
    this.#size = 0
    this.#ids = new Float64Array(0)
    this.#atMs = new Float64Array(0)
    this.#realMs = new Float64Array(0)
    this.#durationMs = new Float64Array(0)
    this.#responseSize = new Float64Array(0)
    this.#status = new Int32Array(0)
    this.#flags = new Int32Array(0)
    this.#weights = new Int32Array(0)
    this.#chunkOf = new Int32Array(0)
    this.#offset = new Int32Array(0)
    this.#session = []
    this.#partner = []
    this.#method = []
    this.#bodyRef = []
    this.#headersRef = []
    this.#log.clear()
  }

  weightAt(slot: number): number {
    return this.#weights[slot]!
  }

  idAt(slot: number): number {
    return this.#ids[slot]!
  }

  partnerAt(slot: number): string {
    return this.#partner[slot]!
  }

  methodAt(slot: number): string {
    return this.#method[slot]!
  }

  statusAt(slot: number): number {
    return this.#status[slot]!
  }

  pathAt(slot: number): string {
    return this.#text(slot, PATH)!
  }

  refusedAt(slot: number): boolean {
    return this.#lengthOf(slot, REFUSAL) !== ABSENT
  }

  /** The entry in `slot`, built again from its record. */
  read(slot: number): JournalEntry {
    const flags = this.#flags[slot]!
    if (flags & OBJECT) return JSON.parse(this.#text(slot, URL_)!) as JournalEntry
    const entry = new InboundEntry(
      this.#ids[slot]!,
      this.#session[slot]!,
      this.#partner[slot]!,
      this.#method[slot]!,
      this.#text(slot, PATH)!,
      this.#text(slot, URL_)!,
      this.#text(slot, HEADERS)!,
      this.#atMs[slot]!,
      this.#realMs[slot]!,
    )
    const requestBody = this.#bytes(slot, BODY)
    if (requestBody) entry.keepRequestBody(requestBody)
    entry.bodyTruncated = (flags & TRUNCATED) !== 0
    const kept = this.#bytes(slot, RESPONSE_BODY)
    const responseBody = kept ?? this.#bodyRef[slot] ?? (flags & NO_BODY ? null : undefined)
    const size = this.#responseSize[slot]!
    entry.keepResponse(this.#status[slot]!, this.#headersRef[slot] ?? this.#text(slot, RESPONSE_HEADERS) ?? undefined, responseBody, size < 0 ? null : size)
    entry.durationMs = this.#durationMs[slot]!
    entry.fault = this.#text(slot, FAULT)
    entry.refusal = this.#text(slot, REFUSAL)
    entry.error = this.#text(slot, ERROR)
    return entry
  }

  /** An entry that is not an InboundEntry (an Apna attempt: plain data) as its JSON, with its path and
   *  refusal beside it for matching. */
  #packObject(slot: number, entry: JournalEntry): void {
    const json = JSON.stringify(entry)
    const { path, refusal } = entry
    const chunk = this.#log.room(HEADER_BYTES + 3 * (json.length + path.length + (refusal?.length ?? 0)))
    const start = this.#log.at
    let at = start + HEADER_BYTES
    for (let field = 0; field < FIELDS; field++) {
      at = put(chunk, start, field, at, field === PATH ? path : field === URL_ ? json : field === REFUSAL ? refusal : undefined)
    }
    this.#placed(slot, start, at)
    this.#flags[slot] = OBJECT
    this.#bodyRef[slot] = undefined
    this.#headersRef[slot] = undefined
  }

  /** Records that slot's record lies in the newest chunk from `start` to `end`. */
  #placed(slot: number, start: number, end: number): void {
    this.#chunkOf[slot] = this.#log.placed(end)
    this.#offset[slot] = start
  }

  /** Copies what the entry holds that no other request shares into the newest chunk; returns the bytes
   *  it keeps (the record, and a referenced body). */
  #pack(slot: number, entry: InboundEntry): number {
    const headers = headerText(entry.rawHeaders)
    const responseHeaders = entry.responseHeadersRaw
    const sharedHeaders = responseHeaders !== undefined && typeof responseHeaders === 'object' && Object.isFrozen(responseHeaders)
    const responseHeaderText = sharedHeaders ? undefined : headerText(responseHeaders)
    const body = entry.requestBody
    const response = entry.responseBodyRaw
    // A cached answer (its own exact buffer, no bigger than the cap) is shared, not copied; a string, a
    // slice of a bigger buffer, or anything over the cap is copied up to the cap. (Byte arrays' sizes are
    // read as length throughout: on a Uint8Array it is byteLength, which V8 reads through a call.)
    const shareBody = response instanceof Uint8Array && this.#shareable(response)
    const responseText = typeof response === 'string' ? (response.length > BODY_CAP ? response.slice(0, BODY_CAP) : response) : undefined
    const responseBytes = response instanceof Uint8Array && !shareBody ? (response.length > BODY_CAP ? response.subarray(0, BODY_CAP) : response) : undefined
    const { path, rawUrl, fault, refusal, error } = entry
    const bound = HEADER_BYTES + (body?.length ?? 0) + (responseBytes?.length ?? 0) +
      3 * (path.length + rawUrl.length + (headers?.length ?? 0) + (responseHeaderText?.length ?? 0) + (responseText?.length ?? 0) + (fault?.length ?? 0) + (refusal?.length ?? 0) + (error?.length ?? 0))
    const chunk = this.#log.room(bound)
    const start = this.#log.at
    let at = start + HEADER_BYTES
    at = put(chunk, start, PATH, at, path)
    at = put(chunk, start, URL_, at, rawUrl)
    at = put(chunk, start, HEADERS, at, headers)
    at = put(chunk, start, BODY, at, body)
    at = put(chunk, start, RESPONSE_HEADERS, at, responseHeaderText)
    at = put(chunk, start, RESPONSE_BODY, at, responseText ?? responseBytes)
    at = put(chunk, start, FAULT, at, fault)
    at = put(chunk, start, REFUSAL, at, refusal)
    at = put(chunk, start, ERROR, at, error)
    this.#placed(slot, start, at)
    this.#flags[slot] = (entry.bodyTruncated ? TRUNCATED : 0) | (response === null ? NO_BODY : 0)
    this.#bodyRef[slot] = shareBody ? response : undefined
    this.#headersRef[slot] = sharedHeaders ? responseHeaders : undefined
    return at - start + (shareBody ? response.length : 0)
  }

  /** Whether a response body may be kept by reference: bigger than SHARE_FROM, at most the cap, and its
   *  own exact buffer (a view would keep all of a bigger one alive). The last body found so is
   *  remembered: a cached answer comes again and again, and its buffer and offset are slow to read. */
  #shareable(body: Uint8Array): boolean {
    if (body === this.#lastShared) return true
    const size = body.length
    if (size <= SHARE_FROM || size > BODY_CAP || body.byteOffset !== 0 || body.buffer.byteLength !== size) return false
    this.#lastShared = body
    return true
  }

  #lengthOf(slot: number, field: number): number {
    const chunk = this.#chunkOf[slot]!
    if (chunk < 0) return ABSENT
    return this.#log.chunk(chunk).readUInt32LE(this.#offset[slot]! + 4 * field)
  }

  /** Where a field of a slot's record lies, or undefined when it is absent. */
  #locate(slot: number, field: number): { chunk: Buffer; start: number; length: number } | undefined {
    const seq = this.#chunkOf[slot]!
    if (seq < 0) return undefined
    const chunk = this.#log.chunk(seq)
    const offset = this.#offset[slot]!
    let start = offset + HEADER_BYTES
    for (let f = 0; f < field; f++) {
      const length = chunk.readUInt32LE(offset + 4 * f)
      if (length !== ABSENT) start += length
    }
    const length = chunk.readUInt32LE(offset + 4 * field)
    return length === ABSENT ? undefined : { chunk, start, length }
  }

  #text(slot: number, field: number): string | null {
    const at = this.#locate(slot, field)
    return at ? at.chunk.toString('utf8', at.start, at.start + at.length) : null
  }

  /** A copy of a field's bytes: the chunk may be written again once the slot is released. */
  #bytes(slot: number, field: number): Uint8Array | undefined {
    const at = this.#locate(slot, field)
    return at ? new Uint8Array(at.chunk.subarray(at.start, at.start + at.length)) : undefined
  }

  /** Adds a slot at the end, doubling the columns when they are full. */
  #grow(): void {
    if (this.#size === this.#ids.length) {
      const n = Math.max(16, this.#size * 2)
      this.#ids = widened(this.#ids, n)
      this.#atMs = widened(this.#atMs, n)
      this.#realMs = widened(this.#realMs, n)
      this.#durationMs = widened(this.#durationMs, n)
      this.#responseSize = widened(this.#responseSize, n)
      this.#status = widened(this.#status, n)
      this.#flags = widened(this.#flags, n)
      this.#weights = widened(this.#weights, n)
      this.#chunkOf = widened(this.#chunkOf, n)
      this.#offset = widened(this.#offset, n)
    }
    this.#chunkOf[this.#size] = -1
    this.#size++
  }
}

/** Writes one field of the record starting at `record` at `at`, its length into the record's head;
 *  returns where the next field goes. The caller made room. */
function put(chunk: Buffer, record: number, field: number, at: number, value: string | Uint8Array | null | undefined): number {
  let length = ABSENT
  if (typeof value === 'string') length = value === '' ? 0 : (chunk as FastBuffer).utf8Write(value, at, chunk.length - at)
  else if (value) {
    chunk.set(value, at)
    length = value.length
  }
  // Byte by byte rather than writeUInt32LE, whose argument checks cost more than the stores.
  const head = record + 4 * field
  chunk[head] = length
  chunk[head + 1] = length >>> 8
  chunk[head + 2] = length >>> 16
  chunk[head + 3] = length >>> 24
  return length === ABSENT ? at : at + length
}

/** Node's Buffer has the encoder's binding as a method: Buffer#write without the argument parsing. */
type FastBuffer = Buffer & { utf8Write(text: string, offset: number, length: number): number }

/** Headers as one text, `name\nvalue\n…`: header names and values never hold a line break. */
function headerText(headers: HeaderSource | RawHeaders): string | undefined {
  if (headers === undefined) return undefined
  if (typeof headers === 'string') return headers
  if (Array.isArray(headers)) {
    // Node's rawHeaders ([name, value, name, value…]) or [name, value] pairs.
    return headers.length === 0 ? '' : typeof headers[0] === 'string' ? (headers as unknown as string[]).join('\n') : (headers as [string, string][]).map(([k, v]) => `${k}\n${v}`).join('\n')
  }
  let out = ''
  const add = (k: string, v: unknown) => {
    if (v === undefined) return
    out += `${out === '' ? '' : '\n'}${k}\n${Array.isArray(v) ? v.join(', ') : String(v)}`
  }
  if (headers instanceof Headers) headers.forEach((v, k) => add(k, v))
  else for (const k in headers) add(k, (headers as Record<string, unknown>)[k])
  return out
}

// The fields of a record, in order, each after a 4-byte length (ABSENT: null or not there).
const PATH = 0
const URL_ = 1
const HEADERS = 2
const BODY = 3
const RESPONSE_HEADERS = 4
const RESPONSE_BODY = 5
const FAULT = 6
const REFUSAL = 7
const ERROR = 8
const FIELDS = 9
const HEADER_BYTES = 4 * FIELDS
const ABSENT = 0xffffffff

const TRUNCATED = 1
/** The response had no body (null), as against a streamed one that was not kept. */
const NO_BODY = 2
/** The record is an entry's JSON (in the URL field), not an inbound entry's parts. */
const OBJECT = 4

/** Response bodies up to this size are copied even when shared: copying is cheaper than a reference. */
const SHARE_FROM = 256
/** What a packed entry costs besides its record: its slots in the columns. */
const PACKED_ENTRY_BYTES = 128
/** About what an entry kept as an object holds besides its bodies: the entry, the request's headers and URL. */
const OBJECT_ENTRY_BYTES = 1024
