import { generateKeyPairSync } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { beoe } from '../../src/partners/beoe/index.js'
import { buildPools, jobAt, jobJson } from '../../src/partners/beoe/fixtures.js'
import { JobStore } from '../../src/partners/beoe/store.js'
import { links, phpJson } from '../../src/partners/beoe/views.js'

/** BE&OE Foreign Jobs (seed 000_33a71c25f32dbd6f) over a real socket. */

// One key for the sandboxes that are not about key generation, so each does not make its own.
const testKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

const LARAVEL_KEYS = ['current_page', 'data', 'first_page_url', 'from', 'last_page', 'last_page_url', 'links', 'next_page_url', 'path', 'per_page', 'prev_page_url', 'to', 'total']

function client(sb: RunningSandbox, session: string) {
  const base = `${sb.url}/beoe`
  const h = { 'X-Sandbox-Session': session }
  return {
    base,
    login: (body: unknown = { email: 'user@beoe.com', password: '123456' }) =>
      fetch(`${base}/api/login`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    token: async (): Promise<string> => {
      const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"email":"user@beoe.com","password":"123456"}' })
      expect(res.status).toBe(200)
      return ((await res.json()) as { success: { token: string } }).success.token
    },
    jobs: (token: string | undefined, query = '', headers: Record<string, string> = {}) =>
      fetch(`${base}/api/foreignjobs${query}`, {
        headers: { ...h, accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      }),
    clock: (body: unknown) =>
      fetch(`${sb.url}/__sandbox/clock`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    control: (path: string, init: RequestInit = {}) =>
      fetch(`${sb.url}/__sandbox/beoe${path}`, { ...init, headers: { ...h, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } }),
    journal: () => sb.session(session).journal.list({ partner: 'beoe' }),
  }
}

interface Page {
  current_page: number
  data: { id: number; [k: string]: unknown }[]
  per_page: string
  first_page_url: string
  last_page: number
  total: number
  from: number | null
  to: number | null
  next_page_url: string | null
  prev_page_url: string | null
  links: { url: string | null; label: string; active: boolean }[]
}

describe('BE&OE login and tokens', () => {
  let sb: RunningSandbox
  beforeAll(async () => {
    // No privateKey: the sandbox makes its own pair, as it does for `npm start`.
    sb = await startSandbox({ partners: [beoe], scenario: { seed: 7, clock: { start: '2026-01-14T10:00:00+05:00', frozen: true }, partners: { beoe: { jobs: { generate: 30 } } } } })
  })
  afterAll(() => sb.close())

  it('answers a JSON login with a Passport-style RS256 token that the public key verifies', async () => {
    const c = client(sb, 'login-json')
    const res = await c.login()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as { success: { token: string } }
    expect(Object.keys(body)).toEqual(['success'])
    const token = body.success.token
    // The document's example token starts with these bytes: {"typ":"JWT","alg":"RS256","jti":"
    expect(token.startsWith('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImp0aSI6I')).toBe(true)
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(Object.keys(header)).toEqual(['typ', 'alg', 'jti'])
    expect(header.jti).toMatch(/^[0-9a-f]{80}$/)

    const pem = await (await c.control('/public-key')).text()
    expect(pem).toContain('BEGIN PUBLIC KEY')
    const claims = jwt.verify(token, pem, { algorithms: ['RS256'], clockTimestamp: Date.parse('2026-01-14T05:00:00Z') / 1000 }) as jwt.JwtPayload
    expect(claims.jti).toBe(header.jti)
    expect(claims.exp! - claims.iat!).toBe(3600)
    expect(claims.iat).toBe(Date.parse('2026-01-14T05:00:00Z') / 1000)
    expect(claims.sub).toBe('1')
    // Tampering is caught by a real verifier.
    expect(() => jwt.verify(`${token.slice(0, -4)}AAAA`, pem, { algorithms: ['RS256'], ignoreExpiration: true })).toThrow()
  })

  it('takes a form body (urlencoded and multipart) and a numeric password, and makes a new token each time', async () => {
    const c = client(sb, 'login-form')
    const form = await fetch(`${c.base}/api/login`, {
      method: 'POST',
      headers: { 'X-Sandbox-Session': 'login-form' },
      body: new URLSearchParams({ email: 'USER@beoe.com', password: '123456' }),
    })
    expect(form.status).toBe(200)
    const fd = new FormData()
    fd.set('email', 'user@beoe.com')
    fd.set('password', '123456')
    const multipart = await fetch(`${c.base}/api/login`, { method: 'POST', headers: { 'X-Sandbox-Session': 'login-form' }, body: fd })
    expect(multipart.status).toBe(200)
    const numeric = await c.login({ email: 'user@beoe.com', password: 123456 })
    expect(numeric.status).toBe(200)
    const tokens = await Promise.all([form, multipart, numeric].map(async (r) => ((await r.json()) as { success: { token: string } }).success.token))
    expect(new Set(tokens).size).toBe(3)
    for (const t of tokens) expect((await c.jobs(t)).status).toBe(200)
  })

  it('refuses wrong or missing credentials with 401 {"error":"Unauthorised"} and records why', async () => {
    const c = client(sb, 'login-bad')
    const cases: [unknown, RegExp][] = [
      [{ email: 'user@beoe.com', password: 'wrong' }, /wrong password for user@beoe.com/],
      [{ email: 'nobody@beoe.com', password: '123456' }, /no user nobody@beoe.com/],
      [{ email: 'user@beoe.com' }, /missing: password/],
      [{}, /missing: email, password/],
      [{ email: { $ne: '' }, password: '123456' }, /email/],
      [['user@beoe.com', '123456'], /input/],
    ]
    for (const [body] of cases) {
      const res = await c.login(body)
      expect(res.status).toBe(401)
      expect(await res.text()).toBe('{"error":"Unauthorised"}')
    }
    const refusals = c.journal().map((e) => e.refusal)
    cases.forEach(([, why], i) => expect(refusals[i]).toMatch(why))
  })

  it('answers a body it cannot parse with 400, not 500', async () => {
    const res = await fetch(`${sb.url}/beoe/api/login`, { method: 'POST', headers: { 'X-Sandbox-Session': 'bad-json', 'content-type': 'application/json' }, body: '{"email":' })
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/Bad Request: Malformed JSON/)
  })

  it('expires a token after tokenTtl of session time (61 minutes later: 401 Unauthenticated.)', async () => {
    const c = client(sb, 'expiry')
    const token = await c.token()
    expect((await c.jobs(token)).status).toBe(200)
    await c.clock({ advance: '59m' })
    expect((await c.jobs(token)).status).toBe(200)
    await c.clock({ advance: '2m' })
    const res = await c.jobs(token)
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('{"message":"Unauthenticated."}')
    expect(c.journal().at(-1)!.refusal).toMatch(/token expired at 2026-01-14T06:00:00.000Z/)
    // A new login works again.
    expect((await c.jobs(await c.token())).status).toBe(200)
  })

  it('enforces the Authorization and Accept headers', async () => {
    const c = client(sb, 'headers')
    const token = await c.token()
    const other = await client(sb, 'headers-other').token()
    const unauth: [string | undefined, Record<string, string>, RegExp][] = [
      [undefined, {}, /no Authorization header/],
      [undefined, { authorization: `Basic ${token}` }, /not "Bearer <token>"/],
      ['not-a-jwt', {}, /not a JWT/],
      [other, {}, /not issued in this session/],
      [`${token.slice(0, token.lastIndexOf('.'))}.AAAA`, {}, /signature were changed/],
    ]
    for (const [t, headers] of unauth) {
      const res = await c.jobs(t, '', headers)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ message: 'Unauthenticated.' })
    }
    const noAccept = await fetch(`${c.base}/api/foreignjobs`, { headers: { 'X-Sandbox-Session': 'headers', authorization: `Bearer ${token}`, accept: '' } })
    expect(noAccept.status).toBe(400)
    expect((await noAccept.json()).error).toMatch(/Accept header is required/)
    const star = await c.jobs(token, '', { accept: '*/*' })
    expect(star.status).toBe(400)
    expect((await star.json()).error).toMatch(/Accept header must be application\/json/)
    const html = await c.jobs(token, '', { accept: 'text/html, application/json;q=0' })
    expect(html.status).toBe(400)
    expect((await c.jobs(token, '', { accept: 'text/plain, application/json; charset=utf-8' })).status).toBe(200)
    const refusals = c.journal().filter((e) => e.path === '/api/foreignjobs').map((e) => e.refusal)
    unauth.forEach(([, , why], i) => expect(refusals[i]).toMatch(why))
  })

  it('forgets tokens on reset, like a fresh oauth_access_tokens table', async () => {
    const c = client(sb, 'reset')
    const token = await c.token()
    expect((await c.jobs(token)).status).toBe(200)
    await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST', headers: { 'X-Sandbox-Session': 'reset' } })
    expect((await c.jobs(token)).status).toBe(401)
  })

  it('answers unknown paths and methods as Laravel does for a JSON client', async () => {
    const nope = await fetch(`${sb.url}/beoe/api/jobs`)
    expect(nope.status).toBe(404)
    expect(await nope.text()).toBe('{"message":"The route api\\/jobs could not be found."}')
    const get = await fetch(`${sb.url}/beoe/api/login`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })
})

describe('BE&OE foreign jobs pages', () => {
  let sb: RunningSandbox
  // Ten a page: for what does not need 25,000-row pages.
  let small: RunningSandbox
  beforeAll(async () => {
    const scenario = (beoe: Record<string, unknown>) => ({ seed: 42, clock: { start: '2026-01-14T10:00:00+05:00', frozen: true }, partners: { beoe: { privateKey: testKey, ...beoe } } })
    sb = await startSandbox({ partners: [beoe], scenario: scenario({ jobs: { generate: 60_001 } }) })
    small = await startSandbox({ partners: [beoe], scenario: scenario({ pageSize: 10, jobs: { generate: 35 } }) })
  })
  afterAll(async () => {
    await sb.close()
    await small.close()
  })

  it('pages through 60,001 jobs: every id exactly once, in order, 25,000 a page', async () => {
    const c = client(sb, 'paging')
    const token = await c.token()
    const seen = new Set<number>()
    let previous = 0
    let url: string | null = `${c.base}/api/foreignjobs`
    let pages = 0
    while (url) {
      const res: Response = await fetch(url, { headers: { 'X-Sandbox-Session': 'paging', accept: 'application/json', authorization: `Bearer ${token}` } })
      expect(res.status).toBe(200)
      const page = (await res.json()) as Page
      pages++
      expect(page.current_page).toBe(pages)
      expect(page.total).toBe(60_001)
      expect(page.last_page).toBe(3)
      // Checked in plain code, not an expect per row: 25,000 expects are slow enough to let the
      // keep-alive socket time out between pages.
      let ordered = true
      for (const job of page.data) {
        if (job.id <= previous) ordered = false
        previous = job.id
        seen.add(job.id)
      }
      expect(ordered).toBe(true)
      expect(page.from).toBe((pages - 1) * 25_000 + 1)
      expect(page.to).toBe(page.from! + page.data.length - 1)
      url = page.next_page_url
    }
    expect(pages).toBe(3)
    expect(seen.size).toBe(60_001)
    expect(Math.min(...seen)).toBe(147_669)
    expect(Math.max(...seen)).toBe(147_669 + 60_000)
    const past = await c.jobs(token, '?page=4')
    expect(past.status).toBe(404)
    expect(await past.json()).toEqual({ error: 'No record found.' })
    expect(c.journal().at(-1)!.refusal).toMatch(/page 4 is past the last page, 3/)
  })

  it('writes the whole Laravel paginator in its key order, per_page a string, slashes escaped', async () => {
    const c = client(sb, 'shape')
    const res = await c.jobs(await c.token(), '?page=3')
    const raw = await res.text()
    expect(raw).toContain('"per_page":"25000"')
    expect(raw).toContain(`"path":"${c.base.replace(/\//g, '\\/')}\\/api\\/foreignjobs"`)
    expect(raw).not.toMatch(/[^\\]\//)
    const page = JSON.parse(raw) as Page
    expect(Object.keys(page)).toEqual(LARAVEL_KEYS)
    expect(page.per_page).toBe('25000')
    expect(page.data).toHaveLength(10_001)
    expect(page.data[0]!.id).toBe(147_669 + 50_000)
    expect(page.data.at(-1)!.id).toBe(147_669 + 60_000)
    expect(page.next_page_url).toBeNull()
    expect(page.prev_page_url).toBe(`${c.base}/api/foreignjobs?page=2`)
    expect(page.links.map((l) => [l.label, l.active, l.url])).toEqual([
      ['&laquo; Previous', false, `${c.base}/api/foreignjobs?page=2`],
      ['1', false, `${c.base}/api/foreignjobs?page=1`],
      ['2', false, `${c.base}/api/foreignjobs?page=2`],
      ['3', true, `${c.base}/api/foreignjobs?page=3`],
      ['Next &raquo;', false, null],
    ])
    expect(Object.keys(page.data[0]!)).toEqual([
      'id', 'job_title', 'profession', 'country', 'city', 'employer', 'oep_name', 'oep_license_no', 'protectorate',
      'posts', 'salary', 'currency', 'advert_date', 'newspaper', 'closing_date', 'created_at', 'updated_at',
    ])
  })

  it('reads page=abc, page=0, page=-3, page=1.5 and page=05 as page 1, as Laravel does; a repeated page is the last', async () => {
    const c = client(small, 'page-param')
    const token = await c.token()
    for (const q of ['?page=abc', '?page=0', '?page=-3', '?page=1.5', '?page=05', '?page=', '?page=99999999999999999999', '?page=3&page=1']) {
      const page = (await (await c.jobs(token, q)).json()) as Page
      expect([q, page.current_page]).toEqual([q, 1])
    }
    expect(((await (await c.jobs(token, '?page=%202')).json()) as Page).current_page).toBe(2)
    expect(((await (await c.jobs(token, '?page=1&page=2')).json()) as Page).current_page).toBe(2)
  })

  it('keeps links and page URLs working behind the /__s/<id> session prefix', async () => {
    const token = await client(small, 'prefixed').token()
    const res = await fetch(`${small.url}/__s/prefixed/beoe/api/foreignjobs?page=2`, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } })
    const page = (await res.json()) as Page
    expect(page.next_page_url).toBe(`${small.url}/__s/prefixed/beoe/api/foreignjobs?page=3`)
    expect(page.per_page).toBe('10')
  })

  it('gives byte-identical data for the same seed in another sandbox', async () => {
    const a = (await (await client(small, 'same-a').jobs(await client(small, 'same-a').token(), '?page=2')).json()) as Page
    const other = await startSandbox({ partners: [beoe], scenario: { seed: 42, partners: { beoe: { privateKey: testKey, pageSize: 10, jobs: { generate: 35 } } } } })
    try {
      const b = (await (await client(other, 'same-b').jobs(await client(other, 'same-b').token(), '?page=2')).json()) as Page
      expect(b.data.map((j) => j.id)).toEqual(Array.from({ length: 10 }, (_, i) => 147_679 + i))
      expect(JSON.stringify(b.data)).toBe(JSON.stringify(a.data))
    } finally {
      await other.close()
    }
  })
})

describe('BE&OE job data', () => {
  it('serialises a row straight to the same JSON as the object, and the same for the same seed', () => {
    const pools = buildPools(5, '2026-01-14')
    const again = buildPools(5, '2026-01-14')
    for (let id = 1; id < 3000; id += 7) {
      const text = jobJson(pools, id)
      expect(JSON.parse(text)).toEqual(jobAt(pools, id))
      expect(text).toBe(phpJson(jobAt(pools, id)))
      expect(jobJson(again, id)).toBe(text)
    }
    expect(jobJson(buildPools(6, '2026-01-14'), 100)).not.toBe(jobJson(pools, 100))
  })

  it('generates adverts that look like BE&OE demands', () => {
    const pools = buildPools(1, '2026-01-14')
    for (let id = 147_669; id < 147_669 + 500; id++) {
      const job = jobAt(pools, id)
      expect(job.oep_license_no).toMatch(/^\d{4}\/[A-Z]{3}$/)
      expect(job.advert_date <= '2026-01-14').toBe(true)
      expect(job.closing_date > job.advert_date).toBe(true)
      expect(job.posts).toBeGreaterThan(0)
      expect(job.salary).toBeGreaterThan(0)
      expect(job.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000000Z$/)
    }
  })

  it('escapes like json_encode: slashes and non-ASCII', () => {
    expect(phpJson({ a: 'http://x/y', b: 'Doha – Lusail', c: '😀' })).toBe('{"a":"http:\\/\\/x\\/y","b":"Doha \\u2013 Lusail","c":"\\ud83d\\ude00"}')
  })

  it("builds Laravel's link window for 40 pages", () => {
    const labels = (p: number) => links(p, 40, (n) => String(n)).map((l) => l.label).slice(1, -1)
    expect(labels(1)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '...', '39', '40'])
    expect(labels(20)).toEqual(['1', '2', '...', '17', '18', '19', '20', '21', '22', '23', '...', '39', '40'])
    expect(labels(40)).toEqual(['1', '2', '...', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40'])
    expect(labels(8)).toEqual(['1', '2', '...', '5', '6', '7', '8', '9', '10', '11', '...', '39', '40'])
    expect(links(1, 13, String).map((l) => l.label).slice(1, -1)).toHaveLength(13)
  })

  it('pages a store with removals and additions as the filtered list would', () => {
    const pools = buildPools(3, '2026-01-14')
    const store = new JobStore(pools, { generate: 1000, idStart: 10, records: [{ id: 5, job_title: 'Early' }, { job_title: 'Late' }] })
    const expected = [5, ...Array.from({ length: 1000 }, (_, i) => 10 + i), 1010]
    expect([...store.ids(0, 5000)]).toEqual(expected)
    expect(store.remove({ ids: [5, 500, 501, 777], oldest: 3, newest: 2 })).toEqual({ removed: 9 })
    // The ids go first, then the oldest and newest of what is left.
    const left = expected.filter((id) => ![5, 500, 501, 777, 10, 11, 12, 1009, 1010].includes(id))
    expect(store.total).toBe(left.length)
    for (const [start, count] of [[0, 7], [480, 30], [760, 40], [985, 50]] as const) {
      expect([...store.ids(start, count)]).toEqual(left.slice(start, start + count))
    }
    store.add({ count: 3, records: [{ job_title: 'New' }] })
    expect([...store.ids(store.total - 4, 10)]).toEqual([1011, 1012, 1013, 1014])
    expect(store.job(1014)!.job_title).toBe('New')
    expect(() => store.add({ records: [{ id: 500 }] })).toThrow(/exists/)
    expect(() => store.remove({ ids: [5] })).toThrow(/no job with id 5/)
  })
})

describe('BE&OE schedule', () => {
  const scenario = (schedule: unknown, start: string) => ({
    clock: { start, frozen: true },
    partners: { beoe: { privateKey: testKey, schedule, jobs: { generate: 10 } } },
  })

  it('answers 503 before 09:00 in Karachi and 200 once the clock crosses into the window', async () => {
    // 03:59 UTC is 08:59 in Karachi (UTC+5): the UTC day and hour say nothing about the window.
    const sb = await startSandbox({
      partners: [beoe],
      scenario: scenario({ timezone: 'Asia/Karachi', open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] }, '2026-01-14T03:59:00Z'),
    })
    try {
      const c = client(sb, 'karachi')
      const closed = await c.login()
      expect(closed.status).toBe(503)
      expect(closed.headers.get('retry-after')).toBe('60')
      const body = await closed.json()
      expect(body.error).toBe('Not accessible.')
      expect(body.opens_at).toBe('2026-01-14T09:00:00+05:00')
      expect(body.message).toMatch(/mon, tue, wed, thu, fri 09:00-17:00 \(Asia\/Karachi\).*opens next at 2026-01-14T09:00:00\+05:00/)
      expect(c.journal()[0]!.refusal).toMatch(/outside the schedule at 2026-01-14T08:59:00\+05:00/)
      await c.clock({ advance: '1m' })
      const token = await c.token()
      expect((await c.jobs(token)).status).toBe(200)
      // 17:00 local is 12:00 UTC: the list closes with the window, even for a valid token.
      await c.clock({ set: '2026-01-14T12:00:00Z' })
      const after = await c.jobs(token)
      expect(after.status).toBe(503)
      expect((await after.json()).opens_at).toBe('2026-01-15T09:00:00+05:00')
    } finally {
      await sb.close()
    }
  })

  it('opens on Monday in Auckland while it is still Sunday in UTC, and skips closed dates', async () => {
    const sb = await startSandbox({
      partners: [beoe],
      scenario: scenario(
        { timezone: 'Pacific/Auckland', open: [{ days: ['mon'], from: '08:00', to: '10:00' }, { days: ['tue'], from: '22:00', to: '02:00' }], closed: ['2026-01-26'] },
        // Sunday 18 January 2026, 18:30 UTC = Monday 07:30 NZDT (UTC+13).
        '2026-01-18T18:30:00Z',
      ),
    })
    try {
      const c = client(sb, 'auckland')
      const early = await c.login()
      expect(early.status).toBe(503)
      expect((await early.json()).opens_at).toBe('2026-01-19T08:00:00+13:00')
      await c.clock({ advance: '30m' })
      expect((await c.login()).status).toBe(200)
      // Monday 10:00 NZDT: closed until the overnight window Tuesday 22:00.
      await c.clock({ set: '2026-01-18T21:00:00Z' })
      expect((await (await c.login()).json()).opens_at).toBe('2026-01-20T22:00:00+13:00')
      // Wednesday 01:30 NZDT still belongs to Tuesday's overnight window.
      await c.clock({ set: '2026-01-20T12:30:00Z' })
      expect((await c.login()).status).toBe(200)
      // Monday 26 January is closed: the next opening after Wednesday is Tuesday 27 January 22:00.
      await c.clock({ set: '2026-01-20T14:00:00Z' })
      const res = await c.login()
      expect(res.status).toBe(503)
      expect((await res.json()).opens_at).toBe('2026-01-27T22:00:00+13:00')
    } finally {
      await sb.close()
    }
  })

  it('ships scenarios/beoe-closed.yaml: closed on Saturday, open 42 hours later on Monday 09:00', async () => {
    const sb = await startSandbox({ partners: [beoe], scenario: 'scenarios/beoe-closed.yaml' })
    try {
      const c = client(sb, 'closed-file')
      const res = await c.jobs(undefined)
      expect(res.status).toBe(503)
      expect((await res.json()).opens_at).toBe('2026-01-19T09:00:00+05:00')
      await c.clock({ advance: '42h' })
      const page = (await (await c.jobs(await c.token())).json()) as Page
      expect(page.total).toBe(303)
    } finally {
      await sb.close()
    }
  })
})

describe('BE&OE records, timeline and control', () => {
  it('mixes inline records with generated jobs by id, and adds/removes jobs on the timeline', async () => {
    const sb = await startSandbox({
      partners: [beoe],
      scenario: {
        clock: { start: '2026-01-14T10:00:00+05:00', frozen: true },
        partners: {
          beoe: {
            privateKey: testKey,
            tokenTtl: '1d',
            pageSize: 4,
            jobs: { generate: 5, idStart: 100, records: [{ id: 7, job_title: 'Driver/Cook', country: 'Qatar' }, { job_title: 'Welder' }] },
          },
        },
        timeline: [
          { at: '+1h', do: 'beoe.addJobs', with: { count: 2, records: [{ job_title: 'Nurse' }] } },
          { at: '+2h', do: 'beoe.removeJobs', with: { ids: [7], oldest: 1 } },
        ],
      },
    })
    try {
      const c = client(sb, 'timeline')
      const token = await c.token()
      const ids = async () => {
        const out: number[] = []
        for (let p = 1; ; p++) {
          const res = await c.jobs(token, `?page=${p}`)
          if (res.status === 404) return out
          expect([p, res.status, res.status === 200 ? '' : await res.text()]).toEqual([p, 200, ''])
          out.push(...((await res.json()) as Page).data.map((j) => j.id))
        }
      }
      expect(await ids()).toEqual([7, 100, 101, 102, 103, 104, 105])
      const first = (await (await c.jobs(token)).json()) as Page
      expect(first.data[0]).toMatchObject({ id: 7, job_title: 'Driver/Cook', country: 'Qatar' })
      expect(first.data[0]!.oep_license_no).toMatch(/\//)
      await c.clock({ advance: '1h' })
      expect(await ids()).toEqual([7, 100, 101, 102, 103, 104, 105, 106, 107, 108])
      await c.clock({ advance: '1h' })
      expect(await ids()).toEqual([101, 102, 103, 104, 105, 106, 107, 108])
      const summary = await (await c.control('/jobs')).json()
      expect(summary).toMatchObject({ total: 8, firstId: 101, lastId: 108, perPage: 4, lastPage: 2 })
      const added = await c.control('/jobs', { method: 'POST', body: JSON.stringify({ count: 1 }) })
      expect(added.status).toBe(201)
      expect((await added.json()).added).toEqual([109])
      const missing = await c.control('/jobs/remove', { method: 'POST', body: JSON.stringify({ ids: [7] }) })
      expect(missing.status).toBe(404)
      expect((await c.control('/jobs/109')).status).toBe(200)
    } finally {
      await sb.close()
    }
  })

  it('answers 404 when there are no jobs at all', async () => {
    const sb = await startSandbox({ partners: [beoe], scenario: { partners: { beoe: { privateKey: testKey, jobs: { generate: 0 } } } } })
    try {
      const c = client(sb, 'empty')
      const res = await c.jobs(await c.token())
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'No record found.' })
    } finally {
      await sb.close()
    }
  })

  it('refuses a scenario whose pieces do not fit, saying where', async () => {
    await expect(
      startSandbox({ partners: [beoe], scenario: { partners: { beoe: { jobs: { generate: 10, records: [{ id: 147_670 }] }, schedule: { timezone: 'Mars/Olympus', open: [{ from: '9:00', to: '17:00' }] } } } } }),
    ).rejects.toThrow(/^(?=[\s\S]*partners\.beoe\.jobs\.records\.0\.id: id 147670 is a generated job's)(?=[\s\S]*schedule\.timezone: not an IANA time zone)(?=[\s\S]*open\.0\.from: write a time of day)(?![\s\S]*cannot open at 24:00)/)
    await expect(startSandbox({ partners: [beoe], scenario: { timeline: [{ at: '+1h', do: 'beoe.removeJobs', with: {} }] } })).rejects.toThrow(/give ids, oldest or newest/)
    await expect(startSandbox({ partners: [beoe], scenario: { partners: { beoe: { privateKey: 'nope' } } } })).rejects.toThrow(/not an RSA private key/)
  })

  it('a cached page carries the URLs of the client that asks, and a changed list is never served from the cache', async () => {
    const sb = await startSandbox({ partners: [beoe], scenario: { seed: 3, partners: { beoe: { jobs: { generate: 30 }, pageSize: 10 } } } })
    try {
      const viaHeader = client(sb, 'cache-a')
      const first = (await (await viaHeader.jobs(await viaHeader.token(), '?page=2')).json()) as Page
      expect(first.first_page_url).toBe(`${sb.url}/beoe/api/foreignjobs?page=1`)
      // Another session by path prefix: same rows, its own URLs.
      const login = await fetch(`${sb.url}/__s/cache-b/beoe/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"user@beoe.com","password":"123456"}' })
      const token = ((await login.json()) as { success: { token: string } }).success.token
      const res = await fetch(`${sb.url}/__s/cache-b/beoe/api/foreignjobs?page=2`, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } })
      const second = (await res.json()) as Page
      expect(second.first_page_url).toBe(`${sb.url}/__s/cache-b/beoe/api/foreignjobs?page=1`)
      expect(second.data.map((j) => j.id)).toEqual(first.data.map((j) => j.id))
      // Session a's list changes: its page 2 is made afresh, session b's cached one is untouched.
      const removed = first.data[0]!.id
      expect((await viaHeader.control('/jobs/remove', { method: 'POST', body: JSON.stringify({ ids: [removed] }) })).status).toBeLessThan(300)
      const after = (await (await viaHeader.jobs(await viaHeader.token(), '?page=2')).json()) as Page
      expect(after.data.map((j) => j.id)).not.toContain(removed)
      expect(after.total).toBe(29)
      const untouched = await fetch(`${sb.url}/__s/cache-b/beoe/api/foreignjobs?page=2`, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } })
      expect(((await untouched.json()) as Page).data.map((j) => j.id)).toContain(removed)
    } finally {
      await sb.close()
    }
  })

  it('ships scenarios/beoe-large.yaml: 1,000,000 jobs, page 40 made without the pages before it', async () => {
    const sb = await startSandbox({ partners: [beoe], scenario: 'scenarios/beoe-large.yaml' })
    try {
      const c = client(sb, 'large')
      const page = (await (await c.jobs(await c.token(), '?page=40')).json()) as Page
      expect(page.total).toBe(1_000_000)
      expect(page.last_page).toBe(40)
      expect(page.data).toHaveLength(25_000)
      expect(page.data[0]!.id).toBe(147_669 + 975_000)
      expect(page.data.at(-1)!.id).toBe(147_669 + 999_999)
      // Only page 40 was serialised: the shared cache holds that one page and nothing else.
      const shared = sb.session('large').stateOf(beoe).shared
      expect(shared.pages.count).toBe(1)
    } finally {
      await sb.close()
    }
  })
})
