import { createVerify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { beoe } from '../../src/partners/beoe/index.js'
import { controlOf, copySession, sameAnswer } from './support.js'

const scenario = {
  name: 'beoe-snapshot',
  seed: 5,
  clock: { start: '2026-01-14T10:00:00Z', frozen: true },
  partners: { beoe: { users: [{ email: 'user@beoe.com', password: '123456' }], pageSize: 50, jobs: { generate: 120 } } },
}
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({ partners: [beoe], scenario })
})
afterAll(() => sb.close())

const login = async (target: RunningSandbox, session: string) => {
  const res = await fetch(`${target.url}/beoe/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Sandbox-Session': session }, body: JSON.stringify({ email: 'user@beoe.com', password: '123456' }) })
  return ((await res.json()) as { success: { token: string } }).success.token
}

describe('BE&OE snapshot', () => {
  it('keeps tokens and the job list as ranges, records and removed ids; pages answer the same', async () => {
    const token = await login(sb, 'be-a')
    const control = controlOf(sb, 'be-a')
    expect((await control.post('/beoe/jobs', { count: 30, records: [{ job_title: 'Welder' }] })).status).toBeLessThan(300)
    const { firstId } = (await (await control.get('/beoe/jobs')).json()) as { firstId: number }
    const gone = [firstId + 4, firstId + 6]
    expect((await control.post('/beoe/jobs/remove', { ids: gone, oldest: 3 })).status).toBeLessThan(300)

    const snap = await copySession(sb, 'be-a', 'be-b')
    const data = snap.partners.beoe!.data as { jobs: { ranges: unknown[]; records: unknown[]; removed: number[] }; key?: string }
    expect(data.jobs.records).toHaveLength(1)
    expect(data.jobs.removed).toEqual(gone)
    expect(data.key).toMatch(/BEGIN PRIVATE KEY/)

    const auth = { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }
    for (const page of [1, 2, 3]) expect((await sameAnswer(sb, 'be-a', 'be-b', `/beoe/api/foreignjobs?page=${page}`, auth)).status).toBe(200)
    await sameAnswer(sb, 'be-a', 'be-b', '/beoe/api/foreignjobs?page=4', auth)
    await sameAnswer(sb, 'be-a', 'be-b', '/__sandbox/beoe/jobs')
    // The jti stream goes on alike.
    expect(await login(sb, 'be-b')).toBe(await login(sb, 'be-a'))
  })

  it('brings its generated key along to another sandbox, so old tokens still verify there', async () => {
    const token = await login(sb, 'be-c')
    const snap = await controlOf(sb, 'be-c').snapshot()
    const other = await startSandbox({ partners: [beoe], scenario })
    try {
      const put = await controlOf(other, 'be-c').put('/snapshot', snap)
      expect(put.status).toBe(200)
      const jobs = await fetch(`${other.url}/beoe/api/foreignjobs?page=1`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'X-Sandbox-Session': 'be-c' } })
      expect(jobs.status).toBe(200)
      const pem = await (await controlOf(other, 'be-c').get('/beoe/public-key')).text()
      const [h, p, s] = token.split('.')
      expect(createVerify('sha256').update(`${h}.${p}`).verify(pem, Buffer.from(s!, 'base64url'))).toBe(true)
      // A second snapshot key in the same sandbox gets a Shared of its own; each session verifies.
      expect((await controlOf(other, 'be-d').put('/snapshot', snap)).status).toBe(200)
    } finally {
      await other.close()
    }
  })

  it('refuses a key that is not an RSA private key, and changes nothing', async () => {
    await login(sb, 'be-e')
    const snap = await controlOf(sb, 'be-e').snapshot()
    const bad = structuredClone(snap)
    ;(bad.partners.beoe!.data as { key: string }).key = 'not a key'
    const res = await controlOf(sb, 'be-e').put('/snapshot', bad)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('partners.beoe.data')
    expect(await controlOf(sb, 'be-e').snapshot()).toEqual(snap)
  })
})
