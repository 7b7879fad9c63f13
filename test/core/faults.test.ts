import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultSet, faultRuleSchema } from '../../src/core/faults.js'
import { Random } from '../../src/core/random.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { echo } from '../support/echo-partner.js'
import { rawGet } from '../support/http.js'

const rule = faultRuleSchema(['echo', 'other'])
const req = (path: string, headers: Record<string, string> = {}) => ({
  partner: 'echo',
  method: 'GET',
  path,
  header: (name: string) => headers[name.toLowerCase()],
})

describe('fault rules', () => {
  it('match on partner, method, path glob and headers (names case-insensitive)', () => {
    const set = new FaultSet([
      rule.parse({ partner: 'other', respond: { status: 500 } }),
      rule.parse({ partner: 'echo', method: 'post', path: '/items', respond: { status: 501 } }),
      rule.parse({ partner: 'echo', path: '/api/*', headers: { 'X-Test-Case': 'slow*' }, respond: { status: 502 } }),
    ])
    const random = new Random(1)
    expect(set.match(req('/items'), random)).toBeUndefined()
    expect(set.match({ ...req('/items'), method: 'POST' }, random)?.respond?.status).toBe(501)
    expect(set.match(req('/api/events/x'), random)).toBeUndefined()
    expect(set.match(req('/api/events/x', { 'x-test-case': 'slowly' }), random)?.respond?.status).toBe(502)
  })

  it('act `times` times, then let requests through', () => {
    const set = new FaultSet([rule.parse({ partner: 'echo', times: 2, respond: { status: 503 } })])
    const random = new Random(1)
    expect([1, 2, 3].map(() => set.match(req('/x'), random)?.respond?.status)).toEqual([503, 503, undefined])
    expect(set.list()[0]).toMatchObject({ hits: 2, remaining: 0 })
  })

  it('draw probabilities from the seeded source: the same seed replays the same draws', () => {
    const draws = (seed: number) => {
      const set = new FaultSet([rule.parse({ partner: 'echo', probability: 0.3, drop: true })])
      const random = new Random(seed)
      return Array.from({ length: 200 }, () => (set.match(req('/x'), random) ? 1 : 0))
    }
    const a = draws(42)
    expect(draws(42)).toEqual(a)
    expect(draws(43)).not.toEqual(a)
    const hits = a.reduce((n: number, x) => n + x, 0)
    expect(hits).toBeGreaterThan(30)
    expect(hits).toBeLessThan(90)
  })

  it('draw a delay within a range', () => {
    const set = new FaultSet([rule.parse({ partner: 'echo', delay: ['100ms', '800ms'] })])
    const random = new Random(7)
    for (let i = 0; i < 50; i++) {
      const ms = set.match(req('/x'), random)!.delayMs
      expect(ms).toBeGreaterThanOrEqual(100)
      expect(ms).toBeLessThanOrEqual(800)
    }
  })

  it('refuse rules without an action, with two endings, or with a reversed range', () => {
    expect(rule.safeParse({ partner: 'echo' }).error?.issues[0]?.message).toMatch(/needs an action/)
    expect(rule.safeParse({ partner: 'echo', drop: true, truncate: true }).error?.issues[0]?.message).toMatch(/exclude each other/)
    expect(rule.safeParse({ partner: 'echo', delay: ['2s', '1s'] }).success).toBe(false)
    expect(rule.safeParse({ partner: 'nobody', drop: true }).success).toBe(false)
    expect(rule.safeParse({ partner: 'echo', drop: true, probability: 2 }).success).toBe(false)
  })
})

describe('faults over a real socket', () => {
  let sb: RunningSandbox
  beforeAll(async () => {
    sb = await startSandbox({
      partners: [echo],
      scenario: { faults: [{ partner: 'echo', method: 'GET', path: '/items', times: 2, respond: { status: 500, body: { error: 'boom' }, headers: { 'Retry-After': '5' } } }] },
    })
  })
  afterAll(() => sb.close())
  const h = (session: string) => ({ 'X-Sandbox-Session': session })

  it('respond: the scenario\'s rule answers twice, then the partner does; injected responses are marked', async () => {
    const s = h('respond')
    const first = await fetch(`${sb.url}/echo/items`, { headers: s })
    expect(first.status).toBe(500)
    expect(first.headers.get('retry-after')).toBe('5')
    expect(await first.json()).toEqual({ error: 'boom' })
    expect((await fetch(`${sb.url}/echo/items`, { headers: s })).status).toBe(500)
    expect((await fetch(`${sb.url}/echo/items`, { headers: s })).status).toBe(200)
    const journal = sb.session('respond').journal.list()
    expect(journal.map((e) => [e.status, e.fault !== null])).toEqual([[500, true], [500, true], [200, false]])
    expect(journal[0]!.fault).toMatch(/respond 500/)
    expect(journal[0]!.refusal).toBeNull()
  })

  it('delay: the partner answers as usual, later', async () => {
    const s = h('delay')
    await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { ...s, 'content-type': 'application/json' }, body: JSON.stringify({ partner: 'echo', path: '/hello', delay: '150ms' }) })
    const res = await fetch(`${sb.url}/echo/hello`, { headers: s })
    expect(res.status).toBe(200)
    const entry = sb.session('delay').journal.list({ path: '/hello' })[0]!
    expect(entry.fault).toMatch(/delayed 150ms/)
    expect(entry.durationMs).toBeGreaterThanOrEqual(140)
  })

  it('drop: the connection closes with no response at all', async () => {
    const s = h('drop')
    await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { ...s, 'content-type': 'application/json' }, body: JSON.stringify({ partner: 'echo', path: '/hello', drop: true, times: 1 }) })
    const dropped = await rawGet(`${sb.url}/echo/hello`, { 'x-sandbox-session': 'drop' })
    expect(dropped.status).toBeUndefined()
    expect(dropped.error).toMatch(/socket hang up|ECONNRESET/)
    expect((await rawGet(`${sb.url}/echo/hello`, { 'x-sandbox-session': 'drop' })).status).toBe(200)
    const [first] = sb.session('drop').journal.list()
    expect(first).toMatchObject({ status: 0 })
    expect(first!.fault).toMatch(/drop/)
  })

  it('truncate: the status and headers promise the whole body, half arrives', async () => {
    const s = h('truncate')
    await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { ...s, 'content-type': 'application/json' }, body: JSON.stringify({ partner: 'echo', path: '/big', truncate: true }) })
    const cut = await rawGet(`${sb.url}/echo/big`, { 'x-sandbox-session': 'truncate' })
    expect(cut.status).toBe(200)
    expect(cut.error).toBeDefined()
    expect(cut.body.length).toBe(Math.floor(cut.declared! / 2))
    const entry = sb.session('truncate').journal.list()[0]!
    expect(entry.responseSize).toBe(Math.floor(cut.declared! / 2))
    expect(entry.fault).toMatch(/truncate/)
  })

  it('headers: a rule can pick requests by header, case-insensitively', async () => {
    const s = h('by-header')
    await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { ...s, 'content-type': 'application/json' }, body: JSON.stringify({ partner: 'echo', path: '/hello', headers: { 'X-Test-Case': 'broken' }, respond: { status: 418 } }) })
    expect((await fetch(`${sb.url}/echo/hello`, { headers: s })).status).toBe(200)
    expect((await fetch(`${sb.url}/echo/hello`, { headers: { ...s, 'x-test-case': 'broken' } })).status).toBe(418)
  })

  it('reset replays the same probability draws', async () => {
    const s = { 'X-Sandbox-Session': 'replay', 'content-type': 'application/json' }
    const put = await fetch(`${sb.url}/__sandbox/scenario`, {
      method: 'PUT',
      headers: s,
      body: JSON.stringify({ seed: 99, faults: [{ partner: 'echo', path: '/hello', probability: 0.5, respond: { status: 503 } }] }),
    })
    expect(put.status).toBe(200)
    const run = async () => {
      const out: number[] = []
      for (let i = 0; i < 20; i++) out.push((await fetch(`${sb.url}/echo/hello`, { headers: s })).status)
      return out
    }
    const first = await run()
    expect(first).toContain(503)
    expect(first).toContain(200)
    await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST', headers: s })
    expect(await run()).toEqual(first)
  })
})
