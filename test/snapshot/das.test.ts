import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { das } from '../../src/partners/das/index.js'
import { controlOf, copySession, sameAnswer } from './support.js'

const START = '2026-01-14T16:00:00+05:00'
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [das],
    scenario: {
      name: 'das-snapshot',
      seed: 7,
      clock: { start: START, frozen: true },
      partners: {
        das: {
          apprenticeships: { generate: 5 },
          engagements: { generate: 3 },
          accounts: { records: [{ event: 'AccountCreated', resourceUri: '/api/accounts/ABC123' }] },
        },
      },
      timeline: [{ at: '+1h', do: 'das.addEvents', with: { stream: 'generic', count: 2 } }],
    },
  })
})
afterAll(() => sb.close())

async function token(session: string): Promise<string> {
  const res = await controlOf(sb, session).post('/das/tokens', { permissions: ['StoreApprenticeshipEvent', 'ReadApprenticeshipEvent', 'StoreAgreementEvent', 'ReadAgreementEvent', 'StoreAccountEvent', 'ReadAccountEvent', 'WriteGenericEvent', 'ReadGenericEvent'] })
  return ((await res.json()) as { token: string }).token
}

const APPRENTICESHIP = {
  event: 'APPRENTICESHIP-UPDATED', apprenticeshipId: 444, paymentStatus: 'active', agreementStatus: 'agreed', providerId: '10000528',
  learnerId: '1234567890', employerAccountId: '8', trainingType: 'Standard', trainingId: '25', trainingStartDate: '2026-02-01', trainingEndDate: '2027-02-01',
  trainingTotalCost: 3000, priceHistory: [{ totalCost: 3000, effectiveFrom: '2026-02-01' }],
}

describe('DAS snapshot', () => {
  it('keeps stored events with their Ids and CreatedOn, the timeline\'s, and the scenario records', async () => {
    const t = await token('das-a')
    const post = (path: string, body: unknown, session = 'das-a') =>
      fetch(`${sb.url}/das${path}`, { method: 'POST', headers: { 'X-Sandbox-Session': session, authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await post('/api/events/apprenticeships', APPRENTICESHIP)).status).toBe(201)
    await controlOf(sb, 'das-a').post('/clock', { advance: '90m' })
    expect((await post('/api/events/engagements', { event: 'INITIATED', providerId: '1111', contractType: 'ProviderAgreement' })).status).toBe(201)
    expect((await post('/api/events/create', { type: 'T', payload: '{}' })).status).toBe(201)

    const snap = await copySession(sb, 'das-a', 'das-b')
    const data = snap.partners.das!.data as { streams: Record<string, { events: unknown[] }> }
    // Only what was stored: the generated events are the seed's.
    expect(data.streams.apprenticeships!.events).toHaveLength(1)
    expect(data.streams.accounts!.events).toHaveLength(1)
    expect(data.streams.generic!.events).toHaveLength(3)
    expect(snap.timeline).toEqual([expect.objectContaining({ status: 'done' })])

    const auth = { headers: { authorization: `Bearer ${t}` } }
    for (const path of ['/das/api/events/apprenticeships?fromEventId=1', '/das/api/events/engagements?fromEventId=1', '/das/api/events/accounts?fromEventId=1', '/das/api/events/getSinceEvent?fromEventId=1&eventType=T']) {
      const answer = await sameAnswer(sb, 'das-a', 'das-b', path, auth)
      expect(answer.status).toBe(200)
    }
    // The next write takes the same Id in both.
    const a = await post('/api/events/engagements', { event: 'AGREED', providerId: '2222', contractType: 'ProviderAgreement' }, 'das-a')
    const b = await post('/api/events/engagements', { event: 'AGREED', providerId: '2222', contractType: 'ProviderAgreement' }, 'das-b')
    expect(await b.text()).toBe(await a.text())
    await sameAnswer(sb, 'das-a', 'das-b', '/das/api/events/engagements?fromEventId=1', auth)
  })

  it('refuses events whose Ids do not follow the generated ones, with a 400 naming them, and changes nothing', async () => {
    const good = await controlOf(sb, 'das-c').snapshot()
    await controlOf(sb, 'das-c').get('/das/streams')
    const snap = await controlOf(sb, 'das-c').snapshot()
    const bad = structuredClone(snap)
    ;(bad.partners.das!.data as { streams: { accounts: { nextId: number } } }).streams.accounts.nextId = 1
    const res = await controlOf(sb, 'das-c').put('/snapshot', bad)
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: { path: string; message: string }[] } }
    expect(body.error.code).toBe('invalid_snapshot')
    expect(body.error.details[0]!.path).toBe('partners.das.data')
    expect(body.error.details[0]!.message).toMatch(/accounts: nextId 1 is not after the last event's Id 1/)
    expect(await controlOf(sb, 'das-c').snapshot()).toEqual(snap)
    expect(good.format).toBe('partner-sandbox/session')
  })
})
