import { Hono } from 'hono'
import type { ControlEnv } from '../../core/partner.js'
import { validate } from '../../control/errors.js'
import { deliveriesQuery, deliveryId, pushInput, streamInput, targetInput } from './schema.js'
import type { ApnaStore } from './store.js'
import { deliveryName, deliveryView, targetView } from './views.js'

// A `wait` longer than this would hold a control call open past sensible client timeouts.
const MAX_WAIT_MS = 60_000

/** `/__sandbox/apna`: where QA and test suites point Apna, push applications and read the log. */
export function apnaControl() {
  const app = new Hono<ControlEnv<ApnaStore>>()

  app.get('/target', (c) => c.json(targetView(c.get('state').target)))

  app.put('/target', validate('json', targetInput), (c) => {
    // Later attempts, retries included, go to the new target.
    c.get('state').target = c.req.valid('json')
    return c.json(targetView(c.get('state').target))
  })

  app.post('/applications', validate('json', pushInput), (c) => {
    const made = c.get('state').push(c.req.valid('json'), 'api')
    return c.json({ deliveries: made.map((d) => ({ id: d.id, state: d.state, full_name: deliveryName(d) })), queued: made.length }, 202)
  })

  app.get('/deliveries', validate('query', deliveriesQuery), async (c) => {
    const q = c.req.valid('query')
    const state = c.get('state')
    const settled = q.wait !== undefined ? await state.waitFor(Math.min(q.wait, MAX_WAIT_MS)) : undefined
    const { deliveries, total } = state.page(q.state, q.limit)
    return c.json({
      deliveries: deliveries.map((d) => deliveryView(d, q.payload === true)),
      total,
      counts: state.counts(),
      stats: state.stats,
      open: state.open,
      inFlight: state.inFlight,
      pacing: { rate: state.config.rate, concurrency: state.config.concurrency, nextSendAt: state.nextSendAt() },
      streams: state.streams(),
      ...(settled !== undefined ? { settled } : {}),
    })
  })

  app.get('/deliveries/:id', validate('param', deliveryId), (c) => c.json(deliveryView(c.get('state').get(c.req.valid('param').id), true)))

  app.post('/deliveries/:id/redeliver', validate('param', deliveryId), (c) => {
    const d = c.get('state').redeliver(c.req.valid('param').id)
    return c.json({ id: d.id, state: d.state, redeliveries: d.redeliveries }, 202)
  })

  app.post('/stream', validate('json', streamInput), (c) => c.json(c.get('state').startStream(c.req.valid('json')), 202))

  app.delete('/stream', (c) => c.json({ stopped: c.get('state').stopStreams() }))

  return app
}
