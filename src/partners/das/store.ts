import type { KeyObject } from 'node:crypto'
import * as z from 'zod'
import { snap } from '../../core/snapshot.js'
import { secretKey, TokenCache } from './auth.js'
import { AnswerCache } from '../../core/answer-cache.js'
import type { PartnerContext } from '../../core/partner.js'
import { resolveEnum } from './binder.js'
import { startOfUtcDay } from './dates.js'
import { GENERATORS, STREAMS, generatedAt, type ApprenticeshipRow, type Rows, type StreamName } from './fixtures.js'
import {
  AGREEMENT_STATUS,
  AGREEMENT_STATUS_BY_NUMBER,
  PAYMENT_STATUS,
  PAYMENT_STATUS_BY_NUMBER,
  TRAINING_TYPES,
  TRAINING_TYPE_NUMBERS,
  type ApprenticeshipInput,
  type DasConfig,
  type TrainingTypeNumbers,
} from './schema.js'
import { later } from '../../core/later.js'

/** One stored event: the row plus what the database adds. */
export interface DasEvent<R> {
  /** The table's IDENTITY: one ascending sequence per stream. */
  Id: number
  /** CreatedOn, epoch ms: DateTime.UtcNow (or GETUTCDATE()) when stored, from the session clock here. */
  CreatedOn: number
  row: R
}

export interface Page {
  offset: number
  size: number
}

type Filter<R> = (e: DasEvent<R>) => boolean

/** One table of the service (ApprenticeshipEvents, AgreementEvents, AccountEvents, GenericEvents).
 *  Generated rows are never stored: row i is made when read, from the seed, so a stream of a million
 *  costs nothing until paged. Stored rows (scenario records and POSTs) follow them in Id order.
 *  LIMITATIONS: CreatedOn keeps milliseconds, where SQL DATETIME rounds to 1/300 s. */
export class EventStream<R> {
  /** Stored events in Id order. */
  #stored: DasEvent<R>[] = []
  /** The same, ordered by (CreatedOn, Id): date-range queries ORDER BY CreatedOn. */
  #byDate: DasEvent<R>[] = []
  #nextId: number

  constructor(
    readonly name: StreamName,
    private readonly generated: { count: number; at(i: number): number; row(i: number): R },
  ) {
    this.#nextId = generated.count + 1
  }

  get size(): number {
    return this.generated.count + this.#stored.length
  }

  append(row: R, createdOn: number): DasEvent<R> {
    const event = { Id: this.#nextId++, CreatedOn: createdOn, row }
    this.#stored.push(event)
    // Usually the newest: insert from the end.
    let i = this.#byDate.length
    while (i > 0 && this.#byDate[i - 1]!.CreatedOn > createdOn) i--
    this.#byDate.splice(i, 0, event)
    return event
  }

  /** The stored events (scenario records and POSTs), for a snapshot: generated ones are the seed's. */
  stored(): readonly DasEvent<R>[] {
    return this.#stored
  }

  get nextId(): number {
    return this.#nextId
  }

  /** Puts back stored events a snapshot kept (in Id order, after the generated ones). */
  restore(events: DasEvent<R>[], nextId: number): void {
    let last = this.generated.count
    for (const e of events) {
      if (e.Id <= last) throw new RangeError(`${this.name}: event Id ${e.Id} is not after ${last} (ids ascend, after the ${this.generated.count} generated)`)
      last = e.Id
    }
    if (nextId <= last) throw new RangeError(`${this.name}: nextId ${nextId} is not after the last event's Id ${last}`)
    this.#stored = events
    this.#byDate = [...events].sort((a, b) => a.CreatedOn - b.CreatedOn || a.Id - b.Id)
    this.#nextId = nextId
  }

  #generatedEvent(i: number): DasEvent<R> {
    return { Id: i + 1, CreatedOn: this.generated.at(i), row: this.generated.row(i) }
  }

  /** `WHERE Id >= @fromEventId ORDER BY Id OFFSET … FETCH NEXT …`, optionally filtered. */
  sinceId(fromId: number, page: Page, filter?: Filter<R>): DasEvent<R>[] {
    const { count } = this.generated
    const out: DasEvent<R>[] = []
    let skip = page.offset
    const take = (e: DasEvent<R>) => {
      if (filter && !filter(e)) return true
      if (skip > 0) {
        skip--
        return true
      }
      out.push(e)
      return out.length < page.size
    }
    if (!filter) {
      // Without a filter the generated part is skipped by arithmetic.
      const first = Math.max(fromId, 1) - 1
      const available = Math.max(0, count - first)
      const skipped = Math.min(skip, available)
      skip -= skipped
      for (let i = first + skipped; i < count; i++) if (!take(this.#generatedEvent(i))) return out
    } else {
      for (let i = Math.max(fromId, 1) - 1; i < count; i++) if (!take(this.#generatedEvent(i))) return out
    }
    for (let j = lowerBound(this.#stored, (e) => e.Id < fromId); j < this.#stored.length; j++) if (!take(this.#stored[j]!)) return out
    return out
  }

  /** `WHERE CreatedOn >= @fromDate AND CreatedOn < @toDate ORDER BY CreatedOn OFFSET … FETCH NEXT …`. */
  between(from: number, to: number, page: Page, filter?: Filter<R>): DasEvent<R>[] {
    const { count } = this.generated
    let g = lowerBoundIndex(count, (i) => this.generated.at(i) < from)
    const gEnd = lowerBoundIndex(count, (i) => this.generated.at(i) < to)
    let s = lowerBound(this.#byDate, (e) => e.CreatedOn < from)
    const sEnd = lowerBound(this.#byDate, (e) => e.CreatedOn < to)
    let skip = page.offset
    if (!filter) {
      // Skip whole runs quickly when only one side is left.
      if (s >= sEnd) {
        const n = Math.min(skip, gEnd - g)
        g += n
        skip -= n
      }
    }
    const out: DasEvent<R>[] = []
    while (out.length < page.size && (g < gEnd || s < sEnd)) {
      let next: DasEvent<R>
      const gen = g < gEnd ? this.#generatedEvent(g) : undefined
      const sto = s < sEnd ? this.#byDate[s] : undefined
      if (gen && (!sto || gen.CreatedOn < sto.CreatedOn || (gen.CreatedOn === sto.CreatedOn && gen.Id < sto.Id))) {
        next = gen
        g++
      } else {
        next = sto!
        s++
      }
      if (filter && !filter(next)) continue
      if (skip > 0) {
        skip--
        continue
      }
      out.push(next)
    }
    return out
  }
}

/** First index in [0, n) where `before` turns false; `before` must be true then false along the range. */
function lowerBoundIndex(n: number, before: (i: number) => boolean): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  return lowerBoundIndex(items.length, (i) => before(items[i]!))
}

/** A bound ApprenticeshipEvent as the database keeps it: enums resolved (the numbering of TrainingType is
 *  the scenario's choice), PriceHistory TotalCost in DECIMAL(18,0), TrainingTotalCost in DECIMAL(18,2). */
export function apprenticeshipRow(input: ApprenticeshipInput, numbering: TrainingTypeNumbers): ApprenticeshipRow {
  return {
    ...input,
    ApprenticeshipId: input.ApprenticeshipId ?? 0,
    PaymentOrder: input.PaymentOrder ?? 0,
    PaymentStatus: resolveEnum(input.PaymentStatus, PAYMENT_STATUS_BY_NUMBER, PAYMENT_STATUS),
    AgreementStatus: resolveEnum(input.AgreementStatus, AGREEMENT_STATUS_BY_NUMBER, AGREEMENT_STATUS),
    TrainingType: resolveEnum(input.TrainingType, TRAINING_TYPE_NUMBERS[numbering], TRAINING_TYPES),
    PriceHistory: input.PriceHistory.map((p) => ({ TotalCost: p.TotalCost ?? 0, EffectiveFrom: p.EffectiveFrom!, EffectiveTo: p.EffectiveTo })),
  }
}

/** One session's DAS: four streams, the config, and the clock. */
export class DasStore {
  readonly streams: { [K in StreamName]: EventStream<Rows[K]> }
  /** Where generated events end: the scenario's generatedUntil, or the start of the session's day. */
  readonly generatedUntil: number
  /** Events added by the `das.addEvents` timeline action, per stream, for their seeds. */
  #added: Record<StreamName, number> = { apprenticeships: 0, engagements: 0, accounts: 0, generic: 0 }

  /** The signing key, shared by the scenario's sessions. */
  readonly secret: KeyObject
  /** Tokens this session has verified (signature and claims; the lifetime is judged per request). */
  readonly tokens: TokenCache
  /** GET pages this session has served, by route, query and stream version (a stream only grows, so
   *  its next Id is its version). A 1,000-event page of apprenticeships, about 950 KB, is not kept. */
  readonly pages = new AnswerCache(2 * 1024 * 1024, 256 * 1024)

  constructor(
    readonly config: DasConfig,
    readonly ctx: PartnerContext,
    saved?: DasSnapshot,
  ) {
    this.secret = ctx.memo(config, 'secret', () => secretKey(config))
    this.tokens = new TokenCache(config, this.secret)
    const start = ctx.clock.now()
    // Restored: where generation ended then, for the session's first day may have been another.
    this.generatedUntil = saved ? saved.generatedUntil : config.generatedUntil !== undefined ? Date.parse(config.generatedUntil) : startOfUtcDay(start)
    const make = <K extends StreamName>(name: K): EventStream<Rows[K]> => {
      const { generate, every } = config[name]
      return new EventStream<Rows[K]>(name, {
        count: generate,
        at: (i) => generatedAt(ctx.seed, name, i, generate, this.generatedUntil, every),
        row: (i) => GENERATORS[name](ctx.seed, i),
      })
    }
    this.streams = { apprenticeships: make('apprenticeships'), engagements: make('engagements'), accounts: make('accounts'), generic: make('generic') }
    if (saved) {
      // The scenario's records are among the stored events, with the CreatedOn they got then.
      for (const name of STREAMS) {
        const { nextId, events } = saved.streams[name]
        this.streams[name].restore(events.map(([Id, CreatedOn, row]) => ({ Id, CreatedOn, row })) as never, nextId)
      }
      this.#added = { ...saved.added }
      return
    }
    const numbering = config.trainingTypeNumbers
    for (const r of config.apprenticeships.records) {
      const { CreatedOn, ...input } = r as unknown as ApprenticeshipInput & { CreatedOn: number | null }
      this.streams.apprenticeships.append(apprenticeshipRow(input, numbering), CreatedOn ?? start)
    }
    for (const { CreatedOn, ...row } of config.engagements.records) this.streams.engagements.append(row, CreatedOn ?? start)
    for (const { CreatedOn, ...row } of config.accounts.records) this.streams.accounts.append(row, CreatedOn ?? start)
    for (const { CreatedOn, Type, Payload, ResourceType, ResourceId } of config.generic.records) {
      this.streams.generic.append({ Type, Payload, ResourceType, ResourceId }, CreatedOn ?? start)
    }
  }

  now(): number {
    return this.ctx.clock.now()
  }

  /** The `das.addEvents` action: `count` more seeded events in `stream`, created now. */
  addGenerated(stream: StreamName, count: number): void {
    for (let k = 0; k < count; k++) {
      // Seeded apart from the generated rows, so added row k never repeats generated row k.
      const index = 1_000_000_000 + this.#added[stream]++
      this.streams[stream].append(GENERATORS[stream](this.ctx.seed, index) as never, this.now())
    }
  }

  /** Everything a session added: the stored events of each stream (as `[Id, CreatedOn, row]`, the
   *  scenario's records included, since their CreatedOn is the session's start), and the counters. */
  snapshot(): DasSnapshot {
    const streams = {} as DasSnapshot['streams']
    for (const name of STREAMS) {
      const stream = this.streams[name] as EventStream<unknown>
      streams[name] = { nextId: stream.nextId, events: stream.stored().map((e) => [e.Id, e.CreatedOn, e.row as Record<string, unknown>]) }
    }
    return { generatedUntil: this.generatedUntil, added: { ...this.#added }, streams }
  }

  static restore(config: DasConfig, ctx: PartnerContext, data: unknown): DasStore {
    return new DasStore(config, ctx, dasSnapshot.parse(data))
  }

  summary(): Record<StreamName, number> {
    return Object.fromEntries(STREAMS.map((s) => [s, this.streams[s].size])) as Record<StreamName, number>
  }
}

const streamSnapshot = z.strictObject({
  nextId: z.number().int().positive(),
  events: z.array(z.tuple([z.number().int().positive(), snap.time, z.record(z.string(), z.unknown())])),
})
const counter = z.number().int().nonnegative()

/** A DAS state's snapshot: see DasStore.snapshot. */
export const dasSnapshot = later(() =>
  z.strictObject({
    generatedUntil: snap.time,
    added: z.strictObject({ apprenticeships: counter, engagements: counter, accounts: counter, generic: counter }),
    streams: z.strictObject({ apprenticeships: streamSnapshot, engagements: streamSnapshot, accounts: streamSnapshot, generic: streamSnapshot }),
  }),
)
export type DasSnapshot = z.output<typeof dasSnapshot>
