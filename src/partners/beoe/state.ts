import type { PartnerContext } from '../../core/partner.js'
import { Random, seedOf } from '../../core/random.js'
import { TokenTable } from './auth.js'
import { Schedule } from './schedule.js'
import type { BeoeConfig, UserConfig } from './schema.js'
import { sharedFor, type Shared } from './shared.js'
import { JobStore } from './store.js'

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
  ) {
    this.shared = sharedFor(config, ctx)
    this.users = config.users.map((u, i) => ({ ...u, id: u.id ?? i + 1 }))
    // The session id is in the seed so that two sessions never hand out the same jti (and token).
    this.tokens = new TokenTable(new Random(seedOf(ctx.seed, 'beoe.tokens', ctx.sessionId)), config.tokenTtl)
    this.jobs = new JobStore(this.shared.pools(ctx.seed), config.jobs)
    this.schedule = config.schedule ? new Schedule(config.schedule) : undefined
  }

  /** Laravel's Auth::attempt on a MySQL users table: the email compares without case (the default
   *  collation), the password exactly. */
  findUser(email: string, password: string): (UserConfig & { id: number }) | undefined {
    const wanted = email.trim().toLowerCase()
    return this.users.find((u) => u.email.toLowerCase() === wanted && u.password === password)
  }

  /** The `data` JSON of page `page` (1-based) as ASCII bytes, from the shared cache while the list is
   *  as the scenario made it. (json_encode escapes every non-ASCII character, so latin1 is exact.) */
  pageData(page: number): { data: Buffer; count: number } {
    const size = this.config.pageSize
    const start = (page - 1) * size
    const count = Math.max(0, Math.min(size, this.jobs.total - start))
    if (this.jobs.version !== 0) return { data: this.jobs.pageBytes(start, count), count }
    const key = `${this.ctx.seed}:${page}`
    let data = this.shared.pages.get(key)
    if (data === undefined) {
      data = this.jobs.pageBytes(start, count)
      this.shared.pages.set(key, data)
    }
    return { data, count }
  }
}
