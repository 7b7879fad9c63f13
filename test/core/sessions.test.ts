import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { echo } from '../support/echo-partner.js'

let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({ partners: [echo], scenario: { name: 'sessions', clock: { start: '2026-01-14T16:00:00+05:00', frozen: true } } })
})
afterAll(() => sb.close())

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

describe('sessions over a real socket', () => {
  it('keeps two sessions\' state, clocks and journals apart', async () => {
    await post(`${sb.url}/echo/items`, { name: 'for-a' }, { 'X-Sandbox-Session': 'a' })
    await post(`${sb.url}/echo/items`, { name: 'for-b' }, { 'X-Sandbox-Session': 'b' })
    await post(`${sb.url}/__sandbox/clock`, { advance: '1h' }, { 'X-Sandbox-Session': 'a' })

    const itemsA = await (await fetch(`${sb.url}/echo/items`, { headers: { 'X-Sandbox-Session': 'a' } })).json()
    const itemsB = await (await fetch(`${sb.url}/echo/items`, { headers: { 'X-Sandbox-Session': 'b' } })).json()
    expect(itemsA).toEqual({ items: ['for-a'] })
    expect(itemsB).toEqual({ items: ['for-b'] })

    const clockA = await (await fetch(`${sb.url}/__sandbox/clock`, { headers: { 'X-Sandbox-Session': 'a' } })).json()
    const clockB = await (await fetch(`${sb.url}/__sandbox/clock?session=b`)).json()
    expect(clockA.now).toBe('2026-01-14T12:00:00.000Z')
    expect(clockB.now).toBe('2026-01-14T11:00:00.000Z')

    const journalA = await (await fetch(`${sb.url}/__sandbox/requests`, { headers: { 'X-Sandbox-Session': 'a' } })).json()
    expect(journalA.requests.map((r: { session: string; body: string }) => [r.session, r.body])).toEqual([
      ['a', '{"name":"for-a"}'],
      ['a', ''],
    ])
    // Nothing reached the default session.
    expect(sb.requests()).toEqual([])
  })

  it('takes the session from the /__s/<id>/ prefix too, and writes links that keep it', async () => {
    await post(`${sb.url}/__s/pathy/echo/items`, { name: 'via-prefix' })
    const res = await fetch(`${sb.url}/__s/pathy/echo/hello`)
    const hello = await res.json()
    expect(hello.base).toBe(`${sb.url}/__s/pathy/echo`)
    expect(sb.session('pathy').journal.list().map((e) => e.path)).toEqual(['/items', '/hello'])
    const viaControl = await (await fetch(`${sb.url}/__s/pathy/__sandbox/requests`)).json()
    expect(viaControl.total).toBe(2)
  })

  it('refuses an unusable session id with 400 instead of making one', async () => {
    const res = await fetch(`${sb.url}/echo/items`, { headers: { 'X-Sandbox-Session': 'bad id!' } })
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/not a usable session id/)
    const control = await fetch(`${sb.url}/__sandbox/clock`, { headers: { 'X-Sandbox-Session': 'x'.repeat(200) } })
    expect(control.status).toBe(400)
    expect((await control.json()).error.code).toBe('invalid_session')
  })

  it('reset brings one session back to the scenario start without touching another', async () => {
    const h = { 'X-Sandbox-Session': 'resettable' }
    const other = { 'X-Sandbox-Session': 'kept' }
    await post(`${sb.url}/echo/items`, { name: 'gone' }, h)
    await post(`${sb.url}/echo/items`, { name: 'stays' }, other)
    await post(`${sb.url}/__sandbox/clock`, { advance: '2h' }, h)
    const reset = await post(`${sb.url}/__sandbox/reset`, {}, h)
    expect(reset.status).toBe(200)
    expect((await reset.json()).clock.now).toBe('2026-01-14T11:00:00.000Z')
    expect(await (await fetch(`${sb.url}/echo/items`, { headers: h })).json()).toEqual({ items: [] })
    expect(await (await fetch(`${sb.url}/echo/items`, { headers: other })).json()).toEqual({ items: ['stays'] })
  })
})

describe('session cap', () => {
  it('evicts the least recently used session past the cap, never the default one', async () => {
    const small = await startSandbox({ partners: [echo], scenario: { limits: { sessions: 3 } } })
    try {
      const touch = (id: string) => fetch(`${small.url}/echo/items`, { headers: { 'X-Sandbox-Session': id } })
      await touch('default')
      await touch('s1')
      await touch('s2')
      await touch('s1') // s2 is now the least recent of the evictable ones
      await touch('s3')
      const list = await (await fetch(`${small.url}/__sandbox/sessions`)).json()
      expect(list.sessions.map((s: { id: string }) => s.id).sort()).toEqual(['default', 's1', 's3'])
      expect(list.evicted).toBe(1)
      for (let i = 0; i < 20; i++) await touch(`burst-${i}`)
      const after = await (await fetch(`${small.url}/__sandbox/sessions`)).json()
      expect(after.sessions.length).toBe(3)
      expect(after.sessions.map((s: { id: string }) => s.id)).toContain('default')
    } finally {
      await small.close()
    }
  })
})
