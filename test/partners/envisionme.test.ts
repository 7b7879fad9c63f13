import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { envisionme } from '../../src/partners/envisionme/index.js'
import { dialogIdOf, postForm, startCallback, type Callback } from './envisionme/support.js'

let cb: Callback
let sb: RunningSandbox
let base: string

const scenario = (callback: string, extra: Record<string, unknown> = {}) => ({
  name: 'envisionme-test',
  seed: 7,
  clock: { start: '2026-01-14T16:00:00+05:00', frozen: true },
  partners: {
    envisionme: {
      clients: [
        { clientId: 10, clientSecret: 'xyz123', name: 'Job Board <b>&</b>', redirectUris: [`${callback}/callback`, `${callback}/other?keep=1`] },
        { clientId: 11, clientSecret: 'eleven-secret', redirectUris: [`${callback}/eleven`] },
      ],
      users: [
        { username: 'demo', password: 'demo', uid: 2753, name: 'Demo <User>' },
        { username: 'thandi', password: 's3cret', uid: 3001 },
      ],
      tokens: [{ token: 'fixed-token-1', uid: 2753, clientId: 10 }],
      jobs: { generate: 60 },
      billing: { clients: [{ client_id: '1212', company: 'Acme <Shop>' }] },
      ...extra,
    },
  },
})

beforeAll(async () => {
  cb = await startCallback()
  sb = await startSandbox({ partners: [envisionme], scenario: scenario(cb.url) })
  base = `${sb.url}/envisionme`
})
afterAll(async () => {
  await sb?.close()
  await cb?.close()
})

/** Each test runs in a session of its own, so none sees another's logins, codes or charges. */
const S = (id: string) => ({ 'X-Sandbox-Session': id })
const get = (path: string, session: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { redirect: 'manual', headers: { ...S(session), ...headers } })
const authorizeUrl = (params: Record<string, string>) => `/oauth/authorize?${new URLSearchParams({ client_id: '10', redirect_uri: `${cb.url}/callback`, ...params })}`
const advance = (session: string, by: string) =>
  fetch(`${sb.url}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json', ...S(session) }, body: JSON.stringify({ advance: by }) })

/** Dialog → credentials → Allow: the 303 and the login cookie. */
async function allow(session: string, params: Record<string, string> = {}, user = { username: 'demo', password: 'demo' }) {
  const page = await get(authorizeUrl(params), session)
  expect(page.status).toBe(200)
  const res = await postForm(`${base}/oauth/authorize`, { dialog: dialogIdOf(await page.text()), decision: 'allow', ...user }, S(session))
  expect(res.status).toBe(303)
  return { location: res.headers.get('location')!, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! }
}

async function exchange(session: string, code: string, overrides: Record<string, string> = {}, via: 'query' | 'form' = 'query') {
  const params = { client_id: '10', redirect_uri: `${cb.url}/callback`, client_secret: 'xyz123', code, ...overrides }
  for (const [k, v] of Object.entries(overrides)) if (v === '') delete (params as Record<string, string>)[k]
  return via === 'query'
    ? fetch(`${base}/oauth/access_token?${new URLSearchParams(params)}`, { method: 'POST', redirect: 'manual', headers: S(session) })
    : postForm(`${base}/oauth/access_token`, params, S(session))
}

async function codeFor(session: string, params: Record<string, string> = {}) {
  const { location } = await allow(session, params)
  return new URL(location).searchParams.get('code')!
}

async function tokenFor(session: string) {
  const res = await exchange(session, await codeFor(session))
  return new URLSearchParams(await res.text()).get('access_token')!
}

describe('the Login Dialog', () => {
  it('refuses an unknown client or an unregistered redirect_uri with a 400 page, never a redirect', async () => {
    const cases: Record<string, string>[] = [
      { client_id: '99' },
      { redirect_uri: 'https://evil.example/callback' },
      { redirect_uri: `${cb.url}/callback/` }, // exact match: a trailing slash is another URI
      { redirect_uri: `${cb.url}/callback?next=https://evil.example` },
      { redirect_uri: `${cb.url}/CALLBACK` },
      { client_id: 'ten' },
      { redirect_uri: '' },
    ]
    for (const params of cases) {
      const res = await get(authorizeUrl(params), 'dlg-bad')
      expect(res.status, JSON.stringify(params)).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await res.text()).toMatch(/<h1>/)
    }
    const refusals = sb.session('dlg-bad').journal.list({ status: '400' }).map((e) => e.refusal)
    expect(refusals[1]).toMatch(/evil\.example.*not registered/)
  })

  it('is an accessible HTML form with labels, no script, and every shown value escaped', async () => {
    const res = await get(authorizeUrl({ state: '"><script>alert(1)</script>' }), 'dlg-html')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    const html = await res.text()
    expect(html).toMatch(/<html lang="en">/)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('Job Board &#60;b&#62;&#38;&#60;/b&#62;')
    for (const id of ['username', 'password']) {
      expect(html).toContain(`<label for="${id}">`)
      expect(html).toMatch(new RegExp(`<input id="${id}"[^>]*required`))
    }
    expect(html).toMatch(/<form method="post" action="[^"]+\/envisionme\/oauth\/authorize">/)
    expect(html).toMatch(/<button type="submit" name="decision" value="allow"/)
    // Cancel must work with the fields empty.
    expect(html).toMatch(/value="cancel" formnovalidate/)
  })

  it('Allow sends the browser back with a code and the state; a wrong password shows the form again', async () => {
    const page = await get(authorizeUrl({ state: 'xyz 123&' }), 'dlg-allow')
    const dialog = dialogIdOf(await page.text())
    const wrong = await postForm(`${base}/oauth/authorize`, { dialog, decision: 'allow', username: '<demo>', password: 'nope' }, S('dlg-allow'))
    expect(wrong.status).toBe(200)
    const again = await wrong.text()
    expect(again).toMatch(/role="alert"[^>]*>The username or password is incorrect/)
    expect(again).toContain('value="&#60;demo&#62;"')
    expect(again).toContain('aria-invalid="true"')
    expect(sb.session('dlg-allow').journal.list({ method: 'POST' })[0]!.refusal).toMatch(/login failed: no user named <demo>/)

    const ok = await postForm(`${base}/oauth/authorize`, { dialog, decision: 'allow', username: 'demo', password: 'demo' }, S('dlg-allow'))
    expect(ok.status).toBe(303)
    const to = new URL(ok.headers.get('location')!)
    expect(`${to.origin}${to.pathname}`).toBe(`${cb.url}/callback`)
    expect(to.searchParams.get('state')).toBe('xyz 123&')
    expect(to.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/)
    expect(ok.headers.get('set-cookie')).toMatch(/^envisionme_login=sid_[0-9a-f]+; Max-Age=2592000; Path=\/envisionme; HttpOnly; SameSite=Lax/)
    // The dialog is spent once it has answered.
    const reuse = await postForm(`${base}/oauth/authorize`, { dialog, decision: 'allow', username: 'demo', password: 'demo' }, S('dlg-allow'))
    expect(reuse.status).toBe(400)
  })

  it('keeps a query string the registered redirect_uri carries', async () => {
    const { location } = await allow('dlg-keep', { redirect_uri: `${cb.url}/other?keep=1`, state: 's' })
    expect(location).toMatch(new RegExp(`^${cb.url}/other\\?keep=1&code=[0-9a-f]{40}&state=s$`))
  })

  it('Cancel sends error=access_denied and the state back', async () => {
    const page = await get(authorizeUrl({ state: 'st8' }), 'dlg-cancel')
    const res = await postForm(`${base}/oauth/authorize`, { dialog: dialogIdOf(await page.text()), decision: 'cancel' }, S('dlg-cancel'))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`${cb.url}/callback?error=access_denied&state=st8`)
  })

  it('sends someone logged in who allowed the app before straight back; asks again for another app', async () => {
    const { cookie } = await allow('dlg-remember')
    const again = await get(authorizeUrl({ state: 'two' }), 'dlg-remember', { cookie })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toMatch(new RegExp(`^${cb.url}/callback\\?code=[0-9a-f]{40}&state=two$`))
    // Without the cookie, the dialog again.
    expect((await get(authorizeUrl({}), 'dlg-remember')).status).toBe(200)
    // Another app: logged in already, so only Allow / Cancel, naming the person.
    const other = await get(`/oauth/authorize?client_id=11&redirect_uri=${encodeURIComponent(`${cb.url}/eleven`)}`, 'dlg-remember', { cookie })
    expect(other.status).toBe(200)
    const html = await other.text()
    expect(html).toContain('You are logged in as <strong>Demo &#60;User&#62;</strong>')
    expect(html).not.toContain('id="password"')
    const res = await postForm(`${base}/oauth/authorize`, { dialog: dialogIdOf(html), decision: 'allow' }, { ...S('dlg-remember'), cookie })
    expect(res.headers.get('location')).toMatch(new RegExp(`^${cb.url}/eleven\\?code=`))
    // A cookie from one session means nothing in another.
    expect((await get(authorizeUrl({}), 'dlg-elsewhere', { cookie })).status).toBe(200)
  })

  it('forgets the login once loginTtl has passed on the session clock', async () => {
    const { cookie } = await allow('dlg-ttl')
    await advance('dlg-ttl', '30d')
    expect((await get(authorizeUrl({}), 'dlg-ttl', { cookie })).status).toBe(200)
  })

  it('response_type=token puts the access token in the fragment', async () => {
    const { location } = await allow('dlg-token', { response_type: 'token', state: 'abc' })
    const to = new URL(location)
    expect(to.search).toBe('')
    const fragment = new URLSearchParams(to.hash.slice(1))
    expect(fragment.get('state')).toBe('abc')
    const token = fragment.get('access_token')!
    expect(token).toMatch(/^EVM[0-9a-f]{48}$/)
    expect((await get(`/job?access_token=${token}&limit=1`, 'dlg-token')).status).toBe(200)
  })

  it('an unknown response_type goes back to the app as unsupported_response_type', async () => {
    const res = await get(authorizeUrl({ response_type: 'id_token', state: 'q' }), 'dlg-rt')
    expect(res.status).toBe(303)
    const to = new URL(res.headers.get('location')!)
    expect(to.searchParams.get('error')).toBe('unsupported_response_type')
    expect(to.searchParams.get('state')).toBe('q')
  })

  it('a dialog left open past an hour expires', async () => {
    const page = await get(authorizeUrl({}), 'dlg-old')
    await advance('dlg-old', '61m')
    const res = await postForm(`${base}/oauth/authorize`, { dialog: dialogIdOf(await page.text()), decision: 'allow', username: 'demo', password: 'demo' }, S('dlg-old'))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('This login form has expired')
  })
})

describe('exchanging the code', () => {
  it('answers 303 to redirect_uri?access_token=…&refresh_token=null with that body, from query or form', async () => {
    for (const via of ['query', 'form'] as const) {
      const res = await exchange(`x-ok-${via}`, await codeFor(`x-ok-${via}`), {}, via)
      expect(res.status).toBe(303)
      const body = await res.text()
      expect(body).toMatch(/^access_token=EVM[0-9a-f]{48}&refresh_token=null$/)
      expect(res.headers.get('location')).toBe(`${cb.url}/callback?${body}`)
      const token = new URLSearchParams(body).get('access_token')!
      const jobs = await get('/job?limit=1', `x-ok-${via}`, { authorization: `Bearer ${token}` })
      expect(jobs.status).toBe(200)
    }
  })

  it('a code is single-use; using it twice revokes the token it gave', async () => {
    const code = await codeFor('x-reuse')
    const first = await exchange('x-reuse', code)
    const token = new URLSearchParams(await first.text()).get('access_token')!
    const second = await exchange('x-reuse', code)
    expect(second.status).toBe(400)
    expect((await second.json()).error).toMatch(/exchanged already.*revoked/)
    const jobs = await get(`/job?access_token=${token}`, 'x-reuse')
    expect(jobs.status).toBe(401)
    expect((await jobs.json()).error).toMatch(/revoked/)
  })

  it('a code expires after codeTtl (10 minutes) on the session clock', async () => {
    const code = await codeFor('x-expire')
    await advance('x-expire', '10m')
    const res = await exchange('x-expire', code)
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/expired at 2026-01-14T11:10:00.000Z: codes last 10m/)
    // Just inside the window it still works.
    const fresh = await codeFor('x-expire')
    await advance('x-expire', '9m59s')
    expect((await exchange('x-expire', fresh)).status).toBe(303)
  })

  it('refuses a wrong or missing secret, a foreign code, a different redirect_uri and a made-up code, with reasons', async () => {
    const s = 'x-refuse'
    const code = await codeFor(s)
    const cases: [Record<string, string>, RegExp][] = [
      [{ client_secret: 'wrong' }, /not the secret of app 10/],
      [{ client_secret: '' }, /client_secret is required/],
      [{ client_id: '11', client_secret: 'eleven-secret', redirect_uri: `${cb.url}/eleven` }, /issued to another app/],
      [{ redirect_uri: `${cb.url}/other?keep=1` }, /exactly the one the code was issued for/],
      [{ code: 'deadbeef' }, /not issued by the Login Dialog/],
      [{ client_id: '77' }, /no app with client_id 77/],
      [{ code: '' }, /code is required/],
    ]
    for (const [overrides, message] of cases) {
      const res = await exchange(s, code, overrides)
      expect(res.status, JSON.stringify(overrides)).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect((await res.json()).error).toMatch(message)
    }
    // None of those used the code up.
    expect((await exchange(s, code)).status).toBe(303)
    const reasons = sb.session(s).journal.list({ path: '/oauth/access_token', status: '400' }).map((e) => e.refusal)
    expect(reasons).toHaveLength(cases.length)
    expect(reasons.every((r) => r && !r.startsWith('refused with'))).toBe(true)
  })

  it('the journal masks codes and tokens', async () => {
    const s = 'x-journal'
    const code = await codeFor(s)
    await exchange(s, code)
    const entry = sb.session(s).journal.list({ path: '/oauth/access_token' })[0]!
    expect(entry.url).not.toContain(code)
    expect(entry.responseHeaders.location).not.toMatch(/EVM[0-9a-f]{48}/)
  })
})

describe('token inspection (GET /debug_token)', () => {
  it('says who a token is for and which app made it', async () => {
    const token = await tokenFor('insp')
    const res = await get(`/debug_token?input_token=${token}`, 'insp')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      data: { app_id: 10, application: 'Job Board <b>&</b>', user_id: 2753, username: 'demo', type: 'USER', is_valid: true, issued_at: Date.parse('2026-01-14T11:00:00Z') / 1000, expires_at: 0 },
    })
    const unknown = await (await get('/debug_token?input_token=nope', 'insp')).json()
    expect(unknown.data.is_valid).toBe(false)
    expect((await get('/debug_token', 'insp')).status).toBe(400)
  })
})

describe('scenario modes', () => {
  it('auto-approve redirects at once for the autoUser; auto-deny at once with access_denied; tokenTtl expires tokens', async () => {
    const approve = await startSandbox({ partners: [envisionme], scenario: scenario(cb.url, { loginDialog: 'auto-approve', autoUser: 'thandi', tokenTtl: '1h' }) })
    const deny = await startSandbox({ partners: [envisionme], scenario: scenario(cb.url, { loginDialog: 'auto-deny', requireToken: false }) })
    try {
      const a = await fetch(`${approve.url}/envisionme${authorizeUrl({ state: 'ci' })}`, { redirect: 'manual' })
      expect(a.status).toBe(303)
      const code = new URL(a.headers.get('location')!).searchParams.get('code')!
      const ex = await fetch(`${approve.url}/envisionme/oauth/access_token?${new URLSearchParams({ client_id: '10', client_secret: 'xyz123', redirect_uri: `${cb.url}/callback`, code })}`, { method: 'POST', redirect: 'manual' })
      const token = new URLSearchParams(await ex.text()).get('access_token')!
      const info = await (await fetch(`${approve.url}/envisionme/debug_token?input_token=${token}`)).json()
      expect(info.data).toMatchObject({ user_id: 3001, is_valid: true, expires_at: Date.parse('2026-01-14T12:00:00Z') / 1000 })
      await approve.clock.advance(3_600_000)
      expect((await fetch(`${approve.url}/envisionme/job?access_token=${token}`)).status).toBe(401)

      const d = await fetch(`${deny.url}/envisionme${authorizeUrl({ state: 'ci' })}`, { redirect: 'manual' })
      expect(d.headers.get('location')).toBe(`${cb.url}/callback?error=access_denied&state=ci`)
      // Bad client: still the 400 page, whatever the mode.
      expect((await fetch(`${deny.url}/envisionme${authorizeUrl({ client_id: '5' })}`, { redirect: 'manual' })).status).toBe(400)
      // requireToken: false opens the data calls.
      expect((await fetch(`${deny.url}/envisionme/job`)).status).toBe(200)
    } finally {
      await approve.close()
      await deny.close()
    }
  })
})

describe('GET /job', () => {
  const T = 'access_token=fixed-token-1'
  const list = async (query: string, session = 'jobs') => {
    const res = await get(`/job?${T}&${query}`, session)
    expect(res.status, query).toBe(200)
    return res.json()
  }

  it('needs a token, from the query or a Bearer header', async () => {
    const none = await get('/job', 'jobs')
    expect(none.status).toBe(401)
    expect((await none.json()).error).toMatch(/access token/)
    expect((await get('/job', 'jobs', { authorization: 'Bearer nope' })).status).toBe(401)
    expect((await get('/job', 'jobs', { authorization: 'Bearer fixed-token-1' })).status).toBe(200)
  })

  it('lists ten active jobs by nid with the document\'s fields and types, the document\'s examples first', async () => {
    const res = await get(`/job?${T}`, 'jobs')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const jobs = await res.json()
    expect(jobs).toHaveLength(10)
    expect(jobs.map((j: { nid: number }) => j.nid)).toEqual([...jobs.map((j: { nid: number }) => j.nid)].sort((a, b) => a - b))
    expect(jobs[0]).toMatchObject({ nid: 1, title: 'ON HOLD Test Analyst', created: '1455919200000', salary_currency: 'ZAR', author_name: 'ACME Inc.' })
    expect(Object.keys(jobs[1])).toEqual(['nid', 'title', 'searchable_title', 'status', 'reference', 'type', 'position', 'created', 'uid', 'company_uid', 'author_name', 'company_logo', 'company_name', 'job_description', 'salary', 'city', 'province_name', 'country_name'])
    for (const j of jobs) {
      expect(j.status).toBe(1)
      expect(j.created).toMatch(/^\d{13}$/)
      expect(typeof j.salary).toBe('number')
      expect(j.searchable_title).toBe(j.title.toLowerCase())
      expect('mxit' in j).toBe(false)
    }
  })

  it('filters, pages and counts together', async () => {
    const all = await list('limit=1000')
    const expired = await list('status=1&limit=1000')
    expect(expired.length).toBeGreaterThan(0)
    expect(expired.every((j: { status: number }) => j.status === 0)).toBe(true)
    expect((await list('count=true')).count).toBe(all.length)
    expect((await list('count=true&status=1&limit=1&skip=3')).count).toBe(expired.length)

    const gauteng = await list('province=Gauteng&limit=1000')
    expect(gauteng.length).toBeGreaterThan(0)
    expect(gauteng.every((j: { province_name: string }) => j.province_name === 'Gauteng')).toBe(true)
    const cape = await list(`province=${encodeURIComponent('The Western Cape')}&limit=1000`)
    expect(cape.every((j: { province_name: string }) => j.province_name === 'The Western Cape')).toBe(true)

    const page2 = await list('limit=5&skip=5')
    expect(page2).toEqual(all.slice(5, 10))
    expect(await list('limit=0')).toEqual([])

    expect((await list('nids={2,3,4}')).map((j: { nid: number }) => j.nid)).toEqual(all.filter((j: { nid: number }) => [2, 3, 4].includes(j.nid)).map((j: { nid: number }) => j.nid))
    expect(await list('nids={}')).toEqual([])
    const mine = await list('uid=2753&limit=1000')
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((j: { uid: number }) => j.uid === 2753)).toBe(true)
    expect((await list('company_uid=2783&count=true')).count).toBe(all.filter((j: { company_uid: number }) => j.company_uid === 2783).length)
    // nid 2 is a document example for Mxit; nid 1 is not.
    const mxit = await list('mxit=true&limit=1000')
    expect(mxit.map((j: { nid: number }) => j.nid)).toContain(2)
    expect(mxit.map((j: { nid: number }) => j.nid)).not.toContain(1)
    expect((await list('mxit=false&count=true')).count + mxit.length).toBe(all.length)

    const tests = await list(`search=${encodeURIComponent('TEST analyst')}&limit=1000`)
    expect(tests.length).toBeGreaterThan(0)
    expect(tests.every((j: { searchable_title: string; job_description: string }) => /test/.test(`${j.searchable_title} ${j.job_description}`.toLowerCase()))).toBe(true)

    const combined = await list('province=Gauteng&mxit=false&limit=2&skip=1')
    expect(combined).toEqual(gauteng.filter((j: { nid: number }) => !mxit.some((m: { nid: number }) => m.nid === j.nid)).slice(1, 3))
  })

  it('refuses bad parameters with 400 and a reason', async () => {
    for (const [query, message] of [
      ['province=Western%20Cape', /province is one of: The Eastern Cape/],
      ['nids=2,3,4', /inside braces, like \{2,3,4\}/],
      ['limit=ten', /limit is a whole number/],
      ['limit=5000', /at most 1000/],
      ['status=2', /status is 0 \(active jobs\) or 1/],
      ['count=maybe', /count is true or false/],
      ['uid=-1', /uid is a whole number/],
    ] as const) {
      const res = await get(`/job?${T}&${query}`, 'jobs-bad')
      expect(res.status, query).toBe(400)
      expect((await res.json()).error).toMatch(message)
    }
  })

  it('GET /jobs/{nid}: one job, or 404', async () => {
    const one = await (await get(`/jobs/1?${T}`, 'jobs')).json()
    expect(one.title).toBe('ON HOLD Test Analyst')
    const missing = await get(`/jobs/9999?${T}`, 'jobs')
    expect(missing.status).toBe(404)
    expect((await missing.json()).error).toMatch(/no job with nid 9999/)
    expect((await get(`/jobs/abc?${T}`, 'jobs')).status).toBe(400)
    expect((await get('/jobs/1', 'jobs')).status).toBe(401)
  })

  it('is byte-identical for the same seed, and different for another', async () => {
    const other = await startSandbox({ partners: [envisionme], scenario: { ...scenario(cb.url), seed: 8 } })
    const same = await startSandbox({ partners: [envisionme], scenario: scenario(cb.url) })
    try {
      const q = `/envisionme/job?${T}&limit=30&skip=2`
      const a = await (await fetch(`${sb.url}${q}`)).text()
      expect(await (await fetch(`${same.url}${q}`)).text()).toBe(a)
      expect(await (await fetch(`${other.url}${q}`)).text()).not.toBe(a)
    } finally {
      await other.close()
      await same.close()
    }
  })

  it('the addJobs timeline action adds jobs after the last nid', async () => {
    const withStep = await startSandbox({
      partners: [envisionme],
      scenario: { ...scenario(cb.url), timeline: [{ at: '+1h', do: 'envisionme.addJobs', with: { count: 2, records: [{ title: 'Added Later', status: 1 }] } }] },
    })
    try {
      const count = async () => (await (await fetch(`${withStep.url}/envisionme/job?${T}&count=true&status=0`)).json()).count
      const before = await count()
      await withStep.clock.advance(3_600_000)
      const added = await (await fetch(`${withStep.url}/envisionme/jobs/63?${T}`)).json()
      expect(added.title).toBe('Added Later')
      expect(await count()).toBeGreaterThanOrEqual(before + 1)
    } finally {
      await withStep.close()
    }
  })
})

describe('GET /term', () => {
  const T = 'access_token=fixed-token-1'
  it('answers the document\'s Elasticsearch shape, best match first', async () => {
    const res = await get(`/term?${T}&q=test&vid=27`, 'terms')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ timed_out: false, _shards: { total: 1, successful: 1, failed: 0 } })
    expect(typeof body.took).toBe('number')
    const hits = body.hits.hits
    expect(hits.length).toBeGreaterThan(1)
    expect(hits.length).toBeLessThanOrEqual(10)
    expect(body.hits.total).toBeGreaterThanOrEqual(hits.length)
    expect(body.hits.max_score).toBe(hits[0]._score)
    const scores = hits.map((h: { _score: number }) => h._score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    const plan = hits.find((h: { _id: string }) => h._id === '40929')
    expect(plan).toEqual({
      _index: 'terms_v1',
      _type: 'term',
      _id: '40929',
      _score: plan._score,
      _source: { _id: 40929, name: 'Creating Test Plan', synonyms: ['Creating Test Plans'], tid: 40929, vid: 27 },
    })
    for (const h of hits) {
      expect(h._source.vid).toBe(27)
      expect(`${h._source.name} ${h._source.synonyms.join(' ')}`.toLowerCase()).toContain('test')
    }
    // A term named only by a synonym scores lower than one named by its name.
    const synonymOnly = await (await get(`/term?${T}&q=plans&vid=27`, 'terms')).json()
    expect(synonymOnly.hits.hits.map((h: { _id: string }) => h._id)).toContain('40929')
  })

  it('pages with limit and skip, and orders by name or tid without scores', async () => {
    const all = (await (await get(`/term?${T}&q=test&vid=27&limit=1000`, 'terms')).json()).hits
    const page = (await (await get(`/term?${T}&q=test&vid=27&limit=2&skip=1`, 'terms')).json()).hits
    expect(page.total).toBe(all.total)
    expect(page.hits).toEqual(all.hits.slice(1, 3))

    const byName = (await (await get(`/term?${T}&q=test&vid=27&orderBy=name&limit=1000`, 'terms')).json()).hits
    const names = byName.hits.map((h: { _source: { name: string } }) => h._source.name)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')))
    expect(byName.max_score).toBeNull()
    expect(byName.hits[0]._score).toBeNull()
    expect(byName.hits[0].sort).toEqual([names[0]])
    const byTidDesc = (await (await get(`/term?${T}&q=test&vid=27&orderBy=tid&asc=false&limit=1000`, 'terms')).json()).hits
    const tids = byTidDesc.hits.map((h: { _source: { tid: number } }) => h._source.tid)
    expect(tids).toEqual([...tids].sort((a, b) => b - a))
  })

  it('needs q and one of the twelve vids', async () => {
    for (const [query, message] of [
      ['vid=27', /q is required/],
      ['q=test', /vid is required/],
      ['q=test&vid=11', /vid is one of 33, 31, 10/],
      ['q=%20&vid=27', /q is required/],
      ['q=test&vid=27&orderBy=score', /orderBy is name or tid/],
    ] as const) {
      const res = await get(`/term?${T}&${query}`, 'terms')
      expect(res.status, query).toBe(400)
      expect((await res.json()).error).toMatch(message)
    }
    expect((await get('/term?q=test&vid=27', 'terms')).status).toBe(401)
  })
})

describe('billing', () => {
  const charge = (session: string, fields: Record<string, string> = {}) =>
    postForm(
      `${base}/charge`,
      {
        client_id: '1212',
        gateway_mode: '0',
        amount: '200.5',
        internal_id: '123',
        first_name: 'John',
        last_name: 'Smith',
        email: 'john@example.com',
        return_url: `${cb.url}/after-payment?order=9`,
        cancel_url: `${cb.url}/order-cancelled`,
        ...fields,
      },
      S(session),
    )
  const status = async (session: string, id: string, client = '1212') => get(`/charge?client_id=${client}&charge_id=${id}`, session)

  it('registers a client (JSON or form), then updates it; refuses a missing field in its own style', async () => {
    const fields = { client_id: '77', first_name: 'Peter', last_name: 'Smith', company: 'Envisionme Virtual Co. Pty Ltd', email: 'info@envisionme.co.za' }
    const first = await postForm(`${base}/register-client`, fields, S('bill-reg'))
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ response_code: ['101'], response_text: ['Client registered.'], client_id: ['77'] })
    const again = await fetch(`${base}/register-client`, { method: 'POST', headers: { 'content-type': 'application/json', ...S('bill-reg') }, body: JSON.stringify({ ...fields, client_id: 77 }) })
    expect((await again.json()).response_code).toEqual(['102'])
    const missing = await postForm(`${base}/register-client`, { ...fields, email: '' }, S('bill-reg'))
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ response_code: ['1000'], response_text: ['email is required'] })
    const badJson = await fetch(`${base}/register-client`, { method: 'POST', headers: { 'content-type': 'application/json', ...S('bill-reg') }, body: '{"client_id":' })
    expect(badJson.status).toBe(400)
  })

  it('creates a charge whose redirect is the payment page; Pay marks it paid and returns with charge_id', async () => {
    const s = 'bill-pay'
    const res = await charge(s)
    expect(res.status).toBe(200)
    const created = await res.json()
    expect(created).toEqual({
      response_code: ['100'],
      response_text: ['Subscription created.'],
      not_completed: [''],
      redirect: [`${base}/callback/payfast/form_redirect/1070`],
      charge_id: ['1070'],
      amount: ['200.50'],
    })
    const pending = await (await status(s, '1070')).json()
    expect(pending).toMatchObject({ id: ['1070'], status: ['pending'], amount: ['200.50'], type: ['single_charge'], date: ['2026-01-14T11:00:00+00:00'] })
    expect(pending.customer[0]).toMatchObject({ internal_id: ['123'], first_name: ['John'], email: ['john@example.com'] })

    const page = await get('/callback/payfast/form_redirect/1070', s)
    const html = await page.text()
    expect(html).toContain('R 200.50')
    expect(html).toContain('Acme &#60;Shop&#62;')
    const paid = await postForm(created.redirect[0], { decision: 'pay' }, S(s))
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toBe(`${cb.url}/after-payment?order=9&charge_id=1070`)
    expect((await (await status(s, '1070')).json()).status).toEqual(['ok'])
    // Paying twice is refused; the page now says it is paid.
    expect((await postForm(created.redirect[0], { decision: 'pay' }, S(s))).status).toBe(409)
    expect(await (await get('/callback/payfast/form_redirect/1070', s)).text()).toContain('Payment complete')
  })

  it('Cancel goes to cancel_url; an amount ending in .13 is declined by the default rule', async () => {
    const s = 'bill-cancel'
    await charge(s)
    const cancelled = await postForm(`${base}/callback/payfast/form_redirect/1070`, { decision: 'cancel' }, S(s))
    expect(cancelled.headers.get('location')).toBe(`${cb.url}/order-cancelled`)
    expect((await (await status(s, '1070')).json()).status).toEqual(['cancelled'])

    await charge(s, { amount: '99.13' })
    const declined = await postForm(`${base}/callback/payfast/form_redirect/1071`, { decision: 'pay' }, S(s))
    expect(declined.headers.get('location')).toBe(`${cb.url}/order-cancelled`)
    expect((await (await status(s, '1071')).json()).status).toEqual(['failed'])
    expect(sb.session(s).journal.list({ method: 'POST', path: '/callback/*' })[1]!.refusal).toMatch(/declined by a billing rule/)
  })

  it('refuses an unregistered client, bad fields, and another client\'s charge', async () => {
    const s = 'bill-bad'
    const unknown = await charge(s, { client_id: '999' })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).response_code).toEqual(['1001'])
    for (const [fields, message] of [
      [{ amount: '12.345' }, /at most two decimals/],
      [{ amount: '0' }, /more than 0/],
      [{ gateway_mode: '2' }, /gateway_mode is 1 \(Live\) or 0 \(Sandbox\)/],
      [{ return_url: 'javascript:alert(1)' }, /return_url is an absolute http\(s\) URL/],
      [{ email: 'not-mail' }, /email is an e-mail address/],
    ] as const) {
      const res = await charge(s, fields)
      expect(res.status, JSON.stringify(fields)).toBe(400)
      expect((await res.json()).response_text[0]).toMatch(message)
    }
    await charge(s)
    await postForm(`${base}/register-client`, { client_id: '55', first_name: 'A', last_name: 'B', company: 'C', email: 'a@b.co' }, S(s))
    const foreign = await status(s, '1070', '55')
    expect(foreign.status).toBe(404)
    expect((await foreign.json()).response_code).toEqual(['1002'])
    expect((await get('/charge?client_id=1212', s)).status).toBe(400)
    expect((await get('/callback/payfast/form_redirect/4242', s)).status).toBe(404)
  })

  it('control calls settle a charge and mint a token without a browser', async () => {
    const s = 'bill-control'
    await charge(s)
    const ctl = (path: string, body: unknown) =>
      fetch(`${sb.url}/__sandbox/envisionme${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...S(s) }, body: JSON.stringify(body) })
    expect((await ctl('/charges/1070/settle', { status: 'ok' })).status).toBe(200)
    expect((await (await status(s, '1070')).json()).status).toEqual(['ok'])
    expect((await ctl('/charges/1070/settle', { status: 'cancelled' })).status).toBe(409)
    const listed = await (await fetch(`${sb.url}/__sandbox/envisionme/charges`, { headers: S(s) })).json()
    expect(listed.charges).toEqual([expect.objectContaining({ charge_id: 1070, status: 'ok' })])

    const minted = await ctl('/tokens', { username: 'thandi' })
    expect(minted.status).toBe(201)
    const { access_token } = await minted.json()
    expect((await get(`/job?access_token=${access_token}`, s)).status).toBe(200)
    expect((await ctl('/tokens', { username: 'nobody' })).status).toBe(404)
  })

  it('paymentPage auto-pay settles on arrival, for CI without a browser', async () => {
    const auto = await startSandbox({ partners: [envisionme], scenario: scenario(cb.url, { billing: { clients: [{ client_id: '1212' }], paymentPage: 'auto-pay' } }) })
    try {
      const created = await (
        await postForm(`${auto.url}/envisionme/charge`, {
          client_id: '1212', gateway_mode: '1', amount: '10', internal_id: '1', first_name: 'A', last_name: 'B', email: 'a@b.co',
          return_url: `${cb.url}/dönë`, cancel_url: `${cb.url}/cancel`,
        })
      ).json()
      expect(created.amount).toEqual(['10.00'])
      const arrive = await fetch(created.redirect[0], { redirect: 'manual' })
      expect(arrive.status).toBe(303)
      // A Location header cannot carry raw non-ASCII: it is percent-encoded, nothing else changes.
      expect(arrive.headers.get('location')).toBe(`${cb.url}/d%C3%B6n%C3%AB?charge_id=1070`)
    } finally {
      await auto.close()
    }
  })
})

describe('anything else', () => {
  it('is a 404 naming the calls there are', async () => {
    const res = await get('/oauth/access_token', 'misc')
    expect(res.status).toBe(404)
    expect((await res.json()).error).toMatch(/POST \/oauth\/access_token/)
  })

  it('keeps sessions apart: a token from one is unknown in another', async () => {
    const token = await tokenFor('iso-a')
    expect((await get(`/job?access_token=${token}`, 'iso-a')).status).toBe(200)
    expect((await get(`/job?access_token=${token}`, 'iso-b')).status).toBe(401)
  })
})

describe('scenario files', () => {
  it('the default piece and scenarios/envisionme-headless.yaml load, and their credentials work', async () => {
    const def = await startSandbox({ partners: [envisionme], scenario: 'test/partners/envisionme/default-piece.yaml' })
    const headless = await startSandbox({ partners: [envisionme], scenario: 'scenarios/envisionme-headless.yaml' })
    try {
      const jobs = await (await fetch(`${def.url}/envisionme/job?access_token=envisionme-demo-token&limit=2`)).json()
      expect(jobs.map((j: { title: string }) => j.title)).toEqual(['ON HOLD Test Analyst', 'TEST - Acme (DO NOT DELETE)'])
      const dialog = await fetch(`${def.url}/envisionme/oauth/authorize?client_id=10&redirect_uri=http://localhost:3000/callback`)
      expect(dialog.status).toBe(200)
      expect(await dialog.text()).toContain('Demo Job Board')

      const auto = await fetch(`${headless.url}/envisionme/oauth/authorize?client_id=10&redirect_uri=http://127.0.0.1:3000/callback&state=s`, { redirect: 'manual' })
      expect(auto.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:3000\/callback\?code=[0-9a-f]{40}&state=s$/)
      expect((await fetch(`${headless.url}/envisionme/term?q=test&vid=27&access_token=envisionme-ci-token`)).status).toBe(200)
    } finally {
      await def.close()
      await headless.close()
    }
  })
})
