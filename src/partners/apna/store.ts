import * as z from 'zod'
import type { TimerHandle } from '../../core/clock.js'
import { ChunkLog } from '../../core/chunk-log.js'
import { snap } from '../../core/snapshot.js'
import { formatDuration } from '../../core/duration.js'
import { BODY_CAP, type JournalEntry } from '../../core/journal.js'
import type { PartnerContext } from '../../core/partner.js'
import { redactBody, redactHeaders, redactQuery, redactUrl } from '../../core/redact.js'
import { journalHeaders, outboundHeaders } from './auth.js'
import { deliveryNotFound, noTarget, queueFull, stillInProgress } from './errors.js'
import { candidateAt, type CandidateOptions } from './fixtures.js'
import { payloadOf, shape } from './payload.js'
import { deliveryStates, invalidKinds, streamInput, targetSchema, type ApnaConfig, type ApnaTarget, type DeliveryState, type InvalidKind, type PushInput, type StreamInput } from './schema.js'
import { deliverySummary } from './views.js'
import { Agents, postJson, type WireResult } from './wire.js'
import { later } from '../../core/later.js'

/** One session's Apna pusher (seed 003): the target, the delivery log, the paced queue, the retry
 *  timers and the streams.
 *
 *  How a delivery moves: `queued` → `sending` → `delivered`, or on no response within `timeout`, a
 *  connection error or an error status → `retrying` (one retry `retry.delay` later on the session
 *  clock, the document's "retry once after 5 seconds") → `sending` → `delivered` | `failed`.
 *  Sends are paced on the session clock at `rate` a second, evenly spaced, with at most `concurrency`
 *  on the wire; retries go first in the queue. Unfinished deliveries are capped at `queueLimit`.
 *
 *  On a frozen clock a timer that sends (a paced send, a retry, a stream tick, a timeline push) waits
 *  for its exchanges to finish before the clock moves on, so `POST /__sandbox/clock {advance}` returns
 *  with the outcome recorded. On a running clock nothing waits: sends overlap up to `concurrency`.
 *
 *  LIMITATIONS: fault rules act on inbound requests only; a retry is counted from when the failure is
 *  known (after the timeout, for a silent receiver); redirects are not followed (a 3xx is an error). */

export interface Attempt {
  number: number
  /** 0 for the first delivery, n for the n-th redelivery. */
  round: number
  retry: boolean
  /** Session time the request went out. */
  at: string
  realAt: string
  url: string
  /** null: no response (timeout, connection error). */
  status: number | null
  durationMs: number
  error: string | null
  /** The first KiB of the response body. */
  response: string
  /** The response was the document's `{"status":"success",…}`. */
  documented: boolean
  outcome: 'delivered' | 'failed'
  journalId: number
}

export interface Delivery {
  id: string
  /** The generated candidate the payload started from. */
  index: number
  source: 'api' | 'timeline' | 'stream'
  state: DeliveryState
  invalid: InvalidKind | null
  createdAt: string
  updatedAt: string
  nextAttemptAt: string | null
  redeliveries: number
  attemptCount: number
  attempts: Attempt[]
  /** The request body as sent. The payload it serialises is not kept beside it (see payloadOf): a log
   *  of 10,000 deliveries a session would hold every application twice. */
  body: string
  /** Attempts in the current round, for the retry rule. */
  roundAttempts: number
  retryTimer: TimerHandle | undefined
}

export interface StreamStatus {
  id: string
  rate: number
  startedAt: string
  until: string
  made: number
  refused: number
  state: 'running' | 'done' | 'stopped'
}

interface Stream extends StreamStatus {
  timer: TimerHandle | undefined
  /** What started it, for a snapshot: a restored stream goes on making the same applications. */
  input: StreamInput
}

/** A finished delivery as the log keeps it: its fields as JSON, a line break and its body, in the store's
 *  chunk log. Only the state is at hand, for counts and filters; reading it builds the Delivery again. */
class PackedDelivery {
  constructor(
    readonly state: 'delivered' | 'failed',
    readonly seq: number,
    readonly start: number,
    readonly end: number,
  ) {}
}

// Attempts kept per delivery: redeliveries can add without end.
const ATTEMPTS_KEPT = 20
const RESPONSE_KEPT = 1024

export class ApnaStore {
  target: ApnaTarget
  readonly stats = { pushed: 0, delivered: 0, failed: 0, refused: 0, attempts: 0 }
  /** The log, oldest first. Finished deliveries are kept packed in #packed: a session pushing to a receiver
   *  for hours keeps thousands (`logLimit`), each about 2 KB of objects and strings the collector would
   *  scan and grow the heap around; packed, they are bytes outside the JS heap. */
  readonly #deliveries = new Map<string, Delivery | PackedDelivery>()
  readonly #packed = new ChunkLog()
  readonly #ready: Delivery[] = []
  readonly #inflight = new Map<Delivery, { controller: AbortController; done: Promise<void> }>()
  readonly #streams: Stream[] = []
  readonly #waiters = new Set<() => void>()
  readonly #agents: Agents
  readonly #candidates: CandidateOptions
  #nextSlot = Number.NEGATIVE_INFINITY
  #wake: { due: number; handle: TimerHandle } | undefined
  #open = 0
  #seq = 0
  #streamSeq = 0
  #nextIndex = 0
  #disposed = false

  constructor(
    readonly config: ApnaConfig,
    readonly ctx: PartnerContext,
  ) {
    this.target = structuredClone(config.target)
    this.#agents = new Agents(config.concurrency)
    this.#candidates = { ongoingEnd: config.ongoingEnd, emailDomain: config.contact.emailDomain, phonePrefix: config.contact.phonePrefix }
  }

  /** Unfinished deliveries: queued, sending or retrying. */
  get open(): number {
    return this.#open
  }

  get inFlight(): number {
    return this.#inflight.size
  }

  /** When the next queued application may go, if the pace holds it back: on a frozen clock, how far
   *  to advance. */
  nextSendAt(): string | null {
    if (this.#ready.length === 0 || this.config.rate === 0 || this.#nextSlot <= this.ctx.clock.now()) return null
    return new Date(this.#nextSlot).toISOString()
  }

  /** Makes and queues the applications of one push, all or none: refused when there is no target or
   *  the queue has no room for all of them. */
  push(input: PushInput, source: Delivery['source']): Delivery[] {
    if (!this.target.url) throw noTarget()
    const n = input.candidates?.length ?? input.count ?? 1
    const free = this.config.queueLimit - this.#open
    if (n > free) {
      this.stats.refused += n
      const error = queueFull(n, free, this.config.queueLimit)
      this.ctx.events.emit('apna.refused', { source, count: n, reason: error.message })
      throw error
    }
    const made: Delivery[] = []
    for (let i = 0; i < n; i++) {
      const index = this.#nextIndex++
      const { body } = shape(candidateAt(this.ctx.seed, index, this.#candidates), {
        patches: [this.config.overrides, input.overrides, input.candidates?.[i]],
        ...(input.omit ? { omit: input.omit } : {}),
        ...(input.invalid ? { invalid: input.invalid } : {}),
        ...(input.field ? { field: input.field } : {}),
      })
      const now = this.#now()
      const d: Delivery = {
        id: `d-${String(++this.#seq).padStart(6, '0')}`,
        index,
        source,
        state: 'queued',
        invalid: input.invalid ?? null,
        createdAt: now,
        updatedAt: now,
        nextAttemptAt: null,
        redeliveries: 0,
        attemptCount: 0,
        attempts: [],
        body,
        roundAttempts: 0,
        retryTimer: undefined,
      }
      this.#deliveries.set(d.id, d)
      this.#ready.push(d)
      this.#open++
      made.push(d)
      this.#changed(d)
    }
    this.stats.pushed += n
    this.#evict()
    this.#kick()
    return made
  }

  /** Sends a finished delivery again, same payload, with its own retry. */
  redeliver(id: string): Delivery {
    const kept = this.#deliveries.get(id)
    if (!kept) throw deliveryNotFound(id, this.ctx.sessionId)
    if (kept.state !== 'delivered' && kept.state !== 'failed') throw stillInProgress(id, kept.state)
    if (!this.target.url) throw noTarget()
    if (this.#open >= this.config.queueLimit) {
      this.stats.refused++
      throw queueFull(1, 0, this.config.queueLimit)
    }
    // Only a redelivery that goes ahead takes the delivery out of the packed log: a refused one leaves it packed.
    const d = this.#revive(id)
    d.redeliveries++
    d.roundAttempts = 0
    d.state = 'queued'
    this.#open++
    this.#ready.push(d)
    this.#changed(d)
    this.#kick()
    return d
  }

  /** A delivery as it is now; a finished one is a copy, built from the log. */
  get(id: string): Delivery {
    const d = this.#deliveries.get(id)
    if (!d) throw deliveryNotFound(id, this.ctx.sessionId)
    return this.#built(d)
  }

  /** The newest `limit` deliveries (all without one) in the given state (any without one), oldest
   *  first, and how many there are in that state. Only those returned are built from the log. */
  page(state: DeliveryState | undefined, limit: number | undefined): { deliveries: Delivery[]; total: number } {
    const all = [...this.#deliveries.values()]
    const chosen = state === undefined ? all : all.filter((d) => d.state === state)
    const shown = limit === undefined ? chosen : chosen.slice(Math.max(0, chosen.length - limit))
    return { deliveries: shown.map((d) => this.#built(d)), total: chosen.length }
  }

  counts(): Record<DeliveryState, number> {
    const counts = { queued: 0, sending: 0, retrying: 0, delivered: 0, failed: 0 }
    for (const d of this.#deliveries.values()) counts[d.state]++
    return counts
  }

  streams(): StreamStatus[] {
    return this.#streams.map(({ timer: _, input: __, ...s }) => s)
  }

  /** A steady stream: one application now, then one every 1/rate s of session time until `for` has
   *  passed. A tick that finds the queue full is counted as refused, and the stream goes on. */
  startStream(input: StreamInput): StreamStatus {
    if (!this.target.url) throw noTarget()
    const start = this.ctx.clock.now()
    const stream: Stream = {
      id: `s-${++this.#streamSeq}`,
      rate: input.rate,
      startedAt: new Date(start).toISOString(),
      until: new Date(start + input.for).toISOString(),
      made: 0,
      refused: 0,
      state: 'running',
      timer: undefined,
      input,
    }
    this.#streams.push(stream)
    if (this.#streams.length > 50) this.#streams.splice(0, this.#streams.length - 50)
    this.#runStream(stream, 0)
    return this.streams().find((s) => s.id === stream.id)!
  }

  /** Runs tick `first` of a stream now, and arms the ticks after it. */
  #runStream(stream: Stream, first: number): void {
    const { rate, for: span, ...push } = stream.input
    const start = Date.parse(stream.startedAt)
    const interval = 1000 / rate
    const tick = (k: number) => {
      stream.timer = undefined
      if (this.#disposed || stream.state !== 'running') return
      try {
        this.push({ ...push, count: 1 }, 'stream')
        stream.made++
      } catch {
        stream.refused++
      }
      const next = start + (k + 1) * interval
      if (next < start + span) {
        stream.timer = this.ctx.clock.at(
          next,
          () => {
            tick(k + 1)
            return this.settleIfFrozen()
          },
          `apna: stream ${stream.id}`,
        )
      } else stream.state = 'done'
      this.ctx.events.emit('apna.stream', this.streams().find((s) => s.id === stream.id))
    }
    tick(first)
  }

  stopStreams(): number {
    let stopped = 0
    for (const s of this.#streams) {
      if (s.state !== 'running') continue
      s.timer?.cancel()
      s.timer = undefined
      s.state = 'stopped'
      stopped++
    }
    return stopped
  }

  /** Resolves once nothing is on the wire (including sends that finishing ones start). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight.values()].map((f) => f.done))
  }

  /** Waits up to `ms` of real time until every delivery is finished, or, on a frozen clock, until
   *  nothing more happens without moving it. True when that state was reached. */
  waitFor(ms: number): Promise<boolean> {
    const done = () => this.#disposed || this.#open === 0 || (this.ctx.clock.frozen && this.#inflight.size === 0 && !this.#canSendNow())
    if (done() || ms <= 0) return Promise.resolve(done())
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return
        cleanup()
        resolve(true)
      }
      const cancel = this.ctx.real.schedule(ms, () => {
        cleanup()
        resolve(done())
      })
      const cleanup = () => {
        this.#waiters.delete(check)
        cancel()
      }
      this.#waiters.add(check)
    })
  }

  /** Cancels every timer and aborts every exchange: the session is reset or gone. */
  dispose(): void {
    this.#disposed = true
    this.#wake?.handle.cancel()
    this.#wake = undefined
    for (const d of this.#deliveries.values()) if (!(d instanceof PackedDelivery)) d.retryTimer?.cancel()
    this.stopStreams()
    for (const { controller } of this.#inflight.values()) controller.abort()
    this.#agents.destroy()
    for (const waiter of [...this.#waiters]) waiter()
  }

  /** Whether a send is due without the clock moving: between one exchange ending and the next starting. */
  #canSendNow(): boolean {
    return this.#ready.length > 0 && (this.config.rate === 0 || this.#nextSlot <= this.ctx.clock.now())
  }

  /** Starts every send the pace and the concurrency allow now; arms one timer for the next slot. */
  #kick(): void {
    if (this.#disposed) return
    const rate = this.config.rate
    while (this.#ready.length > 0 && this.#inflight.size < this.config.concurrency) {
      if (rate > 0) {
        const now = this.ctx.clock.now()
        if (this.#nextSlot > now) return this.#armWake(this.#nextSlot)
        // From now rather than from the missed slot: a late timer never lets a burst through.
        this.#nextSlot = now + 1000 / rate
      }
      this.#send(this.#ready.shift()!)
    }
  }

  #armWake(due: number): void {
    if (this.#wake && this.#wake.due <= due) return
    this.#wake?.handle.cancel()
    const handle = this.ctx.clock.at(
      due,
      () => {
        this.#wake = undefined
        this.#kick()
        return this.settleIfFrozen()
      },
      'apna: next paced send',
    )
    this.#wake = { due, handle }
  }

  /** What a timer that sends returns: on a frozen clock, the end of its exchanges (see the top). */
  settleIfFrozen(): Promise<void> | undefined {
    return this.ctx.clock.frozen ? this.settled() : undefined
  }

  #send(d: Delivery): void {
    const target = this.target
    const url = target.url!
    const retry = d.roundAttempts > 0
    d.roundAttempts++
    d.attemptCount++
    d.state = 'sending'
    d.nextAttemptAt = null
    this.#changed(d)
    const at = this.ctx.clock.now()
    const realAt = this.ctx.real.now()
    const headers = outboundHeaders(target, d.id)
    const controller = new AbortController()
    this.stats.attempts++
    const done = postJson({ url, headers, body: d.body, timeoutMs: this.config.timeout, real: this.ctx.real, agents: this.#agents, signal: controller.signal }).then((result) => {
      this.#inflight.delete(d)
      if (this.#disposed) return
      this.#record(d, { url, headers, target, at, realAt, retry, result })
      this.#kick()
    })
    this.#inflight.set(d, { controller, done })
  }

  #record(d: Delivery, a: { url: string; headers: Record<string, string>; target: ApnaTarget; at: number; realAt: number; retry: boolean; result: WireResult }): void {
    const { result } = a
    const ok = result.error === null && result.status !== null && (this.config.success === '200' ? result.status === 200 : result.status >= 200 && result.status < 300)
    const documented = ok && isDocumentedSuccess(result.body)
    const entry = this.#journal(d, a, ok)
    const attempt: Attempt = {
      number: d.attemptCount,
      round: d.redeliveries,
      retry: a.retry,
      at: new Date(a.at).toISOString(),
      realAt: new Date(a.realAt).toISOString(),
      url: entry.url,
      status: result.status,
      durationMs: result.durationMs,
      error: entry.error,
      response: firstKiB(result.body),
      documented,
      outcome: ok ? 'delivered' : 'failed',
      journalId: entry.id,
    }
    d.attempts.push(attempt)
    if (d.attempts.length > ATTEMPTS_KEPT) d.attempts.splice(0, d.attempts.length - ATTEMPTS_KEPT)

    if (ok) {
      d.state = 'delivered'
      this.#open--
      this.stats.delivered++
    } else if (d.roundAttempts <= this.config.retry.attempts) {
      // "Apna will automatically retry once after 5 seconds": on the session clock.
      d.state = 'retrying'
      const due = this.ctx.clock.now() + this.config.retry.delay
      d.nextAttemptAt = new Date(due).toISOString()
      this.#armRetry(d, due)
    } else {
      d.state = 'failed'
      this.#open--
      this.stats.failed++
    }
    this.#changed(d)
    this.#pack(d)
  }

  /** Moves a finished delivery into the chunk log: from now on the log holds its bytes, not the object.
   *  An unfinished one stays as it is. */
  #pack(d: Delivery): void {
    const state = d.state
    if (state !== 'delivered' && state !== 'failed') return
    const { retryTimer: _, body, ...fields } = d
    const meta = JSON.stringify(fields)
    // UTF-8 takes at most 3 bytes for each UTF-16 unit.
    const chunk = this.#packed.room(3 * (meta.length + 1 + body.length))
    const start = this.#packed.at
    let end = start + chunk.write(meta, start)
    chunk[end++] = NEWLINE
    end += chunk.write(body, end)
    this.#deliveries.set(d.id, new PackedDelivery(state, this.#packed.placed(end), start, end))
  }

  /** The delivery as it is: a packed one built from the log (a copy), a live one itself. */
  #built(d: Delivery | PackedDelivery): Delivery {
    return d instanceof PackedDelivery ? this.#unpack(d) : d
  }

  #unpack(p: PackedDelivery): Delivery {
    const text = this.#packed.chunk(p.seq).toString('utf8', p.start, p.end)
    // JSON never holds a raw line break: the first one ends the fields.
    const split = text.indexOf('\n')
    return { ...(JSON.parse(text.slice(0, split)) as Omit<Delivery, 'body' | 'retryTimer'>), body: text.slice(split + 1), retryTimer: undefined }
  }

  /** The delivery itself, to change: a packed one is built again and takes its place in the log. The
   *  caller has checked that `id` is in the log. */
  #revive(id: string): Delivery {
    const d = this.#deliveries.get(id)!
    if (!(d instanceof PackedDelivery)) return d
    const live = this.#unpack(d)
    // Set on a key it has keeps the key's place: the log's order is unchanged.
    this.#deliveries.set(id, live)
    this.#packed.release(d.seq)
    return live
  }

  #armRetry(d: Delivery, due: number): void {
    d.retryTimer = this.ctx.clock.at(
      due,
      () => {
        d.retryTimer = undefined
        if (this.#disposed) return
        this.#ready.unshift(d)
        this.#kick()
        return this.settleIfFrozen()
      },
      `apna: retry ${d.id}`,
    )
  }

  /** The attempt as a journal entry, so `GET /__sandbox/requests?partner=apna` shows what was sent. */
  #journal(d: Delivery, a: { url: string; headers: Record<string, string>; target: ApnaTarget; at: number; realAt: number; result: WireResult }, ok: boolean): JournalEntry {
    const { result } = a
    const url = new URL(a.url)
    const statusNote = result.status !== null && !ok && result.error === null ? `answered ${result.status}, not ${this.config.success === '200' ? 'the document\'s 200' : 'a 2xx'}` : null
    const entry: JournalEntry = {
      id: this.ctx.journal.nextId(),
      direction: 'outbound',
      session: this.ctx.sessionId,
      partner: 'apna',
      method: 'POST',
      path: url.pathname,
      url: redactUrl(a.url),
      query: redactQuery(url.searchParams),
      headers: journalHeaders(a.headers, a.target.auth),
      body: redactBody(d.body.slice(0, BODY_CAP), 'application/json'),
      bodyTruncated: d.body.length > BODY_CAP,
      status: result.status ?? 0,
      responseHeaders: redactHeaders(Object.entries(result.headers)),
      responseBody: result.body,
      responseSize: result.status === null ? null : result.size,
      durationMs: result.durationMs,
      at: new Date(a.at).toISOString(),
      realAt: new Date(a.realAt).toISOString(),
      fault: null,
      refusal: null,
      error: result.timedOut ? `no response within ${formatDuration(this.config.timeout)}${result.status !== null ? ` (status ${result.status} came, the body did not finish)` : ''}` : (result.error ?? statusNote),
    }
    this.ctx.journal.add(entry)
    this.ctx.events.emit('request', entry)
    return entry
  }

  #changed(d: Delivery): void {
    d.updatedAt = this.#now()
    // The summary parses the body for its name: only worth it when someone is watching.
    if (this.ctx.events.size > 0) this.ctx.events.emit('apna.delivery', deliverySummary(d))
    for (const waiter of [...this.#waiters]) waiter()
    // Attempts finish outside any request: the state dir saves them now (best effort).
    this.ctx.changed?.()
  }

  /** The target, the counters, every delivery with its attempts, the queue's order and the streams. */
  snapshot(): ApnaSnapshot {
    return {
      target: this.target,
      stats: { ...this.stats },
      seq: this.#seq,
      streamSeq: this.#streamSeq,
      nextIndex: this.#nextIndex,
      nextSlot: Number.isFinite(this.#nextSlot) ? this.#nextSlot : null,
      // The payload in its place (after the attempts, before the body), as snapshots have always had it.
      deliveries: [...this.#deliveries.values()]
        .map((d) => this.#built(d))
        .map(({ retryTimer: _, body, roundAttempts, ...d }) => ({ ...d, payload: payloadOf({ ...d, body }), body, roundAttempts })),
      ready: this.#ready.map((d) => d.id),
      streams: this.#streams.map(({ timer: _, ...s }) => s),
    }
  }

  /** A store as the snapshot had it, its timers armed again on the new clock. An attempt that was on
   *  the wire when the snapshot was taken has no outcome: it goes first in the queue and is sent again
   *  (the receiver may see it twice, as it may on any retry). */
  static restore(config: ApnaConfig, ctx: PartnerContext, data: unknown): ApnaStore {
    const saved = apnaSnapshot.parse(data)
    const store = new ApnaStore(config, ctx)
    try {
      store.#restore(saved)
    } catch (error) {
      store.dispose()
      throw error
    }
    return store
  }

  #restore(saved: ApnaSnapshot): void {
    this.target = saved.target
    Object.assign(this.stats, saved.stats)
    this.#seq = saved.seq
    this.#streamSeq = saved.streamSeq
    this.#nextIndex = saved.nextIndex
    this.#nextSlot = saved.nextSlot ?? Number.NEGATIVE_INFINITY
    const resend: Delivery[] = []
    for (const { payload: _, ...s } of saved.deliveries) {
      const d: Delivery = { ...s, retryTimer: undefined }
      this.#deliveries.set(d.id, d)
      if (d.state === 'queued' || d.state === 'sending' || d.state === 'retrying') this.#open++
      if (d.state === 'sending') {
        d.state = 'queued'
        d.roundAttempts = Math.max(0, d.roundAttempts - 1)
        d.attemptCount = Math.max(0, d.attemptCount - 1)
        this.stats.attempts = Math.max(0, this.stats.attempts - 1)
        resend.push(d)
      }
      if (d.state === 'retrying') this.#armRetry(d, d.nextAttemptAt !== null ? Date.parse(d.nextAttemptAt) : this.ctx.clock.now())
      this.#pack(d)
    }
    for (const id of saved.ready) {
      const d = this.#deliveries.get(id)
      if (!d || d.state !== 'queued') throw new RangeError(`ready: ${id} is not a queued delivery`)
      if (!resend.includes(d)) this.#ready.push(d)
    }
    this.#ready.unshift(...resend)
    for (const s of saved.streams) {
      const stream: Stream = { ...s, timer: undefined }
      this.#streams.push(stream)
      if (stream.state !== 'running') continue
      // Tick k is due at start + k/rate; ticks made so far are made + refused.
      const next = stream.made + stream.refused
      const due = Date.parse(stream.startedAt) + (next * 1000) / stream.rate
      stream.timer = this.ctx.clock.at(
        due,
        () => {
          this.#runStream(stream, next)
          return this.settleIfFrozen()
        },
        `apna: stream ${stream.id}`,
      )
    }
    // Sends start once the session has taken this state (restore builds it aside first).
    queueMicrotask(() => this.#kick())
  }

  /** Keeps the log at `logLimit`, dropping the oldest finished deliveries. */
  #evict(): void {
    if (this.#deliveries.size <= this.config.logLimit) return
    for (const [id, d] of this.#deliveries) {
      if (this.#deliveries.size <= this.config.logLimit) return
      if (d.state !== 'delivered' && d.state !== 'failed') continue
      this.#deliveries.delete(id)
      if (d instanceof PackedDelivery) this.#packed.release(d.seq)
    }
  }

  #now(): string {
    return new Date(this.ctx.clock.now()).toISOString()
  }
}

/** The document's success body: `{ "status": "success", "message": "Lead data received successfully." }`.
 *  The status field decides; the message may be worded otherwise. */
export function isDocumentedSuccess(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null && (parsed as { status?: unknown }).status === 'success'
  } catch {
    return false
  }
}

function firstKiB(text: string): string {
  const bytes = Buffer.from(text)
  return bytes.byteLength <= RESPONSE_KEPT ? text : new TextDecoder().decode(bytes.subarray(0, RESPONSE_KEPT))
}

const NEWLINE = 0x0a

const isoTime = z.iso.datetime({ offset: true })
const count = z.number().int().nonnegative()

/** An Apna state's snapshot: see ApnaStore.snapshot. */
export const apnaSnapshot = later(() =>
  z.strictObject({
    target: targetSchema,
    stats: z.object({ pushed: count, delivered: count, failed: count, refused: count, attempts: count }),
    seq: count,
    streamSeq: count,
    nextIndex: count,
    /** Session time of the next paced send; null: none due. */
    nextSlot: snap.time.nullable(),
    deliveries: z.array(
      z.object({
        id: z.string(),
        index: count,
        source: z.enum(['api', 'timeline', 'stream']),
        state: z.enum(deliveryStates),
        invalid: z.enum(invalidKinds).nullable(),
        createdAt: isoTime,
        updatedAt: isoTime,
        nextAttemptAt: isoTime.nullable(),
        redeliveries: count,
        attemptCount: count,
        attempts: z.array(
          z.object({
            number: count,
            round: count,
            retry: z.boolean(),
            at: isoTime,
            realAt: isoTime,
            url: z.string(),
            status: z.number().int().nullable(),
            durationMs: z.number(),
            error: z.string().nullable(),
            response: z.string(),
            documented: z.boolean(),
            outcome: z.enum(['delivered', 'failed']),
            journalId: z.number().int(),
          }),
        ),
        payload: z.unknown(),
        body: z.string(),
        roundAttempts: count,
      }),
    ),
    ready: z.array(z.string()),
    streams: z.array(
      z.object({
        id: z.string(),
        rate: z.number().positive(),
        startedAt: isoTime,
        until: isoTime,
        made: count,
        refused: count,
        state: z.enum(['running', 'done', 'stopped']),
        input: streamInput,
      }),
    ),
  }),
)
export type ApnaSnapshot = z.output<typeof apnaSnapshot>
