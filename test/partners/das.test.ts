import jwt from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { das } from '../../src/partners/das/index.js'

const KEY = 'a-test-signing-key-for-das'
const ISS = 'http://localhost:29638'
const AUD = 'http://localhost/events'
const START = '2026-01-14T16:00:00+05:00' // 11:00:00Z
const START_S = Date.parse(START) / 1000

const ALL = ['StoreApprenticeshipEvent', 'ReadApprenticeshipEvent', 'StoreAgreementEvent', 'ReadAgreementEvent', 'StoreAccountEvent', 'ReadAccountEvent', 'WriteGenericEvent', 'ReadGenericEvent']

/** Tokens made by jsonwebtoken itself, with times on the session clock (not the machine's). */
function token(data: string | undefined, claims: Record<string, unknown> = {}, key = KEY, options: jwt.SignOptions = {}): string {
  const payload: Record<string, unknown> = { iss: ISS, aud: AUD, nbf: START_S, exp: START_S + 3600, ...claims }
  if (data !== undefined) payload.data = data
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k]
  return jwt.sign(payload, key, { algorithm: 'HS256', noTimestamp: true, ...options })
}

const scenario = (das: Record<string, unknown> = {}) => ({
  name: 'das-test',
  seed: 7,
  clock: { start: START, frozen: true },
  partners: {
    das: {
      signingKey: KEY,
      issuer: ISS,
      audience: AUD,
      apprenticeships: { generate: 30 },
      engagements: { generate: 5 },
      accounts: { records: [{ event: 'AccountCreated', resourceUri: '/api/accounts/ABC123', createdOn: '2025-06-01T10:00:00Z' }] },
      generic: { generate: 12 },
      ...das,
    },
  },
})

let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({ partners: [das], scenario: scenario() })
})
afterAll(() => sb.close())

interface Call {
  method?: string
  token?: string
  authorization?: string
  body?: unknown
  session?: string
  contentType?: string
}
async function call(path: string, { method = 'GET', token: t, authorization, body, session = 'default', contentType = 'application/json' }: Call = {}) {
  const headers: Record<string, string> = { 'X-Sandbox-Session': session }
  if (authorization !== undefined) headers.authorization = authorization
  else if (t !== undefined) headers.authorization = `Bearer ${t}`
  if (body !== undefined) headers['content-type'] = contentType
  const res = await fetch(`${sb.url}/das${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, statusText: res.statusText, headers: res.headers, text: await res.text() }
}
const json = (r: { text: string }) => JSON.parse(r.text)
const control = (path: string, body: unknown, session = 'default') =>
  fetch(`${sb.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Sandbox-Session': session }, body: JSON.stringify(body) })

const DOC_EXAMPLE = {
  event: 'An event',
  apprenticeshipId: 444,
  paymentStatus: 'active',
  agreementStatus: 'agreed',
  providerId: '1111',
  learnerId: '9999',
  trainingType: 'framework',
  trainingId: '3333',
  employerAccountId: '2222',
  trainingStartDate: '2017-01-31T00:00:00',
  trainingEndDate: '2017-12-31T00:00:00',
  trainingTotalCost: 123.45,
}

describe('security (ApiKeyHandler + [Authorize(Roles)])', () => {
  const DENIED = '{"Message":"Authorization has been denied for this request."}'

  it('answers 401 with the Web API body without a token, and 400 with no body for a token that fails', async () => {
    const none = await call('/api/events/apprenticeships')
    expect(none.status).toBe(401)
    expect(none.text).toBe(DENIED)
    expect(sb.requests({ partner: 'das' }).at(-1)!.refusal).toMatch(/no Authorization header/)

    const cases: [string, string, string][] = [
      ['wrong key', `Bearer ${token('ReadApprenticeshipEvent', {}, 'some-other-key-entirely')}`, 'SecurityTokenInvalidSignatureException'],
      ['wrong audience', `Bearer ${token('ReadApprenticeshipEvent', { aud: 'http://elsewhere' })}`, 'SecurityTokenInvalidAudienceException'],
      ['wrong issuer', `Bearer ${token('ReadApprenticeshipEvent', { iss: 'http://elsewhere' })}`, 'SecurityTokenInvalidIssuerException'],
      ['alg none', `Bearer ${jwt.sign({ data: 'ReadApprenticeshipEvent', iss: ISS, aud: AUD, exp: START_S + 3600 }, '', { algorithm: 'none' })}`, 'SecurityTokenValidationException'],
      ['no data claim', `Bearer ${token(undefined)}`, 'NullReferenceException'],
      ['no exp', `Bearer ${token('ReadApprenticeshipEvent', { exp: undefined })}`, 'SecurityTokenNoExpirationException'],
      ['not yet valid', `Bearer ${token('ReadApprenticeshipEvent', { nbf: START_S + 600, exp: START_S + 3600 })}`, 'SecurityTokenNotYetValidException'],
      ['not a JWT', 'Bearer not.a.jwt', 'ArgumentException'],
      ['scheme only', 'Bearer', 'ArgumentOutOfRangeException'],
    ]
    for (const [name, authorization, exception] of cases) {
      const r = await call('/api/events/apprenticeships', { authorization })
      expect([name, r.status, r.text, r.statusText]).toEqual([name, 400, '', exception])
      expect(sb.requests({ partner: 'das' }).at(-1)!.refusal).toContain(exception)
    }
    // The handler runs on every route, HealthCheck included.
    expect((await call('/api/HealthCheck', { authorization: 'Bearer nope' })).status).toBe(400)
    expect(await call('/api/HealthCheck')).toMatchObject({ status: 200, text: '' })
  })

  it('lets each permission through exactly its own call, ignoring case and the scheme word', async () => {
    const calls: [string, string, string, unknown?][] = [
      ['ReadApprenticeshipEvent', 'GET', '/api/events/apprenticeships?pageSize=1'],
      ['StoreApprenticeshipEvent', 'POST', '/api/events/apprenticeships', DOC_EXAMPLE],
      ['StoreApprenticeshipEvent', 'POST', '/api/events/apprenticeships/bulk', [DOC_EXAMPLE]],
      ['ReadAgreementEvent', 'GET', '/api/events/engagements?pageSize=1'],
      ['StoreAgreementEvent', 'POST', '/api/events/engagements', { event: 'INITIATED', providerId: '1111', contractType: 'ProviderAgreement' }],
      ['ReadAccountEvent', 'GET', '/api/events/accounts?pageSize=1'],
      ['StoreAccountEvent', 'POST', '/api/events/accounts', { event: 'AccountCreated', resourceUri: '/api/accounts/X' }],
      ['WriteGenericEvent', 'POST', '/api/events/create', { type: 'T', payload: '{}' }],
      ['ReadGenericEvent', 'GET', '/api/events/getSinceEvent?eventType=T'],
    ]
    const session = 'permissions'
    for (const [permission, method, path, body] of calls) {
      const others = ALL.filter((p) => p !== permission).join(' ')
      const without = await call(path, { method, body, session, token: token(others) })
      expect([permission, without.status]).toEqual([permission, 401])
      const own = await call(path, { method, body, session, authorization: `whatever ${token(`Other ${permission.toLowerCase()}`)}` })
      expect([permission, own.status]).toEqual([permission, method === 'GET' ? 200 : 201])
    }
  })

  it('expires tokens on the session clock, with 5 minutes of skew', async () => {
    const session = 'expiry'
    const t = token('ReadAccountEvent') // exp = start + 1h
    expect((await call('/api/events/accounts', { token: t, session })).status).toBe(200)
    await control('/clock', { advance: '1h4m' }, session)
    expect((await call('/api/events/accounts', { token: t, session })).status).toBe(200)
    await control('/clock', { advance: '2m' }, session)
    const expired = await call('/api/events/accounts', { token: t, session })
    expect([expired.status, expired.text, expired.statusText]).toEqual([400, '', 'SecurityTokenExpiredException'])
    expect(sb.session(session).journal.list().at(-1)!.refusal).toMatch(/expired at 2026-01-14T12:00:00.000Z/)
  })

  it('mints tokens with POST /__sandbox/das/tokens that the service accepts until they expire', async () => {
    const session = 'minted'
    const res = await control('/das/tokens', { permissions: ['ReadAccountEvent', 'StoreAccountEvent'], expiresIn: '10m' }, session)
    expect(res.status).toBe(200)
    const minted = await res.json()
    expect(minted.authorization).toBe(`Bearer ${minted.token}`)
    const claims = jwt.verify(minted.token, KEY, { clockTimestamp: START_S }) as jwt.JwtPayload
    expect(claims).toEqual({ data: 'ReadAccountEvent StoreAccountEvent', roles: ['ReadAccountEvent', 'StoreAccountEvent'], iss: ISS, aud: AUD, nbf: START_S, exp: START_S + 600 })
    expect((await call('/api/events/accounts', { token: minted.token, session })).status).toBe(200)
    await control('/clock', { advance: '16m' }, session)
    expect((await call('/api/events/accounts', { token: minted.token, session })).status).toBe(400)

    const bad = await control('/das/tokens', { permissions: [] }, session)
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('invalid_request')
  })
})

describe('apprenticeship events', () => {
  const rw = token('ReadApprenticeshipEvent StoreApprenticeshipEvent')

  it('stores the document example and reads it back by id in the service\'s shape', async () => {
    const session = 'store-apprenticeship'
    const post = await call('/api/events/apprenticeships/', { method: 'POST', token: rw, body: DOC_EXAMPLE, session })
    expect(post.status).toBe(201)
    expect(post.text).toBe('null')
    expect(post.headers.get('location')).toBe(`${sb.url}/das/api/events/apprenticeships`)

    const got = await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session })
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8')
    // Exact bytes: field order, nulls, enum names ("agreed" is no AgreementStatus name, so the
    // StrictEnumConverter falls back to the first), decimals with the SQL scale, dates without a zone.
    expect(got.text).toBe(
      '[{"Id":31,"Event":"An event","CreatedOn":"2026-01-14T11:00:00","PaymentStatus":"Active","PausedOnDate":null,"StoppedOnDate":null,' +
        '"ApprenticeshipId":444,"AgreementStatus":"NotAgreed","ProviderId":"1111","LearnerId":"9999","EmployerAccountId":"2222",' +
        '"TrainingType":"Framework","TrainingId":"3333","TrainingStartDate":"2017-01-31T00:00:00","TrainingEndDate":"2017-12-31T00:00:00",' +
        '"TrainingTotalCost":123.45,"PaymentOrder":0,"LegalEntityId":null,"LegalEntityName":null,"LegalEntityOrganisationType":null,' +
        '"AccountLegalEntityPublicHashedId":null,"Type":"ApprenticeshipEventView","EffectiveFrom":null,"EffectiveTo":null,"DateOfBirth":null,' +
        '"PriceHistory":[],"TransferSenderId":null,"TransferSenderName":"","TransferApprovalStatus":null,"TransferApprovalActionedOn":null}]',
    )
  })

  it('binds member names ignoring case and writes decimals as .NET does', async () => {
    const session = 'binding'
    const body = { EVENT: 'X', EmployerAccountID: '1', TRAININGTOTALCOST: 3000, priceHistory: [{ totalCost: 2999.5, effectiveFrom: '2025-01-01T00:00:00Z' }], accountLegalEntityPublicHashedId: 'AB', transferApprovalStatus: 'transferapproved', transferSenderId: 9, transferSenderName: 'S', unknownThing: 1 }
    expect((await call('/api/events/apprenticeships', { method: 'POST', token: rw, body, session })).status).toBe(201)
    const [e] = json(await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session }))
    expect(e).toMatchObject({ Event: 'X', EmployerAccountId: '1', AccountLegalEntityPublicHashedId: 'AB    ', TransferApprovalStatus: 'TransferApproved', TransferSenderName: 'S' })
    const text = (await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session })).text
    expect(text).toContain('"TrainingTotalCost":3000.00,')
    expect(text).toContain('"PriceHistory":[{"TotalCost":3000.0,"EffectiveFrom":"2025-01-01T00:00:00","EffectiveTo":null}]')
  })

  it('reads trainingType numbers as the document says by default, and as the service does when asked', async () => {
    const session = 'numbers-document'
    for (const trainingType of [1, 2, '2', 'STANDARD', 0]) {
      await call('/api/events/apprenticeships', { method: 'POST', token: rw, body: { ...DOC_EXAMPLE, trainingType }, session })
    }
    const doc = json(await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session })).map((e: { TrainingType: string }) => e.TrainingType)
    expect(doc).toEqual(['Framework', 'Standard', 'Standard', 'Standard', 'Framework'])

    const service = await startSandbox({ partners: [das], scenario: scenario({ trainingTypeNumbers: 'service' }) })
    try {
      const post = (trainingType: unknown) =>
        fetch(`${service.url}/das/api/events/apprenticeships`, { method: 'POST', headers: { authorization: `Bearer ${rw}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...DOC_EXAMPLE, trainingType }) })
      for (const t of [0, 1, 2, 'framework']) expect((await post(t)).status).toBe(201)
      const res = await fetch(`${service.url}/das/api/events/apprenticeships?fromEventId=31`, { headers: { authorization: `Bearer ${rw}` } })
      expect((await res.json()).map((e: { TrainingType: string }) => e.TrainingType)).toEqual(['Framework', 'Standard', 'Framework', 'Framework'])
    } finally {
      await service.close()
    }
  })

  it('pages by event id: every event once, in id order, 1-based pages', async () => {
    const ids: number[] = []
    for (let page = 1; page <= 6; page++) {
      const r = json(await call(`/api/events/apprenticeships?fromEventId=1&pageSize=7&pageNumber=${page}`, { token: rw, session: 'paging' }))
      ids.push(...r.map((e: { Id: number }) => e.Id))
    }
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    const from = json(await call('/api/events/apprenticeships?fromEventId=25&pageSize=3&pageNumber=2', { token: rw, session: 'paging' }))
    expect(from.map((e: { Id: number }) => e.Id)).toEqual([28, 29, 30])
  })

  it('pages by date range: from inclusive, to exclusive, in CreatedOn order; fromEventId wins over dates', async () => {
    const session = 'dates'
    const all = json(await call('/api/events/apprenticeships', { token: rw, session }))
    expect(all).toHaveLength(30)
    const times = all.map((e: { CreatedOn: string }) => e.CreatedOn)
    expect([...times].sort()).toEqual(times)
    expect(times.at(-1) < '2026-01-14T00:00:00').toBe(true)
    const compact = (s: string) => s.replace(/[-T:]/g, '').slice(0, 14)
    const from = compact(times[10]!)
    const to = compact(times[15]!)
    const slice = json(await call(`/api/events/apprenticeships?fromDate=${from}&toDate=${to}`, { token: rw, session }))
    expect(slice.map((e: { Id: number }) => e.Id)).toEqual([11, 12, 13, 14, 15])
    const page2 = json(await call(`/api/events/apprenticeships?fromDate=${from}&toDate=${to}&pageSize=2&pageNumber=2`, { token: rw, session }))
    expect(page2.map((e: { Id: number }) => e.Id)).toEqual([13, 14])
    const none = json(await call('/api/events/apprenticeships?fromDate=20200101000000&toDate=20200102000000', { token: rw, session }))
    expect(none).toEqual([])
    const byId = json(await call('/api/events/apprenticeships?fromDate=20200101000000&toDate=20200102000000&fromEventId=28', { token: rw, session }))
    expect(byId.map((e: { Id: number }) => e.Id)).toEqual([28, 29, 30])
  })

  it('answers malformed paging parameters with 400 in the service\'s forms', async () => {
    const get = (q: string) => call(`/api/events/apprenticeships?${q}`, { token: rw, session: 'bad-params' })
    const cases: [string, string][] = [
      ['fromDate=2016-01-01', 'Bad date format String was not recognized as a valid DateTime.'],
      ['toDate=201612312359590', 'Bad date format String was not recognized as a valid DateTime.'],
      ['fromDate=20161331000000', 'Bad date format The DateTime represented by the string is not supported in calendar System.Globalization.GregorianCalendar.'],
      ['fromDate=abc&fromEventId=5', 'Bad date format String was not recognized as a valid DateTime.'],
      ['pageNumber=0', "Property Name: PageNumber\r\nError: 'Page Number' must be greater than or equal to '1'.\r\n"],
      ['pageSize=10001', "Property Name: PageSize\r\nError: 'Page Size' must be between 1 and 10000. You entered 10001.\r\n"],
      ['pageSize=0', "Property Name: PageSize\r\nError: 'Page Size' must be between 1 and 10000. You entered 0.\r\n"],
      ['fromEventId=-1', "Property Name: FromEventId\r\nError: 'From Event Id' must be greater than or equal to '0'.\r\n"],
      ['fromDate=20170101000000&toDate=20161231235959', "Property Name: FromDateTime\r\nError: 'From Date Time' must be less than or equal to '12/31/2016 11:59:59 PM'.\r\n"],
      ['pageNumber=0&pageSize=0', "Property Name: PageNumber\r\nError: 'Page Number' must be greater than or equal to '1'.\r\nProperty Name: PageSize\r\nError: 'Page Size' must be between 1 and 10000. You entered 0.\r\n"],
    ]
    for (const [q, expected] of cases) {
      const r = await get(q)
      expect([q, r.status, r.text]).toEqual([q, 400, expected])
      expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    }
    const notNumber = await get('pageSize=abc')
    expect(notNumber.status).toBe(400)
    expect(json(notNumber)).toEqual({ Message: 'The request is invalid.', ModelState: { 'query.pageSize': ["The value 'abc' is not valid for pageSize."] } })
    expect(sb.session('bad-params').journal.list().every((e) => e.refusal)).toBe(true)
  })

  it('stores a bulk array in order and validates each item', async () => {
    const session = 'bulk'
    const ok = await call('/api/events/apprenticeships/bulk', { method: 'POST', token: rw, session, body: [{ ...DOC_EXAMPLE, event: 'one' }, { ...DOC_EXAMPLE, event: 'two' }] })
    expect([ok.status, ok.text]).toEqual([201, 'null'])
    const stored = json(await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session }))
    expect(stored.map((e: { Id: number; Event: string }) => [e.Id, e.Event])).toEqual([[31, 'one'], [32, 'two']])

    const bad = await call('/api/events/apprenticeships/bulk', { method: 'POST', token: rw, session, body: [DOC_EXAMPLE, { ...DOC_EXAMPLE, transferSenderId: 5 }] })
    expect([bad.status, bad.text]).toEqual([400, "Property Name: ApprenticeshipEvents[1].TransferSenderName\r\nError: 'Transfer Sender Name' should not be empty if 'Transfer Sender Id' is specified\r\n"])
    const notArray = await call('/api/events/apprenticeships/bulk', { method: 'POST', token: rw, session, body: DOC_EXAMPLE })
    expect(notArray.status).toBe(400)
    expect(Object.keys(json(notArray).ModelState)).toEqual(['events'])
    expect(json(await call('/api/events/apprenticeships?fromEventId=33', { token: rw, session }))).toEqual([])
  })

  it('refuses bodies it cannot bind with 400 or 415, never 500', async () => {
    const session = 'bodies'
    const post = (body: unknown, contentType?: string) => call('/api/events/apprenticeships', { method: 'POST', token: rw, session, body, ...(contentType ? { contentType } : {}) })
    const badJson = await post('{"event": ')
    expect(badJson.status).toBe(400)
    expect(json(badJson).Message).toBe('The request is invalid.')
    const badDate = await post({ ...DOC_EXAMPLE, trainingStartDate: 'soon' })
    expect(json(badDate)).toEqual({ Message: 'The request is invalid.', ModelState: { 'request.trainingStartDate': ['Could not convert string to DateTime: soon.'] } })
    expect((await post({ ...DOC_EXAMPLE, apprenticeshipId: 1.5 })).status).toBe(400)
    expect((await post({ ...DOC_EXAMPLE, employerAccountId: null })).text).toBe("Property Name: EmployerAccountId\r\nError: 'Employer Account Id' must not be empty.\r\n")
    expect((await post(JSON.stringify(DOC_EXAMPLE), 'text/plain')).status).toBe(415)
    expect((await post('')).status).toBe(400)
    expect(json(await call('/api/events/apprenticeships?fromEventId=31', { token: rw, session }))).toEqual([])
  })
})

describe('engagements, accounts and generic events', () => {
  it('stores and reads provider agreement and account events, with their validators', async () => {
    const session = 'others'
    const t = token('ReadAgreementEvent StoreAgreementEvent ReadAccountEvent StoreAccountEvent')
    expect((await call('/api/events/engagements', { method: 'POST', token: t, session, body: { Event: 'Initiated', PROVIDERID: '1111', contractType: 'ProviderAgreement' } })).status).toBe(201)
    const agreements = await call('/api/events/engagements?fromEventId=6', { token: t, session })
    expect(agreements.text).toBe('[{"Id":6,"Event":"Initiated","CreatedOn":"2026-01-14T11:00:00","ProviderId":"1111","ContractType":"ProviderAgreement","Type":"AgreementEventView"}]')
    const missing = await call('/api/events/engagements', { method: 'POST', token: t, session, body: { event: '', contractType: 'x' } })
    expect(missing.text).toBe("Property Name: Event\r\nError: 'Event' should not be empty.\r\nProperty Name: ProviderId\r\nError: 'Provider Id' should not be empty.\r\n")

    const accounts = json(await call('/api/events/accounts', { token: t, session }))
    expect(accounts).toEqual([{ Id: 1, Event: 'AccountCreated', CreatedOn: '2025-06-01T10:00:00', ResourceUri: '/api/accounts/ABC123', Type: 'AccountEventView' }])
    await control('/clock', { advance: '90s' }, session)
    expect((await call('/api/events/accounts', { method: 'POST', token: t, session, body: { event: 'Renamed', resourceUri: '/api/accounts/XYZ' } })).status).toBe(201)
    const newer = json(await call('/api/events/accounts?fromDate=20260114110000', { token: t, session }))
    expect(newer).toEqual([{ Id: 2, Event: 'Renamed', CreatedOn: '2026-01-14T11:01:30', ResourceUri: '/api/accounts/XYZ', Type: 'AccountEventView' }])
    const noUri = await call('/api/events/accounts', { method: 'POST', token: t, session, body: { event: 'x' } })
    expect(noUri.text).toBe("Property Name: ResourceUri\r\nError: 'Resource Uri' should not be empty.\r\n")
  })

  it('creates generic events, echoing them, and finds them by type, date range and resource', async () => {
    const session = 'generic'
    const t = token('WriteGenericEvent ReadGenericEvent')
    const created = await call('/api/events/create', { method: 'POST', token: t, session, body: { type: 'MyEvent', payload: '{"a":1}', resourceType: 'Account', resourceId: 'ABC' } })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe('GetSinceEvent')
    expect(created.text).toBe('{"Id":0,"CreatedOn":"0001-01-01T00:00:00","Type":"MyEvent","Payload":"{\\"a\\":1}","ResourceType":"Account","ResourceId":"ABC"}')

    const since = json(await call('/api/events/getSinceEvent?eventType=myevent', { token: t, session }))
    expect(since).toEqual([{ Id: 13, CreatedOn: '2026-01-14T11:00:00', Type: 'MyEvent', Payload: '{"a":1}', ResourceType: 'Account', ResourceId: 'ABC' }])
    const generated = json(await call('/api/events/getSinceEvent?eventType=LevyDeclarationUpdatedEvent&fromEventId=1', { token: t, session }))
    expect(generated.length).toBeGreaterThan(0)
    expect(generated.every((e: { Type: string }) => e.Type === 'LevyDeclarationUpdatedEvent')).toBe(true)

    const range = json(await call('/api/events/getByDateRange?eventType=MyEvent&fromDate=20260114000000&toDate=20260115000000', { token: t, session }))
    expect(range.map((e: { Id: number }) => e.Id)).toEqual([13])
    const noDates = await call('/api/events/getByDateRange?eventType=MyEvent', { token: t, session })
    expect([noDates.status, noDates.text]).toEqual([400, 'Bad date format Value cannot be null.\r\nParameter name: s'])
    const byResource = json(await call('/api/events/getByResourceId?resourceType=account&resourceId=abc', { token: t, session }))
    expect(byResource.map((e: { Id: number }) => e.Id)).toEqual([13])
    expect(json(await call('/api/events/getByResourceId?resourceType=Account', { token: t, session }))).toEqual([])
    const noType = await call('/api/events/getSinceEvent', { token: t, session })
    expect([noType.status, noType.text]).toEqual([400, "Property Name: EventTypes\r\nError: 'Event Types' should not be empty.\r\n"])
    const invalid = await call('/api/events/create', { method: 'POST', token: t, session, body: { type: 'X' } })
    expect(invalid.text).toBe("Property Name: Payload\r\nError: 'Payload' should not be empty.\r\n")
  })
})

describe('the rest of the surface', () => {
  it('answers unknown paths with 404 and other methods with 405, in Web API\'s words', async () => {
    const missing = await call('/api/events/nothing')
    expect(missing.status).toBe(404)
    expect(json(missing)).toEqual({ Message: `No HTTP resource was found that matches the request URI '${sb.url}/das/api/events/nothing'.` })
    const put = await call('/api/events/accounts', { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST')
    expect(json(put)).toEqual({ Message: "The requested resource does not support http method 'PUT'." })
    expect((await call('/api/healthcheck')).status).toBe(200)
  })

  it('generates the same events for the same seed in every session', async () => {
    const t = token('ReadApprenticeshipEvent ReadGenericEvent')
    const a = await call('/api/events/apprenticeships', { token: t, session: 'same-a' })
    const b = await call('/api/events/apprenticeships', { token: t, session: 'same-b' })
    expect(a.text).toBe(b.text)
    const first = json(a)[0]
    expect(first).toMatchObject({ Id: 1, Type: 'ApprenticeshipEventView', ApprenticeshipId: 1000 })
    expect(Object.keys(first)).toHaveLength(30)
  })

  it('adds events from the timeline with das.addEvents', async () => {
    const timed = await startSandbox({ partners: [das], scenario: { ...scenario(), timeline: [{ at: '+1h', do: 'das.addEvents', with: { stream: 'accounts', count: 2 } }] } })
    try {
      const t = token('ReadAccountEvent', { exp: START_S + 7200 })
      const before = await (await fetch(`${timed.url}/das/api/events/accounts`, { headers: { authorization: `Bearer ${t}` } })).json()
      expect(before).toHaveLength(1)
      await fetch(`${timed.url}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"1h"}' })
      const after = await (await fetch(`${timed.url}/das/api/events/accounts`, { headers: { authorization: `Bearer ${t}` } })).json()
      expect(after.map((e: { Id: number; CreatedOn: string }) => [e.Id, e.CreatedOn])).toEqual([[1, '2025-06-01T10:00:00'], [2, '2026-01-14T12:00:00'], [3, '2026-01-14T12:00:00']])
    } finally {
      await timed.close()
    }
  })

  it('loads scenarios/das-ci.yaml: generated events first, then its records, and counts them', async () => {
    const ci = await startSandbox({ partners: [das], scenario: new URL('../../scenarios/das-ci.yaml', import.meta.url).pathname })
    try {
      const streams = await (await fetch(`${ci.url}/__sandbox/das/streams`)).json()
      expect(streams).toEqual({ streams: { apprenticeships: 201, engagements: 20, accounts: 1, generic: 30 }, generatedUntil: '2026-01-14T00:00:00.000Z' })
      const minted = await (await fetch(`${ci.url}/__sandbox/das/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"permissions":"ReadApprenticeshipEvent"}' })).json()
      const res = await fetch(`${ci.url}/das/api/events/apprenticeships?fromEventId=200`, { headers: { authorization: minted.authorization } })
      const events = await res.json()
      expect(events.map((e: { Id: number; CreatedOn: string }) => e.Id)).toEqual([200, 201])
      expect(events[1]).toMatchObject({ ApprenticeshipId: 444, TrainingType: 'Standard', AgreementStatus: 'BothAgreed', CreatedOn: '2026-01-14T08:30:00', TrainingTotalCost: 9000 })
      expect(events[0].CreatedOn < '2026-01-14T00:00:00').toBe(true)
    } finally {
      await ci.close()
    }
  })
})
