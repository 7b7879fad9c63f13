import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { apna } from '../../src/partners/apna/index.js'
import { DOCUMENTED, startReceiver, type Receiver } from '../partners/apna/receiver.js'
import { controlOf, copySession } from './support.js'

let sb: RunningSandbox
let receiver: Receiver
beforeAll(async () => {
  // The first request fails, every later one succeeds.
  receiver = await startReceiver((_req, n) => (n === 1 ? { status: 500, body: 'down' } : { status: 200, body: DOCUMENTED }))
  sb = await startSandbox({
    partners: [apna],
    scenario: { name: 'apna-snapshot', seed: 42, clock: { start: '2026-01-14T10:00:00Z', frozen: true }, partners: { apna: { rate: 0, retry: { attempts: 1, delay: '5s' } } } },
  })
})
afterAll(async () => {
  await sb.close()
  await receiver.close()
})

interface Deliveries {
  deliveries: { id: string; state: string; attempts: { status: number | null; retry: boolean }[] }[]
  stats: Record<string, number>
}
const deliveries = async (session: string) => (await (await controlOf(sb, session).get('/apna/deliveries?wait=10s&payload=true')).json()) as Deliveries
/** What must match between two sessions: everything but real time on the wire. */
const outcome = (d: Deliveries) => ({ stats: d.stats, deliveries: d.deliveries.map((x) => ({ id: x.id, state: x.state, attempts: x.attempts.map((a) => [a.status, a.retry]) })) })

describe('Apna snapshot', () => {
  it('keeps the target, deliveries with their attempts, and re-arms a pending retry on the new clock', async () => {
    const a = controlOf(sb, 'ap-a')
    expect((await a.put('/apna/target', { url: receiver.url, auth: { type: 'bearer', token: 't0ken' } })).status).toBe(200)
    expect((await a.post('/apna/applications', { count: 2 })).status).toBe(202)
    const before = await deliveries('ap-a')
    expect(before.deliveries.map((d) => d.state).sort()).toEqual(['delivered', 'retrying'])

    const snap = await copySession(sb, 'ap-a', 'ap-b')
    expect(snap.clock).toEqual({ now: '2026-01-14T10:00:00.000Z', frozen: true })
    expect((await controlOf(sb, 'ap-b').get('/apna/target')).status).toBe(200)
    expect(await (await controlOf(sb, 'ap-b').get('/apna/target')).json()).toEqual(await (await a.get('/apna/target')).json())
    expect(outcome(await deliveries('ap-b'))).toEqual(outcome(before))

    // The retry is on ap-b's clock too: advancing both delivers it in both.
    for (const s of ['ap-a', 'ap-b']) await controlOf(sb, s).post('/clock', { advance: '5s' })
    const afterA = outcome(await deliveries('ap-a'))
    expect(afterA.deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered'])
    expect(outcome(await deliveries('ap-b'))).toEqual(afterA)
    // The candidates go on from the same index in both.
    const next = async (s: string) => ((await (await controlOf(sb, s).post('/apna/applications', { count: 1 })).json()) as { deliveries: { id: string; full_name: string }[] }).deliveries
    expect(await next('ap-b')).toEqual(await next('ap-a'))
  })

  it('sends again an attempt that was on the wire when the snapshot was taken', async () => {
    const c = controlOf(sb, 'ap-c')
    await c.put('/apna/target', { url: receiver.url })
    await c.post('/apna/applications', { count: 1 })
    await deliveries('ap-c')
    const snap = await c.snapshot()
    const data = snap.partners.apna!.data as { deliveries: { state: string; attemptCount: number; roundAttempts: number; attempts: unknown[] }[]; stats: { attempts: number; delivered: number } }
    // As if the process died mid-send: the attempt has no outcome yet.
    const d = data.deliveries[0]!
    d.state = 'sending'
    d.attempts = []
    data.stats.delivered--
    const received = receiver.received.length
    expect((await controlOf(sb, 'ap-d').put('/snapshot', snap)).status).toBe(200)
    const after = await deliveries('ap-d')
    expect(after.deliveries.map((x) => x.state)).toEqual(['delivered'])
    expect(after.deliveries[0]!.attempts).toHaveLength(1)
    expect(receiver.received.length).toBe(received + 1)
  })

  it('refuses a queue naming an unknown delivery, and changes nothing', async () => {
    const c = controlOf(sb, 'ap-e')
    await c.get('/apna/target')
    const snap = await c.snapshot()
    const bad = structuredClone(snap)
    ;(bad.partners.apna!.data as { ready: string[] }).ready = ['d-999999']
    const res = await c.put('/snapshot', bad)
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).toMatch(/d-999999 is not a queued delivery/)
    expect(await c.snapshot()).toEqual(snap)
  })
})
