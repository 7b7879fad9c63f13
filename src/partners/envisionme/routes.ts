import { Hono, type Context } from 'hono'
import { refuse, type PartnerEnv } from '../../core/partner.js'
import { requiresToken } from './auth.js'
import { billingRoutes } from './billing.js'
import { apiError, validate } from './errors.js'
import { oauthRoutes } from './oauth.js'
import { jobListQuery, jobParam, termQuery } from './schema.js'
import { listJobs, searchTerms } from './search.js'
import type { EnvisionmeStore } from './store.js'
import { jobJson, termsJson } from './views.js'

type Env = PartnerEnv<EnvisionmeStore>

/** The envisionme.co.za API of seed 001: OAuth and its Login Dialog, jobs, terms, billing. */
export function envisionmeRoutes(): Hono<Env> {
  const app = new Hono<Env>()
  oauthRoutes(app)

  app.get('/job', requiresToken(), validate('query', jobListQuery), (c) => {
    const result = listJobs(c.var.state.jobs, c.req.valid('query'))
    return json(c, Array.isArray(result) ? result.map(jobJson) : result)
  })

  app.get('/jobs/:nid', requiresToken(), validate('param', jobParam), (c) => {
    const nid = c.req.valid('param').nid
    const job = c.var.state.jobs.get(nid)
    if (!job) throw apiError(404, `no job with nid ${nid}`, `There is no job with nid ${nid}.`)
    return json(c, jobJson(job))
  })

  app.get('/term', requiresToken(), validate('query', termQuery), (c) => {
    const q = c.req.valid('query')
    return json(c, termsJson(searchTerms(c.var.state.terms, q), `${q.q}|${q.vid}|${q.skip}|${q.limit}`))
  })

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
function json(c: Context<Env>, body: unknown): Response {
  return c.body(JSON.stringify(body), 200, { 'content-type': 'application/json; charset=utf-8' })
}
