import type { Context } from 'hono'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { SESSION_ID } from './session.js'

/** A request body may be at most this big; past it, 413. */
export const BODY_LIMIT = 1024 * 1024

export const SESSION_HEADER = 'x-sandbox-session'

// `/__s/<id>/…`: the session prefix for clients that cannot set a header.
const PREFIX = /^\/__s\/([^/]*)(\/.*)?$/

/** The path Hono routes on: the request's path without any `/__s/<id>` prefix. */
export function routedPath(request: Request): string {
  const url = request.url
  const start = url.indexOf('/', url.indexOf('://') + 3)
  if (start < 0) return '/'
  const q = url.indexOf('?', start)
  const h = url.indexOf('#', start)
  const end = q >= 0 ? q : h >= 0 ? h : url.length
  const path = url.slice(start, end)
  const m = PREFIX.exec(path)
  return m ? (m[2] ?? '/') : path
}

/** The origin and path of an absolute URL, without the cost of new URL() on every request. */
export function splitUrl(url: string): { origin: string; pathname: string } {
  const scheme = url.indexOf('://')
  const start = url.indexOf('/', scheme < 0 ? 0 : scheme + 3)
  if (start < 0) return { origin: url, pathname: '/' }
  // indexOf rather than a loop over the characters: the builtin scans many at a time.
  const q = url.indexOf('?', start)
  const h = url.indexOf('#', start)
  const end = q < 0 ? (h < 0 ? url.length : h) : h < 0 || q < h ? q : h
  return { origin: url.slice(0, start), pathname: url.slice(start, end) }
}

export interface SessionChoice {
  id: string
  /** `/__s/<id>` when the request came that way, else ''. */
  prefix: string
}

/** Which session a request addresses: header first, then the path prefix, then (control API only)
 *  `?session=`; `default` when none. Undefined when the id given is unusable. */
export function chooseSession(c: Context, allowQuery: boolean, pathname?: string): SessionChoice | { invalid: string } {
  const path = pathname ?? splitUrl(c.req.url).pathname
  const fromHeader = headerText(requestHeaders(c)['x-sandbox-session'])
  // The usual request names no session at all.
  if (fromHeader === undefined && !path.startsWith('/__s/') && !allowQuery) return DEFAULT_SESSION
  const m = PREFIX.exec(path)
  const prefix = m ? `/__s/${m[1]}` : ''
  const id = fromHeader ?? (m ? decodeOr(m[1]!) : undefined) ?? (allowQuery ? new URL(c.req.url).searchParams.get('session') ?? undefined : undefined) ?? 'default'
  if (!SESSION_ID.test(id)) return { invalid: id }
  return { id, prefix }
}

const DEFAULT_SESSION: SessionChoice = Object.freeze({ id: 'default', prefix: '' })

/** A request header by a name in any letter case, from Node's own parsed headers when the request came
 *  over a socket: asking the web Request validates the name and looks it up again on every call. */
export function headerOf(c: Context, name: string): string | undefined {
  return headerText(requestHeaders(c)[name.toLowerCase()])
}

export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>

/** The request's headers by lower-case name, for a hot path to read with a literal name:
 *  `headerText(requestHeaders(c)['accept'])`. Each such read has an inline cache of its own, which
 *  knows the one or two header layouts its clients send; a read by a name passed in (headerOf) shares
 *  one cache with every header of every client, and looks the name up the slow way. Node's parsed
 *  headers when the request came over a socket, else (app.fetch in a test) a copy of the web Request's. */
export function requestHeaders(c: Context): RequestHeaders {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return incoming?.headers ?? Object.fromEntries(c.req.raw.headers)
}

/** A header's value as one text: Node gives a repeated header it does not join as a list. */
export function headerText(value: string | string[] | undefined): string | undefined {
  return typeof value === 'object' ? value.join(', ') : value
}

/** `/__s/%ZZ/…` is bad percent-encoding: kept as written, so the id check refuses it (400), rather
 *  than decodeURIComponent's URIError becoming a 500. */
function decodeOr(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export class BodyTooLarge extends Error {}

const EMPTY = new Uint8Array(0)

/** The client stopped sending before its body was whole (it hung up mid-upload). */
export class BodyIncomplete extends Error {}

/** Reads the request body once, at most BODY_LIMIT bytes, and leaves it in Hono's cache so the
 *  partner's own json()/parseBody() read the same bytes. The body is given at once when the parser has
 *  it all (see `inCheckPhase`), else a promise of it. Throws BodyTooLarge at once when the declared
 *  length is over the limit. */
export function readBody(c: Context): Uint8Array | Promise<Uint8Array> {
  const method = c.req.method
  if (method === 'GET' || method === 'HEAD') return EMPTY
  const declared = Number(requestHeaders(c)['content-length'])
  if (declared > BODY_LIMIT) throw new BodyTooLarge(`the body is ${declared} bytes; the limit is ${BODY_LIMIT} (1 MiB)`)
  // On a socket, read Node's own stream: asking the web Request for its body makes the adapter build
  // a whole fetch Request (abort signal, web stream) for every POST, which cost more than the rest.
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const body = new BodyChunks()
  if (incoming && typeof incoming.on === 'function' && !incoming.readableEnded) {
    return buffered(incoming) ? readBuffered(c, incoming, body) : readArriving(c, incoming, body)
  }
  return readWebBody(c, body)
}

/** The chunks of a body as they come, refused past BODY_LIMIT. */
class BodyChunks {
  readonly chunks: Uint8Array[] = []
  size = 0

  take(chunk: Uint8Array): void {
    // length, not byteLength (the same on a Uint8Array): V8 reads byteLength through a call.
    this.size += chunk.length
    if (this.size > BODY_LIMIT) throw new BodyTooLarge(`the body is over ${BODY_LIMIT} bytes (1 MiB), the limit`)
    this.chunks.push(chunk)
  }
}

/** Whether the parser holds all of the body, unread: then it is read as it lies, without the five
 *  listeners (and their removal) that a body still arriving needs. */
function buffered(incoming: IncomingMessage): boolean {
  return incoming.complete && !incoming.readableFlowing
}

function readBuffered(c: Context, incoming: IncomingMessage, body: BodyChunks): Uint8Array {
  for (let chunk: Uint8Array | null; (chunk = incoming.read() as Uint8Array | null) !== null; ) body.take(chunk)
  return finish(c, body)
}

async function readArriving(c: Context, incoming: IncomingMessage, body: BodyChunks): Promise<Uint8Array> {
  // A body still arriving when its request was handed over (see inCheckPhase) may be whole by the next
  // check phase; only then is it read as it comes.
  if (!incoming.complete) await new Promise<void>((resolve) => setImmediate(resolve))
  if (buffered(incoming)) return readBuffered(c, incoming, body)
  // Listeners rather than for-await: leaving a for-await early destroys the socket, and the 413
  // must still be sent on it.
  await new Promise<void>((resolve, reject) => {
    const done = (error?: unknown) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose).off('aborted', onClose)
      if (error) {
        incoming.pause()
        reject(error)
      } else resolve()
    }
    const onData = (chunk: Uint8Array) => {
      try {
        body.take(chunk)
      } catch (error) {
        done(error)
      }
    }
    const onEnd = () => done()
    const onClose = () => done(new BodyIncomplete('the client closed the connection before sending the whole body'))
    // A socket reset mid-body arrives as 'aborted' or an 'error' on the request: the same hang-up.
    const onError = () => onClose()
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose).on('aborted', onClose)
  })
  return finish(c, body)
}

/** Without a socket (app.fetch in a test): the web Request's stream. */
async function readWebBody(c: Context, body: BodyChunks): Promise<Uint8Array> {
  const stream = c.req.raw.body
  if (!stream) return new Uint8Array(0)
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      body.take(value)
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined)
    throw error
  }
  return finish(c, body)
}

/** A request listener that hands each request to `listener` at the next check phase (setImmediate),
 *  rather than inside the parser's callback that announced it.
 *
 *  Why, for a request with a body: a body that came in the packet with its headers is read by the parser
 *  only after the 'request' handler returns, so a handler called then would have to wait for it, and a
 *  request that waits reaches @hono/node-server as a promise. At the check phase the body is all there,
 *  and a POST runs to its response in one call, as a GET does (see core/router.ts).
 *
 *  Why, for every request: the check phase runs the requests of a whole round of socket reads one after
 *  another, from one immediate. Measured pinned, side by side with the same build answering in the
 *  parser's callback, a cached GET cost the sandbox's process 13-18% less CPU this way (envisionme,
 *  DAS), and a POST handed over inside the parser the moment its body was whole cost about 10% more.
 *  Bare node:http gains nothing from it: what it saves is the sandbox's own.
 *
 *  A request that a client pipelines behind one with a body, still unanswered when its turn comes, waits
 *  for that one's response: otherwise a GET sent after a POST on the same connection would be answered
 *  from the state before it. A response whose connection is gone counts as answered: its 'close' has
 *  already been emitted, and nothing would release what waited for it. */
export function inCheckPhase(listener: (req: IncomingMessage, res: ServerResponse) => unknown): (req: IncomingMessage, res: ServerResponse) => void {
  /** Each connection's newest request with a body (until the next one), and the requests held behind it
   *  while it is unanswered. */
  const latest = new WeakMap<Socket, Latest>()
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    const last = latest.get(req.socket)
    if (last?.held) last.held.push([req, res])
    else if (last !== undefined && !answered(last.res)) hold(req.socket, last, [[req, res]])
    else run(req, res)
  }
  const run = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = req.headers
    if (headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')) {
      latest.set(req.socket, { res, held: undefined })
    }
    void listener(req, res)
  }
  // Only a request held behind an unanswered one costs a listener: most requests with a body are
  // answered before their connection's next request is handed over.
  const hold = (socket: Socket, last: Latest, queue: Held): void => {
    last.held = queue
    last.res.once('close', () => {
      last.held = undefined
      release(socket, queue)
    })
  }
  const release = (socket: Socket, queue: Held): void => {
    while (queue.length > 0) {
      const [req, res] = queue.shift()!
      run(req, res)
      // Another request with a body, not answered at once: the rest wait for it in turn.
      const last = latest.get(socket)
      if (queue.length > 0 && last?.res === res && !answered(res)) return hold(socket, last, queue)
    }
  }
  // One immediate for all the requests that arrive before the check phase, handed over in order:
  // an immediate each cost an object and a check for ticks and microtasks between every two requests.
  let requests: IncomingMessage[] = []
  let responses: ServerResponse[] = []
  const drain = (): void => {
    const reqs = requests
    const ress = responses
    requests = []
    responses = []
    for (let i = 0; i < reqs.length; i++) dispatch(reqs[i]!, ress[i]!)
  }
  return (req, res) => {
    if (requests.push(req) === 1) setImmediate(drain)
    responses.push(res)
  }
}

/** Whether nothing more will come of a response: it was ended, or its connection is gone. */
function answered(res: ServerResponse): boolean {
  return res.writableEnded || res.destroyed
}

type Held = [IncomingMessage, ServerResponse][]
interface Latest {
  res: ServerResponse
  held: Held | undefined
}

/** The body whole, also left in Hono's cache so the partner's own json()/parseBody() read the same bytes. */
function finish(c: Context, { chunks, size }: BodyChunks): Uint8Array {
  const body = chunks.length === 1 ? chunks[0]! : concat(chunks, size)
  // Hono keeps promises of each body form it has read in bodyCache, whatever its type says.
  ;(c.req.bodyCache as Record<string, unknown>).arrayBuffer = new CachedBody(body)
  return body
}

/** Hono's cached body as a promise of its own ArrayBuffer, copied only when a partner asks for it:
 *  most read `c.get('body')`, and a copy for each POST was an ArrayBuffer more for the collector. */
class CachedBody implements Promise<ArrayBuffer> {
  readonly #bytes: Uint8Array
  #copy: Promise<ArrayBuffer> | undefined

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
  }

  then<A = ArrayBuffer, B = never>(onFulfilled?: ((value: ArrayBuffer) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#read().then(onFulfilled, onRejected)
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<ArrayBuffer | B> {
    return this.#read().catch(onRejected)
  }

  finally(onFinally?: (() => void) | null): Promise<ArrayBuffer> {
    return this.#read().finally(onFinally)
  }

  get [Symbol.toStringTag](): string {
    return 'Promise'
  }

  #read(): Promise<ArrayBuffer> {
    const bytes = this.#bytes
    return (this.#copy ??= Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer))
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/** The origin the client used, so URLs written into responses work from where it stands. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin
}
