import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { headerOf } from '../../core/http.js'
import { HTTPException } from 'hono/http-exception'
import type { PartnerEnv } from '../../core/partner.js'
import { zodValidator } from '../../core/validate.js'
import {
  badRequest,
  jsonResponse,
  loginInvalid,
  methodNotAllowed,
  noRecords,
  notAccessible,
  routeNotFound,
  unauthenticated,
  unauthorised,
} from './errors.js'
import { loginFields, phpPage } from './schema.js'
import type { Schedule } from './schedule.js'
import type { BeoeState } from './state.js'
import { paginatorEnvelope } from './views.js'

type Env = PartnerEnv<BeoeState>
type C = Context<Env>

/** The two operations of the seed document (000), as the Laravel app behind them answers. */
export function beoeRoutes() {
  const app = new Hono<Env>()

  app.post(
    '/api/login',
    inLaravelWords,
    scheduled,
    // Laravel's $request->email reads the query string, a form body or a JSON body alike.
    zodValidator('query', loginFields, loginInvalid),
    zodValidator('form', loginFields, loginInvalid),
    zodValidator('json', loginFields, loginInvalid),
    async (c) => {
      const input = { ...c.req.valid('query'), ...c.req.valid('form'), ...c.req.valid('json') }
      const { email, password } = input
      if (email === undefined || password === undefined) {
        throw unauthorised(`the login needs email and password (missing: ${[email === undefined && 'email', password === undefined && 'password'].filter(Boolean).join(', ')})`)
      }
      const state = c.get('state')
      const user = state.findUser(email, password)
      if (!user) {
        const known = state.users.some((u) => u.email.toLowerCase() === email.trim().toLowerCase())
        throw unauthorised(known ? `wrong password for ${email}` : `no user ${email} in this scenario (users: ${state.users.map((u) => u.email).join(', ') || 'none'})`)
      }
      const issued = state.tokens.issue(await state.shared.keys(), user, c.get('clock').now())
      return jsonResponse(200, { success: { token: issued.token } })
    },
  )
  app.all('/api/login', (c) => notAllowed(c, 'POST'))

  // The hot call: the checks of `scheduled`, `acceptsJson`, `authenticated` and the page query, in that
  // order, in one handler (each middleware layer costs a closure, a promise and a `c.var` object).
  app.get('/api/foreignjobs', (c) => {
    const state = c.get('state')
    const now = c.get('clock').now()
    if (state.schedule && !state.schedule.isOpen(now)) closed(state.schedule, now)
    checkAccept(headerOf(c, 'accept'))
    const result = state.tokens.check(headerOf(c, 'authorization'), now)
    if ('why' in result) throw unauthenticated(result.why)
    // pageQuery's rule (the validator's input is always a string or strings, so it cannot fail).
    const pages = c.req.queries('page')
    const page = phpPage(pages === undefined ? undefined : pages[pages.length - 1])
    const size = state.config.pageSize
    const total = state.jobs.total
    if (total === 0) throw noRecords('no foreign jobs in this session: jobs.generate is 0 and there are no records')
    const lastPage = Math.ceil(total / size)
    if (page > lastPage) throw noRecords(`page ${page} is past the last page, ${lastPage} (${total} jobs, ${size} a page)`)
    const path = `${c.get('baseUrl')}/api/foreignjobs`
    // One buffer: the node server writes it as it is, with its length, without re-encoding a string.
    return jsonResponse(200, state.pageBody(page, path, (count) => paginatorEnvelope({ path, page, perPage: size, total, count })))
  })
  app.all('/api/foreignjobs', (c) => notAllowed(c, 'GET, HEAD'))

  // route() drops a sub-app's notFound (honojs/hono#3465), so answer here, as Laravel answers JSON.
  app.all('*', (c) => {
    const path = under(c)
    c.set('refusal', `no BE&OE route ${c.req.method} ${path}: the API has POST /api/login and GET /api/foreignjobs`)
    return routeNotFound(path)
  })
  return app
}

function notAllowed(c: C, allowed: string): Response {
  c.set('refusal', `${c.req.method} is not a method of ${under(c)}: it takes ${allowed}`)
  return methodNotAllowed(c, under(c), allowed)
}

/** The path under the partner's base URL (`/api/login`), however the client reached it. */
function under(c: C): string {
  return new URL(c.req.url).pathname.slice(new URL(c.get('baseUrl')).pathname.replace(/\/$/, '').length) || '/'
}

/** The validators throw a bare HTTPException for a body they cannot parse, which the core answers in
 *  its own words by the time `next()` returns: this answers it in BE&OE's bytes instead. A layer on the
 *  login rather than an onError on this app: a sub-app's onError puts every one of its routes behind
 *  Hono's compose, foreignjobs included (see core/router.ts). */
const inLaravelWords: MiddlewareHandler<Env> = async (c, next) => {
  await next()
  const error = c.error
  if (!(error instanceof HTTPException) || error.res) return
  c.set('refusal', error.message)
  // Cleared first: assigning over a response merges the old one's headers into the new.
  c.res = undefined
  c.res = jsonResponse(error.status, { error: `Bad Request: ${error.message}` })
}

/** 503 outside the agreed schedule, on both endpoints, saying when it opens next. */
const scheduled: MiddlewareHandler<Env> = (c, next) => {
  const { schedule } = c.get('state')
  const now = c.get('clock').now()
  if (!schedule || schedule.isOpen(now)) return next()
  closed(schedule, now)
}

function closed(schedule: Schedule, now: number): never {
  const opens = schedule.nextOpening(now)
  const at = opens === undefined ? null : schedule.isoLocal(opens)
  const message = `The BE&OE Foreign Jobs API is accessible at the agreed schedule only: ${schedule.describe()}. ${at ? `It opens next at ${at}.` : 'No opening is scheduled.'}`
  throw notAccessible(
    `outside the schedule at ${schedule.isoLocal(now)}; ${at ? `opens next at ${at}` : 'no opening scheduled'}`,
    { error: 'Not accessible.', message, opens_at: at },
    opens === undefined ? undefined : Math.ceil((opens - now) / 1000),
  )
}

/** The document requires `Accept: application/json`; without it the real app cannot answer JSON. */
function checkAccept(accept: string | undefined): void {
  if (!accept) throw badRequest('no Accept header', 'Bad Request: the Accept header is required; send Accept: application/json')
  // The header the document shows, and most clients send, needs no parsing.
  if (accept === 'application/json') return
  const json = accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    return /^application\/([\w.-]+\+)?json$/.test(type) && (q === undefined || Number(q.slice(2)) > 0)
  })
  if (!json) throw badRequest(`Accept is "${accept}", not application/json`, `Bad Request: the Accept header must be application/json (got "${accept}")`)
}

