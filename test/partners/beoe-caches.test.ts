import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Random } from '../../src/core/random.js'
import { startSandbox } from '../../src/sandbox.js'
import { beoe } from '../../src/partners/beoe/index.js'
import { TokenTable } from '../../src/partners/beoe/auth.js'
import { buildPools, jobJson } from '../../src/partners/beoe/fixtures.js'
import { Schedule } from '../../src/partners/beoe/schedule.js'
import { scheduleConfig } from '../../src/partners/beoe/schema.js'
import { ByteWriter } from '../../src/partners/beoe/store.js'
import { paginatorJson } from '../../src/partners/beoe/views.js'

/** The caches on BE&OE's hot call (GET /api/foreignjobs): each one answers exactly what the long way
 *  answers, and lets go when what it depends on changes. */

const privateKey = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
const keys = { privateKey, publicKey: createPublicKey(privateKey), publicPem: '' }
const user = { id: 1, email: 'user@beoe.com', password: '123456' }
const HOUR = 3_600_000

describe('BE&OE token verdicts', () => {
  it('remembers a good token but checks its expiry on every call, and forgets it on restore', () => {
    const table = new TokenTable(new Random(1), HOUR)
    const t0 = Date.UTC(2026, 0, 14, 5)
    const empty = table.snapshot()
    const { token } = table.issue(keys, user, t0)
    const header = `Bearer ${token}`
    expect(table.check(header, t0)).toEqual({ ok: expect.objectContaining({ token }) })
    // Remembered: the same header, then the same token in another spelling of the header.
    expect(table.check(header, t0 + 1)).toEqual({ ok: expect.objectContaining({ token }) })
    expect(table.check(`bearer   ${token} `, t0 + 2)).toEqual({ ok: expect.objectContaining({ token }) })
    // A changed signature is never taken for the remembered token.
    expect(table.check(`${header.slice(0, -2)}AA`, t0 + 3)).toEqual({ why: expect.stringMatching(/signature were changed/) })
    // Expiry is read on the clock of each call, remembered or not, and the clock may go back.
    expect(table.check(header, t0 + HOUR - 1)).toHaveProperty('ok')
    expect(table.check(header, t0 + HOUR)).toEqual({ why: expect.stringMatching(/^the token expired at 2026-01-14T06:00:00.000Z/) })
    expect(table.check(`Bearer ${token}`, t0 + HOUR + 1)).toEqual({ why: expect.stringMatching(/expired/) })
    expect(table.check(header, t0 + 10)).toHaveProperty('ok')
    // Restored to a table that never issued it: refused, though it was found good a moment ago.
    table.restore(empty)
    expect(table.check(header, t0 + 10)).toEqual({ why: expect.stringMatching(/was not issued in this session/) })
  })

  it('refuses a token of another table (another session) that the first table remembers', () => {
    const a = new TokenTable(new Random(1), HOUR)
    const b = new TokenTable(new Random(2), HOUR)
    const fromA = a.issue(keys, user, 0).token
    expect(a.check(`Bearer ${fromA}`, 1)).toHaveProperty('ok')
    expect(b.check(`Bearer ${fromA}`, 1)).toEqual({ why: expect.stringMatching(/not issued in this session/) })
  })
})

describe('BE&OE schedule verdicts', () => {
  it('answers isOpen per instant, across second and window boundaries, forwards and back', () => {
    const schedule = new Schedule(scheduleConfig.parse({ timezone: 'Asia/Karachi', open: [{ from: '09:00', to: '17:00' }] }))
    const nine = Date.parse('2026-01-14T09:00:00+05:00')
    const fresh = (t: number) => new Schedule(scheduleConfig.parse({ timezone: 'Asia/Karachi', open: [{ from: '09:00', to: '17:00' }] })).isOpen(t)
    for (const t of [nine - 1, nine, nine + 999, nine - 1000, nine - 500, nine + 8 * HOUR - 1, nine + 8 * HOUR, nine + 1, nine - 1, nine - 1]) {
      expect(schedule.isOpen(t), new Date(t).toISOString()).toBe(fresh(t))
    }
    expect(schedule.isOpen(nine - 1)).toBe(false)
    expect(schedule.isOpen(nine)).toBe(true)
    // Karachi kept local mean time (+04:28:12) until 1907: 09:00 there falls 48 s into a UTC minute,
    // so a verdict held for a minute (rather than a second) would be wrong here.
    const opens = schedule.nextOpening(Date.parse('1900-01-01T00:00:00Z'))!
    expect(new Date(opens).toISOString()).toBe('1900-01-01T04:31:48.000Z')
    expect([schedule.isOpen(opens - 1), schedule.isOpen(opens), schedule.isOpen(opens - 1000)]).toEqual([false, true, false])
  })
})

describe('BE&OE page writer', () => {
  it('copies what a writer holds at its exact length, in whole MiB past 1 MiB', () => {
    const w = new ByteWriter(16)
    w.latin1('{"a":')
    w.expect(10)
    for (let i = 0; i < 300_000; i++) w.latin1('12345')
    w.byte(0x7d)
    const body = w.copy()
    expect(body.byteLength).toBe(5 + 1_500_000 + 1)
    expect(body.buffer.byteLength).toBe(2 * 1024 * 1024)
    expect(body.subarray(0, 8).toString('latin1')).toBe('{"a":123')
    expect(body.at(-1)).toBe(0x7d)
    w.reset()
    w.latin1('[]')
    const small = w.copy()
    expect([small.toString('latin1'), small.buffer.byteLength]).toEqual(['[]', 2])
  })

  it('sends a page over 1 MiB with exactly its bytes, from the cache the second time, made afresh once the list changes', async () => {
    const sb = await startSandbox({ partners: [beoe], scenario: { seed: 11, partners: { beoe: { pageSize: 3000, jobs: { generate: 3001 } } } } })
    try {
      const h = { 'X-Sandbox-Session': 'big', 'content-type': 'application/json' }
      const login = await fetch(`${sb.url}/beoe/api/login`, { method: 'POST', headers: h, body: '{"email":"user@beoe.com","password":"123456"}' })
      const token = ((await login.json()) as { success: { token: string } }).success.token
      const get = async () => {
        const res = await fetch(`${sb.url}/beoe/api/foreignjobs?page=1`, { headers: { ...h, accept: 'application/json', authorization: `Bearer ${token}` } })
        expect(res.status).toBe(200)
        const bytes = Buffer.from(await res.arrayBuffer())
        expect(Number(res.headers.get('content-length'))).toBe(bytes.byteLength)
        return bytes.toString('latin1')
      }
      const pools = buildPools(11, '2026-01-14')
      const rows = (ids: number[]) => `[${ids.map((id) => jobJson(pools, id)).join(',')}]`
      const ids = Array.from({ length: 3000 }, (_, i) => 147_669 + i)
      const path = `${sb.url}/beoe/api/foreignjobs`
      const expected = paginatorJson({ path, page: 1, perPage: 3000, total: 3001, count: 3000 }, rows(ids))
      expect(expected.length).toBeGreaterThan(1024 * 1024)
      expect(await get()).toBe(expected)
      const shared = sb.session('big').stateOf(beoe).shared
      expect(shared.pages.count).toBe(1)
      expect(await get()).toBe(expected)
      // The list changes: the page is made again, and not cached.
      const removed = await fetch(`${sb.url}/__sandbox/beoe/jobs/remove`, { method: 'POST', headers: h, body: JSON.stringify({ ids: [147_670] }) })
      expect(removed.status).toBe(200)
      const after = paginatorJson({ path, page: 1, perPage: 3000, total: 3000, count: 3000 }, rows([147_669, ...ids.slice(2), 147_669 + 3000]))
      expect(await get()).toBe(after)
      expect(shared.pages.count).toBe(1)
    } finally {
      await sb.close()
    }
  })
})
