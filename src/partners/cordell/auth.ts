import type { Context } from 'hono'
import { headerOf, headerText, requestHeaders } from '../../core/http.js'
import type { IncomingMessage } from 'node:http'
import type { PartnerEnv } from '../../core/partner.js'
import { describeIssues } from '../../core/validate.js'
import { CordellFault, loginError } from './errors.js'
import { loginInput, type CordellUser } from './schema.js'
import { subcodes } from './soap.js'
import { iso, type CordellStore, type Token } from './store.js'
import { descendants, textOf, type XmlElement } from './xml.js'

type C = Context<PartnerEnv<CordellStore>>

/** The caller's address for the audit trail: the first X-Forwarded-For hop when a proxy sets one. */
export function clientIp(c: C, headers = requestHeaders(c)): string {
  const forwarded = headerText(headers['x-forwarded-for'])?.split(',')[0]?.trim()
  if (forwarded) return forwarded
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return incoming?.socket?.remoteAddress ?? 'unknown'
}

/** `POST /Costing/Login`: seed 004 — "the client will establish a connection to the Costing Web API by
 *  calling the Costing Web API URL link and passing the user credentials … will issue 'Access token' in
 *  the response as JSON value", with its issue and expiry time. JSON or a form, names in any case. */
export async function login(c: C): Promise<Response> {
  const store = c.get('state')
  const ip = clientIp(c)
  const type = (headerOf(c, 'content-type') ?? '').toLowerCase()
  let raw: unknown
  if (type.includes('json')) {
    try {
      raw = await c.req.json()
    } catch {
      throw refused(store, ip, null, loginError(400, 'The body is not valid JSON: send {"UserName": "...", "Password": "..."}', 'login body is not JSON'))
    }
  } else if (type.includes('x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    try {
      raw = await c.req.parseBody()
    } catch {
      // A multipart body without its boundary, or cut short: undici's FormData parser throws.
      throw refused(store, ip, null, loginError(400, 'The form body cannot be read: send UserName=...&Password=... as application/x-www-form-urlencoded', 'login form body cannot be parsed'))
    }
  } else {
    throw refused(store, ip, null, loginError(415, 'Send the credentials as JSON ({"UserName": "...", "Password": "..."}) or as a form (UserName=...&Password=...)', `login Content-Type is "${type || '(none)'}"`))
  }
  const fields: Record<string, unknown> = {}
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const k = key.toLowerCase()
      fields[k === 'user' || k === 'user_name' ? 'username' : k] = value
    }
  }
  const parsed = loginInput.safeParse(fields)
  if (!parsed.success) {
    const why = describeIssues(parsed.error.issues, 'body')
    throw refused(store, ip, null, loginError(400, why))
  }
  const { username, password } = parsed.data
  const user = store.users.get(username)
  if (!user || user.password !== password) {
    const why = user ? `wrong password for user "${username}"` : `no user "${username}" in the scenario (users: ${[...store.users.keys()].join(', ') || 'none'})`
    throw refused(store, ip, username, loginError(401, 'The user name or password is incorrect.', why))
  }
  const token = store.issueToken(user.username, ip)
  store.audit({ user: user.username, ip, method: 'Login', parameters: { UserName: username }, mode: null, since: null, records: 0, outcome: 'ok' })
  return c.json({
    AccessToken: token.token,
    TokenType: 'Bearer',
    UserName: user.username,
    IssueTime: iso(token.issued),
    ExpireTime: iso(token.expires),
    ExpiresIn: Math.round((token.expires - token.issued) / 1000),
  })
}

function refused<E extends Error>(store: CordellStore, ip: string, user: string | null, error: E): E {
  store.audit({ user, ip, method: 'Login', parameters: user ? { UserName: user } : {}, mode: null, since: null, records: 0, outcome: `refused: ${error.message}` })
  return error
}

/** The token of an `Authorization: Bearer` header, or ''. */
function bearerIn(header: string): string {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? ''
}

/** The caller of a SOAP method, from the token in the `AuthHeader` SOAP header (an `AccessToken`
 *  element) or in `Authorization: Bearer`; a missing, unknown or expired token is a Sender fault. */
export function authenticate(c: C, header: XmlElement | undefined, accept: string | undefined, authorization: string | undefined): { user: CordellUser; token: Token } {
  const store = c.get('state')
  const inHeader = header ? descendants(header, 'AccessToken')[0] : undefined
  // Remembered per header: a client sends the same one on every call, and the token it yields is then
  // the same string each time, which the token table finds without hashing it again.
  const bearer = authorization === undefined ? undefined : store.parsed.bearers.get(authorization, bearerIn) || undefined
  const value = inHeader ? textOf(inHeader).trim() : bearer
  if (!value) {
    throw new CordellFault(
      { code: 'Sender', subcode: subcodes.missingToken, reason: 'No access token was sent. Log in (POST /Costing/Login) and send the token in the AuthHeader SOAP header (<AccessToken>) or as Authorization: Bearer <token>.' },
      accept,
      'no AccessToken in the SOAP header and no Authorization: Bearer',
    )
  }
  const token = store.token(value)
  if (!token) {
    throw new CordellFault({ code: 'Sender', subcode: subcodes.invalidToken, reason: 'The access token is not valid. Log in again to get a new one.' }, accept, `unknown access token …${value.slice(-4)}`)
  }
  const now = store.now
  if (now >= token.expires) {
    throw new CordellFault(
      { code: 'Sender', subcode: subcodes.tokenExpired, reason: `The access token expired at ${iso(token.expires)}. Provide your user credentials again to get a new token.` },
      accept,
      `access token …${value.slice(-4)} of ${token.user} expired at ${iso(token.expires)} (now ${iso(now)})`,
    )
  }
  const user = store.users.get(token.user)
  if (!user) throw new CordellFault({ code: 'Sender', subcode: subcodes.invalidToken, reason: 'The access token is not valid. Log in again to get a new one.' }, accept, `token user ${token.user} no longer exists`)
  return { user, token }
}
