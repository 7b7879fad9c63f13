import { Clock } from './clock.js'
import type { Memo } from './memo.js'
import { EventBus } from './events.js'
import { FaultSet } from './faults.js'
import { Journal } from './journal.js'
import type { AnyPartner, PartnerAction, PartnerContext, PartnerDefinition } from './partner.js'
import { Random, seedOf } from './random.js'
import type { RealTime } from './real-time.js'
import { stepDue, type Scenario } from './scenario.js'

export const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/

export interface TimelineStatus {
  index: number
  do: string
  at: string
  due: string
  status: 'pending' | 'done' | 'failed'
  error?: string
}

export interface SessionDeps {
  partners: readonly AnyPartner[]
  real: RealTime
  memo: Memo
}

/** All mutable state of one isolated world: clock, partner states, journal, faults, timeline. It keeps
 *  its parsed scenario, and a reset rebuilds everything from it (msw keeps initial handlers the same way). */
export class Session {
  readonly events = new EventBus()
  clock!: Clock
  random!: Random
  journal!: Journal
  faults!: FaultSet
  timeline: TimelineStatus[] = []
  lastUsed = 0
  #states = new Map<string, unknown>()

  constructor(
    readonly id: string,
    public scenario: Scenario,
    private readonly deps: SessionDeps,
  ) {
    this.#build()
  }

  /** This partner's state in this session, made from the scenario on first use. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stateOf<S>(partner: PartnerDefinition<any, S>): S {
    let state = this.#states.get(partner.name)
    if (state === undefined) {
      state = partner.createState(this.scenario.partners[partner.name] as never, this.#context(partner.name))
      this.#states.set(partner.name, state)
    }
    return state as S
  }

  /** Back to the scenario's start, clock, journal and faults included; `scenario` replaces it first. */
  reset(scenario?: Scenario): void {
    if (scenario) this.scenario = scenario
    this.#teardown()
    this.#build()
    this.events.emit('reset', { session: this.id, scenario: this.scenario.name })
  }

  dispose(): void {
    this.#teardown()
    this.events.clear()
  }

  #context(name: string): PartnerContext {
    return {
      sessionId: this.id,
      seed: this.scenario.seed,
      clock: this.clock,
      random: new Random(seedOf(this.scenario.seed, 'partner', name)),
      events: this.events,
      journal: this.journal,
      real: this.deps.real,
      memo: (owner, key, make) => this.deps.memo.get(owner, `${name}:${key}`, make),
    }
  }

  #build(): void {
    const { scenario } = this
    const start = scenario.clock.start !== undefined ? Date.parse(scenario.clock.start) : undefined
    this.clock = new Clock(this.deps.real, {
      ...(start !== undefined ? { start } : {}),
      frozen: scenario.clock.frozen,
      onTimerError: (error, label) => this.events.emit('error', { label, message: errorMessage(error) }),
    })
    this.random = new Random(seedOf(scenario.seed, 'faults'))
    this.journal = new Journal(scenario.limits.journal)
    this.faults = new FaultSet(scenario.faults)
    this.#states = new Map()
    this.#scheduleTimeline(this.clock.now())
  }

  #scheduleTimeline(start: number): void {
    const actions = new Map<string, { partner: AnyPartner; action: PartnerAction<unknown> }>(
      this.deps.partners.flatMap((p) => Object.entries(p.actions ?? {}).map(([key, a]) => [`${p.name}.${key}`, { partner: p, action: a }] as const)),
    )
    this.timeline = this.scenario.timeline.map((step, index) => {
      const due = stepDue(step.at, start)
      const status: TimelineStatus = { index, do: step.do, at: step.at, due: new Date(due).toISOString(), status: 'pending' }
      const target = actions.get(step.do)
      this.clock.at(
        due,
        async () => {
          try {
            if (!target) throw new Error(`no partner offers the action ${step.do}`)
            await target.action.run(this.stateOf(target.partner), step.with)
            status.status = 'done'
          } catch (error) {
            status.status = 'failed'
            status.error = errorMessage(error)
          }
          this.events.emit('timeline', status)
        },
        `timeline ${step.do}`,
      )
      return status
    })
  }

  #teardown(): void {
    this.clock.dispose()
    for (const partner of this.deps.partners) {
      const state = this.#states.get(partner.name)
      if (state !== undefined) partner.disposeState?.(state)
    }
    this.#states.clear()
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The live sessions, made lazily and capped: past the cap the least recently used one is evicted, so
 *  a runaway suite cannot exhaust memory. `default` is never evicted; it is what QA is looking at. */
export class SessionRegistry {
  // A Map iterates in insertion order; touching re-inserts, so the first entry is the least recent.
  #sessions = new Map<string, Session>()
  #evicted = 0

  constructor(
    private readonly make: (id: string) => Session,
    public max: number,
    private readonly now: () => number,
  ) {}

  get(id: string): Session {
    let session = this.#sessions.get(id)
    if (session) {
      this.#sessions.delete(id)
    } else {
      session = this.make(id)
      this.#evict(this.max - 1)
    }
    this.#sessions.set(id, session)
    session.lastUsed = this.now()
    return session
  }

  peek(id: string): Session | undefined {
    return this.#sessions.get(id)
  }

  list(): Session[] {
    return [...this.#sessions.values()]
  }

  delete(id: string): boolean {
    const session = this.#sessions.get(id)
    session?.dispose()
    return this.#sessions.delete(id)
  }

  clear(): void {
    for (const session of this.#sessions.values()) session.dispose()
    this.#sessions.clear()
  }

  get size(): number {
    return this.#sessions.size
  }

  /** How many sessions the cap has evicted since start. */
  get evicted(): number {
    return this.#evicted
  }

  #evict(keep: number): void {
    for (const [id, session] of this.#sessions) {
      if (this.#sessions.size <= keep) return
      if (id === 'default') continue
      session.dispose()
      this.#sessions.delete(id)
      this.#evicted++
    }
  }
}
