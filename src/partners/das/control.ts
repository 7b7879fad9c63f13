import { Hono } from 'hono'
import type { ControlEnv } from '../../core/partner.js'
import { validate } from '../../control/errors.js'
import { mintToken } from './auth.js'
import { tokenInput } from './schema.js'
import type { DasStore } from './store.js'

/** /__sandbox/das: the sandbox's own calls for DAS, in the control API's JSON. */
export function dasControl(): Hono<ControlEnv<DasStore>> {
  const app = new Hono<ControlEnv<DasStore>>()

  /** A signed token for a client under test, valid from now on the session clock: what the real
   *  service's operators make with ApiTokenGen /data:"…". */
  app.post('/tokens', validate('json', tokenInput), (c) => {
    const input = c.req.valid('json')
    const state = c.get('state')
    const minted = mintToken(state.config, {
      permissions: input.permissions,
      now: state.now(),
      expiresIn: input.expiresIn ?? state.config.tokenTtl,
      ...(input.audience !== undefined ? { audience: input.audience } : {}),
      ...(input.issuer !== undefined ? { issuer: input.issuer } : {}),
    })
    return c.json({ ...minted, permissions: input.permissions, authorization: `Bearer ${minted.token}` })
  })

  /** How many events each stream holds, generated ones included. */
  app.get('/streams', (c) => c.json({ streams: c.get('state').summary(), generatedUntil: new Date(c.get('state').generatedUntil).toISOString() }))
  return app
}
