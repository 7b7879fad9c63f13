import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { ServerResponse } from 'node:http'
import { BodyTooLarge, chooseSession, readBody } from './http.js'
import { BODY_CAP, type JournalEntry } from './journal.js'
import type { AnyPartner, PartnerEnv } from './partner.js'
import type { RealTime } from './real-time.js'
import { redactBody, redactHeaders, redactQuery, redactUrl } from './redact.js'
import type { Session, SessionRegistry } from './session.js'

export interface PipelineDeps {
  sessions: SessionRegistry
  real: RealTime
  nextRequestId(): string
  /** `--state-dir`: saves the session; awaited before the response goes out, so what a client is
   *  told is on disk. Undefined when the request changed nothing worth a write. */
  persist?(session: Session, partner: AnyPartner, method: string): Promise<void> | undefined
}

type Env = PartnerEnv<unknown>

const decoder = new TextDecoder('utf-8', { fatal: false })

/** Everything between the socket and a partner's routes: which session, the body limit, the journal
 *  entry, fault rules, and the partner's state. `prefix` is where the partner is mounted ('' on a port
 *  of its own). */
export function partnerPipeline(partner: AnyPartner, prefix: string, deps: PipelineDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now()
    const requestId = deps.nextRequestId()
    c.set('requestId', requestId)
    const url = new URL(c.req.url)
    const choice = chooseSession(c, false, url)
    if ('invalid' in choice) {
      return c.json({ error: `"${choice.invalid}" is not a usable session id: use 1-128 letters, digits, or . _ ~ -` }, 400)
    }
    const session = deps.sessions.get(choice.id)
    const path = c.req.path.slice(prefix.length) || '/'
    c.set('session', session)
    c.set('clock', session.clock)
    c.set('baseUrl', `${url.origin}${choice.prefix}${prefix}`)
    c.set('refusal', undefined)
    c.set('fault', undefined)

    const entry: JournalEntry = {
      id: session.journal.nextId(),
      direction: 'inbound',
      session: session.id,
      partner: partner.name,
      method: c.req.method,
      path,
      url: redactUrl(c.req.url),
      query: url.search === '' ? {} : redactQuery(url.searchParams),
      headers: redactHeaders(c.req.raw.headers),
      body: '',
      bodyTruncated: false,
      status: 0,
      responseHeaders: {},
      responseBody: '',
      responseSize: null,
      durationMs: 0,
      at: new Date(session.clock.now()).toISOString(),
      realAt: new Date(deps.real.now()).toISOString(),
      fault: null,
      refusal: null,
      error: null,
    }
    const outgoing = c.env?.outgoing as ServerResponse | undefined
    const finish = outgoing ? captureResponse(outgoing, entry, started, session) : undefined

    try {
      const body = await readBody(c)
      const type = c.req.header('content-type') ?? ''
      if (body.byteLength > 0) lazy(entry, 'body', () => redactBody(decoder.decode(body.subarray(0, BODY_CAP)), type))
      entry.bodyTruncated = body.byteLength > BODY_CAP
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error
      c.set('refusal', error.message)
      // The rest of the body is still on its way: close the connection rather than read it.
      c.res = c.json({ error: `Payload Too Large: ${error.message}` }, 413, { connection: 'close' })
      return record(c, entry, session, finish, started, undefined)
    }

    c.set('state', session.stateOf(partner))
    const wire = await applyFaults(c, partner.name, path, session, deps.real, next)
    if (deps.persist) await deps.persist(session, partner, c.req.method)
    return record(c, entry, session, finish, started, wire)
  }
}

/** What a fault wrote to the socket itself, bypassing Hono: the status (0 when none) and headers. */
interface Wire {
  status: number
  headers: Record<string, string>
}

/** Runs the first fault rule that matches, around or instead of the partner. */
async function applyFaults(c: Context<Env>, partner: string, path: string, session: Session, real: RealTime, next: () => Promise<void>): Promise<Wire | undefined> {
  const action = session.faults.match(
    { partner, method: c.req.method, path, header: (name) => c.req.header(name) },
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
    return { status: 0, headers: {} }
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
    outgoing.writeHead(res.status, headers)
    outgoing.write(bytes.subarray(0, Math.floor(bytes.byteLength / 2)), () => outgoing.destroy())
    // Clear first: assigning over a response merges the old one's headers into a copy, and the adapter
    // recognises only the very RESPONSE_ALREADY_SENT object.
    c.res = undefined
    c.res = RESPONSE_ALREADY_SENT
    return { status: res.status, headers }
  }
  return undefined
}

/** Files the entry as soon as the status is known (so a test that asks right after its call finds it);
 *  the response bytes and the duration are filled in as they are written. */
function record(c: Context<Env>, entry: JournalEntry, session: Session, finish: (() => void) | undefined, started: number, wire: Wire | undefined): Response {
  const res = c.res
  entry.status = wire ? wire.status : res.status
  const headers: Record<string, string> = {}
  if (wire) Object.assign(headers, wire.headers)
  else res.headers.forEach((v, k) => (headers[k] = v))
  if (headers.location) headers.location = redactUrl(headers.location)
  entry.responseHeaders = redactHeaders(Object.entries(headers))
  entry.fault = c.get('fault') ?? null
  const error = c.error
  if (error && !(error instanceof HTTPException)) entry.error = `${c.get('requestId')}: ${error.message}`
  const refusal = c.get('refusal') ?? (error instanceof HTTPException && error.message ? error.message : undefined)
  entry.refusal = refusal ?? (entry.status >= 400 && !entry.fault ? `refused with ${entry.status}: no reason recorded` : null)
  if (!finish) {
    entry.durationMs = performance.now() - started
    const length = res.headers.get('content-length')
    entry.responseSize = length === null ? null : Number(length)
  }
  session.journal.add(entry)
  if (!finish) session.events.emit('request', entry)
  return res
}

/** Counts and keeps (up to 64 KiB) what goes to the socket, rather than copying Response bodies. */
function captureResponse(outgoing: ServerResponse, entry: JournalEntry, started: number, session: Session): () => void {
  const kept: Buffer[] = []
  let size = 0
  let keptSize = 0
  const take = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return
    // Count everything, copy only the part kept: a slice would pin a whole 10 MB page in memory.
    if (typeof chunk === 'string') {
      const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'
      size += Buffer.byteLength(chunk, enc)
      if (keptSize < BODY_CAP) {
        const part = Buffer.from(chunk.length > BODY_CAP ? chunk.slice(0, BODY_CAP) : chunk, enc).subarray(0, BODY_CAP - keptSize)
        kept.push(Buffer.from(part))
        keptSize += part.byteLength
      }
      return
    }
    const bytes = chunk as Uint8Array
    size += bytes.byteLength
    if (keptSize < BODY_CAP) {
      const part = Buffer.from(bytes.subarray(0, BODY_CAP - keptSize))
      kept.push(part)
      keptSize += part.byteLength
    }
  }
  const write = outgoing.write
  const end = outgoing.end
  let done = false
  const finish = () => {
    if (done) return
    done = true
    entry.responseSize = size
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000
    const type = entry.responseHeaders['content-type'] ?? ''
    const total = size
    lazy(entry, 'responseBody', () =>
      /json|xml|text|html|javascript|x-www-form-urlencoded/i.test(type) || type === ''
        ? total > keptSize
          ? `${decoder.decode(Buffer.concat(kept))}\n[… ${total - keptSize} more bytes not kept]`
          : redactBody(decoder.decode(Buffer.concat(kept)), type)
        : `[${total} bytes of ${type}]`,
    )
    session.events.emit('request', entry)
  }
  outgoing.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    take(chunk, rest[0])
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
  } as ServerResponse['write']
  outgoing.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    take(chunk, rest[0])
    const result = (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest)
    finish()
    return result
  } as ServerResponse['end']
  outgoing.once('close', finish)
  return finish
}

/** Decoding and masking a body costs more than the request that carried it; most entries are never
 *  read, so it happens on first read (JSON.stringify included) and is kept. */
function lazy<K extends 'body' | 'responseBody'>(entry: JournalEntry, key: K, make: () => string): void {
  let value: string | undefined
  Object.defineProperty(entry, key, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= make()),
  })
}
