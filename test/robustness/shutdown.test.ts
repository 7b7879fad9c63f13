import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { cliSpawner } from '../support/cli.js'

/** SIGTERM under load: the CLI stops taking new connections, lets every request in flight finish with
 *  its normal answer, then exits 0. */

const spawner = cliSpawner()
afterEach(() => spawner.killAll())
const cli = () => spawner.run(['--port', '0'])

describe('SIGTERM under load', () => {
  it('every request in flight completes with its normal status, then the process exits 0', async () => {
    const run = cli()
    const base = await run.base()
    const json = { 'content-type': 'application/json' }
    // Every partner call in the default session waits 1 s before its partner answers.
    const fault = await fetch(`${base}/__sandbox/faults`, { method: 'POST', headers: json, body: JSON.stringify({ partner: 'beoe', delay: '1s' }) })
    expect(fault.status).toBe(201)
    const slow = await fetch(`${base}/__sandbox/faults`, { method: 'POST', headers: json, body: JSON.stringify({ partner: 'envisionme', delay: '1s' }) })
    expect(slow.status).toBe(201)

    const login = () => fetch(`${base}/beoe/api/login`, { method: 'POST', headers: json, body: '{"email":"user@beoe.com","password":"123456"}' })
    const refused = () => fetch(`${base}/beoe/api/login`, { method: 'POST', headers: json, body: '{"email":"user@beoe.com","password":"wrong"}' })
    const jobs = () => fetch(`${base}/envisionme/job?access_token=envisionme-demo-token&limit=5`)
    const batch = [
      ...Array.from({ length: 8 }, () => login().then(async (r) => ({ kind: 'login', status: r.status, body: await r.text() }))),
      ...Array.from({ length: 4 }, () => refused().then(async (r) => ({ kind: 'refused', status: r.status, body: await r.text() }))),
      ...Array.from({ length: 8 }, () => jobs().then(async (r) => ({ kind: 'jobs', status: r.status, body: await r.text() }))),
    ]
    // Wait until the sandbox has every one of them (each is parked in its 1 s delay), then stop it.
    for (let i = 0; i < 200; i++) {
      const state = (await (await fetch(`${base}/__sandbox/faults`)).json()) as { faults: { hits: number }[] }
      if (state.faults.reduce((n, f) => n + f.hits, 0) >= batch.length) break
      await new Promise((r) => setTimeout(r, 20))
    }
    run.child.kill('SIGTERM')

    const results = await Promise.all(batch)
    for (const r of results) {
      if (r.kind === 'login') {
        expect(r.status).toBe(200)
        expect(JSON.parse(r.body)).toMatchObject({ success: { token: expect.any(String) } })
      } else if (r.kind === 'refused') {
        expect(r.status).toBe(401)
        expect(JSON.parse(r.body)).toEqual({ error: 'Unauthorised' })
      } else {
        expect(r.status).toBe(200)
        expect(JSON.parse(r.body)).toHaveLength(5)
      }
    }
    expect(await run.exited).toBe(0)
    expect(run.out()).toMatch(/SIGTERM: finishing requests in flight/)
    // Nothing went wrong inside either.
    expect(run.err()).not.toMatch(/Error|failed/)
  })

  it('after SIGTERM no new connection is taken while the old ones finish', async () => {
    const run = cli()
    const base = await run.base()
    await fetch(`${base}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partner: 'das', delay: '1s' }) })
    const inFlight = fetch(`${base}/das/api/HealthCheck`)
    for (let i = 0; i < 200; i++) {
      const state = (await (await fetch(`${base}/__sandbox/faults`)).json()) as { faults: { hits: number }[] }
      if (state.faults[0]!.hits >= 1) break
      await new Promise((r) => setTimeout(r, 20))
    }
    run.child.kill('SIGTERM')
    // Let the signal land before trying a fresh connection (a new socket, not the pooled one).
    await new Promise((r) => setTimeout(r, 200))
    const late = await new Promise<string>((resolve) => {
      const req = request(`${base}/__sandbox/health`, { agent: false }, (res) => resolve(`answered ${res.statusCode}`))
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
      req.end()
    })
    expect((await inFlight).status).toBe(200)
    expect(late).toMatch(/ECONNREFUSED|ECONNRESET/)
    expect(await run.exited).toBe(0)
  })
})
