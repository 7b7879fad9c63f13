import * as z from 'zod'
import type { PartnerContext } from '../../core/partner.js'
import { snap } from '../../core/snapshot.js'
import type { Random } from '../../core/random.js'
import { globToRegExp } from '../../core/journal.js'
import { AnswerCache } from '../../core/answer-cache.js'
import { jobAt, termAt, type Job } from './fixtures.js'
import type { ClientConfig, EnvisionmeConfig, JobRecord, TermRecord, UserConfig } from './schema.js'
import { jobRecord, VIDS } from './schema.js'
import { later } from '../../core/later.js'

/** One session's envisionme.co.za: its apps and people, the Login Dialog's logins and consents, codes
 *  and tokens, the job catalogue, the term vocabulary and the billing server's clients and charges.
 *
 *  LIMITATIONS: no logout endpoint (the document has none; `POST /__sandbox/reset` forgets logins);
 *  refresh tokens are never issued (the document hardcodes `refresh_token=null`); payments are never
 *  refunded; jobs and terms are scanned in full for each filtered call, so `generate` is capped. */
export class EnvisionmeStore {
  readonly clients = new Map<number, ClientConfig>()
  readonly users: readonly UserConfig[]
  readonly jobs: JobCatalog
  readonly terms: TermVocabulary
  readonly billing: Billing
  /** Serialised answers of `GET /job` and `GET /jobs/{nid}`, stamped with `jobs.version`. */
  readonly jobAnswers = new AnswerCache(4 * 1024 * 1024, 512 * 1024)
  /** Serialised answers of `GET /term` (the vocabulary never changes within a session). */
  readonly termAnswers = new AnswerCache(4 * 1024 * 1024, 512 * 1024)
  /** Pending Login Dialogs: the form posts back an id, never the parameters, so they cannot be swapped. */
  readonly #dialogs = new Map<string, Dialog>()
  /** Browser logins, keyed by the cookie's value. */
  readonly #logins = new Map<string, Login>()
  /** `${uid}:${clientId}`: people who pressed Allow for an app once, and are not asked again. */
  readonly #consents = new Set<string>()
  readonly #codes = new Map<string, CodeGrant>()
  readonly #tokens = new Map<string, TokenGrant>()
  readonly #random: Random

  constructor(
    readonly config: EnvisionmeConfig,
    readonly ctx: PartnerContext,
  ) {
    for (const client of config.clients) this.clients.set(client.clientId, client)
    this.users = config.users
    this.#random = ctx.random.fork('secrets')
    this.jobs = new JobCatalog(ctx.seed, config.jobs.generate, config.jobs.records)
    this.terms = new TermVocabulary(ctx.seed, config.terms.generate, config.terms.records, (name, make) => ctx.memo(config.terms, name, make))
    this.billing = new Billing(config.billing, () => this.now())
    for (const t of config.tokens) {
      this.#tokens.set(t.token, { token: t.token, clientId: t.clientId, uid: t.uid, issuedAt: this.now(), expiresAt: null, revoked: false, via: 'scenario' })
    }
  }

  now(): number {
    return this.ctx.clock.now()
  }

  clientName(client: ClientConfig): string {
    return client.name ?? `App ${client.clientId}`
  }

  userByName(username: string): UserConfig | undefined {
    return this.users.find((u) => u.username === username)
  }

  userByUid(uid: number): UserConfig | undefined {
    return this.users.find((u) => u.uid === uid)
  }

  /** The person auto-approve logs in as. */
  autoUser(): UserConfig | undefined {
    return this.config.autoUser !== undefined ? this.userByName(this.config.autoUser) : this.users[0]
  }

  // ---- the Login Dialog ----

  openDialog(d: Omit<Dialog, 'id' | 'expiresAt'>): Dialog {
    sweep(this.#dialogs, this.now())
    // An hour to fill in the form, on the session clock.
    const dialog: Dialog = { ...d, id: this.#secret('dlg_', 12), expiresAt: this.now() + 3_600_000 }
    this.#dialogs.set(dialog.id, dialog)
    return dialog
  }

  dialog(id: string): Dialog | undefined {
    const d = this.#dialogs.get(id)
    return d && d.expiresAt > this.now() ? d : undefined
  }

  closeDialog(id: string): void {
    this.#dialogs.delete(id)
  }

  login(uid: number): Login {
    sweep(this.#logins, this.now())
    const login: Login = { id: this.#secret('sid_', 16), uid, expiresAt: this.now() + this.config.loginTtl }
    this.#logins.set(login.id, login)
    return login
  }

  loggedIn(cookie: string | undefined): UserConfig | undefined {
    if (!cookie) return undefined
    const login = this.#logins.get(cookie)
    if (!login || login.expiresAt <= this.now()) return undefined
    return this.userByUid(login.uid)
  }

  consent(uid: number, clientId: number): void {
    this.#consents.add(`${uid}:${clientId}`)
  }

  hasConsented(uid: number, clientId: number): boolean {
    return this.#consents.has(`${uid}:${clientId}`)
  }

  // ---- codes and tokens ----

  issueCode(clientId: number, redirectUri: string, uid: number): CodeGrant {
    sweep(this.#codes, this.now())
    const grant: CodeGrant = { code: this.#secret('', 20), clientId, redirectUri, uid, expiresAt: this.now() + this.config.codeTtl, usedAt: null, token: null }
    this.#codes.set(grant.code, grant)
    return grant
  }

  code(code: string): CodeGrant | undefined {
    return this.#codes.get(code)
  }

  issueToken(clientId: number, uid: number, via: TokenGrant['via']): TokenGrant {
    const now = this.now()
    const ttl = this.config.tokenTtl
    const grant: TokenGrant = { token: this.#secret('EVM', 24), clientId, uid, issuedAt: now, expiresAt: ttl === undefined ? null : now + ttl, revoked: false, via }
    this.#tokens.set(grant.token, grant)
    return grant
  }

  token(token: string): TokenGrant | undefined {
    return this.#tokens.get(token)
  }

  /** Why `token` cannot be used now, or undefined when it can. */
  tokenProblem(token: string | undefined): string | undefined {
    if (!token) return 'no access token was given'
    const grant = this.#tokens.get(token)
    if (!grant) return 'the access token is not one this sandbox issued (was the session reset?)'
    if (grant.revoked) return 'the access token was revoked because the code it came from was used twice'
    if (grant.expiresAt !== null && grant.expiresAt <= this.now()) return `the access token expired at ${new Date(grant.expiresAt).toISOString()}`
    return undefined
  }

  revoke(token: string): void {
    const grant = this.#tokens.get(token)
    if (grant) grant.revoked = true
  }

  /** For the dashboard: who is logged in to the Login Dialog now (one row a live login), no cookies. */
  liveLogins(): { uid: number; username: string | null; until: number }[] {
    const now = this.now()
    return [...this.#logins.values()]
      .filter((l) => l.expiresAt > now)
      .map((l) => ({ uid: l.uid, username: this.userByUid(l.uid)?.username ?? null, until: l.expiresAt }))
  }

  /** For the dashboard: access tokens this session knows, and how many can be used now. */
  tokenCounts(): { total: number; live: number } {
    let live = 0
    for (const t of this.#tokens.values()) if (this.tokenProblem(t.token) === undefined) live++
    return { total: this.#tokens.size, live }
  }

  /** What people and clients did: dialogs, logins, consents, codes and tokens (maps in insertion
   *  order, which the sweep's oldest-first relies on), the job records added, the billing server's
   *  clients and charges, and where the secret stream stands. */
  snapshot(): EnvisionmeSnapshot {
    return {
      secrets: this.#random.state,
      dialogs: [...this.#dialogs.values()].map((d) => ({ ...d, state: d.state ?? null })),
      logins: [...this.#logins.values()],
      consents: [...this.#consents],
      codes: [...this.#codes.values()],
      tokens: [...this.#tokens.values()],
      jobs: this.jobs.snapshot(),
      billing: this.billing.snapshot(),
    }
  }

  static restore(config: EnvisionmeConfig, ctx: PartnerContext, data: unknown): EnvisionmeStore {
    const saved = envisionmeSnapshot.parse(data)
    const store = new EnvisionmeStore(config, ctx)
    store.#random.state = saved.secrets
    for (const d of saved.dialogs) store.#dialogs.set(d.id, { ...d, state: d.state ?? undefined })
    for (const l of saved.logins) store.#logins.set(l.id, l)
    for (const c of saved.consents) store.#consents.add(c)
    for (const c of saved.codes) store.#codes.set(c.code, c)
    // The scenario's tokens are among them, with the issue time they got then.
    store.#tokens.clear()
    for (const t of saved.tokens) store.#tokens.set(t.token, t)
    store.jobs.restore(saved.jobs)
    store.billing.restore(saved.billing)
    return store
  }

  /** Hex from the session's seeded stream: the same scenario replays the same codes and tokens. */
  #secret(prefix: string, bytes: number): string {
    let out = prefix
    for (let i = 0; i < bytes; i++) out += this.#random.int(0, 255).toString(16).padStart(2, '0')
    return out
  }
}

export interface Dialog {
  id: string
  clientId: number
  redirectUri: string
  state: string | undefined
  responseType: 'code' | 'token'
  expiresAt: number
}

export interface Login {
  id: string
  uid: number
  expiresAt: number
}

export interface CodeGrant {
  code: string
  clientId: number
  redirectUri: string
  uid: number
  expiresAt: number
  usedAt: number | null
  /** The token the code was exchanged for, revoked if the code comes back (RFC 6749 §4.1.2). */
  token: string | null
}

export interface TokenGrant {
  token: string
  clientId: number
  uid: number
  issuedAt: number
  expiresAt: number | null
  revoked: boolean
  via: 'code' | 'implicit' | 'scenario' | 'control'
}

/** Drops expired entries once a map grows, then the oldest past a hard cap (a Map iterates in insertion
 *  order), so a long session's memory stays bounded even on a frozen clock. */
function sweep<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  if (map.size < 1_000) return
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key)
  for (const key of map.keys()) {
    if (map.size < MAX_LIVE) break
    map.delete(key)
  }
}
const MAX_LIVE = 10_000

/** The jobs: nids 1..generate from the generator, inline records over them or after them. */
export class JobCatalog {
  readonly #overrides = new Map<number, JobRecord>()
  readonly #extra = new Map<number, Job>()
  /** The record each extra job was made from: a snapshot keeps it, not the job the seed rebuilds. */
  readonly #extraRecords = new Map<number, JobRecord>()
  /** Generated jobs with their override merged in, made once (nobody mutates a job handed out). */
  readonly #merged = new Map<number, Job>()
  #extraSorted: Job[] | undefined
  #version = 0

  constructor(
    private readonly seed: number,
    private readonly generated: number,
    records: readonly JobRecord[],
  ) {
    this.add(records)
  }

  /** Moves on every change of the catalogue: answers made from it are stamped with it. */
  get version(): number {
    return this.#version
  }

  add(records: readonly JobRecord[]): Job[] {
    const added: Job[] = []
    this.#version++
    for (const record of records) {
      const nid = record.nid ?? this.#lastNid() + 1
      if (nid <= this.generated) {
        this.#overrides.set(nid, { ...this.#overrides.get(nid), ...record })
        this.#merged.delete(nid)
      } else {
        this.#extra.set(nid, merge(jobAt(this.seed, nid), record))
        this.#extraRecords.set(nid, record)
        this.#extraSorted = undefined
      }
      added.push(this.get(nid)!)
    }
    return added
  }

  get size(): number {
    return this.generated + this.#extra.size
  }

  snapshot(): { overrides: [number, JobRecord][]; extra: [number, JobRecord][] } {
    return { overrides: [...this.#overrides], extra: [...this.#extraRecords] }
  }

  /** Replaces the records (the scenario's included) with a snapshot's. */
  restore(saved: { overrides: [number, JobRecord][]; extra: [number, JobRecord][] }): void {
    this.#version++
    this.#overrides.clear()
    this.#merged.clear()
    this.#extra.clear()
    this.#extraRecords.clear()
    for (const [nid, record] of saved.overrides) {
      if (nid > this.generated) throw new RangeError(`jobs.overrides: nid ${nid} is not a generated job (1-${this.generated})`)
      this.#overrides.set(nid, record)
    }
    for (const [nid, record] of saved.extra) {
      if (nid <= this.generated) throw new RangeError(`jobs.extra: nid ${nid} is a generated job (1-${this.generated})`)
      this.#extra.set(nid, merge(jobAt(this.seed, nid), record))
      this.#extraRecords.set(nid, record)
    }
    this.#extraSorted = undefined
  }

  get(nid: number): Job | undefined {
    if (nid >= 1 && nid <= this.generated) {
      const record = this.#overrides.get(nid)
      if (!record) return jobAt(this.seed, nid)
      let job = this.#merged.get(nid)
      if (!job) this.#merged.set(nid, (job = merge(jobAt(this.seed, nid), record)))
      return job
    }
    return this.#extra.get(nid)
  }

  /** Every job, by nid ascending, as the document's example lists them. */
  *all(): Generator<Job> {
    for (let nid = 1; nid <= this.generated; nid++) yield this.get(nid)!
    this.#extraSorted ??= [...this.#extra.values()].sort((a, b) => a.nid - b.nid)
    yield* this.#extraSorted
  }

  #lastNid(): number {
    let last = this.generated
    for (const nid of this.#extra.keys()) last = Math.max(last, nid)
    return last
  }
}

function merge(base: Job, record: JobRecord): Job {
  const { nid: _nid, created, salary_currency, salary_type, ...rest } = record
  const job: Job = { ...base, ...definedOnly(rest) }
  job.searchable_title = job.title.toLowerCase()
  if (created !== undefined) job.created = String(created)
  if (salary_currency === null) delete job.salary_currency
  else if (salary_currency !== undefined) job.salary_currency = salary_currency
  if (salary_type === null) delete job.salary_type
  else if (salary_type !== undefined) job.salary_type = salary_type
  return job
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** The term vocabulary: the scenario's records, then `generate` made ones. */
export class TermVocabulary {
  constructor(
    private readonly seed: number,
    private readonly generated: number,
    private readonly records: readonly TermRecord[],
    /** The sandbox's memo: a vocabulary is a pure function of the scenario, so sessions share it. */
    private readonly memo: <T>(name: string, make: () => T) => T = (_name, make) => make(),
  ) {}

  /** Every term of vocabulary `vid`, the records first, with the words search compares, made once
   *  per sandbox: generated term i is in VIDS[i % 12], so only those are made. */
  inVocabulary(vid: number): readonly IndexedTerm[] {
    return this.memo(`terms:${this.seed}:${vid}`, () => {
      const out: IndexedTerm[] = []
      for (const r of this.records) if (r.vid === vid) out.push(indexed(r))
      const first = (VIDS as readonly number[]).indexOf(vid)
      if (first >= 0) for (let i = first; i < this.generated; i += VIDS.length) out.push(indexed(termAt(this.seed, i)))
      return out
    })
  }
}

/** A term with its name and synonyms split into lower-case words, as search compares them. */
export interface IndexedTerm {
  term: TermRecord
  name: readonly string[]
  synonyms: readonly string[]
}

function indexed(term: TermRecord): IndexedTerm {
  return { term, name: wordsOf(term.name), synonyms: term.synonyms.flatMap(wordsOf) }
}

export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter((w) => w !== '')
}

export interface BillingClient {
  client_id: string
  first_name: string
  last_name: string
  company: string
  email: string
  registeredAt: number
}

export type ChargeStatus = 'pending' | 'ok' | 'failed' | 'cancelled'

export interface Charge {
  id: number
  clientId: string
  gatewayMode: 0 | 1
  /** Two decimals, as the document writes it ("500.00"). */
  amount: string
  internalId: string
  firstName: string
  lastName: string
  email: string
  returnUrl: string
  cancelUrl: string
  createdAt: number
  status: ChargeStatus
  settledAt: number | null
}

/** The billing server: registered clients and their charges, settled by the payment page or a rule. */
export class Billing {
  readonly clients = new Map<string, BillingClient>()
  readonly charges = new Map<number, Charge>()
  #nextId: number
  readonly #rules: { match: (c: Charge) => boolean; outcome: 'approve' | 'decline' }[]

  constructor(
    readonly config: EnvisionmeConfig['billing'],
    private readonly now: () => number,
  ) {
    for (const c of config.clients) this.clients.set(c.client_id, { ...c, registeredAt: now() })
    this.#nextId = config.firstChargeId
    this.#rules = config.rules.map((rule) => {
      const amount = rule.amount !== undefined ? globToRegExp(rule.amount) : undefined
      const email = rule.email !== undefined ? globToRegExp(rule.email) : undefined
      const internal = rule.internal_id !== undefined ? globToRegExp(rule.internal_id) : undefined
      return {
        outcome: rule.outcome,
        match: (c: Charge) => (!amount || amount.test(c.amount)) && (!email || email.test(c.email)) && (!internal || internal.test(c.internalId)),
      }
    })
  }

  /** Registers a client, or updates the details of one registered before. */
  snapshot(): { nextId: number; clients: BillingClient[]; charges: Charge[] } {
    // Field by field: a client or charge object may carry more than the billing server keeps.
    return {
      nextId: this.#nextId,
      clients: [...this.clients.values()].map((c) => ({
        client_id: c.client_id, first_name: c.first_name, last_name: c.last_name, company: c.company, email: c.email, registeredAt: c.registeredAt,
      })),
      charges: [...this.charges.values()].map((c) => ({
        id: c.id, clientId: c.clientId, gatewayMode: c.gatewayMode, amount: c.amount, internalId: c.internalId, firstName: c.firstName,
        lastName: c.lastName, email: c.email, returnUrl: c.returnUrl, cancelUrl: c.cancelUrl, createdAt: c.createdAt, status: c.status, settledAt: c.settledAt,
      })),
    }
  }

  /** Replaces clients and charges (the scenario's clients included, registered when they were). */
  restore(saved: { nextId: number; clients: BillingClient[]; charges: Charge[] }): void {
    this.clients.clear()
    for (const c of saved.clients) this.clients.set(c.client_id, c)
    this.charges.clear()
    for (const c of saved.charges) this.charges.set(c.id, c)
    this.#nextId = saved.nextId
  }

  register(input: Omit<BillingClient, 'registeredAt'>): { client: BillingClient; created: boolean } {
    const existing = this.clients.get(input.client_id)
    const client = { ...input, registeredAt: existing?.registeredAt ?? this.now() }
    this.clients.set(input.client_id, client)
    return { client, created: !existing }
  }

  charge(input: Omit<Charge, 'id' | 'createdAt' | 'status' | 'settledAt'>): Charge {
    const charge: Charge = { ...input, id: this.#nextId++, createdAt: this.now(), status: 'pending', settledAt: null }
    this.charges.set(charge.id, charge)
    return charge
  }

  /** What pressing Pay does for this charge under the scenario's rules: the first rule that matches. */
  outcomeOf(charge: Charge): 'approve' | 'decline' {
    return this.#rules.find((r) => r.match(charge))?.outcome ?? 'approve'
  }

  settle(charge: Charge, status: Exclude<ChargeStatus, 'pending'>): void {
    charge.status = status
    charge.settledAt = this.now()
  }
}

const nid = z.number().int().positive()

/** An envisionme state's snapshot: see EnvisionmeStore.snapshot. */
export const envisionmeSnapshot = later(() =>
  z.strictObject({
    secrets: snap.uint32,
    dialogs: z.array(
      z.object({
        id: z.string(),
        clientId: z.number().int(),
        redirectUri: z.string(),
        state: z.string().nullable(),
        responseType: z.enum(['code', 'token']),
        expiresAt: snap.time,
      }),
    ),
    logins: z.array(z.object({ id: z.string(), uid: z.number().int(), expiresAt: snap.time })),
    consents: z.array(z.string().regex(/^\d+:\d+$/)),
    codes: z.array(
      z.object({
        code: z.string(),
        clientId: z.number().int(),
        redirectUri: z.string(),
        uid: z.number().int(),
        expiresAt: snap.time,
        usedAt: snap.time.nullable(),
        token: z.string().nullable(),
      }),
    ),
    tokens: z.array(
      z.object({
        token: z.string(),
        clientId: z.number().int(),
        uid: z.number().int(),
        issuedAt: snap.time,
        expiresAt: snap.time.nullable(),
        revoked: z.boolean(),
        via: z.enum(['code', 'implicit', 'scenario', 'control']),
      }),
    ),
    jobs: z.object({ overrides: z.array(z.tuple([nid, jobRecord])), extra: z.array(z.tuple([nid, jobRecord])) }),
    billing: z.object({
      nextId: z.number().int(),
      clients: z.array(
        z.object({ client_id: z.string(), first_name: z.string(), last_name: z.string(), company: z.string(), email: z.string(), registeredAt: snap.time }),
      ),
      charges: z.array(
        z.object({
          id: z.number().int(),
          clientId: z.string(),
          gatewayMode: z.union([z.literal(0), z.literal(1)]),
          amount: z.string(),
          internalId: z.string(),
          firstName: z.string(),
          lastName: z.string(),
          email: z.string(),
          returnUrl: z.string(),
          cancelUrl: z.string(),
          createdAt: snap.time,
          status: z.enum(['pending', 'ok', 'failed', 'cancelled']),
          settledAt: snap.time.nullable(),
        }),
      ),
    }),
  }),
)
export type EnvisionmeSnapshot = z.output<typeof envisionmeSnapshot>
