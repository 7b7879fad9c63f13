import { Hono } from 'hono'
import * as z from 'zod'
import { describe, expect, it } from 'vitest'
import { later } from '../../src/core/later.js'
import { zodValidator, type OnInvalid } from '../../src/core/validate.js'

const onInvalid: OnInvalid = (_issues, why) => Response.json({ error: why }, { status: 400 })

function appWith(schema: z.ZodType) {
  const app = new Hono()
  app.get('/', zodValidator('query', schema, onInvalid), (c) => c.json(c.req.valid('query' as never)))
  return app
}

describe('zodValidator', () => {
  it('answers a valid query with its parsed form and refuses a bad one in the caller\'s words', async () => {
    const app = appWith(z.object({ limit: z.coerce.number().int().max(10) }))
    expect(await (await app.request('/?limit=5')).json()).toEqual({ limit: 5 })
    const bad = await app.request('/?limit=50')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/^query limit: /)
  })

  it('builds a later() schema at its first request, not before, and once', async () => {
    let builds = 0
    const app = appWith(later(() => (builds++, z.object({ q: z.string().min(2) }))))
    expect(builds).toBe(0)
    expect((await app.request('/?q=ab')).status).toBe(200)
    expect((await app.request('/?q=a')).status).toBe(400)
    expect(builds).toBe(1)
  })

  it('still checks a schema that refines asynchronously (a 400, never a 500)', async () => {
    const app = appWith(z.object({ q: z.string().refine(async (v) => v === 'yes', 'q must be yes') }))
    expect(await (await app.request('/?q=yes')).json()).toEqual({ q: 'yes' })
    const bad = await app.request('/?q=no')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'query q: q must be yes' })
  })
})
