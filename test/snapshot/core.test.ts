import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { das } from '../../src/partners/das/index.js'
import { beoe } from '../../src/partners/beoe/index.js'
import { decodeId, encodeId } from '../../src/core/persist.js'
import { controlOf, copySession } from './support.js'

const START = '2026-01-14T10:00:00Z'
const scenario = {
  name: 'core-snapshot',
  seed: 9,
  clock: { start: START, frozen: true },
  partners: { beoe: { users: [{ email: 'u@beoe.com', password: 'pw' }], schedule: { timezone: 'UTC', open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] } } },
  faults: [{ id: 'slow', partner: 'das', path: '/api/HealthCheck', respond: { status: 503 }, times: 5 }],
  timeline: [
    { at: '+1h', do: 'das.addEvents', with: { stream: 'generic', count: 1 } },
    { at: '+3h', do: 'das.addEvents', with: { stream: 'accounts', count: 2 } },
  ],
}
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({ partners: [das, beoe], scenario })
})
afterAll(() => sb.close())

type Problem = { path: string; message: string }
async function refused(session: string, body: unknown): Promise<Problem[]> {
  const res = await controlOf(sb, session).put('/snapshot', body)
  expect(res.status).toBe(400)
  const json = (await res.json()) as { error: { code: string; details?: Problem[] } }
  expect(json.error.code).toBe('invalid_snapshot')
  return json.error.details ?? []
}

describe('GET and PUT /__sandbox/snapshot', () => {
  it('round-trips the clock, fault hit counts, the fault-draw stream and the timeline, re-arming pending steps', async () => {
    const a = controlOf(sb, 'core-a')
    for (let i = 0; i < 2; i++) expect((await fetch(`${sb.url}/das/api/HealthCheck`, { headers: { 'X-Sandbox-Session': 'core-a' } })).status).toBe(503)
    await a.post('/faults', { partner: 'das', path: '/nothing', delay: '1ms' })
    await a.post('/clock', { advance: '2h' })
    const snap = await copySession(sb, 'core-a', 'core-b')
    expect(snap.clock).toEqual({ now: '2026-01-14T12:00:00.000Z', frozen: true })
    expect(snap.faults).toMatchObject({ seq: 1, rules: [{ rule: { id: 'slow' }, hits: 2 }, { rule: { id: 'f1' }, hits: 0 }] })
    expect((snap.timeline as { status: string }[]).map((t) => t.status)).toEqual(['done', 'pending'])
    // The scenario is kept as written (its schedule's 09:00 parses again).
    expect((snap.scenario as { partners: { beoe: { schedule: { open: { from: string }[] } } } }).partners.beoe.schedule.open[0]!.from).toBe('09:00')

    const b = controlOf(sb, 'core-b')
    expect(((await (await b.get('/faults')).json()) as { faults: { remaining: number | null }[] }).faults[0]!.remaining).toBe(3)
    expect(((await (await b.get('/clock')).json()) as { pending: { label: string }[] }).pending.map((p) => p.label)).toEqual(['timeline das.addEvents'])
    await b.post('/clock', { advance: '1h' })
    await a.post('/clock', { advance: '1h' })
    const stepsOf = async (c: typeof a) => ((await (await c.get('/timeline')).json()) as { steps: unknown[] }).steps
    expect(await stepsOf(b)).toEqual(await stepsOf(a))
    expect({ ...(await b.snapshot()), session: 'core-a' }).toEqual(await a.snapshot())
    // The next fault id is the same in both.
    const id = async (c: typeof a) => ((await (await c.post('/faults', { partner: 'das', delay: '1ms' })).json()) as { fault: { id: string } }).fault.id
    expect(await id(b)).toBe(await id(a))
  })

  it('keeps a running clock\'s offset from real time', async () => {
    const c = controlOf(sb, 'core-run')
    await c.post('/clock', { frozen: false })
    const snap = await c.snapshot()
    const clock = snap.clock as { now: string; frozen: boolean; realAt?: string }
    expect(clock.frozen).toBe(false)
    expect(clock.realAt).toBeDefined()
    // Taken 10 minutes "ago": the restored session is 10 minutes later than it was.
    const earlier = { ...snap, clock: { ...clock, realAt: new Date(Date.parse(clock.realAt!) - 600_000).toISOString() } }
    expect((await controlOf(sb, 'core-run2').put('/snapshot', earlier)).status).toBe(200)
    const now = ((await (await controlOf(sb, 'core-run2').get('/clock')).json()) as { epochMs: number }).epochMs
    expect(now - Date.parse(clock.now)).toBeGreaterThanOrEqual(600_000)
    expect(now - Date.parse(clock.now)).toBeLessThan(660_000)
  })

  it('restores a snapshot of another scenario, taking that scenario; partners never used stay unmade', async () => {
    const other = controlOf(sb, 'core-other')
    expect((await other.put('/scenario', JSON.stringify({ name: 'elsewhere', seed: 4, clock: { start: START, frozen: true } }))).status).toBe(200)
    const snap = await other.snapshot()
    expect(snap.partners).toEqual({})
    expect((await controlOf(sb, 'core-c').put('/snapshot', snap)).status).toBe(200)
    expect(((await (await controlOf(sb, 'core-c').get('/scenario')).json()) as { name: string; seed: number })).toMatchObject({ name: 'elsewhere', seed: 4 })
  })

  it('answers a bad snapshot with 400 in the control error form and changes nothing', async () => {
    const c = controlOf(sb, 'core-bad')
    await c.post('/clock', { advance: '1m' })
    const good = await c.snapshot()
    const notJson = await c.put('/snapshot', '{"format":')
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_snapshot')
    expect((await refused('core-bad', { ...good, version: 2 }))[0]!.path).toBe('version')
    expect((await refused('core-bad', { ...good, format: 'other' }))[0]!.path).toBe('format')
    expect((await refused('core-bad', { ...good, scenario: { ...(good.scenario as object), seed: -1 } }))[0]).toMatchObject({ path: 'scenario.seed' })
    expect((await refused('core-bad', { ...good, partners: { nope: { random: 1, data: {} } } }))[0]).toMatchObject({ path: 'partners.nope' })
    expect((await refused('core-bad', { ...good, partners: { das: { random: 1, data: { streams: 'x' } } } }))[0]!.path).toMatch(/^partners\.das\.data/)
    expect((await refused('core-bad', { ...good, faults: { seq: 0, rules: [{ rule: { partner: 'das' }, hits: 0 }] } }))[0]!.path).toBe('faults.rules.0.rule')
    expect((await refused('core-bad', { ...good, timeline: [] }))[0]!.path).toBe('timeline')
    expect((await refused('core-bad', { ...good, clock: { now: 'yesterday', frozen: true } }))[0]!.path).toBe('clock.now')
    expect(await c.snapshot()).toEqual(good)
  })

  it('takes a snapshot over 1 MiB (the limit of other control calls)', async () => {
    const c = controlOf(sb, 'core-big')
    sb.session('core-big').stateOf(das).addGenerated('apprenticeships', 3_000)
    const snap = await c.snapshot()
    expect(JSON.stringify(snap).length).toBeGreaterThan(1024 * 1024)
    expect((await controlOf(sb, 'core-big2').put('/snapshot', snap)).status).toBe(200)
  })
})

describe('the state dir', () => {
  it('names files so that ids differing in case never share one', () => {
    for (const id of ['default', 'A', 'a', 'Ab~c', '~', '.', '..', 'x.y_z-1']) expect(decodeId(encodeId(id))).toBe(id)
    expect(new Set(['A', 'a', '~a'].map((id) => encodeId(id).toLowerCase())).size).toBe(3)
    expect(decodeId('~')).toBeUndefined()
  })

  it('coalesces concurrent saves of a session and writes whole JSON files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coalesce-'))
    const local = await startSandbox({ partners: [das, beoe], scenario, stateDir: dir })
    try {
      const session = local.session('many')
      const store = local.sandbox.stateDir!
      const saves = Array.from({ length: 20 }, (_, i) => {
        session.stateOf(das).addGenerated('generic', 1)
        return store.save(session).then(() => i)
      })
      expect(await Promise.all(saves)).toHaveLength(20)
      const saved = JSON.parse(readFileSync(join(dir, 'sessions', 'many.json'), 'utf8')) as { partners: { das: { data: { streams: { generic: { events: unknown[] } } } } } }
      expect(saved.partners.das.data.streams.generic.events).toHaveLength(20)
      expect(readdirSync(join(dir, 'sessions')).filter((f) => f.endsWith('.tmp'))).toEqual([])
    } finally {
      await local.close()
    }
    // A restart restores it on first use.
    const again = await startSandbox({ partners: [das, beoe], scenario, stateDir: dir })
    try {
      expect(again.session('many').stateOf(das).summary().generic).toBe(20)
    } finally {
      await again.close()
    }
  })

  it('moves aside a file that does not restore, and starts that session afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unreadable-'))
    const lines: string[] = []
    const first = await startSandbox({ partners: [das, beoe], scenario, stateDir: dir })
    await first.sandbox.stateDir!.save(first.session('broken'))
    await first.close()
    const file = join(dir, 'sessions', 'broken.json')
    writeFileSync(file, '{"format":"partner-sandbox/session","version":99}')
    const second = await startSandbox({ partners: [das, beoe], scenario, stateDir: dir, log: (l) => lines.push(l) })
    try {
      expect(second.session('broken').scenario.name).toBe('core-snapshot')
      expect(readdirSync(join(dir, 'sessions'))).toContain('broken.json.unreadable')
      expect(lines.join('\n')).toMatch(/session "broken" could not be restored/)
    } finally {
      await second.close()
    }
  })
})
