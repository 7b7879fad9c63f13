import { Hono } from 'hono'
import * as z from 'zod'
import type { ControlEnv } from '../../core/partner.js'
import { controlError, validate } from '../../control/errors.js'
import { changesInput, type ChangesInput } from './schema.js'
import { ChangeError, iso, type Applied, type CordellStore } from './store.js'
import { later } from '../../core/later.js'

/** Applies changes in order. A change that cannot apply throws, naming it; the ones before it stay
 *  applied (each single change is all-or-nothing). */
export function applyChanges(store: CordellStore, input: ChangesInput): Applied[] {
  const list = 'changes' in input ? input.changes : [input]
  const applied: Applied[] = []
  list.forEach((change, i) => {
    try {
      applied.push(...store.apply(change))
    } catch (error) {
      if (!(error instanceof ChangeError)) throw error
      const where = list.length > 1 ? `change ${i}: ` : ''
      throw new ChangeError(`${where}${error.message}${applied.length ? ` (${applied.length} row change${applied.length === 1 ? '' : 's'} before it were applied)` : ''}`)
    }
  })
  return applied
}

export const auditQuery = later(() =>
  z.strictObject({
    user: z.string().optional(),
    method: z.string().optional(),
    limit: z.coerce.number().int().positive().optional(),
    session: z.string().optional(),
  }),
)
export const userQuery = later(() => z.strictObject({ user: z.string().optional(), session: z.string().optional() }))

/** `/__sandbox/cordell/…`: the audit trail, data changes, and the delta marks behind them. */
export function cordellControl() {
  const app = new Hono<ControlEnv<CordellStore>>()

  // Seed 004: "an audit trail table for every request by logging user details, date & time, IP address,
  // request and their downloaded record count".
  app.get('/audit', validate('query', auditQuery), (c) => {
    const { user, method, limit } = c.req.valid('query')
    let rows = c.get('state').auditTrail().filter((r) => (user === undefined || r.user === user) && (method === undefined || r.method.toLowerCase() === method.toLowerCase()))
    const total = rows.length
    if (limit !== undefined) rows = rows.slice(-limit)
    return c.json({ audit: rows, total })
  })

  app.post('/changes', validate('json', changesInput), (c) => {
    const store = c.get('state')
    try {
      const applied = applyChanges(store, c.req.valid('json'))
      return c.json({ applied, at: iso(store.now) })
    } catch (error) {
      if (error instanceof ChangeError) throw controlError(409, 'change_refused', error.message)
      throw error
    }
  })

  app.get('/downloads', (c) =>
    c.json({
      downloads: c.get('state').marks().map((m) => ({ user: m.user, method: m.method, dataset: m.dataset ?? null, at: iso(m.at) })),
    }),
  )

  // Forgets last-download times, so each user's next call is a first (full) call again.
  app.delete('/downloads', validate('query', userQuery), (c) => c.json({ deleted: c.get('state').forgetMarks(c.req.valid('query').user) }))

  return app
}
