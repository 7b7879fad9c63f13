import { createHash } from 'node:crypto'
import * as z from 'zod'
import type { PartnerContext } from '../../core/partner.js'
import { Random, seedOf } from '../../core/random.js'
import { snap } from '../../core/snapshot.js'
import { TokenTable } from './auth.js'
import { Schedule } from './schedule.js'
import type { BeoeConfig, UserConfig } from './schema.js'
import { Shared, sharedFor } from './shared.js'
import { JobStore } from './store.js'
import { later } from '../../core/later.js'

/** One session's BE&OE: its accounts, the tokens it issued, its job list, its schedule. Built from the
 *  scenario on first use; a reset builds a new one. What it derives from the scenario alone (key pair,
 *  word pools, pages of the unchanged list) comes from the sandbox-wide `Shared`. */
export class BeoeState {
  readonly users: (UserConfig & { id: number })[]
  readonly tokens: TokenTable
  readonly jobs: JobStore
  readonly schedule: Schedule | undefined
  readonly shared: Shared

  constructor(
    readonly config: BeoeConfig,
    readonly ctx: PartnerContext,
    key?: string,
  ) {
    this.shared = key === undefined ? sharedFor(config, ctx) : sharedWithKey(config, ctx, key)
    this.users = config.users.map((u, i) => ({ ...u, id: u.id ?? i + 1 }))
    // The session id is in the seed so that two sessions never hand out the same jti (and token).
    this.tokens = new TokenTable(new Random(seedOf(ctx.seed, 'beoe.tokens', ctx.sessionId)), config.tokenTtl)
    this.jobs = new JobStore(this.shared.pools(ctx.seed), config.jobs)
    this.schedule = config.schedule ? new Schedule(config.schedule) : undefined
  }

  /** Tokens, the job list's changes, and the generated signing key (so tokens still verify after a
   *  restart in a new process, which would make another). */
  snapshot(): BeoeSnapshot {
    const key = this.shared.generatedKey()
    return { tokens: this.tokens.snapshot(), jobs: this.jobs.snapshot(), ...(key !== undefined ? { key } : {}) }
  }

  static restore(config: BeoeConfig, ctx: PartnerContext, data: unknown): BeoeState {
    const saved = beoeSnapshot.parse(data)
    const state = new BeoeState(config, ctx, saved.key)
    state.tokens.restore(saved.tokens)
    state.jobs.restore(saved.jobs)
    return state
  }

  /** Laravel's Auth::attempt on a MySQL users table: the email compares without case (the default
   *  collation), the password exactly. */
  findUser(email: string, password: string): (UserConfig & { id: number }) | undefined {
    const wanted = email.trim().toLowerCase()
    return this.users.find((u) => u.email.toLowerCase() === wanted && u.password === password)
  }

  /** The whole response body of page `page` (1-based) as the client at `path` sees it: the paginator's
   *  head, the rows, its tail, as ASCII bytes (json_encode escapes every non-ASCII character, so latin1
   *  is exact). While the list is as the scenario made it, whole bodies are cached (keyed by the URL
   *  they carry), so a warm page is one buffer handed to the socket: no rows made, nothing copied. A
   *  cold one is written into the sandbox's scratch writer and copied out once at its exact size. */
  pageBody(page: number, path: string, envelope: (count: number) => [string, string]): Uint8Array<ArrayBuffer> {
    const cacheable = this.jobs.version === 0
    const key = `${this.ctx.seed}:${page}:${path}`
    const cached = cacheable ? this.shared.pages.get(key) : undefined
    if (cached !== undefined) return cached
    const size = this.config.pageSize
    const start = (page - 1) * size
    const count = Math.max(0, Math.min(size, this.jobs.total - start))
    const [head, tail] = envelope(count)
    const body = this.shared.write((out) => {
      out.latin1(head)
      this.jobs.writePage(out, start, count)
      out.latin1(tail)
    })
    if (cacheable) this.shared.pages.set(key, 0, body)
    return body
  }
}

/** The sandbox's Shared when it can take `key` (it has no other yet), else one of the snapshot's own,
 *  shared by the sessions restored with the same key. */
function sharedWithKey(config: BeoeConfig, ctx: PartnerContext, key: string): Shared {
  const shared = sharedFor(config, ctx)
  if (shared.adoptKey(key)) return shared
  const id = createHash('sha256').update(key).digest('hex').slice(0, 16)
  return ctx.memo(config, `shared:${id}`, () => {
    const own = new Shared(config)
    own.adoptKey(key)
    return own
  })
}

const id = z.number().int().nonnegative()

/** A BE&OE state's snapshot: see BeoeState.snapshot. */
export const beoeSnapshot = later(() =>
  z.strictObject({
    tokens: z.strictObject({
      random: snap.uint32,
      issued: z.number().int().nonnegative(),
      tokens: z.array(z.tuple([z.string(), z.object({ token: z.string(), userId: z.number().int(), email: z.string(), expiresAt: snap.time })])),
    }),
    jobs: z.strictObject({
      nextId: id,
      version: z.number().int().nonnegative(),
      ranges: z.array(z.tuple([id, id])),
      records: z.array(z.tuple([id, z.string()])),
      removed: z.array(id),
    }),
    key: z.string().optional(),
  }),
)
export type BeoeSnapshot = z.output<typeof beoeSnapshot>
