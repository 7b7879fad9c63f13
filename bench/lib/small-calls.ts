import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The four small calls every bench measures (issue 9's list), ready to send to a running sandbox:
 *  tokens minted, a 100-job BE&OE session made and logged into, a Cordell token, the SOAP body. */
export interface SmallCall {
  /** Short name, for filters: das, envisionme, beoe, cordell. */
  key: string
  /** What the bench's table calls it. */
  title: string
  path: string
  method?: 'GET' | 'POST'
  body?: string
  headers: Record<string, string>
}

async function json(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return JSON.parse(text)
}

const SOAP =
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDataSet xmlns="http://www.cordell.com.au/Costing/"><COMPLETESET>1</COMPLETESET></GetDataSet></s:Body></s:Envelope>'

export async function smallCalls(base: string): Promise<SmallCall[]> {
  const das = await json(base, 'POST', '/__sandbox/das/tokens', { permissions: ['ReadApprenticeshipEvent'] })
  const beoeSession = { 'x-sandbox-session': 'bench-beoe' }
  await json(base, 'PUT', '/__sandbox/scenario', { name: 'bench-beoe', seed: 1234, partners: { beoe: { users: [{ email: 'user@beoe.com', password: '123456' }], jobs: { generate: 100 } } } }, beoeSession)
  const beoe = await json(base, 'POST', '/beoe/api/login', { email: 'user@beoe.com', password: '123456' }, beoeSession)
  const cordell = await json(base, 'POST', '/cordell/Costing/Login', { UserName: 'qs', Password: 'pass' })
  return [
    { key: 'das', title: 'DAS GET apprenticeships pageSize=10', path: '/das/api/events/apprenticeships?pageSize=10', headers: { authorization: `Bearer ${das.token}` } },
    { key: 'envisionme', title: 'envisionme GET /job?limit=10', path: '/envisionme/job?limit=10&access_token=envisionme-demo-token', headers: {} },
    { key: 'beoe', title: 'BE&OE GET foreignjobs (100 jobs)', path: '/beoe/api/foreignjobs', headers: { ...beoeSession, authorization: `Bearer ${beoe.success.token}`, accept: 'application/json' } },
    {
      key: 'cordell',
      title: 'Cordell GetDataSet (SOAP)',
      path: '/cordell/Costing/GetDataset/',
      method: 'POST',
      body: SOAP,
      headers: { authorization: `Bearer ${cordell.AccessToken}`, 'content-type': 'application/soap+xml; charset=utf-8; action="http://www.cordell.com.au/Costing/GetDataSet"' },
    },
  ]
}

/** Each call's answer from the sandbox at `base`, written to a file as bench/lib/bare-server.mjs reads it
 *  (path -> status, content type, body in base64), so bare node:http sends the same bytes. */
export async function captureToFile(base: string, cases: readonly SmallCall[]): Promise<string> {
  const captured: Record<string, { status: number; headers: Record<string, string>; body: string }> = {}
  for (const c of cases) {
    const res = await fetch(`${base}${c.path}`, { method: c.method ?? 'GET', headers: c.headers, ...(c.body ? { body: c.body } : {}) })
    captured[c.path] = { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, body: Buffer.from(await res.arrayBuffer()).toString('base64') }
  }
  const file = join(mkdtempSync(join(tmpdir(), 'small-calls-')), 'responses.json')
  writeFileSync(file, JSON.stringify(captured))
  return file
}
