import { sign } from 'node:crypto'
import { formatDuration } from '../../core/duration.js'
import type { Random } from '../../core/random.js'
import type { KeyPair } from './shared.js'
import type { UserConfig } from './schema.js'

/** Laravel Passport access tokens, as the seed document's example shows them: an RS256 JWT whose
 *  header is `{"typ":"JWT","alg":"RS256","jti":…}` (the example starts `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImp0aSI6`)
 *  and whose claims are Passport's `aud, jti, iat, nbf, exp, sub, scopes`. The jti is 80 hex digits,
 *  bin2hex(random_bytes(40)), drawn from the session's seeded randomness.
 *
 *  Passport also keeps every token in oauth_access_tokens and refuses one it does not know, so a token
 *  from another session, another sandbox or before a reset is refused here too. */

export interface IssuedToken {
  token: string
  userId: number
  email: string
  expiresAt: number
}

/** Tokens kept per session; past it the oldest are forgotten (a client logging in on every call
 *  must not grow memory forever). */
const KEEP_TOKENS = 10_000

export class TokenTable {
  #byJti = new Map<string, IssuedToken>()
  /** Tokens already found good, by the token string: a later call skips decoding the header. Only
   *  tokens still in #byJti are here (so it is no bigger); expiry is checked on every call. */
  #verdicts = new Map<string, IssuedToken>()
  /** The last Authorization header found good, whole: comparing it costs less than hashing the token
   *  for the map (a client sends the same header call after call). */
  #lastHeader: string | undefined
  #lastIssued: IssuedToken | undefined
  /** Every login that succeeded, including tokens since forgotten past KEEP_TOKENS. */
  #issued = 0

  constructor(
    private readonly random: Random,
    private readonly ttl: number,
  ) {}

  issue(keys: KeyPair, user: UserConfig & { id: number }, now: number): IssuedToken {
    let jti = ''
    for (let i = 0; i < 10; i++) jti += Math.floor(this.random.next() * 2 ** 32).toString(16).padStart(8, '0')
    const iat = Math.floor(now / 1000)
    const expiresAt = now + this.ttl
    const header = { typ: 'JWT', alg: 'RS256', jti }
    const claims = { aud: '1', jti, iat, nbf: iat, exp: Math.floor(expiresAt / 1000), sub: String(user.id), scopes: [] as string[] }
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    const token = `${input}.${sign('sha256', Buffer.from(input), keys.privateKey).toString('base64url')}`
    const issued = { token, userId: user.id, email: user.email, expiresAt }
    const before = this.#byJti.get(jti)
    if (before !== undefined) this.#forget(before.token)
    this.#byJti.set(jti, issued)
    this.#issued++
    for (const [key, old] of this.#byJti) {
      if (this.#byJti.size <= KEEP_TOKENS) break
      this.#byJti.delete(key)
      this.#forget(old.token)
    }
    return issued
  }

  /** For the dashboard: tokens issued in this session and how many of them are still good at `now`. */
  counts(now: number): { issued: number; live: number } {
    let live = 0
    for (const t of this.#byJti.values()) if (now < t.expiresAt) live++
    return { issued: this.#issued, live }
  }

  /** The tokens kept (oldest first, as they are forgotten), the count issued and where the jti stream
   *  stands: a session snapshot's part. */
  snapshot(): { random: number; issued: number; tokens: [string, IssuedToken][] } {
    return { random: this.random.state, issued: this.#issued, tokens: [...this.#byJti] }
  }

  restore(saved: { random: number; issued: number; tokens: [string, IssuedToken][] }): void {
    this.random.state = saved.random
    this.#issued = saved.issued
    this.#byJti = new Map(saved.tokens)
    this.#verdicts.clear()
    this.#lastHeader = this.#lastIssued = undefined
  }

  /** The token's holder, or why it is refused, for the journal. */
  check(authorization: string | undefined, now: number): { ok: IssuedToken } | { why: string } {
    if (!authorization) return { why: 'no Authorization header: send Authorization: Bearer <token from POST /api/login>' }
    // A token found good before (it has no whitespace, so the pattern below would take it whole);
    // expired, it takes the long way to say so.
    const last = this.#lastIssued
    if (last !== undefined && authorization === this.#lastHeader && now < last.expiresAt) return { ok: last }
    const known = authorization.startsWith('Bearer ') ? this.#verdicts.get(authorization.slice(7)) : undefined
    if (known !== undefined && now < known.expiresAt) {
      this.#lastHeader = authorization
      this.#lastIssued = known
      return { ok: known }
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    if (!m) return { why: 'the Authorization header is not "Bearer <token>"' }
    const token = m[1]!
    const jti = jtiOf(token)
    if (jti === undefined) return { why: 'the bearer token is not a JWT with a jti in its header' }
    const issued = this.#byJti.get(jti)
    if (!issued) return { why: `the token (jti ${jti.slice(0, 12)}…) was not issued in this session (another session, another sandbox, or before a reset): log in again` }
    if (issued.token !== token) return { why: 'the token has a known jti but its claims or signature were changed' }
    if (now >= issued.expiresAt) {
      return { why: `the token expired at ${new Date(issued.expiresAt).toISOString()} (tokens last ${formatDuration(this.ttl)}): log in again` }
    }
    this.#verdicts.set(token, issued)
    this.#lastHeader = authorization
    this.#lastIssued = issued
    return { ok: issued }
  }

  /** Drops a token's remembered verdicts (its jti was forgotten or taken). */
  #forget(token: string): void {
    this.#verdicts.delete(token)
    if (this.#lastIssued?.token === token) this.#lastHeader = this.#lastIssued = undefined
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}

function jtiOf(token: string): string | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown
    const jti = header && typeof header === 'object' ? (header as { jti?: unknown }).jti : undefined
    return typeof jti === 'string' ? jti : undefined
  } catch {
    return undefined
  }
}
