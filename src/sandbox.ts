import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { getRequestListener, type HttpBindings } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import { controlRoutes } from './control/routes.js'
import { inCheckPhase, routedPath } from './core/http.js'
import { JournalBudget, type JournalEntry, type JournalQuery } from './core/journal.js'
import type { AnyPartner } from './core/partner.js'
import { Memo } from './core/memo.js'
import { partnerPipeline } from './core/pipeline.js'
import { OneCallRouter } from './core/router.js'
import { systemTime, type RealTime } from './core/real-time.js'
import { loadScenarioFile, parseScenario, parseScenarioText, scenarioInput, scenarioSchema, withInput, type Scenario } from './core/scenario.js'
import { Session, SessionRegistry } from './core/session.js'
import { StateDir } from './core/persist.js'
import type { Clock } from './core/clock.js'
import { partners as allPartners } from './partners/index.js'

export interface SandboxOptions {
  /** A parsed object, YAML/JSON text is not accepted here: give an object, or a file path. Omitted: every default. */
  scenario?: Record<string, unknown> | string
  /** Overrides the scenario's seed (`--seed`). */
  seed?: number
  /** The partners to serve; default all. */
  partners?: readonly AnyPartner[]
  /** When set, the control API needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string
  /** Where time comes from; tests may pass a fake. */
  real?: RealTime
  /** Where unexpected errors are written. */
  log?: (line: string) => void
  /** Keeps every session in this directory across restarts (`--state-dir`, see core/persist.ts). */
  stateDir?: string
}

/** The composed sandbox, not yet listening: a Hono app and the sessions behind it. */
export interface Sandbox {
  app: Hono<{ Bindings: HttpBindings }>
  partners: readonly AnyPartner[]
  sessions: SessionRegistry
  /** The scenario new sessions start from. */
  scenario(): Scenario
  /** An app serving one partner at the root, for `listen: { beoe: 4011 }`. */
  partnerApp(name: string): Hono<{ Bindings: HttpBindings }>
  /** Ends event streams; the caller closes its servers. */
  close(): void
  /** The `stateDir` option's store, when given. */
  stateDir: StateDir | undefined
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const partners = options.partners ?? allPartners
  const real = options.real ?? systemTime
  const log = options.log ?? ((line: string) => console.error(line))
  const schema = scenarioSchema(partners)
  // The copy keeps the scenario's input (with the new seed), which snapshots store.
  const withSeed = (s: Scenario): Scenario => (options.seed !== undefined ? withInput({ ...s, seed: options.seed }, scenarioInput(s)) : s)
  let template = withSeed(
    typeof options.scenario === 'string'
      ? await loadScenarioFile(schema, options.scenario)
      : parseScenario(schema, options.scenario ?? {}),
  )
  const memo = new Memo()
  const stateDir = options.stateDir !== undefined ? new StateDir(options.stateDir, log) : undefined
  const onChange = stateDir
    ? (session: Session) => void stateDir.save(session).catch((error: Error) => log(`state dir: saving session "${session.id}" failed: ${error.message}`))
    : undefined
  const sessionDeps = { partners, real, memo, journalBudget: new JournalBudget(), ...(onChange ? { onChange } : {}) }
  // With a state dir a session comes back from its file when first used: after a restart, and after
  // the session cap evicted it.
  const makeSession = (id: string): Session => {
    const session = new Session(id, template, sessionDeps)
    let saved: unknown
    try {
      saved = stateDir?.load(id)
      if (saved !== undefined) session.restore(saved)
    } catch (error) {
      stateDir?.quarantine(id, (error as Error).message)
    }
    return session
  }
  const sessions = new SessionRegistry(makeSession, template.limits.sessions, () => real.now())
  // Saves the session before the response goes out: after anything but GET/HEAD, and after a GET to a
  // partner whose GETs change state (envisionme's Login Dialog) when they did.
  const persist = stateDir
    ? (session: Session, partner: AnyPartner, method: string): Promise<void> | undefined => {
        if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
          if (!partner.changesOnGet || !session.changedOnGet(partner)) return undefined
        }
        return stateDir.save(session)
      }
    : undefined
  const closing = new AbortController()
  let requestSeq = 0
  const nextRequestId = () => `req-${(++requestSeq).toString(36)}`

  const onError = (error: Error, c: import('hono').Context) => {
    if (error instanceof HTTPException) {
      if (error.res) return error.getResponse()
      const body = c.req.path.startsWith('/__sandbox')
        ? { error: { code: error.status === 413 ? 'too_large' : 'invalid_request', message: error.message } }
        : { error: error.message }
      return c.json(body, error.status)
    }
    const requestId = (c.get('requestId' as never) as string | undefined) ?? nextRequestId()
    // The partner pipeline journals the failure under the same id as the 500 says.
    c.set('requestId' as never, requestId as never)
    log(`[${requestId}] ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`)
    return c.json({ error: { code: 'internal', message: 'the sandbox failed on this request; its log has the details', requestId } }, 500)
  }

  const mount = (app: Hono<{ Bindings: HttpBindings }>, partner: AnyPartner, prefix: string) => {
    const deps = { sessions, real, ...(persist ? { persist } : {}) }
    app.use(prefix === '' ? '*' : `${prefix}/*`, partnerPipeline(partner, prefix, deps) as never)
    if (prefix !== '') app.use(prefix, partnerPipeline(partner, prefix, deps) as never)
    app.route(prefix === '' ? '/' : prefix, partner.routes() as never)
  }

  const app = new Hono<{ Bindings: HttpBindings }>({ getPath: routedPath, router: new OneCallRouter(onError) as never })
  app.onError(onError)
  app.route(
    '/__sandbox',
    controlRoutes({
      sessions,
      partners,
      adminToken: options.adminToken,
      template: () => template,
      setTemplate: (s) => {
        template = withSeed(s)
        sessions.max = template.limits.sessions
      },
      parseScenario: (text) => withSeed(parseScenarioText(schema, text)),
      closing: closing.signal,
      stateDir,
    }) as never,
  )
  for (const partner of partners) mount(app, partner, `/${partner.name}`)
  app.get('/', (c) =>
    c.json({
      name: 'partner-sandbox',
      partners: partners.map((p) => ({ name: p.name, title: p.title, url: `${new URL(c.req.url).origin}/${p.name}` })),
      control: `${new URL(c.req.url).origin}/__sandbox`,
      docs: `${new URL(c.req.url).origin}/__sandbox/docs`,
    }),
  )
  app.notFound((c) => c.json({ error: `nothing at ${c.req.path}: partners live under ${partners.map((p) => `/${p.name}`).join(', ') || '(none)'}, the control API under /__sandbox` }, 404))

  return {
    app,
    partners,
    sessions,
    scenario: () => template,
    partnerApp(name) {
      const partner = partners.find((p) => p.name === name)
      if (!partner) throw new RangeError(`no partner ${name}`)
      const single = new Hono<{ Bindings: HttpBindings }>({ getPath: routedPath, router: new OneCallRouter(onError) as never })
      single.onError(onError)
      mount(single, partner, '')
      return single
    },
    close() {
      closing.abort()
      sessions.clear()
    },
    stateDir,
  }
}

export interface StartOptions extends SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
}

/** A listening sandbox, for a test suite's globalSetup or a CLI. Two in one process share nothing. */
export interface RunningSandbox {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** Where a partner is served: `${url}/beoe`, or its own port's root when the scenario gives one. */
  urlFor(partner: string): string
  /** A session (made on first use), default `default`. */
  session(id?: string): Session
  /** The default session's clock. */
  readonly clock: Clock
  /** The default session's journal. */
  requests(query?: JournalQuery): JournalEntry[]
  sandbox: Sandbox
  /** Stops listening; requests in flight finish first. */
  close(): Promise<void>
}

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const sandbox = await createSandbox(options)
  const host = options.host ?? '127.0.0.1'
  const servers: Server[] = []
  const listen = (app: Hono<{ Bindings: HttpBindings }>, port: number) =>
    new Promise<number>((resolve, reject) => {
      // @hono/node-server's listener, handed each request at the next check phase (see inCheckPhase). Its
      // clean-up of unread bodies is off: the pipeline reads every partner request's body, Node itself
      // discards a body nobody read (a control call refused before reading one), and the clean-up cost
      // every POST a 'finish' listener (Cordell, pinned A/B: 0.94 and 0.97 of the CPU with it).
      const server = createServer(inCheckPhase(getRequestListener(app.fetch, { hostname: host, autoCleanupIncoming: false })))
      server.once('error', reject)
      server.listen(port, host, () => {
        resolve((server.address() as AddressInfo).port)
        // In the moment between listening and a client's first request, which then does not wait for it
        // (about 8 ms of a start's first answer).
        setImmediate(() => (app.router as unknown as OneCallRouter).prepare())
      })
      // Slow or hostile clients must not hold sockets forever.
      server.headersTimeout = 30_000
      server.requestTimeout = 120_000
      servers.push(server)
    })
  try {
    const port = await listen(sandbox.app, options.port ?? 0)
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
    const url = `http://${urlHost}:${port}`
    const own = new Map<string, string>()
    for (const [name, partnerPort] of Object.entries(sandbox.scenario().listen)) {
      if (partnerPort === undefined || !sandbox.partners.some((p) => p.name === name)) continue
      own.set(name, `http://${urlHost}:${await listen(sandbox.partnerApp(name), partnerPort)}`)
    }
    return {
      url,
      port,
      urlFor: (name) => own.get(name) ?? `${url}/${name}`,
      session: (id = 'default') => sandbox.sessions.get(id),
      get clock() {
        return sandbox.sessions.get('default').clock
      },
      requests: (query) => sandbox.sessions.get('default').journal.list(query),
      sandbox,
      close: () => closeAll(servers, sandbox),
    }
  } catch (error) {
    await closeAll(servers, sandbox)
    throw error
  }
}

async function closeAll(servers: Server[], sandbox: Sandbox): Promise<void> {
  sandbox.close()
  try {
    await closeServers(servers)
  } finally {
    // Saves still queued (a timer's, an outbound call's) reach the disk before the process ends.
    await sandbox.stateDir?.idle()
  }
}

async function closeServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve()
          // Requests in flight finish; each connection closes as soon as it falls idle, and one that a
          // client holds open past 5 s is cut.
          const sweep = setInterval(() => server.closeIdleConnections(), 50)
          const force = setTimeout(() => server.closeAllConnections(), 5_000)
          server.close(() => {
            clearInterval(sweep)
            clearTimeout(force)
            resolve()
          })
          server.closeIdleConnections()
        }),
    ),
  )
}
