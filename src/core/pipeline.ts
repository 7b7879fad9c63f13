import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BodyIncomplete, BodyTooLarge, chooseSession, headerOf, readBody, splitUrl } from './http.js'
import { InboundEntry, type RawHeaders } from './inbound-entry.js'
import type { AnyPartner, PartnerEnv } from './partner.js'
import type { RealTime } from './real-time.js'
import type { InlineHandler } from './router.js'
import type { Session, SessionRegistry } from './session.js'

export interface PipelineDeps {
  sessions: SessionRegistry
  real: RealTime
  /** `--state-dir`: saves the session; awaited before the response goes out, so what a client is
   *  told is on disk. Undefined when the request changed nothing worth a write. */
  persist?(session: Session, partner: AnyPartner, method: string): Promise<void> | undefined
}

type Env = PartnerEnv<unknown>

/** Everything between the socket and a partner's routes: which session, the body limit, the journal
 *  entry, fault rules, and the partner's state. `prefix` is where the partner is mounted ('' on a port
 *  of its own). */
export function partnerPipeline(partner: AnyPartner, prefix: string, deps: PipelineDeps): InlineHandler<Env> {
  // The adapter's Response keeps [status, body, headers] under a private symbol; reading them there
  // spares the journal a Headers object and a copy of the body. Found on first use, when the adapter
  // has installed its Response.
  let cacheKey: symbol | null | undefined
  return (c, next) => {
    const started = performance.now()
    // The request id is made only when something fails (onError sets it): most requests never need one.
    const rawUrl = c.req.url
    const { origin, pathname } = splitUrl(rawUrl)
    const incoming = c.env?.incoming as IncomingMessage | undefined
    const choice = chooseSession(c, false, pathname)
    if ('invalid' in choice) {
      return c.json({ error: `"${choice.invalid}" is not a usable session id: use 1-128 letters, digits, or . _ ~ -` }, 400)
    }
    const session = deps.sessions.get(choice.id)
    const path = c.req.path.slice(prefix.length) || '/'
    c.set('session', session)
    c.set('clock', session.clock)
    c.set('baseUrl', `${origin}${choice.prefix}${prefix}`)
    c.set('path', path)
    // refusal and fault stay unset until something sets them.

    const entry = new InboundEntry(
      session.journal.nextId(),
      session.id,
      partner.name,
      c.req.method,
      path,
      rawUrl,
      // Node's list as it parsed it: the journal packs it as it is.
      incoming?.rawHeaders ?? c.req.raw.headers,
      session.clock.now(),
      deps.real.now(),
    )
    const method = c.req.method
    const filed = (wire: Wire | undefined) => record(c, entry, session, started, wire, (cacheKey ??= findCacheKey()))

    // Every step below goes on at once when the one before returned at once (see core/router.ts): a GET
    // with no fault rule and nothing to save is answered in the one call that handles it.
    const serve = (): Response | Promise<Response> => {
      c.set('state', session.stateOf(partner))
      if (session.faults.size !== 0) return applyFaults(c, partner.name, path, session, deps.real, next).then(saved)
      return then(next(), () => saved(undefined))
    }
    const saved = (wire: Wire | undefined): Response | Promise<Response> => {
      const saving = deps.persist?.(session, partner, method)
      return saving ? saving.then(() => filed(wire)) : filed(wire)
    }

    // GET and HEAD carry no body: nothing to wait for.
    if (method === 'GET' || method === 'HEAD') return serve()
    const withBody = (body: Uint8Array) => {
      entry.keepRequestBody(body)
      c.set('body', body)
      return serve()
    }
    const refused = (error: unknown) => {
      if (error instanceof BodyIncomplete) {
        // Nobody is left to read an answer; the journal still says what happened, as a 400.
        c.set('refusal', error.message)
        c.res = c.json({ error: `Bad Request: ${error.message}` }, 400, { connection: 'close' })
        return filed(undefined)
      }
      if (!(error instanceof BodyTooLarge)) throw error
      c.set('refusal', error.message)
      // The rest of the body is still on its way: close the connection rather than read it.
      c.res = c.json({ error: `Payload Too Large: ${error.message}` }, 413, { connection: 'close' })
      return filed(undefined)
    }
    // A body the parser already has is read at once (see inCheckPhase in core/http.ts).
    let body: Uint8Array | Promise<Uint8Array>
    try {
      body = readBody(c)
    } catch (error) {
      return refused(error)
    }
    return body instanceof Promise ? body.then(withBody, refused) : withBody(body)
  }
}

/** `f(value)`, at once when `value` is not a promise, else once it settles. */
function then<T, R>(value: T | Promise<T>, f: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value)
}

/** The private symbol under which @hono/node-server's Response keeps its parts, or null without it. */
function findCacheKey(): symbol | null {
  const probe = new Response('probe') as unknown as Record<symbol, unknown>
  return Object.getOwnPropertySymbols(probe).find((s) => s.description === 'cache' && Array.isArray(probe[s])) ?? null
}

/** What a fault wrote to the socket itself, bypassing Hono: the status (0 when none) and headers. */
interface Wire {
  status: number
  headers: Record<string, string>
  body: Uint8Array | null
}

/** Runs the first fault rule that matches, around or instead of the partner. */
async function applyFaults(c: Context<Env>, partner: string, path: string, session: Session, real: RealTime, next: () => unknown): Promise<Wire | undefined> {
  const action = session.faults.match(
    { partner, method: c.req.method, path, header: (name) => headerOf(c, name) },
    session.random,
  )
  if (!action) {
    await next()
    return undefined
  }
  c.set('fault', action.description)
  session.events.emit('fault', { id: action.id, description: action.description, path })
  if (action.delayMs > 0) await real.sleep(action.delayMs)
  const outgoing = c.env?.outgoing as ServerResponse | undefined
  if (action.drop) {
    // Close the connection with no response at all: what a client sees when a partner dies mid-call.
    outgoing?.socket?.destroy()
    c.res = outgoing ? RESPONSE_ALREADY_SENT : new Response(null, { status: 502 })
    return { status: 0, headers: {}, body: null }
  }
  if (action.respond) {
    const { status, body, headers } = action.respond
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    const type = body === undefined ? undefined : typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'
    c.res = new Response(status === 204 || status === 304 || text === '' ? null : text, {
      status,
      headers: { ...(type ? { 'content-type': type } : {}), ...headers },
    })
    return undefined
  }
  await next()
  if (action.truncate && outgoing) {
    // The status line and headers promise the whole body; half of it arrives, then the socket closes.
    const res = c.res
    const bytes = new Uint8Array(await res.arrayBuffer())
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => (headers[k] = v))
    headers['content-length'] = String(bytes.byteLength)
    const half = bytes.subarray(0, Math.floor(bytes.byteLength / 2))
    outgoing.writeHead(res.status, headers)
    outgoing.write(half, () => outgoing.destroy())
    // Clear first: assigning over a response merges the old one's headers into a copy, and the adapter
    // recognises only the very RESPONSE_ALREADY_SENT object.
    c.res = undefined
    c.res = RESPONSE_ALREADY_SENT
    return { status: res.status, headers, body: half }
  }
  return undefined
}

/** Files the entry as soon as the response is made, before it is written, so a test that asks right
 *  after its call finds it. The duration is the time to respond. */
function record(c: Context<Env>, entry: InboundEntry, session: Session, started: number, wire: Wire | undefined, cacheKey: symbol | null): Response | Promise<Response> {
  const res = c.res
  if (wire) {
    entry.keepResponse(wire.status, wire.headers, wire.body, wire.body?.byteLength ?? 0)
    return file(c, entry, session, started)
  }
  const parts = cacheKey ? ((res as unknown as Record<symbol, unknown>)[cacheKey] as [number, unknown, RawHeaders] | undefined) : undefined
  const body = parts?.[1]
  if (parts && (typeof body === 'string' || body instanceof Uint8Array || body === null)) {
    // A Uint8Array's length is its byteLength, read without a call.
    const size = typeof body === 'string' ? Buffer.byteLength(body) : (body?.length ?? 0)
    entry.keepResponse(parts[0], parts[2], body, size)
    return file(c, entry, session, started)
  }
  // A streamed body (an HTTPException's response, Response.json() in an error path): small, so read a
  // copy.
  if (!res.body) {
    entry.keepResponse(res.status, res.headers, null, 0)
    return file(c, entry, session, started)
  }
  return res
    .clone()
    .arrayBuffer()
    .then((copy) => {
      entry.keepResponse(res.status, res.headers, new Uint8Array(copy), copy.byteLength)
      return file(c, entry, session, started)
    })
}

/** Completes the entry and adds it to the journal. */
function file(c: Context<Env>, entry: InboundEntry, session: Session, started: number): Response {
  const res = c.res
  entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000
  entry.fault = c.get('fault') ?? null
  const error = c.error
  if (error && !(error instanceof HTTPException)) entry.error = `${c.get('requestId')}: ${error.message}`
  const refusal = c.get('refusal') ?? (error instanceof HTTPException && error.message ? error.message : undefined)
  entry.refusal = refusal ?? (entry.status >= 400 && !entry.fault ? `refused with ${entry.status}: no reason recorded` : null)
  session.journal.add(entry)
  session.events.emit('request', entry)
  return res
}

