import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import {
  Client,
  beoeStyle,
  apnaStyle,
  contentType,
  controlStyle,
  cordellStyle,
  dasStyle,
  envisionmeStyle,
  extraHeaders,
  formBody,
  jsonBody,
  jsonOf,
  number,
  pct,
  queryArb,
  testScenario,
  text,
  universal,
  headOr,
  value,
  type Body,
  type Req,
  type Style,
} from './support.js'

/** Property-based: every endpoint of every partner and of the control API gets malformed input over a
 *  real socket, and must answer — never a 5xx, never a hang — in its own partner's error style, with the
 *  process still serving afterwards. No fault rule is live in any session these requests reach, so a
 *  5xx is always a bug. Budget: a few hundred requests a family, bodies under 2 MB. */

let sb: RunningSandbox
let client: Client
/** Whatever the sandbox logs is an unexpected error (its onError logs only 500s). */
const logged: string[] = []
const perFamily = new Map<string, number>()
const SEED = Number(process.env.FC_SEED ?? 20260114)

beforeAll(async () => {
  sb = await startSandbox({ port: 0, scenario: testScenario(), log: (line) => logged.push(line) })
  client = new Client(sb.port)
})

afterAll(async () => {
  const total = [...perFamily.values()].reduce((a, b) => a + b, 0)
  console.log(`hostile-input: ${total} requests over ${perFamily.size} endpoint families (${[...perFamily].map(([f, n]) => `${f} ${n}`).join(', ')})`)
  client?.close()
  await sb?.close()
})

afterEach(async () => {
  // The process is alive and still serving, and nothing failed out of sight.
  const health = await client.send({ method: 'GET', path: '/__sandbox/health' })
  expect(health.status).toBe(200)
  expect(logged).toEqual([])
})

/** Runs a property over `arb`: every request it makes must pass `universal` and `style`. */
async function family(name: string, runs: number, arb: fc.Arbitrary<Req | Req[]>, style: Style): Promise<void> {
  const before = client.sent
  await fc.assert(
    fc.asyncProperty(arb, async (one) => {
      for (const req of Array.isArray(one) ? one : [one]) {
        const res = await client.send(req)
        // A path whose dot segments lead out of the partner's prefix is judged by the sandbox's rules only.
        const escapes = /\/(\.|%2e){1,2}(\/|\?|$)/i.test(req.path)
        const problem = universal(res, req) ?? (escapes ? undefined : headOr(style)(res, req))
        if (problem) throw new Error(`${req.method} ${req.path.slice(0, 200)} (${req.headers?.['content-type'] ?? 'no type'}, ${req.body?.byteLength ?? 0} bytes): ${problem}`)
      }
    }),
    { numRuns: runs, seed: SEED, endOnFailure: true },
  )
  perFamily.set(name, (perFamily.get(name) ?? 0) + client.sent - before)
}

/** Which session a request goes to: mostly the family's own, sometimes a hostile header or `/__s/` prefix. */
const session = (id: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant({ header: id as string | undefined, prefix: '' }) },
    { weight: 1, arbitrary: fc.oneof(text.map(pct), fc.constantFrom('%ZZ', '%E0%A4', '', '..', '%2F')).map((s) => ({ header: undefined, prefix: `/__s/${s}` })) },
    { weight: 1, arbitrary: text.map((s) => ({ header: s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'), prefix: '' })) },
  )

function req(method: string, path: string, s: { header: string | undefined; prefix: string }, headers: Record<string, string> = {}, body?: Body): Req {
  // Node refuses to send CR, LF, DEL or characters past U+00FF in a header (splitting on the way out is
  // attacks.test.ts's business); every other byte goes as generated.
  const h: Record<string, string> = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')]))
  if (s.header !== undefined) h['x-sandbox-session'] = s.header
  if (body?.type !== undefined) h['content-type'] = body.type
  return { method, path: `${s.prefix}${path}`, headers: h, ...(body ? { body: body.bytes } : {}) }
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'] as const
/** Random paths under a prefix, with traversal, bad escapes and latin-1 bytes. */
const strayPath = (prefix: string) =>
  fc.tuple(fc.constantFrom(...METHODS), fc.array(fc.oneof(text.map(pct), fc.constantFrom('..', '.', '%2e%2e', '%2F', '%ZZ', '\xff', '', 'api', 'Costing', 'events')), { maxLength: 4 }), queryArb(['page', 'wsdl', 'x']))
    .map(([m, segs, q]) => ({ method: m as string, path: `${prefix}/${segs.join('/')}${q}` }))

/** Garbage, forged and real-looking bearer tokens. */
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const forgedJwt = fc.tuple(fc.dictionary(text, value, { maxKeys: 3 }), fc.dictionary(text, value, { maxKeys: 4 }), fc.constantFrom('', 'sig', '...', 'A'.repeat(342))).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${s}`)
const authValue = (good: string) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(good) },
    { weight: 1, arbitrary: text.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: forgedJwt.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b', 'Bearer a.b.c.d', `${good} extra`, good.toLowerCase(), good.slice(0, -2)) },
  )
const headersWith = (fixed: fc.Arbitrary<Record<string, string>>) => fc.tuple(fixed, extraHeaders).map(([a, b]) => ({ ...b, ...a }))

describe('hostile input: BE&OE', () => {
  const S = 'fam-beoe'
  let token = ''
  beforeAll(async () => {
    const res = await client.send({ method: 'POST', path: '/beoe/api/login', headers: { 'content-type': 'application/json', 'x-sandbox-session': S }, body: Buffer.from('{"email":"user@beoe.com","password":"123456"}') })
    token = (jsonOf(res) as { success: { token: string } }).success.token
  })

  it('POST /api/login: wrong types, missing and extra fields, bad JSON, forms and encodings', async () => {
    const base = fc.constant({ email: 'user@beoe.com', password: '123456' })
    const body = fc.oneof(jsonBody(base, ['email', 'password']), formBody(['email', 'password'], { email: fc.constant('user@beoe.com') }), fc.constant(undefined))
    await family('beoe', 200, fc.tuple(session(S), queryArb(['email', 'password']), headersWith(fc.constant({})), body).map(([s, q, h, b]) => req('POST', `/beoe/api/login${q}`, s, h, b)), beoeStyle)
  })

  it('GET /api/foreignjobs: pages, Accept and Authorization of every kind', async () => {
    const headers = fc.record({ accept: fc.oneof(fc.constant('application/json'), text, fc.constantFrom('*/*', 'application/json;q=0', 'application/json;q=abc', 'application/vnd.x+json', ',,,')), authorization: authValue(`Bearer ${token}`) })
    const page = fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), text)
    await family('beoe', 200, fc.tuple(session(S), queryArb(['page'], { page }), headersWith(headers), fc.constantFrom('GET', 'HEAD')).map(([s, q, h, m]) => req(m, `/beoe/api/foreignjobs${q}`, s, h)), beoeStyle)
  })

  it('any other method and path under /beoe', async () => {
    await family('beoe', 100, fc.tuple(strayPath('/beoe'), session(S), headersWith(fc.constant({})), fc.option(jsonBody(fc.constant({}), []), { nil: undefined })).map(([p, s, h, b]) => req(p.method, p.path, s, h, p.method === 'GET' || p.method === 'HEAD' ? undefined : b)), beoeStyle)
  })
})

describe('hostile input: envisionme', () => {
  const S = 'fam-envisionme'
  const token = 'envisionme-demo-token'

  it('GET /job, /jobs/{nid}, /term, /debug_token: every filter wrong', async () => {
    const auth = fc.oneof(fc.constant({}), authValue(`Bearer ${token}`).map((a) => ({ authorization: a })))
    const access = fc.oneof(fc.constant(token), text)
    const calls = fc.oneof(
      queryArb(['access_token', 'count', 'company_uid', 'limit', 'province', 'mxit', 'nids', 'search', 'status', 'skip', 'uid'], { access_token: access, nids: fc.constantFrom('{2,3}', '{}', '{', '{a}', '{99999999999999999999}') }).map((q) => `/envisionme/job${q}`),
      fc.tuple(fc.oneof(fc.integer().map(String), text.map(pct)), queryArb(['access_token'], { access_token: access })).map(([nid, q]) => `/envisionme/jobs/${nid}${q}`),
      queryArb(['access_token', 'q', 'vid', 'limit', 'skip', 'orderBy', 'asc'], { access_token: access }).map((q) => `/envisionme/term${q}`),
      queryArb(['input_token'], { input_token: access }).map((q) => `/envisionme/debug_token${q}`),
    )
    await family('envisionme', 250, fc.tuple(session(S), calls, headersWith(auth)).map(([s, p, h]) => req('GET', p, s, h)), envisionmeStyle)
  })

  it('the OAuth dialog and the code exchange: bad clients, URIs, states, forms and codes', async () => {
    const uri = fc.oneof(fc.constant('http://localhost:3000/callback'), text)
    const authorize = queryArb(['client_id', 'redirect_uri', 'state', 'response_type'], { client_id: fc.oneof(fc.constant('10'), text), redirect_uri: uri }).map((q) => ({ method: 'GET', path: `/envisionme/oauth/authorize${q}`, body: undefined as Body | undefined }))
    const dialog = formBody(['dialog', 'decision', 'username', 'password'], { decision: fc.constantFrom('allow', 'cancel') }).map((b) => ({ method: 'POST', path: '/envisionme/oauth/authorize', body: b as Body | undefined }))
    const names = ['client_id', 'redirect_uri', 'client_secret', 'code']
    const exchange = fc
      .tuple(queryArb(names, { client_id: fc.constant('10'), redirect_uri: uri, client_secret: fc.constant('xyz123') }), fc.oneof(fc.constant(undefined), formBody(names), jsonBody(fc.constant({ client_id: 10, redirect_uri: 'http://localhost:3000/callback', client_secret: 'xyz123', code: 'abc' }), names)))
      .map(([q, b]) => ({ method: 'POST', path: `/envisionme/oauth/access_token${q}`, body: b }))
    await family('envisionme', 250, fc.tuple(session(S), fc.oneof(authorize, dialog, exchange), headersWith(fc.constant({}))).map(([s, c, h]) => req(c.method, c.path, s, h, c.body)), envisionmeStyle)
  })

  it('billing and the payment page: charges, amounts, URLs and ids of every kind', async () => {
    const charge = ['client_id', 'gateway_mode', 'amount', 'internal_id', 'first_name', 'last_name', 'email', 'return_url', 'cancel_url']
    const good = { client_id: '1212', gateway_mode: '0', amount: '200.50', internal_id: '1', first_name: 'A', last_name: 'B', email: 'a@example.com', return_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/no' }
    const amount = fc.oneof(fc.constantFrom('200.50', '0', '-1', '1e5', '999999999.99', '1234567890', '0.001', '1,00', '.5', '200.13'), number.map(String), text)
    const calls = fc.oneof(
      fc.tuple(queryArb(charge, { client_id: fc.constant('1212'), amount }), fc.oneof(fc.constant(undefined), formBody(charge, { amount }), jsonBody(fc.constant(good), charge))).map(([q, b]) => ({ method: 'POST', path: `/envisionme/charge${q}`, body: b as Body | undefined })),
      fc.tuple(queryArb(['client_id', 'first_name', 'last_name', 'company', 'email']), fc.oneof(fc.constant(undefined), jsonBody(fc.constant({ client_id: '1212', first_name: 'a', last_name: 'b', company: 'c', email: 'a@example.com' }), ['client_id', 'email', 'company']))).map(([q, b]) => ({ method: 'POST', path: `/envisionme/register-client${q}`, body: b as Body | undefined })),
      queryArb(['client_id', 'charge_id'], { client_id: fc.constant('1212'), charge_id: fc.oneof(fc.constant('1070'), text) }).map((q) => ({ method: 'GET', path: `/envisionme/charge${q}`, body: undefined as Body | undefined })),
      fc.tuple(fc.oneof(fc.constantFrom('1070', '1071', '0', '-1', '99999999999999999999', '1e3', '%ZZ'), text.map(pct)), fc.constantFrom('GET', 'POST'), formBody(['decision'], { decision: fc.constantFrom('pay', 'cancel') })).map(([id, m, b]) => ({ method: m, path: `/envisionme/callback/payfast/form_redirect/${id}`, body: m === 'POST' ? (b as Body | undefined) : undefined })),
    )
    await family('envisionme', 250, fc.tuple(session(S), calls, headersWith(fc.constant({}))).map(([s, c, h]) => req(c.method, c.path, s, h, c.body)), envisionmeStyle)
  })

  it('any other method and path under /envisionme', async () => {
    await family('envisionme', 80, fc.tuple(strayPath('/envisionme'), session(S), headersWith(fc.constant({}))).map(([p, s, h]) => req(p.method, p.path, s, h)), envisionmeStyle)
  })
})

describe('hostile input: DAS', () => {
  const S = 'fam-das'
  let token = ''
  beforeAll(async () => {
    const res = await client.send({ method: 'POST', path: '/__sandbox/das/tokens', headers: { 'content-type': 'application/json', 'x-sandbox-session': S }, body: Buffer.from('{"permissions":"StoreApprenticeshipEvent ReadApprenticeshipEvent StoreAgreementEvent ReadAgreementEvent StoreAccountEvent ReadAccountEvent WriteGenericEvent ReadGenericEvent"}') })
    token = (jsonOf(res) as { token: string }).token
  })
  const auth = () => fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 5, arbitrary: authValue(`Bearer ${token}`).map((a) => ({ authorization: a })) })
  const date = fc.oneof(fc.constantFrom('20160131000001', '20271231235959', '20260230000000', '00000000000000', '99999999999999', '2026-01-14', '2026011400000', '202601140000000'), text)
  const int = fc.oneof(fc.integer({ min: -3, max: 10001 }).map(String), number.map(String), text)

  it('every GET: dates, page sizes, event ids and types of every kind', async () => {
    const names = ['fromDate', 'toDate', 'pageSize', 'pageNumber', 'fromEventId', 'eventType', 'resourceType', 'resourceId', 'FROMDATE', 'pagesize']
    const routes = ['/api/events/apprenticeships', '/api/events/engagements', '/api/events/accounts', '/api/events/getSinceEvent', '/api/events/getByDateRange', '/api/events/getByResourceId', '/api/HealthCheck', '/api/events/apprenticeships/', '/API/EVENTS/ACCOUNTS']
    await family(
      'das',
      250,
      fc.tuple(session(S), fc.constantFrom(...routes), queryArb(names, { fromDate: date, toDate: date, pageSize: int, pageNumber: int, fromEventId: int }), headersWith(auth())).map(([s, r, q, h]) => req('GET', `/das${r}${q}`, s, h)),
      dasStyle,
    )
  })

  it('every POST: events with wrong types, missing and extra fields, bad JSON and bad dates', async () => {
    const apprenticeship = fc.record({
      event: fc.oneof(fc.constant('An event'), text),
      apprenticeshipId: fc.oneof(fc.constant(444), value),
      paymentStatus: fc.oneof(fc.constant('active'), value),
      trainingType: fc.oneof(fc.constantFrom('framework', 1, 2, 0, -1, 99), value),
      employerAccountId: fc.oneof(fc.constant('2222'), value),
      trainingStartDate: fc.oneof(fc.constantFrom('2017-01-31T00:00:00', '2017-02-30T00:00:00', '0001-01-01', '9999-12-31T23:59:59.9999999', '2017-01-31T00:00:00+25:00'), value),
      trainingTotalCost: fc.oneof(fc.constant(123.45), value),
      priceHistory: fc.oneof(fc.constant([]), fc.array(fc.record({ totalCost: value, effectiveFrom: value }), { maxLength: 2 }), value),
    })
    const keys = ['event', 'apprenticeshipId', 'paymentStatus', 'trainingType', 'employerAccountId', 'trainingStartDate', 'trainingTotalCost', 'priceHistory', 'transferApprovalStatus', 'dateOfBirth']
    const bulk = fc.array(apprenticeship, { maxLength: 4 }).map((list) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(list)) }) as Body)
    const calls = fc.oneof(
      jsonBody(apprenticeship, keys).map((b) => ({ path: '/api/events/apprenticeships', body: b })),
      fc.oneof(bulk, jsonBody(apprenticeship, keys)).map((b) => ({ path: '/api/events/apprenticeships/bulk', body: b })),
      jsonBody(fc.record({ event: fc.constant('Initiated'), providerId: value, contractType: fc.oneof(fc.constant('ProviderAgreement'), value) }), ['event', 'providerId', 'contractType']).map((b) => ({ path: '/api/events/engagements/', body: b })),
      jsonBody(fc.record({ event: fc.constant('Initiated'), resourceUri: value }), ['event', 'resourceUri']).map((b) => ({ path: '/api/events/accounts', body: b })),
      jsonBody(fc.record({ type: fc.oneof(fc.constant('MyEvent'), value), payload: value, resourceType: value, resourceId: value, id: value, createdOn: value }), ['type', 'payload', 'id', 'createdOn']).map((b) => ({ path: '/api/events/create', body: b })),
    )
    await family('das', 300, fc.tuple(session(S), calls, headersWith(auth())).map(([s, c, h]) => req('POST', `/das${c.path}`, s, h, c.body)), dasStyle)
  })

  it('any other method and path under /das', async () => {
    await family('das', 80, fc.tuple(strayPath('/das'), session(S), headersWith(auth())).map(([p, s, h]) => req(p.method, p.path, s, h)), dasStyle)
  })
})

describe('hostile input: Cordell (SOAP 1.2)', () => {
  const S = 'fam-cordell'
  const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope'
  const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/'
  const NS = 'http://www.cordell.com.au/Costing/'
  let token = ''
  beforeAll(async () => {
    const res = await client.send({ method: 'POST', path: '/cordell/Costing/Login', headers: { 'content-type': 'application/json', 'x-sandbox-session': S }, body: Buffer.from('{"UserName":"qs","Password":"pass"}') })
    token = (jsonOf(res) as { AccessToken: string }).AccessToken
  })
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const METHODS = { GetDataSet: ['COMPLETESET'], GetCategories: ['COMPLETESET'], GetCategoryEntriesWithItems: ['DATASET', 'COMPLETESET'], GetItemCostingById: ['ITEMCODE', 'DATASETID', 'REGIONID'] } as const
  const URLS = ['/Costing', '/Costing/GetDataset/', '/Costing/GetCategories/', '/Costing/GetCategoryEntriesWithItems/', '/Projects/GetItemCostingById/', '/costing/getdataset', '/COSTING']

  /** A well-formed call with hostile parameter values, then (often) one structural mutation. */
  const envelope = fc
    .record({
      method: fc.constantFrom(...(Object.keys(METHODS) as (keyof typeof METHODS)[]), 'GetNothing'),
      values: fc.array(fc.oneof(fc.constantFrom('1', '2', '0', '-1', '2147483648', ' 1 ', '1.0', ''), text), { minLength: 3, maxLength: 3 }),
      raw: fc.boolean(),
      tokenIn: fc.constantFrom('header', 'none', 'garbage'),
      garbage: text,
      mutation: fc.constantFrom('none', 'none', 'none', 'truncate', 'doctype', 'entity', 'charref', 'soap11', 'nobody', 'twomethods', 'wrongns', 'unclosed', 'prefix', 'deep', 'bom', 'utf16', 'pi', 'cdata', 'comment', 'text', 'nil', 'attrs', 'dupparam', 'manyelements', 'badutf8'),
      cut: fc.nat(),
    })
    .map((e) => {
      const params = e.method in METHODS ? METHODS[e.method as keyof typeof METHODS] : ['X']
      const inner = params.map((p, i) => `<${p}>${e.raw ? e.values[i]! : esc(e.values[i]!)}</${p}>`).join('')
      const tok = e.tokenIn === 'header' ? token : e.tokenIn === 'garbage' ? esc(e.garbage) : undefined
      const header = tok === undefined ? '' : `<s:Header><AuthHeader xmlns="${NS}"><AccessToken>${tok}</AccessToken></AuthHeader></s:Header>`
      let op = `<${e.method} xmlns="${NS}">${inner}</${e.method}>`
      let xml = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP12}">${header}<s:Body>${op}</s:Body></s:Envelope>`
      switch (e.mutation) {
        case 'truncate': xml = xml.slice(0, e.cut % xml.length); break
        case 'doctype': xml = xml.replace('?>', '?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>').replace(inner, `<DATASET>&x;</DATASET>`); break
        case 'entity': xml = xml.replace(inner, '<DATASET>&undefined;&lol9;</DATASET>'); break
        case 'charref': xml = xml.replace(inner, '<DATASET>&#0;&#x110000;&#xFFFFFFFFFF;&#55296;&#x;&#;</DATASET>'); break
        case 'soap11': xml = xml.replaceAll(SOAP12, SOAP11); break
        case 'nobody': xml = xml.replace(/<s:Body>.*<\/s:Body>/, ''); break
        case 'twomethods': xml = xml.replace(op, op + op); break
        case 'wrongns': xml = xml.replace(`xmlns="${NS}">${inner}`, `xmlns="urn:other">${inner}`); break
        case 'unclosed': xml = xml.replace('</s:Body>', ''); break
        case 'prefix': xml = xml.replace(op, (op = `<x:${e.method}>${inner}</x:${e.method}>`)); break
        case 'deep': xml = xml.replace(inner, '<a>'.repeat(200) + '</a>'.repeat(200)); break
        case 'bom': xml = '\ufeff' + xml; break
        case 'utf16': xml = xml.replace('utf-8', 'utf-16'); break
        case 'pi': xml = xml.replace('<s:Body>', '<s:Body><?php system("id") ?>'); break
        case 'cdata': xml = xml.replace(inner, `<DATASET><![CDATA[${e.garbage}]]></DATASET>`); break
        case 'comment': xml = xml.replace('<s:Body>', '<s:Body><!-- -- -->'); break
        case 'text': xml = xml.replace('<s:Body>', `<s:Body>${esc(e.garbage)}x`); break
        case 'nil': xml = xml.replace(inner, `<DATASET xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`); break
        case 'attrs': xml = xml.replace('<s:Body>', `<s:Body a="1" a="2" ${esc(e.garbage).replace(/[\s"'=<>/]/g, '')}=x>`); break
        case 'dupparam': xml = xml.replace(inner, inner + inner); break
        case 'manyelements': xml = xml.replace(inner, '<i/>'.repeat(30_000)); break
      }
      const bytes = Buffer.from(xml)
      if (e.mutation === 'badutf8') return Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.from([0xff, 0xc0, 0xaf]), bytes.subarray(bytes.length >> 1)])
      return bytes
    })
  const soapType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/soap+xml; charset=utf-8') },
    { weight: 2, arbitrary: fc.constantFrom(...Object.keys(METHODS)).map((m) => `application/soap+xml; charset=utf-8; action="${NS}${m}"`) },
    { weight: 1, arbitrary: contentType('application/soap+xml') },
    { weight: 1, arbitrary: text.map((t) => `application/soap+xml; action="${t.replace(/[^\x20-\x7e]/g, '')}"`) },
  )

  it('SOAP calls: hostile parameters, malformed XML, DTDs and entities, wrong envelopes and encodings', async () => {
    const accept = fc.oneof(fc.constant({}), fc.constantFrom('application/json', 'application/soap+xml', '*/*').map((a) => ({ accept: a })))
    await family(
      'cordell',
      300,
      fc.tuple(session(S), fc.constantFrom(...URLS), envelope, soapType, headersWith(accept)).map(([s, url, bytes, type, h]) => req('POST', `/cordell${url}`, s, h, { type, bytes })),
      cordellStyle,
    )
  })

  it('the login, the WSDL and any other method or path', async () => {
    const login = fc.oneof(jsonBody(fc.constant({ UserName: 'qs', Password: 'pass' }), ['UserName', 'Password', 'user']), formBody(['UserName', 'Password'])).map((b) => ({ method: 'POST', path: '/cordell/Costing/Login', body: b as Body | undefined }))
    const other = fc.oneof(strayPath('/cordell'), queryArb(['wsdl', 'singleWsdl', 'xsd']).map((q) => ({ method: 'GET', path: `/cordell/Costing${q}` }))).map((p) => ({ ...p, body: undefined as Body | undefined }))
    await family('cordell', 150, fc.tuple(session(S), fc.oneof(login, other), headersWith(fc.constant({}))).map(([s, c, h]) => req(c.method, c.path, s, h, c.body)), cordellStyle)
  })
})

describe('hostile input: Apna', () => {
  it('every method and path under /apna is its 404', async () => {
    await family('apna', 60, fc.tuple(strayPath('/apna'), session('fam-apna'), headersWith(fc.constant({}))).map(([p, s, h]) => req(p.method, p.path, s, h)), apnaStyle)
  })
})

describe('hostile input: control API', () => {
  const S = 'fam-control'
  const controlHeaders = headersWith(fc.constant({}))

  it('the core calls: clock, reset, requests, faults, sessions, timeline, state, docs', async () => {
    const clockBody = jsonBody(
      fc.record({ advance: fc.oneof(fc.constantFrom('1s', '61m', '0ms', '1000y', '99999999999999d', '1h30m', '-5s', '1.5h'), value), set: fc.oneof(fc.constantFrom('2026-01-15T09:00:00+05:00', '2026-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z'), value), frozen: value }, { requiredKeys: [] }),
      ['advance', 'set', 'frozen'],
    )
    const faultBody = jsonBody(
      fc.record({ partner: fc.oneof(fc.constantFrom('beoe', 'das', 'nobody'), value), path: value, method: value, times: value, probability: value, respond: fc.oneof(fc.record({ status: fc.oneof(fc.integer({ min: 0, max: 700 }), value), body: value, headers: fc.dictionary(text, text, { maxKeys: 2 }) }), value), delay: fc.oneof(fc.constantFrom('1ms', ['1ms', '2ms'], ['2ms', '1ms'], '2h', '30d'), value), drop: value, truncate: value, headers: fc.dictionary(text, text, { maxKeys: 2 }) }, { requiredKeys: [] }),
      ['partner', 'respond', 'delay', 'drop', 'id'],
    )
    const calls = fc.oneof(
      clockBody.map((b) => ({ method: 'POST', path: '/clock', body: b as Body | undefined })),
      faultBody.map((b) => ({ method: 'POST', path: '/faults', body: b as Body | undefined })),
      fc.tuple(fc.constantFrom('GET', 'DELETE'), queryArb(['partner', 'method', 'path', 'status', 'refused', 'limit', 'session'], { limit: fc.oneof(fc.integer().map(String), text) })).map(([m, q]) => ({ method: m, path: `/requests${q}`, body: undefined as Body | undefined })),
      fc.tuple(fc.constantFrom('/requests/', '/faults/', '/sessions/'), fc.oneof(fc.integer().map(String), text.map(pct), fc.constantFrom('%ZZ', '99999999999999999999'))).map(([p, id]) => ({ method: p === '/requests/' ? 'GET' : 'DELETE', path: `${p}${id}`, body: undefined as Body | undefined })),
      fc.tuple(fc.constantFrom('/health', '/clock', '/timeline', '/state', '/faults', '/sessions', '/scenario', '/openapi.json', '/docs', '/reset', '/ui', '/nothing'), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), queryArb(['session', 'x'])).map(([p, m, q]) => ({ method: p === '/sessions' && m === 'DELETE' ? 'GET' : m, path: `${p}${q}`, body: undefined as Body | undefined })),
    )
    // The session is always this family's own: a valid fault rule added here must never reach another
    // family's requests, and is removed after each case.
    await family(
      'control',
      300,
      fc.tuple(calls, controlHeaders).map(([c, h]) => [req(c.method, `/__sandbox${c.path}`, { header: S, prefix: '' }, h, c.body), req('DELETE', '/__sandbox/faults', { header: S, prefix: '' })]),
      controlStyle,
    )
  })

  it('PUT /scenario: broken YAML and JSON, wrong types, huge numbers, bad durations and dates', async () => {
    const base = fc.record(
      {
        name: text,
        seed: fc.oneof(fc.integer({ min: 0, max: 10 }), value),
        clock: fc.oneof(fc.record({ start: fc.oneof(fc.constant('2026-01-14T11:00:00Z'), text), frozen: value }), value),
        partners: fc.oneof(
          fc.record({
            beoe: fc.oneof(fc.record({ jobs: fc.oneof(fc.record({ generate: fc.oneof(fc.integer({ min: 0, max: 500 }), value) }), value), tokenTtl: fc.oneof(fc.constantFrom('1h', '1000y', '99999999999999d', '-1h'), value), privateKey: fc.oneof(fc.constantFrom('/etc/passwd', '../../../../etc/shadow', 'file:///etc/passwd', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'), value) }, { requiredKeys: [] }), value),
            das: fc.oneof(fc.record({ signingKey: value, clockSkew: value, apprenticeships: fc.oneof(fc.record({ generate: fc.oneof(fc.integer({ min: 0, max: 50 }), value) }), value) }, { requiredKeys: [] }), value),
            cordell: fc.oneof(fc.record({ users: value, regions: value, itemsPerEntry: fc.oneof(fc.integer({ min: 0, max: 4 }), value) }, { requiredKeys: [] }), value),
            envisionme: fc.oneof(fc.record({ clients: value, loginDialog: value, codeTtl: value }, { requiredKeys: [] }), value),
            // Apna's target only ever names a closed loopback port: nothing leaves this machine.
            apna: fc.record({ target: fc.record({ url: fc.constantFrom('http://127.0.0.1:9/x', 'not a url', 'ftp://127.0.0.1:9/'), auth: value }, { requiredKeys: ['url'] }), rate: value, retry: value }, { requiredKeys: [] }),
          }, { requiredKeys: [] }),
          value,
        ),
        faults: fc.oneof(fc.array(fc.record({ partner: value, respond: value, delay: value }, { requiredKeys: [] }), { maxLength: 2 }), value),
        timeline: fc.oneof(fc.array(fc.record({ at: fc.oneof(fc.constantFrom('+1h', '+99999999999d', '2026-02-30T00:00:00Z'), value), do: fc.oneof(fc.constantFrom('apna.push', 'beoe.addJobs', 'nobody.nothing', 'das.addEvents'), value), with: value }, { requiredKeys: [] }), { maxLength: 2 }), value),
        limits: fc.oneof(fc.record({ sessions: value, journal: value }, { requiredKeys: [] }), value),
        listen: value,
      },
      { requiredKeys: [] },
    )
    const keys = ['name', 'seed', 'clock', 'partners', 'faults', 'timeline', 'limits', 'listen']
    const yamlBroken = fc.constantFrom('a: [', 'a: &a [*a, *a]', '!!js/function "x"', 'seed: !!binary AAAA', '? [a]\n: b', '---\n---\n', 'name: "\\ud800"', 'x: *undefined', '%YAML 9.9\n---\n{}', '\t- tab', 'partners: {beoe: {jobs: {generate: 1e400}}}').map((s) => ({ type: 'application/yaml', bytes: Buffer.from(s) }) as Body)
    const body = fc.oneof({ weight: 4, arbitrary: jsonBody(base, keys) }, { weight: 1, arbitrary: yamlBroken })
    // Only ever this session: a valid scenario here must not reach another family's requests.
    await family(
      'control',
      150,
      fc.tuple(body, controlHeaders, queryArb(['apply'], { apply: fc.constantFrom('session', 'x', '') })).map(([b, h, q]) => [req('PUT', `/__sandbox/scenario${q.replace(/apply=all/gi, 'apply=x')}`, { header: 'fam-scenario', prefix: '' }, h, b), req('POST', '/__sandbox/reset', { header: 'fam-scenario', prefix: '' })]),
      controlStyle,
    )
  })

  it("each partner's control calls", async () => {
    const calls: fc.Arbitrary<{ method: string; path: string; body?: Body }> = fc.oneof(
      fc.oneof(fc.integer().map(String), text.map(pct)).map((id) => ({ method: 'GET', path: `/beoe/jobs/${id}` })),
      jsonBody(fc.record({ count: fc.oneof(fc.integer({ min: 0, max: 20 }), value), records: fc.oneof(fc.array(fc.record({ id: value, job_title: value, posts: value }, { requiredKeys: [] }), { maxLength: 2 }), value) }, { requiredKeys: [] }), ['count', 'records']).map((body) => ({ method: 'POST', path: '/beoe/jobs', body })),
      jsonBody(fc.record({ ids: fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), value), oldest: value, newest: value }, { requiredKeys: [] }), ['ids', 'oldest', 'newest']).map((body) => ({ method: 'POST', path: '/beoe/jobs/remove', body })),
      jsonBody(fc.record({ username: value, uid: value, clientId: value }, { requiredKeys: [] }), ['username', 'uid', 'clientId']).map((body) => ({ method: 'POST', path: '/envisionme/tokens', body })),
      fc.tuple(fc.oneof(fc.constantFrom('1070', '0', '99999999999999999999'), text.map(pct)), jsonBody(fc.record({ status: fc.oneof(fc.constantFrom('ok', 'failed'), value) }), ['status'])).map(([id, body]) => ({ method: 'POST', path: `/envisionme/charges/${id}/settle`, body })),
      jsonBody(fc.record({ permissions: fc.oneof(fc.constant(['ReadGenericEvent']), value), expiresIn: fc.oneof(fc.constantFrom('1h', '1000y', '99999999999999d', '-1s'), value), audience: value, issuer: value }, { requiredKeys: [] }), ['permissions', 'expiresIn']).map((body) => ({ method: 'POST', path: '/das/tokens', body })),
      jsonBody(fc.record({ op: fc.oneof(fc.constantFrom('add', 'modify', 'delete'), value), table: fc.oneof(fc.constantFrom('items', 'prices', 'entries', 'datasets'), value), id: value, count: fc.oneof(fc.integer({ min: 0, max: 5 }), value), dataset: value, values: value, changes: value }, { requiredKeys: [] }), ['op', 'table', 'id', 'count', 'values']).map((body) => ({ method: 'POST', path: '/cordell/changes', body })),
      fc.tuple(fc.constantFrom('/cordell/audit', '/cordell/downloads', '/apna/deliveries', '/das/streams', '/beoe/jobs', '/envisionme/charges', '/beoe/public-key', '/apna/target'), fc.constantFrom('GET', 'DELETE'), queryArb(['user', 'method', 'limit', 'state', 'wait', 'payload'], { wait: fc.constantFrom('0s', '10ms', '1000y', '-1s') })).map(([p, m, q]) => ({ method: m, path: `${p}${q}` })),
      jsonBody(fc.record({ url: fc.constantFrom('http://127.0.0.1:9/x', 'not a url', 'javascript:alert(1)', 'http://127.0.0.1:99999/', ''), auth: fc.oneof(fc.record({ type: fc.constantFrom('none', 'basic', 'bearer', 'header', 'x'), token: value, name: value, value: value, username: value, password: value }, { requiredKeys: ['type'] }), value), headers: fc.oneof(fc.dictionary(text, text, { maxKeys: 2 }), value) }, { requiredKeys: [] }), ['auth', 'headers', 'timeout']).map((body) => ({ method: 'PUT', path: '/apna/target', body })),
      jsonBody(fc.record({ count: fc.oneof(fc.integer({ min: -1, max: 3 }), value), candidates: value, overrides: value, omit: value, invalid: fc.oneof(fc.constantFrom('missing_field', 'malformed_json', 'x'), value), field: value }, { requiredKeys: [] }), ['count', 'candidates', 'overrides', 'omit', 'invalid']).map((body) => ({ method: 'POST', path: '/apna/applications', body })),
      jsonBody(fc.record({ rate: fc.oneof(fc.constantFrom(0, 1, 100, 101, -1), value), for: fc.oneof(fc.constantFrom('1s', '1000y', '99999999999999d'), value) }, { requiredKeys: [] }), ['rate', 'for']).map((body) => ({ method: 'POST', path: '/apna/stream', body })),
      fc.oneof(fc.constantFrom('d-000001', 'd-1', 'd-9999999999', 'x', '%ZZ'), text.map(pct)).chain((id) => fc.constantFrom({ method: 'GET', path: `/apna/deliveries/${id}` }, { method: 'POST', path: `/apna/deliveries/${id}/redeliver` })),
    )
    // Apna's target in this session is only ever a closed loopback port (or refused), so pushes go nowhere.
    await family('control', 300, fc.tuple(calls, controlHeaders).map(([c, h]) => req(c.method, `/__sandbox${c.path}`, { header: 'fam-partner-control', prefix: '' }, h, c.body)), controlStyle)
  })
})

describe('hostile input: enormous bodies and headers, deep nesting', () => {
  const targets = [
    { path: '/beoe/api/login', type: 'application/json', style: beoeStyle },
    { path: '/envisionme/charge', type: 'application/json', style: envisionmeStyle },
    { path: '/das/api/events/apprenticeships/bulk', type: 'application/json', style: dasStyle },
    { path: '/cordell/Costing', type: 'application/soap+xml', style: cordellStyle },
    { path: '/__sandbox/scenario', type: 'application/json', style: controlStyle, method: 'PUT' },
    { path: '/__sandbox/apna/applications', type: 'application/json', style: controlStyle },
    { path: '/__sandbox/faults', type: 'application/json', style: controlStyle },
  ]
  // Each shape is bounded under 2 MB; over 1 MiB must be a 413 in the partner's place, under it a 4xx.
  const shapes: Record<string, (type: string) => Buffer> = {
    'over 1 MiB': () => Buffer.alloc(1_100_000 + 300_000, 'a'),
    'just under 1 MiB of JSON': () => Buffer.from(JSON.stringify({ a: 'x'.repeat(1024 * 1024 - 20) })),
    'deep JSON nesting': () => Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)),
    'deep object nesting': () => Buffer.from('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)),
    'wide JSON': () => Buffer.from(`[${'{},'.repeat(300_000)}{}]`),
    'deep XML': (type) => Buffer.from(type.includes('xml') ? `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</s:Body></s:Envelope>` : '{}'),
    'long YAML alias chain': () => Buffer.from(`a0: &a0 [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 20 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join('\n')}\n`),
  }
  const headerShapes: Record<string, () => Record<string, string>> = {
    'a 12 KB header': () => ({ 'x-big': 'h'.repeat(12_000) }),
    'a 40 KB header': () => ({ 'x-big': 'h'.repeat(40_000) }),
    '300 headers': () => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, String(i)])),
    'a 12 KB Authorization': () => ({ authorization: `Bearer ${'a'.repeat(12_000)}` }),
    'a 12 KB session id': () => ({ 'x-sandbox-session': 's'.repeat(12_000) }),
  }

  it('bodies over and near the limit, deep nesting, enormous headers', async () => {
    const arb = fc.tuple(fc.constantFrom(...targets), fc.oneof(fc.constantFrom(...Object.keys(shapes)).map((s) => ({ body: s })), fc.constantFrom(...Object.keys(headerShapes)).map((h) => ({ header: h }))))
    await family(
      'enormous',
      // Every pair once, roughly: 7 targets × 12 shapes.
      90,
      arb.map(([t, shape]) => ({
        method: t.method ?? 'POST',
        path: t.path,
        headers: { 'content-type': t.type, 'x-sandbox-session': 'fam-enormous', ...('header' in shape ? headerShapes[shape.header]!() : {}) },
        body: 'body' in shape ? shapes[shape.body]!(t.type) : Buffer.from('{}'),
      })),
      (res, r) => targets.find((t) => t.path === r.path)!.style(res, r),
    )
  })
})
