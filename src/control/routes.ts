import { Hono, type Context } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import { streamSSE } from 'hono/streaming'
import { timingSafeEqual } from 'node:crypto'
import { stringify as toYaml } from 'yaml'
import { BodyIncomplete, BodyTooLarge, chooseSession, originOf, readBody } from '../core/http.js'
import type { AnyPartner, ControlEnv } from '../core/partner.js'
import { ScenarioError, type Scenario } from '../core/scenario.js'
import type { Session, SessionRegistry } from '../core/session.js'
import type { StateDir } from '../core/persist.js'
import { SnapshotError } from '../core/snapshot.js'
import { faultRuleSchema } from '../core/faults.js'
import { clockInput, eventsQuery, requestsQuery, scenarioQuery, sessionQuery } from './schemas.js'
import { controlError, invalidScenario, validate } from './errors.js'
import { controlOpenApi, partnerOpenApi } from './openapi.js'
import { sandboxDocs } from './docs.js'
import { dashboardPage } from './ui/page.js'

export interface ControlDeps {
  sessions: SessionRegistry
  partners: readonly AnyPartner[]
  adminToken: string | undefined
  /** The scenario new sessions start from. */
  template(): Scenario
  setTemplate(scenario: Scenario): void
  parseScenario(text: string): Scenario
  /** Aborted when the sandbox closes, so event streams end and shutdown is not held open. */
  closing: AbortSignal
  /** `--state-dir`: every control call but GET/HEAD saves its session before answering. */
  stateDir?: StateDir | undefined
}

/** A snapshot of a big session (10,000 stored DAS events is about 6 MB) is over the 1 MiB of other
 *  control calls; this is where PUT /snapshot stops. */
const SNAPSHOT_LIMIT = 256 * 1024 * 1024

interface Vars {
  session: Session
  baseUrl: string
}
type Env = { Bindings: HttpBindings; Variables: Vars }

/** The control API under `/__sandbox`, exactly as DESIGN.md lists it, plus what partners add. */
export function controlRoutes(deps: ControlDeps): Hono<Env> {
  const app = new Hono<Env>()

  // Health answers without the admin token: Docker's HEALTHCHECK has none.
  app.get('/health', (c) => c.json({ status: 'ok', scenario: deps.template().name, sessions: deps.sessions.size }))

  // The dashboard is a static page that holds no data: it loads without the admin token, then asks
  // for it (or takes ?token= from its URL) and sends it on every call it makes.
  const dashboard = dashboardPage()
  const ui = (c: Context) => c.html(dashboard.html, 200, { 'content-security-policy': dashboard.csp, 'cache-control': 'no-store' })
  app.get('/ui', ui)
  app.get('/ui/', ui)

  // The docs describe the API, not a session's data: public like /ui, so a browser opens them. Their
  // URLs keep a /__s/<id> prefix the reader came by.
  const publicBase = (c: Context) => {
    const choice = chooseSession(c, true)
    return `${originOf(c)}${'invalid' in choice ? '' : choice.prefix}`
  }
  app.get('/openapi.json', (c) => c.json(controlOpenApi(deps.partners)))
  app.get('/openapi/:file{[a-z0-9-]+\\.json}', (c) => {
    const name = c.req.param('file').replace(/\.json$/, '')
    const doc = deps.partners.some((p) => p.name === name) ? partnerOpenApi(name, `${publicBase(c)}/${name}`) : undefined
    if (!doc) throw controlError(404, 'not_found', `no OpenAPI document for "${name}": there are ${deps.partners.filter((p) => partnerOpenApi(p.name, '')).map((p) => `${p.name}.json`).join(', ') || 'none'} (Cordell is SOAP: see /cordell/Costing?wsdl)`)
    return c.json(doc)
  })
  app.get('/docs', (c) => c.html(sandboxDocs(deps.partners, publicBase(c))))

  app.use('*', async (c, next) => {
    if (deps.adminToken !== undefined && !bearerMatches(c.req.header('authorization') ?? eventSourceToken(c), deps.adminToken)) {
      throw controlError(401, 'unauthorized', 'the control API needs Authorization: Bearer <SANDBOX_ADMIN_TOKEN>')
    }
    const choice = chooseSession(c, true)
    if ('invalid' in choice) {
      throw controlError(400, 'invalid_session', `"${choice.invalid}" is not a usable session id: use 1-128 letters, digits, or . _ ~ -`)
    }
    c.set('session', deps.sessions.get(choice.id))
    c.set('baseUrl', `${new URL(c.req.url).origin}${choice.prefix}`)
    // Enforces the 1 MiB limit; validators then read the cached bytes. A snapshot reads its own.
    if (!(c.req.method === 'PUT' && /\/snapshot\/?$/.test(c.req.path))) await bodyText(c)
    await next()
    const method = c.req.method
    // A session this call deleted is not saved again (its file is gone with it).
    if (deps.stateDir && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && !c.get('session').disposed) await deps.stateDir.save(c.get('session'))
  })


  app.get('/scenario', validate('query', sessionQuery), (c) => {
    const scenario = c.get('session').scenario
    if (/yaml/.test(c.req.header('accept') ?? '')) return c.body(toYaml(scenario), 200, { 'content-type': 'application/yaml; charset=utf-8' })
    return c.json(scenario)
  })

  app.put('/scenario', validate('query', scenarioQuery), async (c) => {
    const text = await c.req.text()
    let scenario: Scenario
    try {
      scenario = deps.parseScenario(text)
    } catch (error) {
      if (error instanceof ScenarioError) throw invalidScenario(error.problems)
      throw error
    }
    // Validated whole before anything changes: a bad scenario leaves every session as it was.
    if (c.req.valid('query').apply === 'all') {
      deps.setTemplate(scenario)
      for (const session of deps.sessions.list()) session.reset(scenario)
      if (deps.stateDir) await Promise.all(deps.sessions.list().map((s) => deps.stateDir!.save(s)))
    } else {
      c.get('session').reset(scenario)
    }
    return c.json({ scenario: scenario.name, session: c.get('session').id, applied: c.req.valid('query').apply })
  })

  app.post('/reset', validate('query', sessionQuery), (c) => {
    c.get('session').reset()
    return c.json({ session: c.get('session').id, scenario: c.get('session').scenario.name, clock: clockJson(c.get('session')) })
  })

  app.get('/clock', validate('query', sessionQuery), (c) => c.json(clockJson(c.get('session'))))

  app.post('/clock', validate('query', sessionQuery), validate('json', clockInput), async (c) => {
    const { clock } = c.get('session')
    const input = c.req.valid('json')
    // Checked before anything moves: past year 9999 every ISO-8601 time the session writes (journal,
    // tokens, dates) would be six-digit or, past Date's range, throw on every request.
    const target = (input.set !== undefined ? Date.parse(input.set) : clock.now()) + (input.advance ?? 0)
    if (target > LAST_TIME) {
      throw controlError(400, 'invalid_request', `that would move the clock to ${new Date(Math.min(target, 8.64e15)).toISOString()}, past 9999-12-31T23:59:59.999Z, the latest time the clock takes`)
    }
    if (input.frozen !== undefined) clock.freeze(input.frozen)
    if (input.set !== undefined) await clock.set(Date.parse(input.set))
    if (input.advance !== undefined) await clock.advance(input.advance)
    const view = clockJson(c.get('session'))
    c.get('session').events.emit('clock', view)
    return c.json(view)
  })

  app.get('/timeline', validate('query', sessionQuery), (c) => c.json({ steps: c.get('session').timeline }))

  app.get('/snapshot', validate('query', sessionQuery), (c) => c.json(c.get('session').snapshot()))

  app.put('/snapshot', validate('query', sessionQuery), async (c) => {
    let input: unknown
    try {
      input = JSON.parse(await snapshotText(c))
    } catch (error) {
      if (error instanceof SyntaxError) throw controlError(400, 'invalid_snapshot', `the body is not JSON: ${error.message}`)
      throw error
    }
    try {
      c.get('session').restore(input)
    } catch (error) {
      if (error instanceof SnapshotError) throw controlError(400, 'invalid_snapshot', error.message, error.problems)
      throw error
    }
    const session = c.get('session')
    return c.json({ session: session.id, scenario: session.scenario.name, clock: clockJson(session) })
  })

  app.get('/state', validate('query', sessionQuery), (c) => {
    const session = c.get('session')
    return c.json({
      session: session.id,
      scenario: session.scenario.name,
      clock: clockJson(session),
      faults: session.faults.size,
      requests: session.journal.size,
      partners: Object.fromEntries(
        deps.partners.map((p) => [p.name, { title: p.title, ...(p.summary ? { summary: p.summary(session.stateOf(p)) } : {}) }]),
      ),
    })
  })

  app.get('/requests', validate('query', requestsQuery), (c) => {
    const { session: _, ...query } = c.req.valid('query')
    const requests = c.get('session').journal.list(query)
    return c.json({ requests, total: requests.length })
  })

  app.get('/requests/:id{[0-9]+}', (c) => {
    const entry = c.get('session').journal.get(Number(c.req.param('id')))
    if (!entry) throw controlError(404, 'not_found', `no request ${c.req.param('id')} in session ${c.get('session').id}'s journal`)
    return c.json(entry)
  })

  app.delete('/requests', (c) => {
    const deleted = c.get('session').journal.size
    c.get('session').journal.clear()
    return c.json({ deleted })
  })

  const faultInput = faultRuleSchema(deps.partners.map((p) => p.name))
  app.get('/faults', (c) => c.json({ faults: c.get('session').faults.list() }))
  app.post('/faults', validate('json', faultInput), (c) => {
    try {
      return c.json({ fault: c.get('session').faults.add(c.req.valid('json')) }, 201)
    } catch (error) {
      throw controlError(409, 'conflict', (error as Error).message)
    }
  })
  app.delete('/faults', (c) => {
    const deleted = c.get('session').faults.size
    c.get('session').faults.clear()
    return c.json({ deleted })
  })
  app.delete('/faults/:id', (c) => {
    if (!c.get('session').faults.remove(c.req.param('id'))) {
      throw controlError(404, 'not_found', `no fault "${c.req.param('id')}" in session ${c.get('session').id}`)
    }
    return c.json({ deleted: 1 })
  })

  app.get('/sessions', (c) =>
    c.json({
      sessions: deps.sessions.list().map((s) => ({
        id: s.id,
        scenario: s.scenario.name,
        clock: new Date(s.clock.now()).toISOString(),
        requests: s.journal.size,
        lastUsed: new Date(s.lastUsed).toISOString(),
      })),
      max: deps.sessions.max,
      evicted: deps.sessions.evicted,
    }),
  )
  app.delete('/sessions/:id', async (c) => {
    const id = c.req.param('id')
    const live = deps.sessions.delete(id)
    // Its file goes too, or the next use would bring it back.
    const saved = deps.stateDir ? await deps.stateDir.remove(id) : false
    if (!live && !saved) throw controlError(404, 'not_found', `no live session "${id}"`)
    return c.json({ deleted: 1 })
  })

  app.get('/events', validate('query', eventsQuery), (c) => {
    const session = c.get('session')
    return streamSSE(c, async (stream) => {
      const queue: { type: string; data: unknown }[] = []
      let wake: (() => void) | undefined
      const unsubscribe = session.events.subscribe((event) => {
        // A watcher that stops reading must not make the sandbox hold events without bound.
        if (queue.length < 1_000) queue.push(event)
        wake?.()
      })
      const stop = () => wake?.()
      deps.closing.addEventListener('abort', stop)
      stream.onAbort(stop)
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ session: session.id, clock: clockJson(session) }) })
        let id = 0
        while (!stream.aborted && !stream.closed && !deps.closing.aborted) {
          const event = queue.shift()
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data), id: String(++id) })
            continue
          }
          // Wake on an event, an abort, or every 15 s to send a keep-alive comment through proxies.
          await new Promise<void>((resolve) => {
            wake = resolve
            stream.sleep(15_000).then(() => resolve(), () => resolve())
          })
          wake = undefined
          if (queue.length === 0 && !stream.aborted && !deps.closing.aborted) await stream.write(': keep-alive\n\n')
        }
      } finally {
        unsubscribe()
        deps.closing.removeEventListener('abort', stop)
      }
    })
  })

  for (const partner of deps.partners) {
    if (!partner.control) continue
    const routes = partner.control()
    const sub = new Hono<ControlEnv<unknown>>()
    sub.use('*', async (c, next) => {
      c.set('state', (c.get('session') as Session).stateOf(partner))
      await next()
    })
    sub.route('/', routes)
    app.route(`/${partner.name}`, sub as unknown as Hono<Env>)
  }

  app.all('*', (c) => {
    throw controlError(404, 'not_found', `no control call ${c.req.method} /__sandbox${c.req.path.replace(/^.*?\/__sandbox/, '')}: see /__sandbox/docs`)
  })
  return app
}

/** The latest time a session clock may show: the end of the last four-digit year. */
const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

export function clockJson(session: Session) {
  const { clock } = session
  return {
    now: new Date(clock.now()).toISOString(),
    epochMs: clock.now(),
    frozen: clock.frozen,
    pending: clock.pending().map((t) => ({ due: new Date(t.due).toISOString(), label: t.label })),
  }
}

/** `?token=` stands in for the Authorization header on GET /events only: a browser's EventSource
 *  cannot send headers. (A token in a URL can end up in proxy logs; every other call needs the header.) */
function eventSourceToken(c: Context): string | undefined {
  if (c.req.method !== 'GET' || !/\/__sandbox\/events$/.test(c.req.path)) return undefined
  const token = c.req.query('token')
  return token ? `Bearer ${token}` : undefined
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '')
  if (!m) return false
  const given = Buffer.from(m[1]!.trim())
  const want = Buffer.from(token)
  return given.length === want.length && timingSafeEqual(given, want)
}

/** The body of PUT /snapshot, up to SNAPSHOT_LIMIT. */
async function snapshotText(c: Context): Promise<string> {
  const declared = Number(c.req.header('content-length'))
  if (declared > SNAPSHOT_LIMIT) throw controlError(413, 'too_large', `the snapshot is ${declared} bytes; the limit is ${SNAPSHOT_LIMIT}`)
  const body = c.req.raw.body
  if (!body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > SNAPSHOT_LIMIT) {
      await reader.cancel().catch(() => undefined)
      throw controlError(413, 'too_large', `the snapshot is over ${SNAPSHOT_LIMIT} bytes, the limit`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function bodyText(c: Context): Promise<string> {
  try {
    return new TextDecoder().decode(await readBody(c))
  } catch (error) {
    if (error instanceof BodyTooLarge) throw controlError(413, 'too_large', error.message)
    if (error instanceof BodyIncomplete) throw controlError(400, 'incomplete_body', error.message)
    throw error
  }
}
