import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { echo } from '../support/echo-partner.js'

let sb: RunningSandbox
const START = '2026-01-14T16:00:00+05:00'
beforeAll(async () => {
  sb = await startSandbox({
    partners: [echo],
    log: () => undefined,
    scenario: {
      name: 'control',
      seed: 7,
      clock: { start: START, frozen: true },
      partners: { echo: { greeting: 'salaam', items: ['one'] } },
      timeline: [
        { at: '+1h', do: 'echo.add', with: { name: 'hourly' } },
        { at: '2026-01-14T12:30:00Z', do: 'echo.add', with: { name: 'absolute' } },
      ],
    },
  })
})
afterAll(() => sb.close())

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, text, headers: res.headers }
}
const S = (id: string) => ({ 'X-Sandbox-Session': id })

describe('control API', () => {
  it('GET /health', async () => {
    const r = await call('GET', '/__sandbox/health')
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ status: 'ok', scenario: 'control', sessions: expect.any(Number) })
  })

  it('GET /scenario gives the parsed scenario, in YAML on request', async () => {
    const r = await call('GET', '/__sandbox/scenario', undefined, S('scn'))
    expect(r.json.name).toBe('control')
    expect(r.json.partners.echo).toEqual({ greeting: 'salaam', ttl: 3_600_000, items: ['one'] })
    const y = await call('GET', '/__sandbox/scenario', undefined, { ...S('scn'), accept: 'application/yaml' })
    expect(y.headers.get('content-type')).toMatch(/yaml/)
    expect(y.text).toMatch(/^name: control$/m)
  })

  it('PUT /scenario takes YAML or JSON, resets the session; a bad one lists every problem and changes nothing', async () => {
    await call('POST', '/echo/items', { name: 'kept' }, S('put'))
    const bad = await call('PUT', '/__sandbox/scenario', 'name: broken\nseed: -1\npartners:\n  echo: { ttl: soon }\n', S('put'))
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('invalid_scenario')
    expect(bad.json.error.details).toEqual(
      expect.arrayContaining([
        { path: 'seed', message: expect.any(String) },
        { path: 'partners.echo.ttl', message: expect.stringMatching(/not a duration/) },
      ]),
    )
    expect((await call('GET', '/echo/items', undefined, S('put'))).json.items).toEqual(['one', 'kept'])

    const good = await call('PUT', '/__sandbox/scenario', 'name: replaced\npartners:\n  echo: { greeting: hi, items: [a, b] }\n', S('put'))
    expect(good.status).toBe(200)
    expect(good.json).toMatchObject({ scenario: 'replaced', session: 'put', applied: 'session' })
    expect((await call('GET', '/echo/items', undefined, S('put'))).json.items).toEqual(['a', 'b'])
    // Only that session changed.
    expect((await call('GET', '/echo/hello', undefined, S('other'))).json.greeting).toBe('salaam')
    const json = await call('PUT', '/__sandbox/scenario', { name: 'as-json' }, S('put'))
    expect(json.json.scenario).toBe('as-json')
  })

  it('POST /clock advances, sets and freezes; timeline steps fire in order on the way', async () => {
    const s = S('clock')
    const before = await call('GET', '/__sandbox/clock', undefined, s)
    expect(before.json).toMatchObject({ now: '2026-01-14T11:00:00.000Z', frozen: true })
    expect(before.json.pending.map((p: { label: string }) => p.label)).toEqual(['timeline echo.add', 'timeline echo.add'])

    const moved = await call('POST', '/__sandbox/clock', { advance: '61m' }, s)
    expect(moved.json.now).toBe('2026-01-14T12:01:00.000Z')
    expect((await call('GET', '/echo/items', undefined, s)).json.items).toEqual(['one', 'hourly@2026-01-14T12:00:00.000Z'])

    await call('POST', '/__sandbox/clock', { set: '2026-01-14T18:00:00+05:00' }, s)
    expect((await call('GET', '/echo/items', undefined, s)).json.items).toEqual([
      'one',
      'hourly@2026-01-14T12:00:00.000Z',
      'absolute@2026-01-14T12:30:00.000Z',
    ])
    const steps = await call('GET', '/__sandbox/timeline', undefined, s)
    expect(steps.json.steps.map((x: { status: string }) => x.status)).toEqual(['done', 'done'])

    const unfrozen = await call('POST', '/__sandbox/clock', { frozen: false }, s)
    expect(unfrozen.json.frozen).toBe(false)
  })

  it('POST /clock refuses what it cannot read, saying what', async () => {
    for (const body of [{ advance: 'soon' }, { set: 'tomorrow' }, {}, { frozen: 'yes' }, { advance: '1h', extra: 1 }]) {
      const r = await call('POST', '/__sandbox/clock', body, S('clock-bad'))
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.json.error.code).toBe('invalid_request')
      expect(r.json.error.message.length).toBeGreaterThan(5)
    }
    const notJson = await call('POST', '/__sandbox/clock', '{"advance":', { ...S('clock-bad'), 'content-type': 'application/json' })
    expect(notJson.status).toBe(400)
    expect(notJson.json.error.message).toMatch(/JSON/i)
  })

  it('POST /reset brings back the scenario\'s start, clock included', async () => {
    const s = S('reset')
    await call('POST', '/__sandbox/clock', { advance: '2h' }, s)
    const r = await call('POST', '/__sandbox/reset', undefined, s)
    expect(r.json.clock.now).toBe('2026-01-14T11:00:00.000Z')
    expect((await call('GET', '/echo/items', undefined, s)).json.items).toEqual(['one'])
    expect((await call('GET', '/__sandbox/requests', undefined, s)).json.total).toBe(1)
  })

  it('GET /requests: entries with bodies, masked secrets, refusal reasons; filters; DELETE empties it', async () => {
    const s = S('journal')
    await call('POST', '/echo/form', 'email=a%40b.c&password=hunter22', { ...s, 'content-type': 'application/x-www-form-urlencoded' })
    await call('GET', '/echo/secret', undefined, { ...s, authorization: 'Bearer wrong-token-value' })
    await call('GET', '/echo/thrown', undefined, s)
    await call('POST', '/echo/items', { name: '' }, s)
    await call('GET', '/echo/nowhere?page=2', undefined, s)

    const all = (await call('GET', '/__sandbox/requests', undefined, s)).json
    expect(all.total).toBe(5)
    const [form, secret, thrown, invalid, nowhere] = all.requests
    expect(form).toMatchObject({ method: 'POST', partner: 'echo', path: '/form', status: 200, body: 'email=a%40b.c&password=%5Bredacted%5D', refusal: null })
    expect(form.responseBody).toContain('[redacted]')
    expect(form.responseBody).not.toContain('hunter22')
    expect(secret).toMatchObject({ status: 401, refusal: 'Authorization is not Bearer right' })
    expect(secret.headers.authorization).toBe('[redacted …alue]')
    expect(thrown).toMatchObject({ status: 403, refusal: 'the thrown reason' })
    expect(invalid.status).toBe(422)
    expect(invalid.refusal).toMatch(/^json name: Too small/)
    expect(nowhere).toMatchObject({ status: 404, query: { page: '2' }, refusal: 'no echo route GET /echo/nowhere' })
    for (const e of all.requests) {
      expect(e.at).toBe('2026-01-14T11:00:00.000Z')
      expect(typeof e.realAt).toBe('string')
      expect(e.responseSize).toBeGreaterThan(0)
    }

    expect((await call('GET', '/__sandbox/requests?status=4xx', undefined, s)).json.total).toBe(4)
    expect((await call('GET', '/__sandbox/requests?refused=true&limit=1', undefined, s)).json.requests[0].path).toBe('/nowhere')
    expect((await call('GET', '/__sandbox/requests?path=/se*', undefined, s)).json.total).toBe(1)
    expect((await call('GET', `/__sandbox/requests/${secret.id}`, undefined, s)).json.id).toBe(secret.id)
    expect((await call('GET', '/__sandbox/requests/999999', undefined, s)).status).toBe(404)
    expect((await call('GET', '/__sandbox/requests?status=teapot', undefined, s)).status).toBe(400)
    expect((await call('DELETE', '/__sandbox/requests', undefined, s)).json.deleted).toBe(5)
    expect((await call('GET', '/__sandbox/requests', undefined, s)).json.total).toBe(0)
  })

  it('faults: add, list with hits, refuse duplicates and bad rules, remove one or all', async () => {
    const s = S('faults')
    const added = await call('POST', '/__sandbox/faults', { id: 'slow', partner: 'echo', path: '/hello', respond: { status: 503 } }, s)
    expect(added.status).toBe(201)
    expect(added.json.fault).toMatchObject({ id: 'slow', hits: 0, remaining: null })
    expect((await call('POST', '/__sandbox/faults', { id: 'slow', partner: 'echo', drop: true }, s)).status).toBe(409)
    const bad = await call('POST', '/__sandbox/faults', { partner: 'nobody', respond: { status: 99 } }, s)
    expect(bad.status).toBe(400)
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['partner', 'respond.status']))
    expect((await call('GET', '/echo/hello', undefined, s)).status).toBe(503)
    expect((await call('GET', '/__sandbox/faults', undefined, s)).json.faults[0]).toMatchObject({ id: 'slow', hits: 1 })
    expect((await call('DELETE', '/__sandbox/faults/ghost', undefined, s)).status).toBe(404)
    expect((await call('DELETE', '/__sandbox/faults/slow', undefined, s)).status).toBe(200)
    expect((await call('GET', '/echo/hello', undefined, s)).status).toBe(200)
    await call('POST', '/__sandbox/faults', { partner: 'echo', drop: true }, s)
    expect((await call('DELETE', '/__sandbox/faults', undefined, s)).json.deleted).toBe(1)
  })

  it('GET /events streams the session\'s requests as server-sent events', async () => {
    const controller = new AbortController()
    const res = await fetch(`${sb.url}/__sandbox/events?session=sse`, { signal: controller.signal })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value)
      }
    }
    await until('event: hello')
    await call('GET', '/echo/hello', undefined, S('sse'))
    await call('GET', '/echo/hello', undefined, S('not-sse'))
    await until('event: request')
    const data = JSON.parse(text.split('event: request\n')[1]!.split('\n').find((l) => l.startsWith('data: '))!.slice(6))
    expect(data).toMatchObject({ session: 'sse', path: '/hello', status: 200 })
    controller.abort()
  })

  it('partner control calls are mounted under /__sandbox/<partner>', async () => {
    expect((await call('GET', '/__sandbox/echo/count', undefined, S('pc'))).json).toEqual({ count: 1 })
  })

  it('answers unknown control calls with 404 in the control error form', async () => {
    const r = await call('GET', '/__sandbox/nope')
    expect(r.status).toBe(404)
    expect(r.json.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/no control call GET \/__sandbox\/nope/) })
  })

  it('publishes an OpenAPI 3.1 document and a readable docs page', async () => {
    const spec = (await call('GET', '/__sandbox/openapi.json')).json
    expect(spec.openapi).toBe('3.1.0')
    for (const path of ['/health', '/scenario', '/reset', '/clock', '/requests', '/faults', '/faults/{id}', '/events']) expect(spec.paths).toHaveProperty([path])
    expect(spec.paths['/clock'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('advance')
    const docs = await call('GET', '/__sandbox/docs')
    expect(docs.headers.get('content-type')).toMatch(/html/)
    expect(docs.text).toContain('/__sandbox/clock')
  })
})

describe('limits and failures', () => {
  it('refuses a body over 1 MiB with 413, on partners and on the control API, and journals why', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) })
    const partner = await call('POST', '/echo/items', big, { ...S('big'), 'content-type': 'application/json' })
    expect(partner.status).toBe(413)
    expect(partner.json.error).toMatch(/limit/)
    expect(sb.session('big').journal.list()[0]).toMatchObject({ status: 413, refusal: expect.stringMatching(/1 MiB/) })
    const control = await call('PUT', '/__sandbox/scenario', `name: ${'x'.repeat(1024 * 1024 + 10)}`, S('big'))
    expect(control.status).toBe(413)
    expect(control.json.error.code).toBe('too_large')
  })

  it('journals a client that hangs up mid-body as a 400, not a sandbox failure', async () => {
    const { connect } = await import('node:net')
    const port = Number(new URL(sb.url).port)
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /echo/items HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sandbox-Session: hang-up\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":')
        setTimeout(() => socket.destroy(), 100)
      })
      socket.on('close', () => resolve())
      socket.on('error', () => undefined)
    })
    for (let i = 0; i < 50 && sb.session('hang-up').journal.size === 0; i++) await new Promise((r) => setTimeout(r, 20))
    const [entry] = sb.session('hang-up').journal.list()
    expect(entry).toMatchObject({ status: 400, error: null, refusal: expect.stringMatching(/closed the connection before sending the whole body/) })
  })

  it('turns an unexpected error into a logged 500 with a request id, and keeps serving', async () => {
    const r = await call('GET', '/echo/boom', undefined, S('boom'))
    expect(r.status).toBe(500)
    expect(r.json.error).toMatchObject({ code: 'internal', requestId: expect.stringMatching(/^req-/) })
    expect(sb.session('boom').journal.list()[0]!.error).toContain(r.json.error.requestId)
    expect((await call('GET', '/echo/hello', undefined, S('boom'))).status).toBe(200)
  })

  it('answers unknown paths outside any partner with a 404 that says where things are', async () => {
    const r = await call('GET', '/nowhere')
    expect(r.status).toBe(404)
    expect(r.json.error).toMatch(/\/echo/)
  })
})

describe('admin token', () => {
  it('when set, the control API needs it (but /health does not); partners never do', async () => {
    const locked = await startSandbox({ partners: [echo], adminToken: 's3cret-token' })
    try {
      expect((await fetch(`${locked.url}/__sandbox/health`)).status).toBe(200)
      // The docs describe the API, not a session: a browser opens them without the token.
      expect((await fetch(`${locked.url}/__sandbox/docs`)).status).toBe(200)
      expect((await fetch(`${locked.url}/__sandbox/openapi.json`)).status).toBe(200)
      expect((await fetch(`${locked.url}/__sandbox/state`)).status).toBe(401)
      const refused = await fetch(`${locked.url}/__sandbox/requests`)
      expect(refused.status).toBe(401)
      expect((await refused.json()).error.code).toBe('unauthorized')
      expect((await fetch(`${locked.url}/__sandbox/requests`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
      expect((await fetch(`${locked.url}/__sandbox/requests`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200)
      expect((await fetch(`${locked.url}/echo/hello`)).status).toBe(200)
    } finally {
      await locked.close()
    }
  })
})
