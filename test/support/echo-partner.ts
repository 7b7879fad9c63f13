import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { definePartner, refuse, type PartnerContext, type PartnerEnv } from '../../src/core/partner.js'
import { duration } from '../../src/core/duration.js'
import { zodValidator } from '../../src/core/validate.js'

/** A small partner for testing the core: state, refusals, validation, a timeline action and a
 *  control call, without depending on any real partner. */
const echoConfig = z.strictObject({
  greeting: z.string().default('hello'),
  ttl: duration.prefault('1h'),
  items: z.array(z.string()).default([]),
})

class EchoState {
  items: string[]
  constructor(
    readonly config: z.output<typeof echoConfig>,
    readonly ctx: PartnerContext,
  ) {
    this.items = [...config.items]
  }
}

const itemInput = z.strictObject({ name: z.string().min(1).max(50) })

export const echo = definePartner({
  name: 'echo',
  title: 'Echo (test partner)',
  config: echoConfig,
  createState: (config, ctx) => new EchoState(config, ctx),
  routes() {
    const app = new Hono<PartnerEnv<EchoState>>()
    app.get('/hello', (c) => c.json({ greeting: c.var.state.config.greeting, now: new Date(c.var.clock.now()).toISOString(), base: c.var.baseUrl }))
    app.get('/items', (c) => c.json({ items: c.var.state.items }))
    app.post(
      '/items',
      zodValidator('json', itemInput, (_issues, why) => Response.json({ error: why }, { status: 422 })),
      (c) => {
        c.var.state.items.push(c.req.valid('json').name)
        return c.json({ items: c.var.state.items }, 201)
      },
    )
    app.post('/form', async (c) => c.json(await c.req.parseBody()))
    app.get('/secret', (c) => {
      if (c.req.header('authorization') !== 'Bearer right') {
        refuse(c, 'Authorization is not Bearer right')
        return c.json({ error: 'no' }, 401)
      }
      return c.json({ ok: true })
    })
    app.get('/thrown', () => {
      throw new HTTPException(403, { message: 'the thrown reason', res: Response.json({ error: 'forbidden' }, { status: 403 }) })
    })
    app.get('/boom', () => {
      throw new Error('kaboom')
    })
    app.get('/big', (c) => c.json({ rows: Array.from({ length: 5_000 }, (_, i) => ({ i, text: 'x'.repeat(20) })) }))
    app.get('/slow', async (c) => {
      await c.var.session.clock.idle()
      await new Promise((r) => setTimeout(r, 300))
      return c.json({ slow: true })
    })
    app.all('*', (c) => {
      refuse(c, `no echo route ${c.req.method} ${c.req.path}`)
      return c.json({ error: 'not found' }, 404)
    })
    return app
  },
  control() {
    const app = new Hono<import('../../src/core/partner.js').ControlEnv<EchoState>>()
    app.get('/count', (c) => c.json({ count: c.var.state.items.length }))
    return app
  },
  actions: {
    add: {
      description: 'Adds an item',
      input: z.strictObject({ name: z.string().min(1) }),
      run: (state: EchoState, input: { name: string }) => {
        state.items.push(`${input.name}@${new Date(state.ctx.clock.now()).toISOString()}`)
      },
    },
  },
  banner: (config) => [`greeting ${config.greeting}`],
})
