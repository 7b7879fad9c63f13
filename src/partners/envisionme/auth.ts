import type { Context } from 'hono'
import { headerOf } from '../../core/http.js'
import type { PartnerEnv } from '../../core/partner.js'
import { apiError } from './errors.js'
import type { EnvisionmeStore } from './store.js'

/** The token a call carries: `access_token` in the query (how the document's OAuth flow hands it
 *  over) or `Authorization: Bearer`. */
export function tokenOf(c: Context): string | undefined {
  const fromQuery = c.req.query('access_token')
  if (fromQuery) return fromQuery
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headerOf(c, 'authorization') ?? '')
  return m?.[1]
}

/** Data calls need a live access token unless the scenario says `requireToken: false`. The document
 *  shows no error body, so 401 with the sandbox's `{ "error" }` form. */
export function checkToken(c: Context<PartnerEnv<EnvisionmeStore>>): void {
  const store = c.get('state')
  if (!store.config.requireToken) return
  const problem = store.tokenProblem(tokenOf(c))
  if (problem) {
    throw apiError(
      401,
      problem,
      `${problem[0]!.toUpperCase()}${problem.slice(1)}: pass access_token=… or Authorization: Bearer …, got from /oauth/authorize and /oauth/access_token`,
    )
  }
}
