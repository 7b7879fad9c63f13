import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../../src/sandbox.js'
import { envisionme } from '../../../src/partners/envisionme/index.js'

/** The serialised answers of GET /job, /jobs/{nid} and /term are kept per session: these prove a kept
 *  answer never outlives what it was made from (the catalogue, the token, the session). */
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [envisionme],
    scenario: {
      name: 'envisionme-cache',
      seed: 11,
      clock: { start: '2026-01-14T10:00:00Z', frozen: true },
      partners: {
        envisionme: {
          tokens: [{ token: 'fixed-token-1', uid: 2753, clientId: 10 }],
          tokenTtl: '1h',
          jobs: { generate: 6 },
          terms: { generate: 40 },
        },
      },
      timeline: [{ at: '+1m', do: 'envisionme.addJobs', with: { records: [{ title: 'Added Welder', status: 1 }, { nid: 3, title: 'Renamed Third', status: 1 }] } }],
    },
  })
})
afterAll(() => sb.close())

const T = 'access_token=fixed-token-1'
const call = async (session: string, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${sb.url}/envisionme${path}`, { headers: { 'X-Sandbox-Session': session, ...headers } })
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
}
const control = (session: string, path: string, body: unknown, method = 'POST') =>
  fetch(`${sb.url}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json', 'X-Sandbox-Session': session }, body: JSON.stringify(body) })
const titles = (body: string) => (JSON.parse(body) as { title: string }[]).map((j) => j.title)

describe('envisionme answer cache', () => {
  it('answers a repeated call with the same bytes, and follows a change of the catalogue', async () => {
    const first = await call('c-add', `/job?limit=100&${T}`)
    expect(first.status).toBe(200)
    expect(await call('c-add', `/job?limit=100&${T}`)).toEqual(first)
    const third = await call('c-add', `/jobs/3?${T}`)
    expect(await call('c-add', `/jobs/3?${T}`)).toEqual(third)
    const count = await call('c-add', `/job?count=true&${T}`)
    expect((await call('c-add', `/jobs/7?${T}`)).status).toBe(404)

    // The timeline's addJobs: a new job 7 and an override of job 3.
    expect((await control('c-add', '/clock', { advance: '2m' })).status).toBe(200)
    const after = await call('c-add', `/job?limit=100&${T}`)
    expect(titles(after.body)).toContain('Added Welder')
    expect(titles(after.body)).toContain('Renamed Third')
    expect(titles(first.body)).not.toContain('Added Welder')
    expect(JSON.parse((await call('c-add', `/jobs/3?${T}`)).body).title).toBe('Renamed Third')
    expect(JSON.parse((await call('c-add', `/jobs/7?${T}`)).body).title).toBe('Added Welder')
    expect(JSON.parse((await call('c-add', `/job?count=true&${T}`)).body).count).toBe(JSON.parse(count.body).count + 1)
  })

  it('keeps nothing across sessions: another session still sees its own catalogue', async () => {
    expect((await control('c-one', '/clock', { advance: '2m' })).status).toBe(200)
    expect(titles((await call('c-one', `/job?limit=100&${T}`)).body)).toContain('Added Welder')
    expect(titles((await call('c-two', `/job?limit=100&${T}`)).body)).not.toContain('Added Welder')
  })

  it('checks the token on every call: a kept answer is not served once the token has expired', async () => {
    const token = (await (await control('c-ttl', '/envisionme/tokens', {})).json()) as { access_token: string }
    const path = `/job?limit=5&access_token=${token.access_token}`
    const ok = await call('c-ttl', path)
    expect(ok.status).toBe(200)
    expect(await call('c-ttl', path)).toEqual(ok)
    const term = `/term?q=test&vid=27&access_token=${token.access_token}`
    expect((await call('c-ttl', term)).status).toBe(200)
    expect((await control('c-ttl', '/clock', { advance: '61m' })).status).toBe(200)
    expect((await call('c-ttl', path)).status).toBe(401)
    expect((await call('c-ttl', term)).status).toBe(401)
    expect((await call('c-ttl', `/jobs/1?access_token=${token.access_token}`)).status).toBe(401)
  })

  it('follows a snapshot restored into a session that had answered before', async () => {
    const before = await call('c-to', `/job?limit=100&${T}`)
    expect(titles(before.body)).not.toContain('Added Welder')
    expect((await control('c-from', '/clock', { advance: '2m' })).status).toBe(200)
    const snap = await (await fetch(`${sb.url}/__sandbox/snapshot`, { headers: { 'X-Sandbox-Session': 'c-from' } })).json()
    expect((await control('c-to', '/snapshot', snap, 'PUT')).status).toBe(200)
    expect(titles((await call('c-to', `/job?limit=100&${T}`)).body)).toContain('Added Welder')
  })

  it('answers a bad query the same way each time, and a good one after it', async () => {
    const bad = await call('c-bad', `/job?limit=abc&${T}`)
    expect(bad.status).toBe(400)
    expect(await call('c-bad', `/job?limit=abc&${T}`)).toEqual(bad)
    expect((await call('c-bad', `/term?vid=27&${T}`)).status).toBe(400)
    expect((await call('c-bad', `/jobs/x?${T}`)).status).toBe(400)
    expect((await call('c-bad', `/job?limit=2&${T}`)).status).toBe(200)
  })
})
