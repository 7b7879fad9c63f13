import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { apna } from '../../src/partners/apna/index.js'
import { candidateAt } from '../../src/partners/apna/fixtures.js'
import { payloadOf, shape } from '../../src/partners/apna/payload.js'
import { applicationSchema, invalidKinds } from '../../src/partners/apna/schema.js'
import type { SandboxEvent } from '../../src/core/events.js'
import { deadUrl, DOCUMENTED, startReceiver, type Receiver } from './apna/receiver.js'

const START = '2026-01-14T16:00:00+05:00'
const T0 = Date.parse(START)

let sb: RunningSandbox
const receivers: Receiver[] = []

beforeAll(async () => {
  sb = await startSandbox({ partners: [apna], scenario: { name: 'apna', seed: 42, clock: { start: START, frozen: true } } })
})
afterAll(async () => {
  await sb.close()
  await Promise.all(receivers.map((r) => r.close()))
})

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args)
  receivers.push(r)
  return r
}

/** The control API as one session sees it. */
function control(session: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sb.url}/__sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-sandbox-session': session },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
  return {
    call,
    /** This session's world: a frozen clock at START and Apna's piece as given. */
    scenario: (apnaPiece: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      call('PUT', '/scenario', { name: 'apna-test', seed: 42, clock: { start: START, frozen: true }, partners: { apna: apnaPiece }, ...extra }),
    push: (body: unknown = { count: 1 }) => call('POST', '/apna/applications', body),
    deliveries: (query = 'wait=10s') => call('GET', `/apna/deliveries?${query}`),
    delivery: (id: string) => call('GET', `/apna/deliveries/${id}`),
    advance: (advance: string) => call('POST', '/clock', { advance }),
  }
}

type DeliveryJson = {
  id: string
  state: string
  attempts: { at: string; status: number | null; error: string | null; retry: boolean; round: number; documented: boolean; response: string }[]
  documentedResponse: boolean | null
  nextAttemptAt: string | null
  payload?: unknown
}

describe('apna: delivery to a real receiver', () => {
  it('delivers on 200, records the documented body, and journals and announces the attempt', async () => {
    const r = await receiver()
    const api = control('ok')
    expect((await api.scenario({ target: { url: r.url } })).status).toBe(200)
    const events: SandboxEvent[] = []
    sb.session('ok').events.subscribe((e) => events.push(e))

    const pushed = await api.push({ count: 1 })
    expect(pushed.status).toBe(202)
    const id = pushed.body.deliveries[0].id
    const list = await api.deliveries()
    expect(list.body.settled).toBe(true)
    const d: DeliveryJson = list.body.deliveries[0]
    expect(d).toMatchObject({ id, state: 'delivered', documentedResponse: true })
    expect(d.attempts).toHaveLength(1)
    expect(d.attempts[0]).toMatchObject({ status: 200, error: null, retry: false, at: new Date(T0).toISOString() })
    expect(JSON.parse(d.attempts[0]!.response)).toEqual(DOCUMENTED)

    expect(r.received).toHaveLength(1)
    const got = r.received[0]!
    expect(got.method).toBe('POST')
    expect(got.path).toBe('/hooks/apna')
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.headers['x-sandbox-delivery']).toBe(id)
    expect(applicationSchema.safeParse(got.json).success).toBe(true)

    const journal = (await api.call('GET', '/requests?partner=apna')).body.requests
    expect(journal).toHaveLength(1)
    expect(journal[0]).toMatchObject({ direction: 'outbound', partner: 'apna', method: 'POST', path: '/hooks/apna', status: 200, session: 'ok' })
    expect(JSON.parse(journal[0].body)).toEqual(got.json)

    const states = events.filter((e) => e.type === 'apna.delivery').map((e) => (e.data as { state: string }).state)
    expect(states).toEqual(['queued', 'sending', 'delivered'])
    expect(events.some((e) => e.type === 'request' && (e.data as { direction: string }).direction === 'outbound')).toBe(true)
  })

  it('counts a 200 with another body as delivered but not documented, and any other status as a failure', async () => {
    const r = await receiver(() => ({ status: 200, body: 'OK' }))
    const api = control('undocumented')
    await api.scenario({ target: { url: r.url }, retry: { attempts: 0 } })
    await api.push()
    const d: DeliveryJson = (await api.deliveries()).body.deliveries[0]
    expect(d).toMatchObject({ state: 'delivered', documentedResponse: false })

    r.behave(() => ({ status: 201, body: DOCUMENTED }))
    await api.push()
    // Paced: the next slot is 100 ms of session time after the first send.
    await api.advance('100ms')
    const second: DeliveryJson = (await api.deliveries()).body.deliveries[1]
    expect(second.state).toBe('failed')
    const journal = (await api.call('GET', '/requests?partner=apna&status=201')).body.requests
    expect(journal[0].error).toMatch(/answered 201, not the document's 200/)

    // The scenario may accept any 2xx instead.
    await api.scenario({ target: { url: r.url }, success: '2xx' })
    await api.push()
    expect((await api.deliveries()).body.deliveries[0].state).toBe('delivered')
  })

  it('delivers on a running clock too, pacing with real timers', async () => {
    const r = await receiver()
    const api = control('running')
    await api.call('PUT', '/scenario', { seed: 42, partners: { apna: { target: { url: r.url } } } })
    await api.push({ count: 3 })
    const list = await api.deliveries('wait=10s')
    expect(list.body.settled).toBe(true)
    expect(list.body.counts).toMatchObject({ delivered: 3, queued: 0, sending: 0 })
    expect(r.received).toHaveLength(3)
  })
})

describe('apna: the single retry on the session clock', () => {
  it('retries a receiver that fails once exactly once, 5 s later, and then delivers', async () => {
    const r = await receiver((_req, n) => (n === 1 ? { status: 500, body: { error: 'down' } } : { status: 200, body: DOCUMENTED }))
    const api = control('fails-once')
    await api.scenario({ target: { url: r.url } })
    const id = (await api.push()).body.deliveries[0].id

    let d: DeliveryJson = (await api.deliveries()).body.deliveries[0]
    expect(d.state).toBe('retrying')
    expect(d.nextAttemptAt).toBe(new Date(T0 + 5_000).toISOString())
    expect(d.attempts[0]).toMatchObject({ status: 500, error: "answered 500, not the document's 200" })
    const pending = (await api.call('GET', '/clock')).body.pending
    expect(pending).toContainEqual({ due: new Date(T0 + 5_000).toISOString(), label: `apna: retry ${id}` })

    await api.advance('4999ms')
    expect(r.received).toHaveLength(1)
    expect((await api.delivery(id)).body.state).toBe('retrying')

    // On a frozen clock the advance returns once the retry's exchange is over.
    await api.advance('1ms')
    expect(r.received).toHaveLength(2)
    d = (await api.delivery(id)).body
    expect(d.state).toBe('delivered')
    expect(d.attempts.map((a) => [a.at, a.status, a.retry])).toEqual([
      [new Date(T0).toISOString(), 500, false],
      [new Date(T0 + 5_000).toISOString(), 200, true],
    ])
    expect(r.received[1]!.body).toBe(r.received[0]!.body)

    await api.advance('1h')
    expect(r.received).toHaveLength(2)
  })

  it('ends a delivery to a receiver that always fails as failed after two attempts', async () => {
    const r = await receiver(() => ({ status: 503, body: { error: 'maintenance' } }))
    const api = control('always-fails')
    await api.scenario({ target: { url: r.url } })
    const id = (await api.push()).body.deliveries[0].id
    await api.deliveries()
    await api.advance('5s')
    await api.advance('1h')
    const d: DeliveryJson = (await api.delivery(id)).body
    expect(d.state).toBe('failed')
    expect(d.attempts.map((a) => a.status)).toEqual([503, 503])
    expect(d.attempts[1]!.response).toContain('maintenance')
    expect(r.received).toHaveLength(2)
    const journal = (await api.call('GET', '/requests?partner=apna')).body.requests
    expect(journal.map((e: { status: number }) => e.status)).toEqual([503, 503])
    // It stays visible in the log.
    expect((await api.deliveries('state=failed')).body.total).toBe(1)
  })

  it('times out a receiver that never answers, retries it, then fails it', async () => {
    const r = await receiver(() => ({ hang: true }))
    const api = control('silent')
    await api.scenario({ target: { url: r.url }, timeout: '300ms' })
    const id = (await api.push()).body.deliveries[0].id
    let d: DeliveryJson = (await api.deliveries()).body.deliveries[0]
    expect(d.state).toBe('retrying')
    expect(d.attempts[0]).toMatchObject({ status: null })
    expect(d.attempts[0]!.error).toMatch(/no response within 300ms/)
    await r.waitForClosed(1)

    await api.advance('5s')
    d = (await api.delivery(id)).body
    expect(d.state).toBe('failed')
    expect(d.attempts).toHaveLength(2)
    expect(d.attempts[1]!.at).toBe(new Date(T0 + 5_000).toISOString())
    expect(r.received).toHaveLength(2)
    const journal = (await api.call('GET', '/requests?partner=apna')).body.requests
    expect(journal.map((e: { status: number; error: string }) => [e.status, e.error])).toEqual([
      [0, 'no response within 300ms'],
      [0, 'no response within 300ms'],
    ])
  })

  it('retries a refused connection, then fails it', async () => {
    const api = control('refused')
    await api.scenario({ target: { url: await deadUrl() } })
    const id = (await api.push()).body.deliveries[0].id
    let d: DeliveryJson = (await api.deliveries()).body.deliveries[0]
    expect(d.state).toBe('retrying')
    expect(d.attempts[0]!.error).toMatch(/ECONNREFUSED/)
    await api.advance('5s')
    d = (await api.delivery(id)).body
    expect(d.state).toBe('failed')
    expect(d.attempts).toHaveLength(2)
  })

  it('takes its retry count and delay from the scenario', async () => {
    const r = await receiver(() => ({ status: 500 }))
    const api = control('retry-2')
    await api.scenario({ target: { url: r.url }, retry: { attempts: 2, delay: '30s' } })
    const id = (await api.push()).body.deliveries[0].id
    await api.deliveries()
    await api.advance('29s')
    expect(r.received).toHaveLength(1)
    await api.advance('1s')
    await api.advance('30s')
    const d: DeliveryJson = (await api.delivery(id)).body
    expect(d.state).toBe('failed')
    expect(d.attempts.map((a) => Date.parse(a.at) - T0)).toEqual([0, 30_000, 60_000])
  })
})

describe('apna: target and auth', () => {
  const cases = [
    { auth: { type: 'basic', username: 'ats', password: 'pa:ss-word' }, header: 'authorization', value: `Basic ${Buffer.from('ats:pa:ss-word').toString('base64')}`, secret: 'pa:ss-word' },
    { auth: { type: 'bearer', token: 'apna-bearer-token-123456' }, header: 'authorization', value: 'Bearer apna-bearer-token-123456', secret: 'apna-bearer-token-123456' },
    { auth: { type: 'header', name: 'X-Client-Key', value: 'client-key-987654321' }, header: 'x-client-key', value: 'client-key-987654321', secret: 'client-key-987654321' },
  ] as const

  for (const c of cases) {
    it(`sends ${c.auth.type} auth as configured and keeps the secret out of the journal and the target view`, async () => {
      const r = await receiver()
      const api = control(`auth-${c.auth.type}`)
      await api.scenario({})
      const put = await api.call('PUT', '/apna/target', { url: r.url, auth: c.auth, headers: { 'X-Tenant': 'acme' } })
      expect(put.status).toBe(200)
      expect(JSON.stringify(put.body)).not.toContain(c.secret)
      await api.push()
      expect((await api.deliveries()).body.deliveries[0].state).toBe('delivered')
      expect(r.received[0]!.headers[c.header]).toBe(c.value)
      expect(r.received[0]!.headers['x-tenant']).toBe('acme')
      const journal = (await api.call('GET', '/requests?partner=apna')).body.requests
      expect(journal[0].headers[c.header]).toMatch(/redacted/)
      expect(JSON.stringify(journal)).not.toContain(c.secret)
      expect(JSON.stringify((await api.call('GET', '/apna/target')).body)).not.toContain(c.secret)
    })
  }

  it('takes the target from the scenario, and refuses pushes without one and unusable targets', async () => {
    const r = await receiver()
    const api = control('scenario-target')
    await api.scenario({ target: { url: r.url, auth: { type: 'bearer', token: 'from-scenario' } } })
    await api.push()
    await api.deliveries()
    expect(r.received[0]!.headers.authorization).toBe('Bearer from-scenario')

    const none = control('no-target')
    await none.scenario({})
    const refused = await none.push()
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('no_target')
    expect(refused.body.error.message).toMatch(/PUT \/__sandbox\/apna\/target/)

    for (const bad of [
      { url: 'ftp://example.com/x' },
      { url: 'not a url' },
      { url: r.url, auth: { type: 'bearer' } },
      { url: r.url, auth: { type: 'basic', username: 'a:b', password: 'x' } },
      { url: r.url, auth: { type: 'header', name: 'bad header', value: 'x' } },
      { url: r.url, auth: { type: 'header', name: 'X-Key', value: 'line\nbreak' } },
      { url: r.url, extra: true },
    ]) {
      const res = await none.call('PUT', '/apna/target', bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(res.body.error.code).toBe('invalid_request')
    }
    // A target set in one session is not another's.
    expect((await none.call('GET', '/apna/target')).body.url).toBeNull()
  })

  it('refuses an unreadable push with 400 and what was wrong', async () => {
    const api = control('bad-push')
    await api.scenario({ target: { url: 'http://127.0.0.1:9/x' } })
    for (const bad of [{ count: 0 }, { count: 1001 }, { count: 'two' }, { count: 2, candidates: [{}] }, { invalid: 'rude' }, { omit: ['__proto__.x'] }, { surprise: 1 }]) {
      const res = await api.push(bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(res.body.error.message.length).toBeGreaterThan(5)
    }
    const res = await fetch(`${sb.url}/__sandbox/apna/applications`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-session': 'bad-push' }, body: '{not json' })
    expect(res.status).toBe(400)
  })
})

describe('apna: pacing, concurrency and the queue cap', () => {
  it('paces a batch of 50 at 10 requests/s on the virtual clock', async () => {
    const r = await receiver()
    const api = control('pacing')
    await api.scenario({ target: { url: r.url } })
    expect((await api.push({ count: 50 })).status).toBe(202)
    await api.deliveries()
    // One slot at once, the rest waiting on the session clock.
    expect(r.received).toHaveLength(1)
    expect((await api.deliveries()).body.pacing).toEqual({ rate: 10, concurrency: 10, nextSendAt: new Date(T0 + 100).toISOString() })
    await api.advance('2s')
    expect(r.received).toHaveLength(21)
    await api.advance('3s')
    expect(r.received).toHaveLength(50)

    const list = (await api.deliveries()).body
    expect(list.counts.delivered).toBe(50)
    const times = list.deliveries.map((d: DeliveryJson) => Date.parse(d.attempts[0]!.at) - T0).sort((a: number, b: number) => a - b)
    expect(times[0]).toBe(0)
    expect(times[49]).toBe(4_900)
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(100)
    const busiest = Math.max(...times.map((t: number) => times.filter((u: number) => u >= t && u < t + 1_000).length))
    expect(busiest).toBe(10)
  })

  it('sends retries ahead of the queue, inside the same pace', async () => {
    const r = await receiver((req) => ((req.json as { full_name?: string }).full_name === 'Flaky Once' && r.received.filter((x) => x.body === req.body).length === 1 ? { status: 500 } : { status: 200, body: DOCUMENTED }))
    const api = control('retry-first')
    await api.scenario({ target: { url: r.url } })
    await api.push({ candidates: [{ full_name: 'Flaky Once' }] })
    await api.push({ count: 100 })
    await api.deliveries()
    await api.advance('5s')
    const d: DeliveryJson = (await api.deliveries('payload=false')).body.deliveries[0]
    expect(d.state).toBe('delivered')
    expect(Date.parse(d.attempts[1]!.at) - T0).toBe(5_000)
  })

  it('sends as fast as the receiver takes them with pacing off, never more than `concurrency` at once', async () => {
    let open = 0
    let most = 0
    const r = await receiver(async () => {
      open++
      most = Math.max(most, open)
      await new Promise((resolve) => setTimeout(resolve, 20))
      open--
      return { status: 200, body: DOCUMENTED }
    })
    const api = control('unpaced')
    await api.scenario({ target: { url: r.url }, rate: 0, concurrency: 4 })
    await api.push({ count: 40 })
    const list = (await api.deliveries('wait=20s')).body
    expect(list.counts.delivered).toBe(40)
    expect(most).toBeLessThanOrEqual(4)
    expect(most).toBeGreaterThan(1)
  })

  it('refuses pushes past the queue cap with a clear message, and takes them again once there is room', async () => {
    const r = await receiver()
    const api = control('cap')
    await api.scenario({ target: { url: r.url }, queueLimit: 5 })
    expect((await api.push({ count: 5 })).status).toBe(202)
    const refused = await api.push({ count: 1 })
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('queue_full')
    expect(refused.body.error.message).toMatch(/1 application asked, 0 of 5 places free/)
    expect(refused.body.error.message).toMatch(/queueLimit/)
    const list = (await api.deliveries()).body
    expect(list.total).toBe(5)
    expect(list.stats.refused).toBe(1)

    await api.advance('1s')
    expect((await api.deliveries()).body.counts.delivered).toBe(5)
    expect((await api.push({ count: 5 })).status).toBe(202)
  })
})

describe('apna: payloads', () => {
  it('generates every field of the document, realistic and consistent, for many candidates', () => {
    for (let i = 0; i < 500; i++) {
      const c = candidateAt(42, i)
      expect(applicationSchema.safeParse(c).success, `candidate ${i}`).toBe(true)
      expect(c.current_salary_v2).toBe(c.current_salary * 12)
      for (const date of [c.date_of_birth, ...c.educations.flatMap((e) => [e.start, e.end]), ...c.experiences.flatMap((e) => [e.start, e.end])]) {
        if (date !== null && date !== undefined) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}T18:30:00Z$/)
      }
      for (const e of [...c.experiences, ...c.educations]) expect(e.ongoing).toBe(e.end === null)
      expect(c.experiences.filter((e) => e.ongoing).length).toBeLessThanOrEqual(1)
      expect(c.user_location.display_name).toBe(`${c.user_location.city}, ${c.user_location.display_name.slice(-2)}`)
      expect(c.contact_info.phone_number).toMatch(/^99999\d{5}$/)
      expect(c.contact_info.email).toMatch(/@example\.com$/)
      if (c.experiences.length === 0) expect(c.current_salary).toBe(0)
    }
  })

  it('reads back from the body the payload it was built as (the log keeps only the body), defects included', () => {
    for (let i = 0; i < 50; i++) {
      for (const invalid of [undefined, ...invalidKinds]) {
        const { value, body } = shape(candidateAt(42, i), { patches: [{ current_city: 'Pune' }], omit: ['email'], ...(invalid ? { invalid } : {}) })
        expect(payloadOf({ invalid: invalid ?? null, body })).toEqual(value)
      }
    }
    // A restored snapshot may carry a body that is not JSON: its payload reads as null, not a 500.
    expect(payloadOf({ invalid: null, body: '{"full_name": "Asha' })).toBeNull()
  })

  it('is a pure function of seed and index, and ongoingEnd: omit leaves end out as the sample does', () => {
    expect(candidateAt(42, 17)).toEqual(candidateAt(42, 17))
    expect(candidateAt(42, 17)).not.toEqual(candidateAt(43, 17))
    let ongoing = 0
    for (let i = 0; i < 100; i++) {
      const c = candidateAt(42, i, { ongoingEnd: 'omit', emailDomain: 'example.com', phonePrefix: '9' })
      for (const e of c.experiences) {
        if (e.ongoing) {
          ongoing++
          expect('end' in e).toBe(false)
        }
      }
    }
    expect(ongoing).toBeGreaterThan(0)
  })

  it('sends the same applications for the same seed in every session, and applies overrides, omissions and defects', async () => {
    const r = await receiver()
    const a = control('same-a')
    const b = control('same-b')
    await a.scenario({ target: { url: r.url } })
    await b.scenario({ target: { url: r.url } })
    await a.push()
    await b.push()
    await a.deliveries()
    await b.deliveries()
    expect(r.received[0]!.body).toBe(r.received[1]!.body)
    expect(r.received[0]!.json).toEqual(candidateAt(42, 0))

    const api = control('shaping')
    await api.scenario({ target: { url: r.url }, overrides: { user_location: { city: 'Pune' } } })
    await api.push({ candidates: [{ full_name: 'Test Person', contact_info: { email: 'test.person@example.org' } }], overrides: { notice_period: 7 }, omit: ['skills'] })
    await api.deliveries()
    const shaped = r.received.at(-1)!.json as Record<string, any>
    const base = candidateAt(42, 0)
    expect(shaped.full_name).toBe('Test Person')
    expect(shaped.contact_info).toEqual({ email: 'test.person@example.org', phone_number: base.contact_info.phone_number })
    expect(shaped.notice_period).toBe(7)
    expect(shaped.user_location).toEqual({ ...base.user_location, city: 'Pune' })
    expect('skills' in shaped).toBe(false)

    const defects = [
      { push: { invalid: 'missing_field' }, check: (j: any) => expect('full_name' in j).toBe(false) },
      { push: { invalid: 'missing_field', field: 'contact_info.email' }, check: (j: any) => expect(Object.keys(j.contact_info)).toEqual(['phone_number']) },
      { push: { invalid: 'wrong_type' }, check: (j: any) => expect(typeof j.current_salary).toBe('string') },
      { push: { invalid: 'wrong_type', field: 'skills' }, check: (j: any) => expect(typeof j.skills).toBe('string') },
      { push: { invalid: 'bad_gender' }, check: (j: any) => expect(j.gender).toBe('male') },
      { push: { invalid: 'bad_date' }, check: (j: any) => expect(j.date_of_birth).toBe('22/06/1996') },
      { push: { invalid: 'empty_object' }, check: (j: any) => expect(j).toEqual({}) },
      { push: { invalid: 'malformed_json' }, check: (j: any) => expect(j).toBeUndefined() },
    ]
    for (const defect of defects) {
      await api.push(defect.push)
      await api.advance('100ms')
      const got = r.received.at(-1)!
      defect.check(got.json)
      expect(applicationSchema.safeParse(got.json).success).toBe(false)
    }
    const logged: DeliveryJson & { invalid: string } = (await api.deliveries('limit=1&payload=true')).body.deliveries[0]
    expect(logged.invalid).toBe('malformed_json')
    expect(logged.payload).toBeNull()
  })
})

describe('apna: the delivery log', () => {
  it('redelivers a finished delivery with the same payload, and refuses unknown or unfinished ones', async () => {
    const r = await receiver((_req, n) => (n === 2 ? { status: 500 } : { status: 200, body: DOCUMENTED }))
    const api = control('redeliver')
    await api.scenario({ target: { url: r.url } })
    const id = (await api.push()).body.deliveries[0].id
    await api.deliveries()
    const again = await api.call('POST', `/apna/deliveries/${id}/redeliver`)
    expect(again.status).toBe(202)
    await api.advance('100ms')
    // The redelivery failed once and waits for its own retry: still in progress.
    expect((await api.call('POST', `/apna/deliveries/${id}/redeliver`)).status).toBe(409)
    await api.advance('5s')
    const d: DeliveryJson = (await api.delivery(id)).body
    expect(d.state).toBe('delivered')
    expect(Date.parse(d.attempts[2]!.at) - Date.parse(d.attempts[1]!.at)).toBe(5_000)
    expect(d.attempts.map((a) => [a.round, a.status, a.retry])).toEqual([
      [0, 200, false],
      [1, 500, false],
      [1, 200, true],
    ])
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1)

    expect((await api.call('POST', '/apna/deliveries/d-999999/redeliver')).status).toBe(404)
    expect((await api.call('POST', '/apna/deliveries/nope/redeliver')).status).toBe(400)
    expect((await api.delivery('d-999999')).body.error.code).toBe('not_found')
  })

  it('keeps a finished delivery exactly as it went, from the packed log: body byte for byte, every attempt', async () => {
    const r = await receiver((_req, n) => (n === 1 ? { status: 503, body: 'busy – réessayez' } : { status: 200, body: DOCUMENTED }))
    const api = control('packed')
    await api.scenario({ target: { url: r.url } })
    const name = 'Zoë "Z" Ñandú\nसिंह 🙂'
    const id = (await api.push({ overrides: { full_name: name } })).body.deliveries[0].id
    await api.deliveries()
    await api.advance('5s')
    await api.deliveries()
    const first = (await api.delivery(id)).body
    expect(first.state).toBe('delivered')
    expect(first.full_name).toBe(name)
    expect((first.payload as { full_name: string }).full_name).toBe(name)
    // What the receiver got, both times, is the body the log gives back.
    expect(r.received.map((x) => x.body)).toEqual([first.body, first.body])
    expect(first.attempts.map((a: DeliveryJson['attempts'][number]) => [a.status, a.retry, a.response, a.documented])).toEqual([
      [503, false, 'busy – réessayez', false],
      [200, true, JSON.stringify(DOCUMENTED), true],
    ])
    // Read again, listed, and after more deliveries pass through the same log: the same delivery.
    await api.push({ count: 3 })
    await api.advance('1s')
    await api.deliveries()
    expect((await api.delivery(id)).body).toEqual(first)
    const listed = (await api.deliveries('payload=true')).body.deliveries.find((d: DeliveryJson) => d.id === id)
    expect(listed).toEqual(first)
  })

  it('filters by state and keeps the newest with limit', async () => {
    const r = await receiver((req) => ((req.json as { notice_period?: number }).notice_period === 999 ? { status: 400 } : { status: 200, body: DOCUMENTED }))
    const api = control('filters')
    await api.scenario({ target: { url: r.url }, retry: { attempts: 0 } })
    await api.push({ count: 3 })
    await api.advance('1s')
    await api.push({ overrides: { notice_period: 999 } })
    const all = (await api.deliveries()).body
    expect(all.counts).toMatchObject({ delivered: 3, failed: 1 })
    expect((await api.deliveries('state=failed')).body.deliveries.map((d: DeliveryJson) => d.id)).toEqual(['d-000004'])
    expect((await api.deliveries('limit=2')).body.deliveries.map((d: DeliveryJson) => d.id)).toEqual(['d-000003', 'd-000004'])
    expect((await api.deliveries('state=lost')).status).toBe(400)
  })

  it('keeps the log at logLimit by dropping the oldest finished deliveries', async () => {
    const r = await receiver()
    const api = control('log-limit')
    await api.scenario({ target: { url: r.url }, rate: 0, queueLimit: 3, logLimit: 3 })
    await api.push({ count: 3 })
    await api.deliveries()
    await api.push({ count: 2 })
    const list = (await api.deliveries()).body
    expect(list.deliveries.map((d: DeliveryJson) => d.id)).toEqual(['d-000003', 'd-000004', 'd-000005'])
    expect(list.stats).toMatchObject({ pushed: 5, delivered: 5 })
    expect((await api.scenario({ queueLimit: 4, logLimit: 3 })).status).toBe(400)
  })
})

describe('apna: timeline, stream, routes and disposal', () => {
  it('pushes from the scenario timeline when the clock gets there', async () => {
    const r = await receiver()
    const api = control('timeline')
    await api.scenario({ target: { url: r.url } }, { timeline: [{ at: '+1h', do: 'apna.push', with: { count: 3 } }] })
    await api.advance('59m')
    expect(r.received).toHaveLength(0)
    await api.advance('1m')
    expect(r.received).toHaveLength(1)
    await api.advance('1s')
    expect(r.received).toHaveLength(3)
    const steps = (await api.call('GET', '/timeline')).body.steps
    expect(steps[0]).toMatchObject({ do: 'apna.push', status: 'done' })
    expect((await api.deliveries()).body.deliveries.map((d: { source: string }) => d.source)).toEqual(['timeline', 'timeline', 'timeline'])
  })

  it('refuses a timeline push with bad input when the scenario is loaded', async () => {
    const api = control('timeline-bad')
    const res = await api.scenario({}, { timeline: [{ at: '+1h', do: 'apna.push', with: { count: -1 } }] })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toMatch(/^timeline\.0\.with\.count/)
  })

  it('streams applications at a steady rate on the session clock, and stops on request', async () => {
    const r = await receiver()
    const api = control('stream')
    await api.scenario({ target: { url: r.url } }, { timeline: [{ at: '+1m', do: 'apna.stream', with: { rate: 2, for: '3s' } }] })
    await api.advance('1m')
    expect(r.received).toHaveLength(1)
    await api.advance('10s')
    expect(r.received).toHaveLength(6)
    const streams = (await api.deliveries()).body.streams
    expect(streams[0]).toMatchObject({ rate: 2, made: 6, state: 'done' })

    const started = await api.call('POST', '/apna/stream', { rate: 1, for: '1h', overrides: { notice_period: 5 } })
    expect(started.status).toBe(202)
    await api.advance('2s')
    expect((await api.call('DELETE', '/apna/stream')).body).toEqual({ stopped: 1 })
    await api.advance('1m')
    expect(r.received).toHaveLength(9)
    expect((r.received.at(-1)!.json as { notice_period: number }).notice_period).toBe(5)
  })

  it('answers 404 under /apna: the partner has no inbound routes', async () => {
    const res = await fetch(`${sb.url}/apna/applications`, { method: 'POST', headers: { 'x-sandbox-session': 'routes' } })
    expect(res.status).toBe(404)
    expect((await res.json()).error).toMatch(/outbound only/)
    const journal = sb.session('routes').journal.list({ partner: 'apna' })
    expect(journal[0]!.refusal).toMatch(/no inbound route POST/)
  })

  it('aborts what is on the wire and cancels retry timers when the session is reset', async () => {
    const r = await receiver(() => ({ hang: true }))
    const api = control('dispose')
    await api.scenario({ target: { url: r.url }, timeout: '60s' })
    await api.push()
    await r.waitFor(1)
    expect((await api.call('POST', '/reset')).status).toBe(200)
    await r.waitForClosed(1)
    expect((await api.deliveries('wait=0s')).body.total).toBe(0)

    const failing = await receiver(() => ({ status: 500 }))
    await api.scenario({ target: { url: failing.url } })
    await api.push()
    await api.deliveries()
    expect((await api.call('GET', '/clock')).body.pending.map((p: { label: string }) => p.label)).toContain('apna: retry d-000001')
    await api.call('POST', '/reset')
    expect((await api.call('GET', '/clock')).body.pending).toEqual([])
    await api.advance('1m')
    expect(failing.received).toHaveLength(1)
  })
})
