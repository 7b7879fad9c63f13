import { Hono } from 'hono'
import * as z from 'zod'
import type { ControlEnv } from '../../core/partner.js'
import { controlError, validate } from '../../control/errors.js'
import type { EnvisionmeStore } from './store.js'
import { billingDate } from './views.js'
import { later } from '../../core/later.js'

type Env = ControlEnv<EnvisionmeStore>

export const tokenInput = later(() =>
  z.strictObject({
    username: z.string().optional().meta({ description: 'Whose token; omitted: the first user' }),
    uid: z.number().int().positive().optional(),
    clientId: z.number().int().positive().optional().meta({ description: 'Which app; omitted: the first client' }),
  }),
)

export const settleInput = later(() => z.strictObject({ status: z.enum(['ok', 'failed', 'cancelled']) }))
const chargeId = z.object({ id: z.string().regex(/^\d+$/, 'a charge id is a number, like 1070').transform(Number) })

/** `/__sandbox/envisionme/…`: a token without the browser dance, and the charges, settled by hand. */
export function envisionmeControl(): Hono<Env> {
  const app = new Hono<Env>()

  app.post('/tokens', validate('json', tokenInput), (c) => {
    const store = c.get('state')
    const input = c.req.valid('json')
    const user = input.uid !== undefined ? store.userByUid(input.uid) : input.username !== undefined ? store.userByName(input.username) : store.users[0]
    if (!user) throw controlError(404, 'not_found', 'no such user in the scenario: give username or uid of one of partners.envisionme.users')
    const clientId = input.clientId ?? store.config.clients[0]?.clientId
    if (clientId === undefined || !store.clients.has(clientId)) throw controlError(404, 'not_found', 'no such client in the scenario: give clientId of one of partners.envisionme.clients')
    const grant = store.issueToken(clientId, user.uid, 'control')
    return c.json(
      { access_token: grant.token, uid: grant.uid, client_id: grant.clientId, expires_at: grant.expiresAt === null ? null : new Date(grant.expiresAt).toISOString() },
      201,
    )
  })

  app.get('/charges', (c) => {
    const charges = [...c.get('state').billing.charges.values()].map((ch) => ({
      charge_id: ch.id,
      client_id: ch.clientId,
      amount: ch.amount,
      status: ch.status,
      email: ch.email,
      created: billingDate(ch.createdAt),
      settled: ch.settledAt === null ? null : billingDate(ch.settledAt),
    }))
    return c.json({ charges })
  })

  app.post('/charges/:id/settle', validate('param', chargeId), validate('json', settleInput), (c) => {
    const billing = c.get('state').billing
    const id = c.req.valid('param').id
    const charge = billing.charges.get(id)
    if (!charge) throw controlError(404, 'not_found', `no charge ${id}`)
    if (charge.status !== 'pending') throw controlError(409, 'conflict', `charge ${charge.id} is ${charge.status} already`)
    billing.settle(charge, c.req.valid('json').status)
    return c.json({ charge_id: charge.id, status: charge.status })
  })

  return app
}
