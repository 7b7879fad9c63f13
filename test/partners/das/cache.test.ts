import jwt from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../../src/sandbox.js'
import { das } from '../../../src/partners/das/index.js'
import { secretKey, TokenCache, validateToken } from '../../../src/partners/das/auth.js'
import { formatNetDate } from '../../../src/partners/das/dates.js'
import { dasConfig } from '../../../src/partners/das/schema.js'

/** The DAS hot path's caches: served pages (per session, by route, query string and stream version),
 *  verified tokens (per session; the lifetime judged on the session clock every time), and the fast
 *  date writer. Each must give way when what it depends on changes. */

const KEY = 'das-cache-key'
const ISS = 'http://localhost:29638'
const AUD = 'http://localhost/events'
const START = '2026-01-14T11:00:00Z'
const START_S = Date.parse(START) / 1000
const ALL = 'ReadApprenticeshipEvent StoreApprenticeshipEvent ReadAccountEvent StoreAccountEvent ReadGenericEvent WriteGenericEvent'

function token(claims: Record<string, unknown> = {}): string {
  return jwt.sign({ iss: ISS, aud: AUD, nbf: START_S, exp: START_S + 3600, data: ALL, ...claims }, KEY, { algorithm: 'HS256', noTimestamp: true })
}

let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [das],
    scenario: {
      name: 'das-cache',
      seed: 5,
      clock: { start: START, frozen: true },
      partners: { das: { signingKey: KEY, issuer: ISS, audience: AUD, apprenticeships: { generate: 20 }, accounts: { generate: 3 }, generic: { generate: 6 } } },
    },
  })
})
afterAll(() => sb.close())

let n = 0
const newSession = () => `das-cache-${++n}`
async function get(path: string, session: string, t = token()) {
  const res = await fetch(`${sb.url}/das${path}`, { headers: { authorization: `Bearer ${t}`, 'X-Sandbox-Session': session } })
  return { status: res.status, statusText: res.statusText, text: await res.text() }
}
async function post(path: string, body: unknown, session: string) {
  const res = await fetch(`${sb.url}/das${path}`, { method: 'POST', headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', 'X-Sandbox-Session': session }, body: JSON.stringify(body) })
  return res.status
}
const advance = (by: string, session: string) =>
  fetch(`${sb.url}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Sandbox-Session': session }, body: JSON.stringify({ advance: by }) })
const ids = (text: string) => (JSON.parse(text) as { Id: number }[]).map((e) => e.Id)

describe('DAS page cache', () => {
  it('serves a repeated page from the cache, and a new event in the stream replaces it', async () => {
    const s = newSession()
    const first = await get('/api/events/apprenticeships?fromEventId=19&pageSize=5', s)
    expect(ids(first.text)).toEqual([19, 20])
    const again = await get('/api/events/apprenticeships?fromEventId=19&pageSize=5', s)
    expect(again.text).toBe(first.text)
    expect(await post('/api/events/apprenticeships', { event: 'NEW', apprenticeshipId: 1, paymentStatus: 'active', agreementStatus: 'agreed', providerId: '1', learnerId: '2', trainingType: 'standard', trainingId: '25', employerAccountId: '3', trainingStartDate: '2026-01-01T00:00:00', trainingEndDate: '2027-01-01T00:00:00', trainingTotalCost: 100 }, s)).toBe(201)
    const after = await get('/api/events/apprenticeships?fromEventId=19&pageSize=5', s)
    expect(ids(after.text)).toEqual([19, 20, 21])
    // Another spelling of the same query is its own entry, and agrees.
    expect((await get('/api/events/apprenticeships/?pagesize=5&FROMEVENTID=19', s)).text).toBe(after.text)
  })

  it('keeps sessions apart: one session’s events never show in another’s cached page', async () => {
    const a = newSession()
    const b = newSession()
    const path = '/api/events/accounts?fromEventId=1'
    expect(ids((await get(path, a)).text)).toEqual([1, 2, 3])
    expect(ids((await get(path, b)).text)).toEqual([1, 2, 3])
    expect(await post('/api/events/accounts', { Event: 'AccountCreated', ResourceUri: '/x' }, a)).toBe(201)
    expect(ids((await get(path, a)).text)).toEqual([1, 2, 3, 4])
    expect(ids((await get(path, b)).text)).toEqual([1, 2, 3])
  })

  it('gives way to events added by das.addEvents, and to generic events on every generic route', async () => {
    const timed = await startSandbox({
      partners: [das],
      scenario: {
        name: 'das-cache-timed', seed: 5, clock: { start: START, frozen: true },
        partners: { das: { signingKey: KEY, issuer: ISS, audience: AUD, accounts: { generate: 2 } } },
        timeline: [{ at: '+10m', do: 'das.addEvents', with: { stream: 'accounts', count: 1 } }],
      },
    })
    try {
      const read = async () => (await fetch(`${timed.url}/das/api/events/accounts`, { headers: { authorization: `Bearer ${token()}` } })).text()
      expect(ids(await read())).toEqual([1, 2])
      expect(ids(await read())).toEqual([1, 2])
      await fetch(`${timed.url}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"10m"}' })
      expect(ids(await read())).toEqual([1, 2, 3])
    } finally {
      await timed.close()
    }
    const s = newSession()
    const since = '/api/events/getSinceEvent?eventType=CacheTestEvent&fromEventId=1'
    const range = '/api/events/getByDateRange?eventType=CacheTestEvent&fromDate=20000101000000&toDate=20990101000000'
    const byId = '/api/events/getByResourceId?resourceType=Thing&resourceId=T1'
    for (const path of [since, range, byId]) expect((await get(path, s)).text).toBe('[]')
    expect(await post('/api/events/create', { Type: 'CacheTestEvent', Payload: '{}', ResourceType: 'Thing', ResourceId: 'T1' }, s)).toBe(201)
    for (const path of [since, range, byId]) expect(ids((await get(path, s)).text)).toEqual([7])
  })

  it('never caches a refusal: a bad query is answered (and journalled) as such every time', async () => {
    const s = newSession()
    for (let i = 0; i < 2; i++) {
      const bad = await get('/api/events/apprenticeships?pageSize=0', s)
      expect(bad.status).toBe(400)
      expect(sb.session(s).journal.list().at(-1)!.refusal).toMatch(/Page Size/)
    }
    // A cached page still needs the role: the permission check runs before the cache.
    expect((await get('/api/events/apprenticeships?pageSize=2', s)).status).toBe(200)
    const noRole = await get('/api/events/apprenticeships?pageSize=2', s, token({ data: 'ReadAccountEvent' }))
    expect(noRole.status).toBe(401)
  })
})

describe('DAS token cache', () => {
  it('judges a remembered token against the session clock on every request', async () => {
    const s = newSession()
    const t = token({ nbf: START_S + 600, exp: START_S + 1200 })
    const path = '/api/events/accounts'
    expect((await get(path, s, t)).statusText).toBe('SecurityTokenNotYetValidException')
    await advance('6m', s) // inside the 5 minutes of skew
    expect((await get(path, s, t)).status).toBe(200)
    await advance('18m', s) // 4 min past exp: still within the skew
    expect((await get(path, s, t)).status).toBe(200)
    await advance('2m', s)
    const expired = await get(path, s, t)
    expect([expired.status, expired.statusText]).toEqual([400, 'SecurityTokenExpiredException'])
    expect(sb.session(s).journal.list().at(-1)!.refusal).toMatch(/expired at 2026-01-14T11:20:00.000Z/)
  })

  it('gives the same verdicts as verifying afresh, for good and bad tokens alike', () => {
    const config = dasConfig.parse({ signingKey: KEY, issuer: ISS, audience: AUD })
    const cache = new TokenCache(config, secretKey(config))
    const now = START_S * 1000
    const tokens = [
      token(), token({ aud: 'other' }), token({ iss: 'other' }), token({ data: undefined }), token({ exp: START_S - 1000 }), token({ nbf: START_S + 1000 }),
      token({ nbf: START_S + 9000 }), jwt.sign({ exp: START_S + 10 }, 'wrong'), 'not-a-jwt', '', undefined, jwt.sign({ iss: ISS, aud: AUD, data: 'x' }, KEY),
    ]
    for (const at of [now, now + 2_000_000, now - 2_000_000]) {
      for (let round = 0; round < 2; round++) {
        for (const t of tokens) expect(cache.validate(t, at)).toEqual(validateToken(config, t, at))
      }
    }
    expect(cache.size).toBe(tokens.length - 2) // '' and undefined are refused before any cache
  })
})

describe('formatNetDate', () => {
  /** The Date-based spelling the fast path must match. */
  const pad = (v: number, width = 2) => String(v).padStart(width, '0')
  function reference(ms: number): string {
    const d = new Date(ms)
    const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    const fraction = d.getUTCMilliseconds()
    return fraction === 0 ? base : `${base}.${pad(fraction, 3).replace(/0+$/, '')}`
  }

  it('writes every instant as the Date-based spelling does, across years 0-9999 and beyond', () => {
    const year0 = new Date(0).setUTCFullYear(0, 0, 1)
    const year10000 = Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1
    const cases = [0, -1, 1, year0, year0 - 1, year10000, year10000 - 1, 1.5, -0.5, NaN, Date.UTC(2000, 1, 29, 12, 0, 0, 500), Date.UTC(1900, 2, 1, 0, 0, 0, 10), -62135596800000]
    for (let y = 0; y <= 10_000; y += 7) {
      const d = new Date(0)
      d.setUTCFullYear(y, 1, 28)
      for (const extra of [0, -1, 86_400_000, 86_400_000 * 2 - 1, 120, 7]) cases.push(d.getTime() + extra)
    }
    let x = 12345
    for (let i = 0; i < 20_000; i++) {
      x = (x * 16807) % 2147483647
      cases.push(Math.floor(year0 - 1e11 + (x / 2147483647) * (year10000 - year0 + 2e11)))
    }
    for (const ms of cases) expect(formatNetDate(ms), String(ms)).toBe(reference(ms))
  })
})
