import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { envisionme } from '../../src/partners/envisionme/index.js'
import { controlOf, copySession, sameAnswer } from './support.js'

const REDIRECT = 'http://localhost:3000/callback'
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({
    partners: [envisionme],
    scenario: {
      name: 'envisionme-snapshot',
      seed: 3,
      clock: { start: '2026-01-14T10:00:00Z', frozen: true },
      partners: {
        envisionme: {
          clients: [{ clientId: 10, clientSecret: 'xyz123', redirectUris: [REDIRECT] }],
          users: [{ username: 'demo', password: 'demo', uid: 2753 }],
          loginDialog: 'auto-approve',
          jobs: { generate: 5 },
          billing: { clients: [{ client_id: '1212', company: 'Demo' }], paymentPage: 'auto-pay' },
        },
      },
      timeline: [{ at: '+1m', do: 'envisionme.addJobs', with: { count: 2, records: [{ title: 'Welder' }] } }],
    },
  })
})
afterAll(() => sb.close())

const on = (session: string, path: string, init: RequestInit = {}) =>
  fetch(`${sb.url}/envisionme${path}`, { redirect: 'manual', ...init, headers: { ...(init.headers as Record<string, string>), 'X-Sandbox-Session': session } })
const form = (params: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() })

/** The Login Dialog (auto-approve, a GET) and the code exchange: an access token. */
async function loginFlow(session: string): Promise<{ code: string; token: string }> {
  const authorize = await on(session, `/oauth/authorize?client_id=10&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s1`)
  expect(authorize.status).toBe(303)
  const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!
  const exchange = await on(session, '/oauth/access_token', form({ client_id: '10', client_secret: 'xyz123', redirect_uri: REDIRECT, code }))
  const token = new URL(exchange.headers.get('location')!).searchParams.get('access_token')!
  return { code, token }
}

describe('envisionme snapshot', () => {
  it('keeps codes, tokens, added jobs, billing clients and charges; the next code is the same', async () => {
    const { token } = await loginFlow('evm-a')
    // A code issued on GET and not yet exchanged must survive too.
    const pending = await on('evm-a', `/oauth/authorize?client_id=10&redirect_uri=${encodeURIComponent(REDIRECT)}`)
    const pendingCode = new URL(pending.headers.get('location')!).searchParams.get('code')!
    await controlOf(sb, 'evm-a').post('/clock', { advance: '2m' })
    expect((await on('evm-a', '/register-client', form({ client_id: '77', first_name: 'A', last_name: 'B', company: 'C', email: 'a@example.com' }))).status).toBeLessThan(300)
    const charge = await on('evm-a', '/charge', form({ client_id: '77', gateway_mode: '0', amount: '200.50', internal_id: 'inv-1', first_name: 'A', last_name: 'B', email: 'a@example.com', return_url: 'http://localhost/ok', cancel_url: 'http://localhost/no' }))
    expect(charge.status).toBeLessThan(300)
    const chargeId = ((await charge.json()) as { charge_id?: number; id?: number }).charge_id ?? 1
    // The auto-pay page settles the charge on GET.
    await on('evm-a', `/callback/payfast/form_redirect/${chargeId}`)

    const snap = await copySession(sb, 'evm-a', 'evm-b')
    const data = snap.partners.envisionme!.data as { codes: unknown[]; tokens: unknown[]; jobs: { extra: unknown[] }; billing: { charges: { status: string }[] } }
    expect(data.codes).toHaveLength(2)
    expect(data.jobs.extra).toHaveLength(3)
    expect(data.billing.charges.map((c) => c.status)).toEqual(['ok'])

    const bearer = { headers: { authorization: `Bearer ${token}` } }
    for (const path of ['/envisionme/job', '/envisionme/jobs/8', `/envisionme/debug_token?input_token=${token}`, `/envisionme/charge?client_id=77&charge_id=${chargeId}`]) {
      expect((await sameAnswer(sb, 'evm-a', 'evm-b', path, bearer)).status).toBe(200)
    }
    // The pending code exchanges in both, for the same token; the next login makes the same secrets.
    const exchange = (s: string) => on(s, '/oauth/access_token', form({ client_id: '10', client_secret: 'xyz123', redirect_uri: REDIRECT, code: pendingCode })).then((r) => r.headers.get('location'))
    expect(await exchange('evm-b')).toBe(await exchange('evm-a'))
    expect((await loginFlow('evm-b')).token).toBe((await loginFlow('evm-a')).token)
  })

  it('saves after a GET that changed state, not after one that did not (changesOnGet)', async () => {
    const session = sb.session('evm-c')
    const partner = sb.sandbox.partners[0]!
    session.stateOf(partner)
    expect(session.changedOnGet(partner)).toBe(true)
    expect(session.changedOnGet(partner)).toBe(false)
    await on('evm-c', `/oauth/authorize?client_id=10&redirect_uri=${encodeURIComponent(REDIRECT)}`)
    expect(session.changedOnGet(partner)).toBe(true)
    await on('evm-c', '/job', { headers: { authorization: 'Bearer nope' } })
    expect(session.changedOnGet(partner)).toBe(false)
  })
})
