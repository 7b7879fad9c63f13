import { createHash } from 'node:crypto'
import { Clock } from './clock.js'
import type { Memo } from './memo.js'
import { EventBus } from './events.js'
import { FaultSet, faultRuleSchema } from './faults.js'
import { Journal, type JournalBudget } from './journal.js'
import type { AnyPartner, PartnerAction, PartnerContext, PartnerDefinition } from './partner.js'
import { Random, seedOf } from './random.js'
import type { RealTime } from './real-time.js'
import { parseScenario, scenarioInput, scenarioSchema, ScenarioError, stepDue, type Scenario } from './scenario.js'
import { parsePart, problemsOf, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshotSchema, SnapshotError, type SessionSnapshot } from './snapshot.js'

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
  /** What all sessions' journals may hold together; none when absent. */
  journalBudget?: JournalBudget
  /** Called when state changed outside a request or control call (a timeline step, an Apna attempt
   *  finishing): `--state-dir` saves the session then, best effort. */
  onChange?(session: Session): void
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
  /** Set by dispose(); the partner states stay readable, so a save queued before it still writes the
   *  session's last state. */
  disposed = false
  #states = new Map<string, unknown>()
  #contexts = new Map<string, PartnerContext>()
  /** Digest of each `changesOnGet` partner's snapshot after the last GET that looked (see changedOnGet). */
  #getDigests = new Map<string, string>()

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
      const ctx = this.#context(partner.name, this.scenario, this.clock, this.journal)
      state = partner.createState(this.scenario.partners[partner.name] as never, ctx)
      this.#states.set(partner.name, state)
      this.#contexts.set(partner.name, ctx)
    }
    return state as S
  }

  /** The whole state as JSON (see snapshot.ts): partners whose state was never made are left out, and
   *  are made from the scenario on first use after a restore, as they would have been. */
  snapshot(): SessionSnapshot {
    const partners: SessionSnapshot['partners'] = {}
    for (const partner of this.deps.partners) {
      const state = this.#states.get(partner.name)
      const ctx = this.#contexts.get(partner.name)
      if (state === undefined || ctx === undefined || !partner.snapshot) continue
      partners[partner.name] = { random: ctx.random.state, data: partner.snapshot(state) }
    }
    const now = this.clock.now()
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      session: this.id,
      scenario: scenarioInput(this.scenario),
      clock: {
        now: new Date(now).toISOString(),
        frozen: this.clock.frozen,
        ...(this.clock.frozen ? {} : { realAt: new Date(this.deps.real.now()).toISOString() }),
      },
      random: this.random.state,
      faults: this.faults.snapshot(),
      timeline: this.timeline.map((t) => ({ ...t })),
      partners,
    }
  }

  /** Replaces the whole state with a snapshot's. Everything is checked and built aside first: a bad
   *  snapshot throws SnapshotError and leaves the session as it was. The journal starts empty, as
   *  after a reset. */
  restore(input: unknown): void {
    const snap = parsePart(snapshotSchema, input)
    const scenario = this.#scenarioOf(snap.scenario)
    const names = this.deps.partners.map((p) => p.name)
    const ruleSchema = faultRuleSchema(names)
    const faults = FaultSet.restore({
      seq: snap.faults.seq,
      rules: snap.faults.rules.map((r, i) => ({ rule: parsePart(ruleSchema, r.rule, `faults.rules.${i}.rule`), hits: r.hits })),
    })
    if (new Set(faults.list().map((f) => f.id)).size !== snap.faults.rules.length) {
      throw new SnapshotError([{ path: 'faults.rules', message: 'two rules have the same id' }])
    }
    const timeline = snap.timeline
    const steps = scenario.timeline
    if (timeline.length !== steps.length || timeline.some((t, i) => t.index !== i || t.do !== steps[i]!.do || t.at !== steps[i]!.at)) {
      throw new SnapshotError([{ path: 'timeline', message: `the steps are not the scenario's ${steps.length} timeline steps, in order` }])
    }
    for (const name of Object.keys(snap.partners)) {
      const partner = this.deps.partners.find((p) => p.name === name)
      if (!partner) throw new SnapshotError([{ path: `partners.${name}`, message: `no partner "${name}" is served here (${names.join(', ')})` }])
      if (!partner.restore) throw new SnapshotError([{ path: `partners.${name}`, message: `${name} cannot restore a snapshot` }])
    }

    const now = Date.parse(snap.clock.now)
    // A running clock keeps its offset from real time: the time spent down (or since the snapshot was
    // taken) passes for the session too, as it would have.
    const start = snap.clock.frozen || snap.clock.realAt === undefined ? now : now + (this.deps.real.now() - Date.parse(snap.clock.realAt))
    const clock = this.#makeClock(start, snap.clock.frozen)
    const journal = new Journal(scenario.limits.journal, scenario.limits.journalBytes, this.deps.journalBudget)
    const states = new Map<string, unknown>()
    const contexts = new Map<string, PartnerContext>()
    let current = ''
    try {
      for (const [name, part] of Object.entries(snap.partners)) {
        current = name
        const partner = this.deps.partners.find((p) => p.name === name)!
        const ctx = this.#context(name, scenario, clock, journal)
        ctx.random.state = part.random
        states.set(name, partner.restore!(scenario.partners[name], ctx, part.data))
        contexts.set(name, ctx)
      }
    } catch (error) {
      clock.dispose()
      journal.detach()
      for (const [name, state] of states) this.deps.partners.find((p) => p.name === name)?.disposeState?.(state)
      throw new SnapshotError(problemsOf(error, `partners.${current}.data`))
    }

    this.#teardown()
    this.scenario = scenario
    this.clock = clock
    this.random = new Random(0)
    this.random.state = snap.random
    this.journal = journal
    this.faults = faults
    this.#states = states
    this.#contexts = contexts
    this.#getDigests = new Map()
    this.#scheduleSteps(timeline.map((t) => ({ ...t })))
    this.events.emit('reset', { session: this.id, scenario: this.scenario.name, restored: true })
  }

  /** For `--state-dir` after a GET to a `changesOnGet` partner: whether its snapshot differs from the
   *  one after the last such GET (a GET that changed nothing must not cost a disk write). */
  changedOnGet(partner: AnyPartner): boolean {
    const state = this.#states.get(partner.name)
    if (state === undefined || !partner.snapshot) return false
    const digest = createHash('sha1').update(JSON.stringify(partner.snapshot(state))).digest('base64')
    if (this.#getDigests.get(partner.name) === digest) return false
    this.#getDigests.set(partner.name, digest)
    return true
  }

  /** The snapshot's scenario, parsed again; the session's own object when it is the same scenario, so
   *  what the sandbox derives from it once (BE&OE's key pair, pages) is shared, not made again. */
  #scenarioOf(input: Record<string, unknown>): Scenario {
    if (JSON.stringify(input) === JSON.stringify(scenarioInput(this.scenario))) return this.scenario
    const schema = this.deps.memo.get(this.deps.partners, 'scenario schema', () => scenarioSchema(this.deps.partners))
    try {
      return parseScenario(schema, input)
    } catch (error) {
      if (error instanceof ScenarioError) throw new SnapshotError(error.problems.map((p) => ({ path: `scenario.${p.path}`, message: p.message })))
      throw error
    }
  }

  /** Back to the scenario's start, clock, journal and faults included; `scenario` replaces it first. */
  reset(scenario?: Scenario): void {
    if (scenario) this.scenario = scenario
    this.#teardown()
    this.#build()
    this.events.emit('reset', { session: this.id, scenario: this.scenario.name })
  }

  dispose(): void {
    this.disposed = true
    this.#teardown(false)
    this.events.clear()
  }

  #context(name: string, scenario: Scenario, clock: Clock, journal: Journal): PartnerContext {
    return {
      sessionId: this.id,
      seed: scenario.seed,
      clock,
      random: new Random(seedOf(scenario.seed, 'partner', name)),
      events: this.events,
      journal,
      real: this.deps.real,
      memo: (owner, key, make) => this.deps.memo.get(owner, `${name}:${key}`, make),
      changed: () => this.#changed(),
    }
  }

  /** State changed with no request to save it: tell the state dir, once this session is live. */
  #changed(): void {
    if (!this.disposed) this.deps.onChange?.(this)
  }

  #makeClock(start: number | undefined, frozen: boolean): Clock {
    return new Clock(this.deps.real, {
      ...(start !== undefined ? { start } : {}),
      frozen,
      onTimerError: (error, label) => this.events.emit('error', { label, message: errorMessage(error) }),
    })
  }

  #build(): void {
    const { scenario } = this
    const start = scenario.clock.start !== undefined ? Date.parse(scenario.clock.start) : undefined
    this.clock = this.#makeClock(start, scenario.clock.frozen)
    this.random = new Random(seedOf(scenario.seed, 'faults'))
    this.journal = new Journal(scenario.limits.journal, scenario.limits.journalBytes, this.deps.journalBudget)
    this.faults = new FaultSet(scenario.faults)
    this.#states = new Map()
    this.#contexts = new Map()
    this.#getDigests = new Map()
    const begin = this.clock.now()
    this.#scheduleSteps(
      scenario.timeline.map((step, index) => ({ index, do: step.do, at: step.at, due: new Date(stepDue(step.at, begin)).toISOString(), status: 'pending' })),
    )
  }

  /** Arms the pending steps of `timeline` (one status per scenario step) on the clock. */
  #scheduleSteps(timeline: TimelineStatus[]): void {
    const actions = new Map<string, { partner: AnyPartner; action: PartnerAction<unknown> }>(
      this.deps.partners.flatMap((p) => Object.entries(p.actions ?? {}).map(([key, a]) => [`${p.name}.${key}`, { partner: p, action: a }] as const)),
    )
    this.timeline = timeline
    for (const status of timeline) {
      if (status.status !== 'pending') continue
      const step = this.scenario.timeline[status.index]!
      const target = actions.get(step.do)
      this.clock.at(
        Date.parse(status.due),
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
          this.#changed()
        },
        `timeline ${step.do}`,
      )
    }
  }

  /** Stops the clock and frees the partners' timers and sockets; `clear` forgets their states too
   *  (a reset), which dispose() does not, so a save still in the queue writes the last state. */
  #teardown(clear = true): void {
    this.clock.dispose()
    // Nobody reads a torn-down session's journal: its bytes go now, not whenever the collector next
    // finds the session unreachable.
    this.journal.clear()
    this.journal.detach()
    for (const partner of this.deps.partners) {
      const state = this.#states.get(partner.name)
      if (state !== undefined) partner.disposeState?.(state)
    }
    if (clear) {
      this.#states = new Map()
      this.#contexts = new Map()
    }
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
  /** The most recently used id: asked again (a test's run of calls), it needs no move to the end. */
  #newest: string | undefined

  constructor(
    private readonly make: (id: string) => Session,
    public max: number,
    private readonly now: () => number,
  ) {}

  get(id: string): Session {
    let session = this.#sessions.get(id)
    if (session === undefined) {
      session = this.make(id)
      this.#evict(this.max - 1)
      this.#sessions.set(id, session)
    } else if (id !== this.#newest) {
      this.#sessions.delete(id)
      this.#sessions.set(id, session)
    }
    this.#newest = id
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
