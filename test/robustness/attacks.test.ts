import { createHmac, createPublicKey, generateKeyPairSync, sign as rsaSign, verify } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, connect, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jwt from 'jsonwebtoken'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { Client, jsonOf, testScenario, type Res } from './support.js'

/** One named test per attack the issue lists: each sends the attack over a real socket and asserts the
 *  refusal in the partner's own style, and that nothing leaked, ran or was fetched. */

let sb: RunningSandbox
let client: Client
const logged: string[] = []

beforeAll(async () => {
  sb = await startSandbox({ port: 0, scenario: testScenario(), log: (line) => logged.push(line) })
  client = new Client(sb.port)
})
afterAll(async () => {
  // Nothing failed out of sight (the sandbox logs only 500s).
  expect(logged).toEqual([])
  client?.close()
  await sb?.close()
})

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const parts = (token: string) => token.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p)) as [Record<string, unknown>, Record<string, unknown>, string]
const json = (session: string, body: unknown, extra: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', 'x-sandbox-session': session, ...extra }, body: Buffer.from(JSON.stringify(body)) })
const post = (path: string, session: string, body: unknown, extra: Record<string, string> = {}) => client.send({ method: 'POST', path, ...json(session, body, extra) })
const get = (path: string, session: string, headers: Record<string, string> = {}) => client.send({ method: 'GET', path, headers: { 'x-sandbox-session': session, ...headers } })
const form = (o: Record<string, string>) => Buffer.from(new URLSearchParams(o).toString())
const advance = (session: string, by: string) => post('/__sandbox/clock', session, { advance: by })

// ---------------------------------------------------------------------------------------------------
describe('Cordell SOAP: XXE and entity expansion', () => {
  const S = 'atk-cordell'
  const NS = 'http://www.cordell.com.au/Costing/'
  let token = ''
  let canary: Server
  let connections = 0
  let canaryPort = 0
  beforeAll(async () => {
    token = (jsonOf(await post('/cordell/Costing/Login', S, { UserName: 'qs', Password: 'pass' })) as { AccessToken: string }).AccessToken
    // A loopback listener standing in for an attacker's server: an external DTD or entity would be
    // fetched from here.
    canary = createServer((socket) => {
      connections++
      socket.destroy()
    })
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve))
    canaryPort = (canary.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((resolve) => canary.close(() => resolve())))

  const call = (xml: string, accept?: string) =>
    client.send({ method: 'POST', path: '/cordell/Costing', headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'x-sandbox-session': S, ...(accept ? { accept } : {}) }, body: Buffer.from(xml) })
  const envelope = (prolog: string, dataset: string) =>
    `<?xml version="1.0" encoding="utf-8"?>${prolog}<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><AuthHeader xmlns="${NS}"><AccessToken>${token}</AccessToken></AuthHeader></s:Header><s:Body><GetCategoryEntriesWithItems xmlns="${NS}"><DATASET>${dataset}</DATASET></GetCategoryEntriesWithItems></s:Body></s:Envelope>`
  const dtdProhibited = (res: Res) => {
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/soap\+xml/)
    expect(res.text).toContain('<s:Value>s:Sender</s:Value>')
    expect(res.text).toContain('c:DtdProhibited')
  }

  it('XXE: external entities (file and URL), an external DTD and parameter entities are refused unread and unfetched', async () => {
    const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n')[0]! : 'root:x:0:0'
    const attacks = [
      envelope('<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'),
      envelope(`<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "http://127.0.0.1:${canaryPort}/secret">]>`, '&xxe;'),
      envelope(`<!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:${canaryPort}/evil.dtd">`, '1'),
      envelope(`<!DOCTYPE s:Envelope [<!ENTITY % remote SYSTEM "http://127.0.0.1:${canaryPort}/p.dtd"> %remote;]>`, '1'),
      envelope('<!DOCTYPE s:Envelope PUBLIC "-//X//Y" "file:///etc/passwd">', '1'),
    ]
    for (const xml of attacks) {
      const res = await call(xml)
      dtdProhibited(res)
      expect(res.text).not.toContain(passwd)
      // The JSON form of the same fault (Accept: application/json).
      const asJson = await call(xml, 'application/json')
      expect(asJson.status).toBe(400)
      expect(jsonOf(asJson)).toMatchObject({ code: 'Sender', subcode: 'c:DtdProhibited' })
    }
    // Give a fetch that should not happen a moment to arrive before counting.
    await new Promise((r) => setTimeout(r, 200))
    expect(connections).toBe(0)
  })

  it('entity-expansion bombs (billion laughs, quadratic blowup, an undeclared entity) are refused before any expansion', async () => {
    const lol = `<!DOCTYPE s:Envelope [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`
    const quadratic = `<!DOCTYPE s:Envelope [<!ENTITY a "${'a'.repeat(50_000)}">]>`
    for (const [prolog, dataset] of [[lol, '&lol9;'], [quadratic, '&a;'.repeat(10_000)], ['', '&lol9;']] as const) {
      const res = await call(envelope(prolog, dataset))
      dtdProhibited(res)
      // The fault names the problem; it does not carry an expansion.
      expect(res.body.byteLength).toBeLessThan(4096)
    }
    // And the service still answers a proper call.
    const ok = await call(envelope('', '1'))
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('<GetCategoryEntriesWithItemsResult>')
  })

  it('an expired or tampered Cordell token is a Sender fault, not a call', async () => {
    const tampered = await call(envelope('', '1').replace(token, token.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'))))
    expect(tampered.status).toBe(400)
    expect(tampered.text).toContain('c:InvalidToken')
    await advance(S, '61m')
    const expired = await call(envelope('', '1'))
    expect(expired.status).toBe(400)
    expect(expired.text).toContain('c:TokenExpired')
  })
})

// ---------------------------------------------------------------------------------------------------
describe("BE&OE's RS256 tokens", () => {
  const S = 'atk-beoe'
  let token = ''
  let publicPem = ''
  const list = (authorization: string, session = S) => get('/beoe/api/foreignjobs', session, { accept: 'application/json', authorization })
  const unauthenticated = (res: Res) => {
    expect(res.status).toBe(401)
    expect(jsonOf(res)).toEqual({ message: 'Unauthenticated.' })
  }
  beforeAll(async () => {
    token = (jsonOf(await post('/beoe/api/login', S, { email: 'user@beoe.com', password: '123456' })) as { success: { token: string } }).success.token
    const key = await client.send({ method: 'GET', path: '/__sandbox/beoe/public-key', headers: { 'x-sandbox-session': S } })
    publicPem = key.text
    // The key is the right one: the real token verifies with it.
    const [h, p, s] = token.split('.')
    expect(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(publicPem), Buffer.from(s!, 'base64url'))).toBe(true)
    expect((await list(`Bearer ${token}`)).status).toBe(200)
  })

  it('alg: none, with the real jti and claims and no signature, is refused', async () => {
    const [header, claims] = parts(token)
    for (const alg of ['none', 'None', 'NONE']) {
      unauthenticated(await list(`Bearer ${b64({ ...header, alg })}.${b64(claims)}.`))
      unauthenticated(await list(`Bearer ${b64({ ...header, alg })}.${b64(claims)}`))
    }
  })

  it('HS256 signed with the public key (algorithm confusion) is refused', async () => {
    const [header, claims] = parts(token)
    for (const secret of [publicPem, publicPem.trim(), createPublicKey(publicPem).export({ format: 'der', type: 'spki' })]) {
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64({ ...claims, sub: '999' })}`
      unauthenticated(await list(`Bearer ${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`))
    }
  })

  it('a tampered token (claims changed, signature kept; signature changed) is refused', async () => {
    const [header, claims, signature] = parts(token)
    const original = token.split('.')
    unauthenticated(await list(`Bearer ${original[0]}.${b64({ ...claims, exp: (claims.exp as number) + 86_400 * 365 })}.${signature}`))
    unauthenticated(await list(`Bearer ${original[0]}.${original[1]}.${signature.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))}`))
    // Signed properly, but by another key: a forger's own RSA pair.
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const input = `${b64(header)}.${b64(claims)}`
    unauthenticated(await list(`Bearer ${input}.${rsaSign('sha256', Buffer.from(input), forger.privateKey).toString('base64url')}`))
    // The real token from another session is refused there (tokens belong to the session that issued them).
    unauthenticated(await list(`Bearer ${token}`, 'atk-beoe-other'))
  })

  it('an expired token is refused once the session clock passes its exp', async () => {
    expect((await list(`Bearer ${token}`)).status).toBe(200)
    await advance(S, '61m')
    unauthenticated(await list(`Bearer ${token}`))
    const refusal = sb.session(S).journal.list({ partner: 'beoe' }).at(-1)?.refusal
    expect(refusal).toMatch(/expired/)
  })
})

// ---------------------------------------------------------------------------------------------------
describe("DAS's HS256 tokens", () => {
  const S = 'atk-das'
  const KEY = 'das-sandbox-signing-key'
  const claims = () => ({ data: 'ReadApprenticeshipEvent', iss: 'http://localhost:29638', aud: 'http://localhost/events', exp: Math.floor(Date.parse('2026-01-14T11:00:00Z') / 1000) + 3600 })
  const events = (token: string) => get('/das/api/events/apprenticeships?pageSize=1', S, { authorization: `Bearer ${token}` })
  const refused = (res: Res, exception: string) => {
    expect(res.status).toBe(400)
    expect(res.body.byteLength).toBe(0)
    expect(res.statusMessage).toBe(exception)
  }

  it('a correctly signed token works (the baseline the attacks change)', async () => {
    expect((await events(jwt.sign(claims(), KEY, { algorithm: 'HS256', noTimestamp: true }))).status).toBe(200)
  })

  it('alg: none is refused (SecurityTokenValidationException)', async () => {
    refused(await events(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`), 'SecurityTokenValidationException')
  })

  it('HS256 signed with a public key, and RS256 signed with its private key, are refused (InvalidSignature)', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }) as string
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`
    refused(await events(`${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`), 'SecurityTokenInvalidSignatureException')
    refused(await events(jwt.sign(claims(), pair.privateKey, { algorithm: 'RS256', noTimestamp: true })), 'SecurityTokenInvalidSignatureException')
  })

  it('expired and tampered tokens are refused', async () => {
    const good = jwt.sign(claims(), KEY, { algorithm: 'HS256', noTimestamp: true })
    const [h, , s] = good.split('.')
    refused(await events(`${h}.${b64({ ...claims(), data: 'ReadApprenticeshipEvent StoreApprenticeshipEvent WriteGenericEvent' })}.${s}`), 'SecurityTokenInvalidSignatureException')
    refused(await events(jwt.sign({ ...claims(), exp: claims().exp - 7200 }, KEY, { algorithm: 'HS256', noTimestamp: true })), 'SecurityTokenExpiredException')
    // A minted token dies on the session clock too.
    const minted = (jsonOf(await post('/__sandbox/das/tokens', S, { permissions: ['ReadApprenticeshipEvent'], expiresIn: '1m' })) as { token: string }).token
    expect((await events(minted)).status).toBe(200)
    await advance(S, '7m')
    refused(await events(minted), 'SecurityTokenExpiredException')
  })
})

// ---------------------------------------------------------------------------------------------------
describe('envisionme OAuth', () => {
  const CB = 'http://localhost:3000/callback'
  const OTHER = 'http://www.example.com/callback'
  const authorize = (session: string, query: Record<string, string>) => get(`/envisionme/oauth/authorize?${new URLSearchParams(query)}`, session)
  /** Runs the dialog to Allow; the redirect's Location. */
  async function allow(session: string, query: Record<string, string>, user = { username: 'demo', password: 'demo' }): Promise<Res> {
    const page = await authorize(session, query)
    expect(page.status).toBe(200)
    const dialog = /name="dialog" value="([^"]*)"/.exec(page.text)![1]!
    return client.send({ method: 'POST', path: '/envisionme/oauth/authorize', headers: { 'x-sandbox-session': session, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ dialog, decision: 'allow', ...user }) })
  }
  const exchange = (session: string, code: string, redirect = CB) => client.send({ method: 'POST', path: `/envisionme/oauth/access_token?${new URLSearchParams({ client_id: '10', client_secret: 'xyz123', redirect_uri: redirect, code })}`, headers: { 'x-sandbox-session': session } })

  it('redirect_uri mismatch at the dialog: a 400 page, never a redirect to the unregistered URI', async () => {
    for (const uri of [`${CB}/`, `${CB}?x=1`, `${CB}/../evil`, 'HTTP://localhost:3000/callback', 'http://localhost:3000@evil.example/callback', 'http://evil.example/callback', `${CB}#frag`, `${CB}%0d%0aX-Injected:%201`, 'javascript:alert(1)//localhost:3000/callback']) {
      const res = await authorize('atk-oauth', { client_id: '10', redirect_uri: uri, state: 's' })
      expect(res.status, uri).toBe(400)
      expect(res.headers.location).toBeUndefined()
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.text).not.toContain('<script')
    }
  })

  it('redirect_uri mismatch at the exchange, and a replayed code, are refused; the replay revokes the token', async () => {
    const S = 'atk-oauth-code'
    const code = () => allow(S, { client_id: '10', redirect_uri: CB, state: 'st' }).then((r) => new URL(r.headers.location!).searchParams.get('code')!)
    const first = await code()
    const mismatch = await exchange(S, first, OTHER)
    expect(mismatch.status).toBe(400)
    expect(jsonOf(mismatch)).toMatchObject({ error: expect.stringContaining('redirect_uri') })

    const second = await code()
    const ok = await exchange(S, second)
    expect(ok.status).toBe(303)
    const token = /access_token=([^&]+)/.exec(ok.text)![1]!
    expect((await get(`/envisionme/job?access_token=${token}&limit=1`, S)).status).toBe(200)
    const replay = await exchange(S, second)
    expect(replay.status).toBe(400)
    expect(jsonOf(replay)).toMatchObject({ error: expect.stringContaining('exchanged already') })
    // RFC 6749 §4.1.2: the token that code gave is revoked.
    expect((await get(`/envisionme/job?access_token=${token}&limit=1`, S)).status).toBe(401)
  })

  it('a missing state is left out of the redirect; a hostile state is percent-encoded and splits no header', async () => {
    const S = 'atk-oauth-state'
    const none = await allow(S, { client_id: '10', redirect_uri: CB })
    expect(none.status).toBe(303)
    expect(new URL(none.headers.location!).searchParams.has('state')).toBe(false)
    expect(none.headers.location).not.toMatch(/undefined|null/)

    const hostile = 'x\r\nX-Injected: 1\r\n\r\n<script>alert(1)</script>"\'&code=forged'
    for (const responseType of ['code', 'token']) {
      const res = await allow(S, { client_id: '10', redirect_uri: CB, state: hostile, response_type: responseType })
      expect(res.status).toBe(303)
      expect(res.headers['x-injected']).toBeUndefined()
      expect(res.headers.location).not.toMatch(/[\r\n<>"]/)
      const back = new URL(res.headers.location!)
      const params = responseType === 'code' ? back.searchParams : new URLSearchParams(back.hash.slice(1))
      // Echoed exactly, as one parameter: the injected `&code=` did not become a second code.
      expect(params.get('state')).toBe(hostile)
      expect(params.getAll('code').length).toBe(responseType === 'code' ? 1 : 0)
    }
    // Cancel echoes it the same way.
    const page = await authorize(S, { client_id: '10', redirect_uri: CB, state: hostile })
    const dialog = /name="dialog" value="([^"]*)"/.exec(page.text)![1]!
    const cancel = await client.send({ method: 'POST', path: '/envisionme/oauth/authorize', headers: { 'x-sandbox-session': S, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ dialog, decision: 'cancel' }) })
    expect(cancel.headers['x-injected']).toBeUndefined()
    expect(new URL(cancel.headers.location!).searchParams.get('state')).toBe(hostile)
  })

  it('CR/LF in a return_url or cancel_url is refused at the charge, so Pay and Cancel can never split a header', async () => {
    const S = 'atk-billing-crlf'
    const charge = (over: Record<string, string>) =>
      client.send({
        method: 'POST',
        path: '/envisionme/charge',
        headers: { 'x-sandbox-session': S, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ client_id: '1212', gateway_mode: '0', amount: '10.00', internal_id: '1', first_name: 'A', last_name: 'B', email: 'a@example.com', return_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/no', ...over }),
      })
    const attempts: Record<string, string>[] = [{ return_url: 'http://localhost:3000/ok\r\nX-Injected: 1' }, { cancel_url: 'http://localhost:3000/no\nX-Injected: 1' }, { return_url: 'http://localhost:3000/\tok' }]
    for (const over of attempts) {
      const res = await charge(over)
      expect(res.status).toBe(400)
      expect(jsonOf(res)).toMatchObject({ response_code: ['1000'] })
    }
    // A URL with quotes and angle brackets is a URL: accepted, and the redirect carries it without splitting.
    const ok = await charge({ return_url: 'http://localhost:3000/ok?"><script>alert(1)</script>' })
    const id = (jsonOf(ok) as { charge_id: string[] }).charge_id[0]
    const paid = await client.send({ method: 'POST', path: `/envisionme/callback/payfast/form_redirect/${id}`, headers: { 'x-sandbox-session': S, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ decision: 'pay' }) })
    expect(paid.status).toBe(303)
    expect(paid.headers['x-injected']).toBeUndefined()
    // The page that shows the outcome links back with the URL escaped.
    const shown = await get(`/envisionme/callback/payfast/form_redirect/${id}`, S)
    expect(shown.text).not.toContain('<script>')
    expect(shown.text).toContain('&#34;&#62;&#60;script&#62;')
  })

  it('names shown on the login dialog and the payment page are escaped', async () => {
    const S = 'atk-names'
    const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    const scenario = testScenario() as { partners: Record<string, Record<string, unknown>> }
    scenario.partners.envisionme = {
      ...scenario.partners.envisionme,
      clients: [
        { clientId: 10, clientSecret: 'xyz123', name: `App ${XSS}`, redirectUris: [CB] },
        { clientId: 11, clientSecret: 'xyz123', name: 'Second app', redirectUris: [CB] },
      ],
      users: [{ username: 'demo', password: 'demo', uid: 2753, name: `Demo ${XSS}` }],
      billing: { clients: [{ client_id: '1212', company: `Shop ${XSS}`, first_name: XSS, last_name: XSS, email: 'a@example.com' }] },
    }
    expect((await client.send({ method: 'PUT', path: '/__sandbox/scenario', ...json(S, scenario) })).status).toBe(200)

    const dialog = await authorize(S, { client_id: '10', redirect_uri: CB, state: XSS })
    expect(dialog.status).toBe(200)
    expect(dialog.text).toContain('App &#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;')
    // A wrong password re-shows the dialog with the username typed: escaped too.
    const id = /name="dialog" value="([^"]*)"/.exec(dialog.text)![1]!
    const again = await client.send({ method: 'POST', path: '/envisionme/oauth/authorize', headers: { 'x-sandbox-session': S, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ dialog: id, decision: 'allow', username: XSS, password: 'x' }) })
    expect(again.status).toBe(200)
    // Logged in: the dialog names the person.
    const loggedIn = await allow(S, { client_id: '10', redirect_uri: CB })
    const cookie = String(loggedIn.headers['set-cookie']).split(';')[0]!
    // Logged in, but a new app: the dialog asks for consent and names the person.
    const second = await get(`/envisionme/oauth/authorize?${new URLSearchParams({ client_id: '11', redirect_uri: CB })}`, S, { cookie })
    expect(second.status).toBe(200)
    expect(second.text).toContain('logged in as <strong>Demo &#34;&#62;&#60;script&#62;')

    const charge = await client.send({
      method: 'POST',
      path: '/envisionme/charge',
      headers: { 'x-sandbox-session': S, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ client_id: '1212', gateway_mode: '0', amount: '10.00', internal_id: XSS, first_name: XSS, last_name: XSS, email: 'a@example.com', return_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/no' }),
    })
    const chargeId = (jsonOf(charge) as { charge_id: string[] }).charge_id[0]
    const page = await get(`/envisionme/callback/payfast/form_redirect/${chargeId}`, S)
    expect(page.status).toBe(200)
    for (const res of [dialog, again, second, page]) {
      expect(res.text).not.toMatch(/<script>|<img src=x/)
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/)
    }
    expect(page.text).toContain('Shop &#34;&#62;&#60;script&#62;')
  })
})

// ---------------------------------------------------------------------------------------------------
describe('header splitting and request smuggling on the raw socket', () => {
  /** Sends bytes as they are and returns everything the server wrote before closing or going quiet. */
  function raw(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(sb.port, '127.0.0.1')
      let out = ''
      socket.setTimeout(3000, () => socket.end())
      socket.on('data', (d) => (out += d.toString('latin1')))
      socket.on('close', () => resolve(out))
      socket.on('error', reject)
      socket.write(bytes, 'latin1')
    })
  }

  it('CR/LF in the request line, bare LF, obs-fold and conflicting lengths get one 4xx, never a second response', async () => {
    const attacks = [
      'GET /beoe/api/login\r\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'GET /__sandbox/health HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\nConnection: close\r\n\r\n',
      'GET /__sandbox/health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\nConnection: close\r\n\r\n',
      'POST /beoe/api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\nConnection: close\r\n\r\nabcd',
      'POST /beoe/api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /__sandbox/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'POST /beoe/api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\nConnection: close\r\n\r\n0\r\n\r\n',
    ]
    for (const attack of attacks) {
      const out = await raw(attack)
      const statuses = out.match(/HTTP\/1\.1 \d{3}/g) ?? []
      expect(statuses.length, attack).toBeLessThanOrEqual(1)
      for (const s of statuses) expect(Number(s.slice(9)), attack).toBeGreaterThanOrEqual(400)
      expect(out.toLowerCase()).not.toContain('x-injected')
    }
    expect((await client.send({ method: 'GET', path: '/__sandbox/health' })).status).toBe(200)
  })

  it('a fault rule cannot be made to write CR/LF into a response header', async () => {
    const res = await post('/__sandbox/faults', 'atk-fault', { partner: 'beoe', respond: { status: 200, headers: { 'x-a': 'a\r\nX-Injected: 1' } } })
    expect(res.status).toBe(400)
    expect(jsonOf(res)).toMatchObject({ error: { code: 'invalid_request' } })
    const name = await post('/__sandbox/faults', 'atk-fault', { partner: 'beoe', respond: { status: 200, headers: { 'X-Injected: 1\r\nx': 'a' } } })
    expect(name.status).toBe(400)
    const beoe = await get('/beoe/api/foreignjobs', 'atk-fault', { accept: 'application/json' })
    expect(beoe.headers['x-injected']).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------------
describe('the dashboard (/__sandbox/ui)', () => {
  const CHROMIUM = '/usr/bin/chromium'
  it.skipIf(!existsSync(CHROMIUM))('shows hostile names from the journal, faults and scenario as text, running none of them', async () => {
    const S = 'atk-ui'
    const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    await client.send({ method: 'PUT', path: '/__sandbox/scenario', ...json(S, { ...testScenario(), name: `scn ${XSS}` }) })
    await post('/__sandbox/faults', S, { id: 'f1', partner: 'beoe', path: `/x${XSS}`, respond: { status: 418, body: XSS } })
    await get(`/beoe/${encodeURIComponent(XSS)}?q=${encodeURIComponent(XSS)}`, S, { 'x-test': XSS.replace(/"/g, "'") })
    await post('/das/api/events/accounts', S, { event: XSS })
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
    try {
      const page = await browser.newPage()
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      await page.goto(`${sb.url}/__sandbox/ui?session=${S}`)
      // The hostile path shows up in the journal as text.
      await page.getByText('/x<img', { exact: false }).first().waitFor({ timeout: 10_000 }).catch(() => undefined)
      await page.getByText('<img src=x', { exact: false }).first().waitFor({ timeout: 10_000 })
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
      expect(await page.locator('img[src="x"]').count()).toBe(0)
      expect(dialogs).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------------
describe('the control API with SANDBOX_ADMIN_TOKEN set', () => {
  const TOKEN = 'admin-token-for-attacks-0123456789'
  let locked: RunningSandbox
  let lockedClient: Client
  beforeAll(async () => {
    locked = await startSandbox({ port: 0, adminToken: TOKEN, scenario: testScenario(), log: (line) => logged.push(line) })
    lockedClient = new Client(locked.port)
  })
  afterAll(async () => {
    lockedClient?.close()
    await locked?.close()
  })

  it('refuses every control call without the token, with a wrong one, or with it in the wrong place', async () => {
    const calls: [string, string, string?][] = [
      ['GET', '/__sandbox/clock'],
      ['POST', '/__sandbox/clock', '{"advance":"1h"}'],
      ['POST', '/__sandbox/reset'],
      ['GET', '/__sandbox/requests'],
      ['POST', '/__sandbox/faults', '{"partner":"beoe","respond":{"status":500}}'],
      ['PUT', '/__sandbox/scenario', '{}'],
      ['GET', '/__sandbox/scenario'],
      ['DELETE', '/__sandbox/sessions/default'],
      ['POST', '/__sandbox/das/tokens', '{"permissions":["ReadGenericEvent"]}'],
      ['GET', '/__sandbox/beoe/public-key'],
      ['PUT', '/__sandbox/apna/target', '{"url":"http://127.0.0.1:9/x"}'],
      ['GET', '/__sandbox/nothing'],
      ['GET', '/__s/x/__sandbox/clock'],
      ['GET', '/__sandbox/clock?token=' + TOKEN],
      ['GET', '/__sandbox/%63lock'],
      ['GET', '/__SANDBOX/clock'],
    ]
    const wrong: (Record<string, string> | undefined)[] = [
      undefined,
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { 'x-admin-token': TOKEN },
      { cookie: `token=${TOKEN}` },
    ]
    for (const [method, path, body] of calls) {
      for (const headers of wrong) {
        const res = await lockedClient.send({ method, path, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body: Buffer.from(body) } : {}) })
        // 404 is fine for a path outside /__sandbox (the root's own 404): nothing was done or shown.
        if (path.startsWith('/__SANDBOX')) {
          expect(res.status, `${method} ${path}`).toBe(404)
          continue
        }
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(jsonOf(res)).toMatchObject({ error: { code: 'unauthorized' } })
      }
    }
    // Nothing changed: the clock did not move, no fault was added.
    expect(locked.session('default').clock.now()).toBe(Date.parse('2026-01-14T11:00:00Z'))
    expect(locked.session('default').faults.size).toBe(0)
  })

  it('answers with the token, and leaves health and the partners open', async () => {
    const ok = await lockedClient.send({ method: 'GET', path: '/__sandbox/clock', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect((await lockedClient.send({ method: 'GET', path: '/__sandbox/health' })).status).toBe(200)
    expect((await lockedClient.send({ method: 'GET', path: '/envisionme/job?access_token=envisionme-demo-token&limit=1' })).status).toBe(200)
  })
})

// ---------------------------------------------------------------------------------------------------
describe('a scenario that tries to read files outside its folder', () => {
  // Nothing in a scenario names a file: privateKey is inline PEM, signingKey is the secret itself. A
  // path-like value must be taken as data, never opened.
  it('a path as the BE&OE privateKey is refused as not PEM, read neither through the API nor from a scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atk-scn-'))
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
    writeFileSync(join(dir, 'outside.pem'), pem)
    mkdirSync(join(dir, 'scenarios'))
    for (const path of ['../outside.pem', join(dir, 'outside.pem'), `file://${join(dir, 'outside.pem')}`, '/etc/passwd', '../../../../../../etc/passwd']) {
      const res = await client.send({ method: 'PUT', path: '/__sandbox/scenario', ...json('atk-files', { partners: { beoe: { privateKey: path } } }) })
      expect(res.status, path).toBe(400)
      expect(jsonOf(res)).toMatchObject({ error: { code: 'invalid_scenario', details: [{ path: 'partners.beoe.privateKey' }] } })
      expect(res.text).not.toContain('BEGIN PRIVATE KEY-----\nMII')
      expect(res.text).not.toContain('root:')
      // The same from a scenario file beside the key: startSandbox refuses it rather than loading the key.
      const file = join(dir, 'scenarios', 'steal.yaml')
      writeFileSync(file, `name: steal\npartners:\n  beoe:\n    privateKey: ${JSON.stringify(path)}\n`)
      await expect(startSandbox({ port: 0, scenario: file, log: () => undefined })).rejects.toThrow(/privateKey/)
    }
  })

  it('a path as the DAS signingKey is the secret itself: tokens signed with the path verify, tokens signed with the file do not', async () => {
    const S = 'atk-files-das'
    const scenario = testScenario() as { partners: Record<string, Record<string, unknown>> }
    scenario.partners.das = { ...scenario.partners.das, signingKey: '/etc/passwd' }
    expect((await client.send({ method: 'PUT', path: '/__sandbox/scenario', ...json(S, scenario) })).status).toBe(200)
    const claims = { data: 'ReadAccountEvent', iss: 'http://localhost:29638', aud: 'http://localhost/events', exp: Math.floor(Date.parse('2026-01-15T00:00:00Z') / 1000) }
    const withPath = await get('/das/api/events/accounts', S, { authorization: `Bearer ${jwt.sign(claims, '/etc/passwd', { algorithm: 'HS256', noTimestamp: true })}` })
    expect(withPath.status).toBe(200)
    if (existsSync('/etc/passwd')) {
      const withFile = await get('/das/api/events/accounts', S, { authorization: `Bearer ${jwt.sign(claims, readFileSync('/etc/passwd'), { algorithm: 'HS256', noTimestamp: true })}` })
      expect(withFile.status).toBe(400)
      expect(withFile.statusMessage).toBe('SecurityTokenInvalidSignatureException')
    }
  })

  it('YAML tags and anchors that other loaders use to include files are data or refused, never a file', async () => {
    for (const yaml of ['name: !include /etc/passwd\n', 'name: !!binary L2V0Yy9wYXNzd2Q=\n', 'name: !file /etc/passwd\n', '<<: !include /etc/passwd\n', 'name: !!python/object/apply:os.system ["cat /etc/passwd"]\n']) {
      const res = await client.send({ method: 'PUT', path: '/__sandbox/scenario', headers: { 'content-type': 'application/yaml', 'x-sandbox-session': 'atk-yaml' }, body: Buffer.from(yaml) })
      expect(res.status, yaml).toBeLessThan(500)
      expect(res.text).not.toContain('root:')
      if (res.status === 200) {
        const name = (jsonOf(await get('/__sandbox/scenario', 'atk-yaml')) as { name: unknown }).name
        expect(String(name)).not.toContain('root:')
      } else {
        expect(jsonOf(res)).toMatchObject({ error: { code: 'invalid_scenario' } })
      }
    }
  })
})
