import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { operationsOf, type Json } from '../../src/control/openapi-kit.js'

/** The served OpenAPI documents: OpenAPI 3.1 in shape, every $ref resolving, every route the sandbox
 *  serves documented (read from the Hono app itself), and the DAS examples accepted by the sandbox. */
let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox({ log: () => undefined, scenario: { name: 'openapi', seed: 5, clock: { start: '2026-01-14T05:00:00Z', frozen: true } } })
})
afterAll(() => sb.close())

const get = async (path: string) => {
  const res = await fetch(`${sb.url}${path}`)
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}
const docOf = async (path: string) => JSON.parse((await get(path)).text) as Json

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'])

/** What an OpenAPI 3.1 validator checks of the structure, without one installed: the required fields,
 *  response keys, path parameters declared for every template variable, and $refs that resolve. */
function shapeProblems(doc: Json): string[] {
  const problems: string[] = []
  if (doc.openapi !== '3.1.0') problems.push(`openapi is ${String(doc.openapi)}`)
  const info = doc.info as Json | undefined
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string') problems.push('info.title and info.version are required strings')
  const paths = doc.paths as Record<string, Record<string, Json>>
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path starts with /`)
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) problems.push(`${path}: ${method} is not an HTTP method`)
      const responses = op.responses as Record<string, Json> | undefined
      if (!responses || Object.keys(responses).length === 0) problems.push(`${method} ${path}: no responses`)
      for (const [code, r] of Object.entries(responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${method} ${path}: response key ${code}`)
        if (typeof r.description !== 'string') problems.push(`${method} ${path} ${code}: description is required`)
      }
      const params = (op.parameters as Json[] | undefined) ?? []
      for (const p of params) {
        if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(String(p.in))) problems.push(`${method} ${path}: bad parameter ${JSON.stringify(p)}`)
        if (p.in === 'path' && p.required !== true) problems.push(`${method} ${path}: path parameter ${String(p.name)} must be required`)
        if (!p.schema && !p.content) problems.push(`${method} ${path}: parameter ${String(p.name)} has no schema`)
      }
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!params.some((p) => p.in === 'path' && p.name === name)) problems.push(`${method} ${path}: path parameter {${name}} is not declared`)
      }
      const seen = new Set(params.map((p) => `${String(p.in)}:${String(p.name)}`))
      if (seen.size !== params.length) problems.push(`${method} ${path}: a parameter is declared twice`)
    }
  }
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}/${i}`))
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref') {
          if (typeof v !== 'string' || !v.startsWith('#/')) problems.push(`${where}: $ref ${String(v)} is not local`)
          else {
            let at: unknown = doc
            for (const part of v.slice(2).split('/')) at = (at as Json | undefined)?.[part]
            if (at === undefined) problems.push(`${where}: $ref ${v} does not resolve`)
          }
        } else walk(v, `${where}/${k}`)
      }
    }
  }
  walk(doc, '#')
  return problems
}

/** The app's own routes under a prefix, as `METHOD /path{}` with every parameter as `{}`. */
function servedRoutes(prefix: string, { lower = false } = {}): Set<string> {
  const out = new Set<string>()
  for (const r of sb.sandbox.app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith(`${prefix}/`)) continue
    if (r.path.endsWith('*')) continue
    let path = r.path.slice(prefix.length).replace(/:[\w]+(\{[^}]*\})?/g, '{}').replace(/(.)\/$/, '$1')
    if (lower) path = path.toLowerCase()
    out.add(`${r.method} ${path}`)
  }
  return out
}

function documentedRoutes(doc: Json, { lower = false } = {}): Set<string> {
  return new Set(
    operationsOf(doc).map(({ method, path }) => {
      let p = path.replace(/\{[^}]+\}(\.json)?/g, '{}')
      if (lower) p = p.toLowerCase()
      return `${method.toUpperCase()} ${p}`
    }),
  )
}

describe('OpenAPI documents', () => {
  it('lists every REST partner document, 404s the others', async () => {
    for (const name of ['beoe', 'envisionme', 'das']) {
      const r = await get(`/__sandbox/openapi/${name}.json`)
      expect(r.status, name).toBe(200)
      expect(r.type).toMatch(/json/)
    }
    const soap = await get('/__sandbox/openapi/cordell.json')
    expect(soap.status).toBe(404)
    expect(JSON.parse(soap.text).error.message).toMatch(/SOAP: see \/cordell\/Costing\?wsdl/)
    expect((await get('/__sandbox/openapi/nope.json')).status).toBe(404)
  })

  it.each(['/__sandbox/openapi.json', '/__sandbox/openapi/beoe.json', '/__sandbox/openapi/envisionme.json', '/__sandbox/openapi/das.json'])('%s is OpenAPI 3.1 in shape', async (path) => {
    const doc = await docOf(path)
    expect(shapeProblems(doc)).toEqual([])
  })

  it('partner documents point their server at the partner on this sandbox, session prefix kept', async () => {
    expect(((await docOf('/__sandbox/openapi/beoe.json')).servers as Json[])[0]!.url).toBe(`${sb.url}/beoe`)
    const prefixed = await fetch(`${sb.url}/__s/docs-1/__sandbox/openapi/das.json`).then((r) => r.json() as Promise<Json>)
    expect((prefixed.servers as Json[])[0]!.url).toBe(`${sb.url}/__s/docs-1/das`)
  })

  it.each([
    ['beoe', false],
    ['envisionme', false],
    ['das', true],
  ] as const)('every route /%s serves is in its document, and nothing else', async (name, lower) => {
    const doc = await docOf(`/__sandbox/openapi/${name}.json`)
    // DAS answers each path in any case and with a trailing slash: compare them folded.
    expect(documentedRoutes(doc, { lower })).toEqual(servedRoutes(`/${name}`, { lower }))
  })

  it('every control call the app serves is in the control document', async () => {
    const doc = await docOf('/__sandbox/openapi.json')
    const documented = documentedRoutes(doc)
    const missing = [...servedRoutes('/__sandbox')].filter((r) => !documented.has(r) && r !== 'GET /ui')
    expect(missing).toEqual([])
    const extra = [...documented].filter((r) => !servedRoutes('/__sandbox').has(r))
    expect(extra).toEqual([])
  })

  it('request schemas come from the zod schemas that validate: the control clock body, BE&OE login, envisionme /job', async () => {
    const control = await docOf('/__sandbox/openapi.json')
    const clock = (control.paths as any)['/clock'].post.requestBody.content['application/json'].schema
    expect(Object.keys(clock.properties)).toEqual(['advance', 'set', 'frozen'])
    expect((control.components as any).schemas.FaultRule.properties.partner.enum).toEqual(['beoe', 'envisionme', 'das', 'cordell', 'apna'])
    const beoe = await docOf('/__sandbox/openapi/beoe.json')
    expect(Object.keys((beoe.components as any).schemas.Login.properties)).toEqual(['email', 'password'])
    const evm = await docOf('/__sandbox/openapi/envisionme.json')
    const params = (evm.paths as any)['/job'].get.parameters.map((p: Json) => p.name)
    expect(params).toEqual(['count', 'company_uid', 'limit', 'province', 'mxit', 'nids', 'search', 'status', 'skip', 'uid'])
  })

  it('the DAS document\'s examples are accepted by the sandbox as written', async () => {
    const doc = await docOf('/__sandbox/openapi/das.json')
    const token = await fetch(`${sb.url}/__sandbox/das/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: ['StoreApprenticeshipEvent', 'StoreAgreementEvent', 'StoreAccountEvent', 'WriteGenericEvent'] }),
    }).then((r) => r.json() as Promise<{ token: string }>)
    let tried = 0
    for (const { method, path, op } of operationsOf(doc)) {
      const example = (op.requestBody as any)?.content?.['application/json']?.example
      if (method !== 'post' || example === undefined) continue
      const res = await fetch(`${sb.url}/das${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(example),
      })
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201)
      tried++
    }
    expect(tried).toBe(5)
  })
})

describe('docs page', () => {
  it('renders every document and links the Cordell WSDL, with data escaped', async () => {
    const r = await get('/__sandbox/docs')
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/html/)
    for (const title of ['partner-sandbox control API', 'BE&amp;OE Foreign Jobs (sandbox)', 'envisionme.co.za API (sandbox)', 'DAS Events API (sandbox)', 'Cordell Costing Web API']) {
      expect(r.text).toContain(title)
    }
    expect(r.text).toContain(`href="${sb.url}/cordell/Costing?wsdl"`)
    expect(r.text).toContain(`href="${sb.url}/__sandbox/openapi/das.json"`)
    expect(r.text).toContain('/api/foreignjobs')
    expect(r.text).not.toMatch(/<script/i)
    // The WSDL it links to is served.
    expect((await get('/cordell/Costing?wsdl')).text).toContain('wsdl:definitions')
  })
})

describe('partner summaries in GET /__sandbox/state', () => {
  it('show what the dashboard needs and never a secret in full', async () => {
    const S = { 'x-sandbox-session': 'summaries' }
    await fetch(`${sb.url}/beoe/api/login`, { method: 'POST', headers: { ...S, 'content-type': 'application/json' }, body: '{"email":"user@beoe.com","password":"123456"}' })
    await fetch(`${sb.url}/__sandbox/apna/target`, {
      method: 'PUT',
      headers: { ...S, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook?api_key=abcdefghijklmnop', auth: { type: 'bearer', token: 'super-secret-token-1234' } }),
    })
    const res = await fetch(`${sb.url}/__sandbox/state`, { headers: S })
    const text = await res.text()
    const { partners } = JSON.parse(text)
    expect(partners.beoe.summary).toMatchObject({ open: true, nextChange: null, jobs: { total: 303 }, pages: 1, tokens: { issued: 1, live: 1 }, users: ['user@beoe.com'] })
    expect(partners.envisionme.summary).toMatchObject({ clients: [{ clientId: 10 }], loggedIn: [], tokens: { total: 0, live: 0 }, charges: { total: 0 } })
    expect(partners.das.summary.streams).toEqual({ apprenticeships: 0, engagements: 0, accounts: 0, generic: 0 })
    expect(partners.cordell.summary).toMatchObject({ users: [{ username: 'estimator', lastDownloads: [] }, { username: 'qs', privileged: true }], tokens: { total: 0 }, audit: 0 })
    expect(partners.apna.summary).toMatchObject({ counts: { queued: 0, delivered: 0, failed: 0 }, target: { auth: { type: 'bearer' } } })
    for (const secret of ['123456', 'xyz123', 'super-secret-token-1234', 'abcdefghijklmnop', 'das-sandbox-signing-key', '"pass"']) expect(text).not.toContain(secret)

    // The clock moves what BE&OE shows: a scheduled session closes at 17:00 Karachi time.
    await fetch(`${sb.url}/__sandbox/scenario`, {
      method: 'PUT',
      headers: { ...S, 'content-type': 'application/json' },
      body: JSON.stringify({ clock: { start: '2026-01-14T05:00:00Z', frozen: true }, partners: { beoe: { schedule: { open: [{ days: ['wed'], from: '09:00', to: '17:00' }, { days: ['wed'], from: '17:00', to: '18:00' }] } } } }),
    })
    const open = (await (await fetch(`${sb.url}/__sandbox/state`, { headers: S })).json()).partners.beoe.summary
    expect(open).toMatchObject({ open: true, nextChange: { to: 'closed', at: '2026-01-14T18:00:00+05:00' } })
    await fetch(`${sb.url}/__sandbox/clock`, { method: 'POST', headers: { ...S, 'content-type': 'application/json' }, body: '{"advance":"9h"}' })
    const closed = (await (await fetch(`${sb.url}/__sandbox/state`, { headers: S })).json()).partners.beoe.summary
    expect(closed).toMatchObject({ open: false, nextChange: { to: 'open', at: '2026-01-21T09:00:00+05:00' } })
  })
})
