import type { Hono } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import type { z } from 'zod'
import type { Clock } from './clock.js'
import type { EventBus } from './events.js'
import type { Journal } from './journal.js'
import type { Random } from './random.js'
import type { RealTime } from './real-time.js'
import type { Session } from './session.js'

/** What a partner's state may use of its session: time, randomness, events, the journal. */
export interface PartnerContext {
  sessionId: string
  /** The scenario's seed (or --seed): fake data is a pure function of it. */
  seed: number
  clock: Clock
  /** This partner's own stream of the session's seeded randomness. */
  random: Random
  events: EventBus
  /** For outbound calls (Apna) to record themselves; inbound requests are journalled by the core. */
  journal: Journal
  /** Real time, for what happens on the wire (an outbound call's timeout), never for partner logic. */
  real: RealTime
  /** Call after changing state outside a request (an outbound call finishing, a partner timer), so
   *  `--state-dir` saves it; requests and control calls are saved by the core. Absent in bare tests. */
  changed?(): void
  /** Sandbox-wide memo of what derives from the scenario alone, shared by its sessions:
   *  `ctx.memo(config, 'keys', () => makeKeys(config))`. Never put session state in it. */
  memo<T>(owner: object, name: string, make: () => T): T
}

/** What every partner route gets with `c.get()` (not `c.var`, which copies every variable on each read). */
export interface PartnerVars<S> {
  state: S
  session: Session
  clock: Clock
  /** The absolute URL under which this partner is served for this request, with any `/__s/<id>` prefix
   *  and without a trailing slash, so links a partner writes (page URLs, redirects) work against the
   *  sandbox as the client reached it. */
  baseUrl: string
  /** The request's path under the partner's prefix (`/Costing/GetDataset/`), without any `/__s/<id>`
   *  prefix or query: what the journal records as the entry's path. */
  path: string
  /** Why the request was refused, for the journal: set it with `refuse()`, or throw an HTTPException
   *  whose message says it. */
  refusal: string | undefined
  /** Set by the core when a fault rule shaped the response. */
  fault: string | undefined
  /** The request body as the core read it (at most BODY_LIMIT), before the partner's routes run;
   *  undefined for GET and HEAD. `c.req.arrayBuffer()` gives the same bytes, but only through a promise. */
  body: Uint8Array | undefined
  requestId: string
}

export interface PartnerEnv<S> {
  Bindings: HttpBindings
  Variables: PartnerVars<S>
}

/** What a partner's control routes (under `/__sandbox/<partner>`) get with `c.get()`. */
export interface ControlVars<S> {
  state: S
  session: Session
  baseUrl: string
}

export interface ControlEnv<S> {
  Bindings: HttpBindings
  Variables: ControlVars<S>
}

/** A scenario timeline step's verb, e.g. `apna.push`: its input is validated with the scenario. */
export interface PartnerAction<S, I = unknown> {
  description: string
  input: z.ZodType<I>
  run(state: S, input: I): unknown
}

export interface PartnerDefinition<C = unknown, S = unknown> {
  /** The scenario key, journal partner name and URL prefix (`/beoe`). */
  name: string
  /** For people: `BE&OE Foreign Jobs`. */
  title: string
  /** This partner's piece of the scenario schema; every key has a default. */
  config: z.ZodType<C>
  createState(config: C, ctx: PartnerContext): S
  /** Built once per sandbox; state arrives per request as `c.get('state')`. Ends in `app.all('*', …)`,
   *  because route() drops a sub-app's notFound (honojs/hono#3465). */
  routes(): Hono<PartnerEnv<S>>
  /** Partner calls of the control API, mounted at `/__sandbox/<name>`. */
  control?(): Hono<ControlEnv<S>>
  /** Timeline verbs, named `<name>.<key>` in scenarios. */
  actions?: Record<string, PartnerAction<S, any>>
  /** Lines for the start-up banner: where to call it and with which credentials of the scenario. */
  banner?(config: C, baseUrl: string): string[]
  /** This session's state at a glance, as JSON, for `GET /__sandbox/state` and the dashboard: counts,
   *  who is logged in, what is open — never secrets in full. */
  summary?(state: S): unknown
  /** Frees timers and sockets when the session is reset or evicted. */
  disposeState?(state: S): void
  /** What `state` holds beyond what `createState` makes from the scenario, as JSON-serialisable data
   *  for `GET /__sandbox/snapshot` and `--state-dir`: what clients stored and changed, ids and
   *  sequences, the state of private random streams. Generated data is a pure function of the seed,
   *  so it is left out. A partner without it is rebuilt from the scenario on restore. */
  snapshot?(state: S): unknown
  /** A state equal to the one `data` was taken from, built with `ctx` (a fresh clock already at the
   *  snapshot's time, the partner's random stream already where it was). Throws on data it cannot
   *  use (a ZodError or SnapshotError says where); it must change nothing outside the state it makes,
   *  and re-arm its own timers (retries, paced sends) on `ctx.clock`. */
  restore?(config: C, ctx: PartnerContext, data: unknown): S
  /** GET requests can change this partner's state (envisionme's Login Dialog issues codes on GET), so
   *  `--state-dir` saves after a GET too when the partner's snapshot changed. Others save after every
   *  request but GET and HEAD. */
  changesOnGet?: boolean
}

// Definitions are stored and mounted without their type parameters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPartner = PartnerDefinition<any, any>

export function definePartner<C, S>(definition: PartnerDefinition<C, S>): PartnerDefinition<C, S> {
  return definition
}

/** Marks a response the partner sends as a refusal, with the reason the journal keeps. */
export function refuse(c: { set(key: 'refusal', value: string): void }, reason: string): void {
  c.set('refusal', reason)
}
