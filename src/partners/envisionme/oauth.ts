import type { Context, Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { refuse, type PartnerEnv } from '../../core/partner.js'
import { formatDuration } from '../../core/duration.js'
import { apiError, onPageInvalid, pageError, validate, validateParams } from './errors.js'
import { loginDialog } from './pages.js'
import { accessTokenParams, authorizeQuery, debugTokenQuery, dialogForm, type ClientConfig } from './schema.js'
import type { EnvisionmeStore } from './store.js'
import { inspectionJson } from './views.js'

type Env = PartnerEnv<EnvisionmeStore>
type C = Context<Env>

/** The browser's login with envisionme.co.za, remembered in this cookie (the store holds what it means). */
export const LOGIN_COOKIE = 'envisionme_login'

/** `{redirect_uri}?a=…` or `{redirect_uri}#a=…`, the registered URI kept character for character. */
export function appendTo(uri: string, params: Record<string, string | undefined>, where: 'query' | 'fragment' = 'query'): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.append(k, v)
  const hash = uri.indexOf('#')
  const base = hash >= 0 ? uri.slice(0, hash) : uri
  if (where === 'fragment') return `${base}#${search}`
  return `${base}${base.includes('?') ? '&' : '?'}${search}${hash >= 0 ? uri.slice(hash) : ''}`
}

/** A 303 to `url`, its non-ASCII characters percent-encoded (a header cannot carry them raw) and
 *  everything else, escapes included, left as the app registered it. */
export function seeOther(c: Context<Env>, url: string, headers: Record<string, string> = {}, body: string | null = null): Response {
  const location = url.replace(/[^\x00-\x7f]+/g, (run) => encodeURIComponent(run))
  // Through the context, so headers set before (the login cookie) go out too.
  const all = { location, 'cache-control': 'no-store', ...headers }
  return body === null ? c.body(null, 303, all) : c.body(body, 303, all)
}

/** The OAuth half of the document: the Login Dialog, the code exchange and the inspection endpoint. */
export function oauthRoutes(app: Hono<Env>): void {
  app.get('/oauth/authorize', validate('query', authorizeQuery, onPageInvalid), (c) => {
    const q = c.req.valid('query')
    const store = c.get('state')
    const client = checkedClient(store, q.client_id, q.redirect_uri)
    // Only now that redirect_uri is known to be the app's own may an error go back to it (RFC 6749 §4.1.2.1).
    const responseType = q.response_type ?? 'code'
    if (responseType !== 'code' && responseType !== 'token') {
      refuse(c, `response_type "${responseType}" is neither code nor token`)
      return seeOther(c, appendTo(q.redirect_uri, { error: 'unsupported_response_type', error_description: 'response_type is code or token', state: q.state }))
    }
    const mode = store.config.loginDialog
    if (mode === 'auto-deny') return deny(c, q.redirect_uri, q.state, 'loginDialog is auto-deny')
    if (mode === 'auto-approve') {
      const user = store.autoUser()
      if (!user) throw pageError(400, 'Nobody to log in as', 'loginDialog is auto-approve but the scenario has no such user: add one under users, or set autoUser.')
      return grant(c, client, q.redirect_uri, q.state, responseType, user.uid)
    }
    // "Redirecting someone who has already logged in to the Login dialog will immediately redirect
    // them back to your app" (seed 001): logged in, and allowed this app before.
    const user = store.loggedIn(getCookie(c, LOGIN_COOKIE))
    if (user && store.hasConsented(user.uid, client.clientId)) return grant(c, client, q.redirect_uri, q.state, responseType, user.uid)
    const dialog = store.openDialog({ clientId: client.clientId, redirectUri: q.redirect_uri, state: q.state, responseType })
    return loginDialog({
      action: `${c.get('baseUrl')}/oauth/authorize`,
      dialogId: dialog.id,
      appName: store.clientName(client),
      redirectUri: q.redirect_uri,
      ...(user ? { loggedInAs: user.name ?? user.username } : {}),
    })
  })

  // The dialog's form posts here; its parameters come from the dialog the store opened, not the form.
  app.post('/oauth/authorize', validate('form', dialogForm, onPageInvalid), (c) => {
    const f = c.req.valid('form')
    const store = c.get('state')
    const dialog = store.dialog(f.dialog)
    if (!dialog) throw pageError(400, 'This login form has expired', 'Go back to the app and log in again.')
    const client = store.clients.get(dialog.clientId)
    if (!client) throw pageError(400, 'Unknown app', `There is no app with client_id ${dialog.clientId} any more.`)
    if (f.decision === 'cancel') {
      store.closeDialog(dialog.id)
      return deny(c, dialog.redirectUri, dialog.state, 'the person pressed Cancel on the Login Dialog')
    }
    let user = store.loggedIn(getCookie(c, LOGIN_COOKIE))
    if (!user) {
      const candidate = f.username ? store.userByName(f.username) : undefined
      if (!candidate || candidate.password !== f.password) {
        const why = !f.username || !f.password ? 'username or password left empty' : candidate ? `wrong password for ${f.username}` : `no user named ${f.username}`
        refuse(c, `login failed: ${why}`)
        return loginDialog({
          action: `${c.get('baseUrl')}/oauth/authorize`,
          dialogId: dialog.id,
          appName: store.clientName(client),
          redirectUri: dialog.redirectUri,
          error: !f.username || !f.password ? 'Enter your username and your password.' : 'The username or password is incorrect.',
          ...(f.username ? { username: f.username } : {}),
        })
      }
      user = candidate
      const login = store.login(user.uid)
      setCookie(c, LOGIN_COOKIE, login.id, {
        path: new URL(c.get('baseUrl')).pathname || '/',
        httpOnly: true,
        sameSite: 'Lax',
        maxAge: Math.floor(store.config.loginTtl / 1000),
      })
    }
    store.consent(user.uid, client.clientId)
    store.closeDialog(dialog.id)
    return grant(c, client, dialog.redirectUri, dialog.state, dialog.responseType, user.uid)
  })

  app.post('/oauth/access_token', validateParams(accessTokenParams), (c) => {
    const p = c.req.valid('query')
    const store = c.get('state')
    const client = store.clients.get(p.client_id)
    if (!client) throw apiError(400, `unknown client_id ${p.client_id}`, `There is no app with client_id ${p.client_id}.`)
    if (p.client_secret === undefined) {
      if (store.config.requireSecret) throw apiError(400, 'client_secret missing', 'client_secret is required: your app secret, sent from your server only.')
    } else if (p.client_secret !== client.clientSecret) {
      throw apiError(400, `wrong client_secret for client_id ${client.clientId}`, `client_secret is not the secret of app ${client.clientId}.`)
    }
    const code = store.code(p.code)
    if (!code) throw apiError(400, 'unknown code', 'This code was not issued by the Login Dialog (or the sandbox session was reset). Send the person through /oauth/authorize again.')
    if (code.clientId !== client.clientId) {
      throw apiError(400, `code belongs to client_id ${code.clientId}, not ${client.clientId}`, 'This code was issued to another app: exchange it with the client_id it was issued to.')
    }
    if (code.usedAt !== null) {
      // A code that comes back may have been stolen: the token it gave dies with it (RFC 6749 §4.1.2).
      if (code.token) store.revoke(code.token)
      throw apiError(400, 'code used twice; its token is revoked', 'This code has been exchanged already, and the access token it gave is now revoked. Codes are single-use: send the person through the Login Dialog again.')
    }
    if (code.expiresAt <= store.now()) {
      throw apiError(
        400,
        `code expired at ${new Date(code.expiresAt).toISOString()}`,
        `This code expired at ${new Date(code.expiresAt).toISOString()}: codes last ${formatDuration(store.config.codeTtl)}. Send the person through the Login Dialog again.`,
      )
    }
    if (code.redirectUri !== p.redirect_uri) {
      throw apiError(400, `redirect_uri ${p.redirect_uri} differs from ${code.redirectUri}`, `redirect_uri must be exactly the one the code was issued for: ${code.redirectUri}`)
    }
    code.usedAt = store.now()
    const token = store.issueToken(client.clientId, code.uid, 'code')
    code.token = token.token
    // The document: 303 to {redirect_uri}?access_token=…&refresh_token=null, with that same text as body.
    const body = `access_token=${encodeURIComponent(token.token)}&refresh_token=null`
    const location = `${p.redirect_uri}${p.redirect_uri.includes('?') ? '&' : '?'}${body}`
    return seeOther(c, location, { 'content-type': 'text/plain; charset=utf-8' }, body)
  })

  // "When token is received, it should be used to make an API call to an inspection endpoint that will
  // indicate who the token was generated for and by which app" (seed 001): Facebook's debug_token.
  app.get('/debug_token', validate('query', debugTokenQuery), (c) => {
    const store = c.get('state')
    const token = c.req.valid('query').input_token
    const grant = store.token(token)
    return c.json(inspectionJson(store, grant, grant ? store.tokenProblem(token) : 'the token is not one this sandbox issued'))
  })
}

/** The app and redirect_uri of an authorize call, or the 400 page: never a redirect to a URI the app
 *  did not register, so the dialog cannot be used as an open redirect. */
function checkedClient(store: EnvisionmeStore, clientId: number, redirectUri: string): ClientConfig {
  const client = store.clients.get(clientId)
  if (!client) throw pageError(400, 'Unknown app', `There is no app with client_id ${clientId}. Check the client_id your app sends.`)
  if (!client.redirectUris.includes(redirectUri)) {
    throw pageError(
      400,
      'This redirect URI is not allowed',
      `redirect_uri ${redirectUri} is not registered for app ${clientId}. It must match one of these exactly: ${client.redirectUris.join(', ')}.`,
    )
  }
  return client
}

function deny(c: C, redirectUri: string, state: string | undefined, why: string): Response {
  refuse(c, `access denied: ${why}`)
  // "YOUR_REDIRECT_URI?error=access_denied" (seed 001), for both response types.
  return seeOther(c, appendTo(redirectUri, { error: 'access_denied', state }))
}

function grant(c: C, client: ClientConfig, redirectUri: string, state: string | undefined, responseType: 'code' | 'token', uid: number): Response {
  const store = c.get('state')
  if (responseType === 'token') {
    const token = store.issueToken(client.clientId, uid, 'implicit')
    const expiresIn = token.expiresAt === null ? undefined : String(Math.floor((token.expiresAt - store.now()) / 1000))
    return seeOther(c, appendTo(redirectUri, { access_token: token.token, expires_in: expiresIn, state }, 'fragment'))
  }
  const code = store.issueCode(client.clientId, redirectUri, uid)
  return seeOther(c, appendTo(redirectUri, { code: code.code, state }))
}
