import { describe, expect, it } from 'vitest'
import { startSandbox } from '../src/index.js'
import { echo } from './support/echo-partner.js'

describe('programmatic API', () => {
  it('startSandbox resolves to url, urlFor, session, clock, requests and close', async () => {
    const sb = await startSandbox({ partners: [echo], scenario: { clock: { start: '2026-03-01T00:00:00Z', frozen: true } }, port: 0 })
    try {
      expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sb.urlFor('echo')).toBe(`${sb.url}/echo`)
      await fetch(`${sb.urlFor('echo')}/hello`)
      expect(sb.requests().map((r) => r.path)).toEqual(['/hello'])
      await sb.clock.advance(60_000)
      expect(new Date(sb.clock.now()).toISOString()).toBe('2026-03-01T00:01:00.000Z')
      expect(sb.session('other').clock.now()).toBe(Date.parse('2026-03-01T00:00:00Z'))
    } finally {
      await sb.close()
    }
  })

  it('two sandboxes in one process share nothing', async () => {
    const [a, b] = await Promise.all([
      startSandbox({ partners: [echo], scenario: { partners: { echo: { greeting: 'a' } } } }),
      startSandbox({ partners: [echo], scenario: { partners: { echo: { greeting: 'b' } } } }),
    ])
    try {
      expect(a.port).not.toBe(b.port)
      await fetch(`${a.url}/echo/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"only-a"}' })
      expect((await (await fetch(`${a.url}/echo/hello`)).json()).greeting).toBe('a')
      expect((await (await fetch(`${b.url}/echo/hello`)).json()).greeting).toBe('b')
      expect(await (await fetch(`${b.url}/echo/items`)).json()).toEqual({ items: [] })
      expect(a.requests()).toHaveLength(2)
      expect(b.requests()).toHaveLength(2)
      await a.clock.advance(3_600_000)
      expect(Math.abs(b.clock.now() - a.clock.now() + 3_600_000)).toBeLessThan(1_000)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('serves a partner on a port of its own at the root when the scenario says so', async () => {
    const sb = await startSandbox({ partners: [echo], scenario: { listen: { echo: 0 } } })
    try {
      const own = sb.urlFor('echo')
      expect(own).not.toBe(`${sb.url}/echo`)
      const hello = await (await fetch(`${own}/hello`, { headers: { 'X-Sandbox-Session': 'own' } })).json()
      expect(hello.base).toBe(own)
      expect(sb.session('own').journal.list()[0]!.path).toBe('/hello')
    } finally {
      await sb.close()
    }
  })

  it('refuses a bad scenario object with every problem', async () => {
    await expect(startSandbox({ partners: [echo], scenario: { seed: -1, partners: { echo: { ttl: 'x' } } } })).rejects.toThrow(/seed[\s\S]*partners\.echo\.ttl/)
  })

  it('close lets a request in flight finish', async () => {
    const sb = await startSandbox({ partners: [echo] })
    const slow = fetch(`${sb.url}/echo/slow`)
    await new Promise((r) => setTimeout(r, 100))
    const closing = sb.close()
    const res = await slow
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ slow: true })
    await closing
  })
})
