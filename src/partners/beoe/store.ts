import { jobAt, jobJson, type Job, type Pools } from './fixtures.js'
import type { AddJobsInput, JobRecordInput, RemoveJobsInput } from './schema.js'
import { phpJson } from './views.js'

/** One session's list of foreign jobs, ordered by id (the real API pages `ORDER BY id`).
 *
 *  Generated jobs are kept as ranges of ids, never as rows: a million jobs is one range, and the row at
 *  position p is found by arithmetic, so page 40 never makes pages 1-39. Jobs given inline or added
 *  later are kept as records (with their JSON made once). Removing generated jobs marks their ids; a
 *  range's removed ends are trimmed, so taking the oldest 500,000 down costs no memory.
 *
 *  Ids never come back: new jobs take ids after the highest ever issued, like MySQL's AUTO_INCREMENT.
 *
 *  LIMITATIONS: a record given an explicit id may not fall inside a generated range (even where those
 *  jobs were removed); the list lives in memory and is lost on reset, as every session state is. */

interface Range {
  kind: 'range'
  from: number
  /** Exclusive. */
  to: number
}

interface Entry {
  kind: 'record'
  id: number
  json: string
}

type Segment = Range | Entry

interface Placed {
  segment: Segment
  /** Position (0-based, in id order) of the segment's first live job. */
  start: number
  /** Live jobs in it. */
  count: number
}

export interface JobSummary {
  total: number
  firstId: number | null
  lastId: number | null
  /** Bumped by every change; 0 while the list is as the scenario made it. */
  version: number
}

export class JobStore {
  #ranges: Range[] = []
  #records = new Map<number, Entry>()
  /** Removed ids inside ranges: a set to test, a sorted array to count. */
  #removed = new Set<number>()
  #removedSorted: number[] = []
  #index: Placed[] | undefined
  #total = 0
  #nextId: number
  version = 0

  constructor(
    private readonly pools: Pools,
    jobs: { generate: number; idStart: number; records: readonly JobRecordInput[] },
  ) {
    this.#nextId = jobs.idStart
    if (jobs.generate > 0) {
      this.#ranges.push({ kind: 'range', from: jobs.idStart, to: jobs.idStart + jobs.generate })
      this.#nextId = jobs.idStart + jobs.generate
    }
    this.#addRecords(jobs.records)
    this.#reindex()
  }

  get total(): number {
    return this.#total
  }

  /** The list as ranges, records and removed ids (never the generated rows): a snapshot's part. */
  snapshot(): JobStoreSnapshot {
    return {
      nextId: this.#nextId,
      version: this.version,
      ranges: this.#ranges.map((r) => [r.from, r.to]),
      records: [...this.#records.values()].map((e) => [e.id, e.json]),
      removed: this.#removedSorted,
    }
  }

  restore(saved: JobStoreSnapshot): void {
    this.#ranges = saved.ranges.map(([from, to]) => {
      if (to < from) throw new RangeError(`jobs.ranges: [${from}, ${to}) runs backwards`)
      return { kind: 'range', from, to }
    })
    this.#records = new Map(saved.records.map(([id, json]) => [id, { kind: 'record', id, json }]))
    this.#removed = new Set(saved.removed)
    this.#removedSorted = [...this.#removed].sort((a, b) => a - b)
    this.#nextId = saved.nextId
    this.version = saved.version
    this.#reindex()
  }

  summary(): JobSummary {
    const index = this.#placed()
    const first = index[0]?.segment
    const last = index[index.length - 1]?.segment
    return {
      total: this.#total,
      firstId: first ? (first.kind === 'record' ? first.id : this.#liveIdAt(first, 0)) : null,
      lastId: last ? (last.kind === 'record' ? last.id : this.#liveIdAt(last, index[index.length - 1]!.count - 1)) : null,
      version: this.version,
    }
  }

  /** The JSON array of the `count` jobs from position `start` (0-based) as ASCII bytes, made without
   *  making any other job: a copy of the exact size. */
  pageBytes(start: number, count: number): Buffer {
    const out = new ByteWriter(Math.min(count * 520 + 2, 64 * 1024 * 1024))
    this.writePage(out, start, count)
    return out.copy()
  }

  /** Writes the same array at the end of `out`. Each row is written as it is made, which costs a
   *  third of joining 25,000 strings (json_encode escapes all non-ASCII, so latin1 is exact). */
  writePage(out: ByteWriter, start: number, count: number): void {
    // Rows average about 470 bytes; the writer grows if a page runs over.
    out.expect(Math.min(count * 520 + 2, 64 * 1024 * 1024))
    out.byte(0x5b) // [
    let first = true
    this.forEachId(start, count, (id) => {
      const record = this.#records.get(id)
      if (!first) out.byte(0x2c) // ,
      first = false
      out.latin1(record ? record.json : jobJson(this.pools, id))
    })
    out.byte(0x5d) // ]
  }

  /** The same as a string, for tests and small lists. */
  pageJson(start: number, count: number): string {
    return this.pageBytes(start, count).toString('latin1')
  }

  /** Ids of the `count` jobs from position `start`, in order. */
  ids(start: number, count: number): number[] {
    const out: number[] = []
    this.forEachId(start, count, (id) => out.push(id))
    return out
  }

  forEachId(start: number, count: number, fn: (id: number) => void): void {
    const index = this.#placed()
    let i = this.#segmentAt(start)
    if (i < 0) return
    let left = count
    let skip = start - index[i]!.start
    for (; i < index.length && left > 0; i++) {
      const { segment } = index[i]!
      if (segment.kind === 'record') {
        if (skip === 0) {
          fn(segment.id)
          left--
        } else skip--
        continue
      }
      let id = skip === 0 ? segment.from : this.#liveIdAt(segment, skip)
      skip = 0
      const plain = this.#removed.size === 0
      for (; id < segment.to && left > 0; id++) {
        if (plain || !this.#removed.has(id)) {
          fn(id)
          left--
        }
      }
    }
  }

  /** Job `id` as an object, or undefined when there is none. */
  job(id: number): Job | undefined {
    const record = this.#records.get(id)
    if (record) return JSON.parse(record.json) as Job
    return this.#inRange(id) && !this.#removed.has(id) ? jobAt(this.pools, id) : undefined
  }

  /** `beoe.addJobs`: new generated jobs with the next ids, and/or records. */
  add(input: AddJobsInput): { added: number[] } {
    const added: number[] = []
    // Refuse the whole step before changing anything.
    for (const r of input.records ?? []) {
      if (r.id === undefined) continue
      if (this.#records.has(r.id) || this.#inRange(r.id)) throw new Error(`a job with id ${r.id} exists (or did, inside a generated range): give another id or leave it out`)
    }
    if (input.count) {
      const from = this.#nextId
      const last = this.#ranges[this.#ranges.length - 1]
      if (last && last.to === from && this.#isLastSegment(last)) last.to += input.count
      else this.#ranges.push({ kind: 'range', from, to: from + input.count })
      this.#nextId = from + input.count
      // Reported, not listed, past a thousand: a step may add millions.
      for (let id = from; id < this.#nextId && added.length < 1000; id++) added.push(id)
    }
    added.push(...this.#addRecords(input.records ?? []))
    this.#changed()
    return { added }
  }

  /** `beoe.removeJobs`: the ids first, then the oldest n of what is left, then the newest n. Unknown
   *  ids refuse the whole step before anything changes. */
  remove(input: RemoveJobsInput): { removed: number } {
    const ids = [...new Set(input.ids ?? [])]
    const missing = ids.filter((id) => !this.#has(id))
    if (missing.length > 0) throw new Error(`no job with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`)
    const before = this.#total
    this.#drop(ids)
    if (input.oldest) this.#drop(this.ids(0, input.oldest))
    if (input.newest) this.#drop(this.ids(Math.max(0, this.#total - input.newest), input.newest))
    this.version++
    return { removed: before - this.#total }
  }

  #drop(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.#records.delete(id)) this.#removed.add(id)
    }
    this.#trim()
    this.#reindex()
  }

  #addRecords(records: readonly JobRecordInput[]): number[] {
    const ids: number[] = []
    for (const r of records) {
      const id = r.id ?? this.#nextId
      this.#nextId = Math.max(this.#nextId, id + 1)
      // Fields left out come from the generated job of the same id, so `{ job_title: Welder }` is whole.
      const job = { ...jobAt(this.pools, id), ...r, id }
      this.#records.set(id, { kind: 'record', id, json: phpJson(job) })
      ids.push(id)
    }
    return ids
  }

  #has(id: number): boolean {
    return this.#records.has(id) || (this.#inRange(id) && !this.#removed.has(id))
  }

  #inRange(id: number): boolean {
    return this.#ranges.some((r) => id >= r.from && id < r.to)
  }

  #isLastSegment(range: Range): boolean {
    for (const id of this.#records.keys()) if (id >= range.to) return false
    return true
  }

  /** Drops removed ids from the ends of ranges (and empty ranges), so the removed set stays small. */
  #trim(): void {
    for (const r of this.#ranges) {
      while (r.from < r.to && this.#removed.delete(r.from)) r.from++
      while (r.to > r.from && this.#removed.delete(r.to - 1)) r.to--
    }
    this.#ranges = this.#ranges.filter((r) => r.to > r.from)
    this.#removedSorted = [...this.#removed].sort((a, b) => a - b)
  }

  #changed(): void {
    this.version++
    this.#reindex()
  }

  #reindex(): void {
    this.#index = undefined
    this.#placed()
  }

  #placed(): Placed[] {
    if (this.#index) return this.#index
    const segments: Segment[] = [...this.#ranges, ...this.#records.values()]
    segments.sort((a, b) => first(a) - first(b))
    let start = 0
    this.#index = segments.map((segment) => {
      const count = segment.kind === 'record' ? 1 : segment.to - segment.from - this.#removedBetween(segment.from, segment.to)
      const placed = { segment, start, count }
      start += count
      return placed
    })
    this.#total = start
    return this.#index
  }

  /** Index of the segment holding position `p`, or -1 past the end. */
  #segmentAt(p: number): number {
    const index = this.#placed()
    let lo = 0
    let hi = index.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = index[mid]!
      if (p < s.start) hi = mid - 1
      else if (p >= s.start + s.count) lo = mid + 1
      else return mid
    }
    return -1
  }

  /** The id of the k-th (0-based) live job of a range. */
  #liveIdAt(range: Range, k: number): number {
    if (this.#removedSorted.length === 0) return range.from + k
    // The smallest id whose live count from range.from reaches k + 1.
    let lo = range.from + k
    let hi = range.to - 1
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (mid - range.from + 1 - this.#removedBetween(range.from, mid + 1) >= k + 1) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Removed ids in [from, to). */
  #removedBetween(from: number, to: number): number {
    return lowerBound(this.#removedSorted, to) - lowerBound(this.#removedSorted, from)
  }
}

function first(s: Segment): number {
  return s.kind === 'record' ? s.id : s.from
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

const MIB = 1024 * 1024

/** Bytes appended to one buffer that grows by doubling. A page is written here and copied out once at
 *  its exact size, so the only large allocation a cold page leaves is the page itself (large
 *  short-lived buffers leave the malloc heap fragmented, and RSS grows with every page). */
export class ByteWriter {
  #buf: Buffer
  #at = 0

  constructor(capacity = 64 * 1024) {
    this.#buf = Buffer.allocUnsafeSlow(Math.max(64, capacity))
  }

  get length(): number {
    return this.#at
  }

  get capacity(): number {
    return this.#buf.byteLength
  }

  /** Empties it, keeping the buffer. */
  reset(): void {
    this.#at = 0
  }

  /** Makes room for about `n` more bytes, with 64 KiB to spare (so the next page, whose head may be a
   *  byte longer, fits too), without doubling. */
  expect(n: number): void {
    if (this.#at + n > this.#buf.byteLength) this.#grow(this.#at + n + 64 * 1024)
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.#at + n > this.#buf.byteLength) this.#grow(Math.max(this.#buf.byteLength * 2, this.#at + n))
  }

  #grow(capacity: number): void {
    const bigger = Buffer.allocUnsafeSlow(capacity)
    this.#buf.copy(bigger, 0, 0, this.#at)
    this.#buf = bigger
  }

  byte(b: number): void {
    if (this.#at === this.#buf.byteLength) this.reserve(1)
    this.#buf[this.#at++] = b
  }

  /** A string of code points below 256, a byte each. */
  latin1(text: string): void {
    this.reserve(text.length)
    this.#at += this.#buf.write(text, this.#at, 'latin1')
  }

  /** What was written, as a view of the buffer: copy it before the next reset. */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#at)
  }

  /** A copy of what was written, in memory of its own (never a slice of a pool, which would pin the
   *  pool). Past 1 MiB the memory is rounded up to whole MiB, so a page freed from the cache leaves a
   *  hole the next page of about its size fills, rather than fragmenting the malloc heap. */
  copy(): Buffer<ArrayBuffer> {
    const size = this.#at <= MIB ? this.#at : Math.ceil(this.#at / MIB) * MIB
    const out = Buffer.allocUnsafeSlow(size)
    this.#buf.copy(out, 0, 0, this.#at)
    return size === this.#at ? out : out.subarray(0, this.#at)
  }
}

export interface JobStoreSnapshot {
  nextId: number
  version: number
  /** [from, to) of each generated range. */
  ranges: [number, number][]
  /** [id, the job's JSON as the API writes it]. */
  records: [number, string][]
  removed: number[]
}
