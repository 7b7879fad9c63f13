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
   *  making any other job. Each row is written into one growing buffer as it is made, which costs a
   *  third of joining 25,000 strings (json_encode escapes all non-ASCII, so latin1 is exact). */
  pageBytes(start: number, count: number): Buffer {
    // Rows average about 470 bytes; the buffer grows if a page runs over.
    let buf = Buffer.allocUnsafe(Math.max(64, Math.min(count * 520, 64 * 1024 * 1024)))
    let at = 0
    buf[at++] = 0x5b // [
    this.forEachId(start, count, (id) => {
      const record = this.#records.get(id)
      const row = record ? record.json : jobJson(this.pools, id)
      if (at + row.length + 2 > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + row.length + 2))
        buf.copy(bigger, 0, 0, at)
        buf = bigger
      }
      if (at > 1) buf[at++] = 0x2c // ,
      at += buf.write(row, at, 'latin1')
    })
    buf[at++] = 0x5d // ]
    // A copy of the exact size, so a cached page does not hold the slack.
    return Buffer.from(buf.subarray(0, at))
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

export interface JobStoreSnapshot {
  nextId: number
  version: number
  /** [from, to) of each generated range. */
  ranges: [number, number][]
  /** [id, the job's JSON as the API writes it]. */
  records: [number, string][]
  removed: number[]
}
