import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { refuse, type PartnerEnv } from '../../core/partner.js'
import type { Bytes } from '../../core/answer-cache.js'
import type { InlineHandler } from '../../core/router.js'
import { checkToken } from './auth.js'
import { billingRoutes } from './billing.js'
import { apiError, validate } from './errors.js'
import { oauthRoutes } from './oauth.js'
import { jobListQuery, jobParam, termQuery } from './schema.js'
import { listJobs, searchTerms } from './search.js'
import type { EnvisionmeStore } from './store.js'
import { jobJson, termsJson } from './views.js'

type Env = PartnerEnv<EnvisionmeStore>

/** Checks the token (on every call), then sends the answer made before for this key and data version,
 *  if there is one; else goes on to validate and answer. One layer for both: each costs a closure and
 *  a promise on every call. */
function answered(
  cache: (store: EnvisionmeStore) => EnvisionmeStore['jobAnswers'],
  key: (c: Context<Env>) => string,
  version: (store: EnvisionmeStore) => number,
): MiddlewareHandler<Env> {
  // Not async: an answer from the cache goes out in the request's own turn (see core/router.ts).
  const layer: InlineHandler<Env> = (c, next) => {
    checkToken(c)
    const store = c.get('state')
    const hit = cache(store).get(key(c), version(store))
    if (hit !== undefined) return jsonText(c, hit)
    return next() as Promise<void>
  }
  return layer as MiddlewareHandler<Env>
}

/** The envisionme.co.za API of seed 001: OAuth and its Login Dialog, jobs, terms, billing. */
export function envisionmeRoutes(): Hono<Env> {
  const app = new Hono<Env>()
  oauthRoutes(app)

  // The token is checked on every call; then an answer made before from the same query string and the
  // same data is sent again as it was (validation and the answer are pure functions of those two).
  app.get(
    '/job',
    answered((store) => store.jobAnswers, jobListKey, (store) => store.jobs.version),
    validate('query', jobListQuery),
    (c) => {
      const store = c.get('state')
      const version = store.jobs.version
      const result = listJobs(store.jobs, c.req.valid('query'))
      const text = JSON.stringify(Array.isArray(result) ? result.map(jobJson) : result)
      return jsonText(c, store.jobAnswers.set(jobListKey(c), version, text))
    },
  )

  app.get(
    '/jobs/:nid',
    answered((store) => store.jobAnswers, jobKey, (store) => store.jobs.version),
    validate('param', jobParam),
    (c) => {
      const store = c.get('state')
      const nid = c.req.valid('param').nid
      const job = store.jobs.get(nid)
      if (!job) throw apiError(404, `no job with nid ${nid}`, `There is no job with nid ${nid}.`)
      return jsonText(c, store.jobAnswers.set(jobKey(c), store.jobs.version, JSON.stringify(jobJson(job))))
    },
  )

  app.get(
    '/term',
    // The vocabulary never changes within a session: one version.
    answered((store) => store.termAnswers, rawQuery, () => 0),
    validate('query', termQuery),
    (c) => {
      const q = c.req.valid('query')
      const text = JSON.stringify(termsJson(searchTerms(c.get('state').terms, q), `${q.q}|${q.vid}|${q.skip}|${q.limit}`))
      return jsonText(c, c.get('state').termAnswers.set(rawQuery(c), 0, text))
    },
  )

  billingRoutes(app)

  // route() drops a sub-app's notFound (honojs/hono#3465), so answer here.
  app.all('*', (c) => {
    refuse(c, `no envisionme route ${c.req.method} ${c.req.path}`)
    return c.json(
      {
        error: `Nothing at ${c.req.method} ${c.req.path}. The API has GET /oauth/authorize, POST /oauth/access_token, GET /debug_token, GET /job, GET /jobs/{nid}, GET /term, POST /register-client, POST /charge and GET /charge.`,
      },
      404,
    )
  })
  return app
}

/** The document's `Content-Type: application/json; charset=utf-8`. */
function jsonText(c: Context<Env>, text: Bytes): Response {
  return c.body(text, 200, JSON_TYPE)
}

// One object for every answer: the journal keeps each response's headers.
const JSON_TYPE = Object.freeze({ 'content-type': 'application/json; charset=utf-8' })

/** Everything after the `?` of the request's URL, as sent: what a query validator reads. */
function rawQuery(c: Context<Env>): string {
  const url = c.req.url
  const at = url.indexOf('?')
  return at < 0 ? '' : url.slice(at + 1)
}

// One cache holds both job routes (both answer from the catalogue), so their keys differ in form.
const jobListKey = (c: Context<Env>) => `?${rawQuery(c)}`
const jobKey = (c: Context<Env>) => `/${c.req.param('nid') ?? ''}`
