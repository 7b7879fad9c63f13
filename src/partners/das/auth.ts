import type { Context, MiddlewareHandler } from 'hono'
import { headerOf } from '../../core/http.js'
import type { JwtPayload } from 'jsonwebtoken'
import { lazily } from '../../core/lazy.js'
import { Recent } from '../../core/memo.js'
import { createSecretKey, type KeyObject } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { formatDuration } from '../../core/duration.js'
import { denied, invalidToken } from './errors.js'
import type { DasConfig } from './schema.js'

const jwt = lazily<typeof import('jsonwebtoken')>('jsonwebtoken')

/** The service's security, from SFA.DAS.ApiTokens.Client ApiKeyHandler (a Web API message handler):
 *  - no Authorization header: the request goes on anonymous, and [Authorize] answers 401;
 *  - otherwise the second space-separated word of the header (any scheme) must be a JWT signed with the
 *    secret, from the issuer, for one of the audiences, with an exp, within 5 minutes of clock skew
 *    (System.IdentityModel.Tokens.Jwt 4.0); its `data` claim, split on spaces, are the principal's roles;
 *  - any failure is a 400 with no body and the exception's name as the reason phrase, on every route. */

export interface DasPrincipal {
  name: string
  roles: string[]
}

type Verdict = { ok: true; principal: DasPrincipal } | { ok: false; exception: string; why: string }

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

export function audiences(config: DasConfig): string[] {
  return config.audience.split(' ').filter(Boolean)
}

/** What a token says, independent of the time: the verdicts before and after the lifetime checks
 *  (which are the only ones that depend on the session clock). A pure function of (token, config). */
export interface TokenFacts {
  /** A refusal found before the lifetime checks (a bad signature, no exp, nbf after exp). */
  early?: Verdict & { ok: false }
  nbf?: number
  exp: number
  /** The verdict after the lifetime checks pass (audience, issuer, data claim). */
  late: Verdict
}

/** Everything validateToken checks but the time; see validateToken for the order. */
export function tokenFacts(config: DasConfig, token: string, secret: KeyObject | string = config.signingKey): TokenFacts {
  const fail = (exception: string, why: string): TokenFacts => ({ early: { ok: false, exception, why }, exp: 0, late: { ok: false, exception, why } })
  let payload: JwtPayload
  try {
    const decoded = jwt().verify(token, secret, { algorithms: ['HS256', 'HS384', 'HS512'], ignoreExpiration: true, ignoreNotBefore: true })
    if (typeof decoded === 'string') return fail('ArgumentException', 'the token payload is not a JSON object')
    payload = decoded
  } catch (error) {
    const message = (error as Error).message
    const exception =
      message === 'jwt signature is required' ? 'SecurityTokenValidationException'
        : message === 'invalid signature' || message === 'invalid algorithm' ? 'SecurityTokenInvalidSignatureException'
          : 'ArgumentException'
    const why = message === 'jwt signature is required' ? 'the token is unsigned (alg none); it must be HS256 with the scenario signingKey'
      : message === 'invalid signature' ? 'the signature does not match the scenario signingKey'
        : message === 'invalid algorithm' ? 'the token is not HMAC-signed (HS256/384/512)'
          : `the token is not a JWT (${message})`
    return fail(exception, why)
  }
  const { exp, nbf, aud, iss, data } = payload
  if (typeof exp !== 'number') return fail('SecurityTokenNoExpirationException', 'the token has no exp claim')
  if (typeof nbf === 'number' && nbf > exp) return fail('SecurityTokenInvalidLifetimeException', `nbf ${iso(nbf)} is after exp ${iso(exp)}`)
  const facts = (late: Verdict): TokenFacts => (typeof nbf === 'number' ? { nbf, exp, late } : { exp, late })
  const tokenAudiences = (Array.isArray(aud) ? aud : aud === undefined ? [] : [aud]).map(String)
  const valid = audiences(config)
  if (!tokenAudiences.some((a) => valid.includes(a))) {
    return facts({ ok: false, exception: 'SecurityTokenInvalidAudienceException', why: `aud ${JSON.stringify(aud ?? null)} is not ${valid.map((a) => `"${a}"`).join(' or ')}` })
  }
  if (iss !== config.issuer) return facts({ ok: false, exception: 'SecurityTokenInvalidIssuerException', why: `iss ${JSON.stringify(iss ?? null)} is not "${config.issuer}"` })
  // claimsPrincipal.FindFirst("data").Value: a missing claim is a NullReferenceException; of an array
  // claim the first value counts.
  const first = Array.isArray(data) ? data[0] : data
  if (first === undefined || first === null) return facts({ ok: false, exception: 'NullReferenceException', why: 'the token has no data claim (the space-separated permissions)' })
  return facts({ ok: true, principal: { name: tokenAudiences[0]!, roles: String(first).split(' ') } })
}

/** The verdict on `facts` at session time `now` (epoch ms): the lifetime checks, between the others. */
export function judgeToken(config: DasConfig, facts: TokenFacts, now: number): Verdict {
  if (facts.early) return facts.early
  const { nbf, exp } = facts
  const skew = config.clockSkew
  if (nbf !== undefined && nbf * 1000 > now + skew) {
    return { ok: false, exception: 'SecurityTokenNotYetValidException', why: `not valid before ${iso(nbf)}; the session clock says ${new Date(now).toISOString()} (skew ${formatDuration(skew)})` }
  }
  if (exp * 1000 < now - skew) {
    return { ok: false, exception: 'SecurityTokenExpiredException', why: `it expired at ${iso(exp)}; the session clock says ${new Date(now).toISOString()} (skew ${formatDuration(skew)})` }
  }
  return facts.late
}

/** Validates `token` at session time `now` (epoch ms), naming the .NET exception the service would throw. */
export function validateToken(config: DasConfig, token: string | undefined, now: number, secret: KeyObject | string = config.signingKey): Verdict {
  if (token === undefined) return { ok: false, exception: 'ArgumentOutOfRangeException', why: 'the Authorization header has no second word: send "Bearer <token>"' }
  if (token === '') return { ok: false, exception: 'ArgumentNullException', why: 'the token after the scheme is empty' }
  return judgeToken(config, tokenFacts(config, token, secret), now)
}

/** How many tokens' facts a session remembers; past that it starts afresh. */
const TOKEN_CACHE_SIZE = 256

/** Verifies each token once per session (the signature and claims are a pure function of the token
 *  and the scenario), then judges the cached facts against the session clock on every request. */
export class TokenCache {
  readonly #facts = new Recent<string, TokenFacts>(TOKEN_CACHE_SIZE)

  constructor(
    readonly config: DasConfig,
    readonly secret: KeyObject,
  ) {}

  validate(token: string | undefined, now: number): Verdict {
    if (token === undefined || token === '') return validateToken(this.config, token, now, this.secret)
    const facts = this.#facts.get(token, (t) => tokenFacts(this.config, t, this.secret))
    return judgeToken(this.config, facts, now)
  }

  get size(): number {
    return this.#facts.size
  }
}

/** Runs first on every DAS route, as the message handler does. */
export function tokenHandler(tokens: (c: Context) => TokenCache): MiddlewareHandler {
  // Not async, nor requires(): a layer that returns at once lets the request go on at once (core/router.ts).
  return (c, next) => {
    const header = headerOf(c, 'authorization')
    if (header === undefined) return next()
    const verdict = tokens(c).validate(header.split(' ')[1], c.get('clock').now())
    if (!verdict.ok) {
      // The reason phrase is the exception's name, as ApiKeyHandler sets it.
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
      if (outgoing) outgoing.statusMessage = verdict.exception
      throw invalidToken(verdict.exception, verdict.why)
    }
    c.set('dasPrincipal' as never, verdict.principal as never)
    return next()
  }
}

/** [Authorize(Roles = role)]: GenericPrincipal.IsInRole compares ignoring case. */
export function requires(role: string): MiddlewareHandler {
  return (c, next) => {
    checkRole(c, role)
    return next()
  }
}

/** Throws the 401 of requires(role); for a handler that checks the role itself, in one layer with what
 *  it does next. */
export function checkRole(c: Context, role: string): void {
  const principal = c.get('dasPrincipal' as never) as DasPrincipal | undefined
  if (!principal) throw denied(`no Authorization header: ${role} needs a bearer token (POST /__sandbox/das/tokens mints one)`)
  if (!principal.roles.some((r) => r.toLowerCase() === role.toLowerCase())) {
    throw denied(`the token's data claim "${principal.roles.join(' ')}" lacks ${role}`)
  }
}

export interface MintOptions {
  permissions: string[]
  /** Session time, epoch ms. */
  now: number
  expiresIn: number
  audience?: string
  issuer?: string
}

/** A token as SFA.DAS.ApiTokens.Lib JwtTokenService.Encode (the ApiTokenGen tool) makes one: HS256,
 *  `data` the space-joined permissions, one `roles` claim per permission, nbf/exp, no iat. */
export function mintToken(config: DasConfig, options: MintOptions): { token: string; expiresAt: string; audience: string; issuer: string } {
  const nbf = Math.floor(options.now / 1000)
  const exp = Math.floor((options.now + options.expiresIn) / 1000)
  const audience = options.audience ?? audiences(config)[0]!
  const issuer = options.issuer ?? config.issuer
  const roles = options.permissions.length === 1 ? options.permissions[0] : options.permissions
  const token = jwt().sign({ data: options.permissions.join(' '), roles, iss: issuer, aud: audience, exp, nbf }, config.signingKey, { algorithm: 'HS256', noTimestamp: true })
  return { token, expiresAt: iso(exp), audience, issuer }
}

/** The signing key as a KeyObject, made once per scenario: given a string, jsonwebtoken first tries it
 *  as a PEM public key and builds an exception on every call, which cost more than the rest of a GET. */
export function secretKey(config: DasConfig): KeyObject {
  return createSecretKey(Buffer.from(config.signingKey))
}
