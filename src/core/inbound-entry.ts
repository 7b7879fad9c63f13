import type { IncomingHttpHeaders } from 'node:http'
import { BODY_CAP, type JournalEntry } from './journal.js'
import { redactBody, redactHeaders, redactQuery, redactUrl } from './redact.js'

/** Response headers in any form a Response may hold them. */
export type RawHeaders = Headers | Record<string, string | string[] | number | undefined> | [string, string][] | undefined

const decoder = new TextDecoder('utf-8', { fatal: false })
const TEXTUAL = /json|xml|text|html|javascript|x-www-form-urlencoded/i

/** A journal entry for a request a client made. It keeps references to what it saw and builds the
 *  masked, decoded views (headers, query, bodies, times) only when someone reads them: most entries are
 *  never read, and building them cost more than serving the request. Reading, JSON.stringify included,
 *  gives the same fields as any JournalEntry. */
export class InboundEntry implements JournalEntry {
  readonly direction = 'inbound' as const
  status = 0
  responseSize: number | null = null
  durationMs = 0
  bodyTruncated = false
  fault: string | null = null
  refusal: string | null = null
  error: string | null = null
  #views: Map<string, unknown> | undefined
  #requestBody: Uint8Array | undefined
  #responseHeaders: RawHeaders
  /** At most BODY_CAP of the response, as the socket got it. */
  #responseBody: string | Uint8Array | null | undefined

  constructor(
    readonly id: number,
    readonly session: string,
    readonly partner: string,
    readonly method: string,
    readonly path: string,
    readonly rawUrl: string,
    private readonly rawHeaders: IncomingHttpHeaders | Headers,
    private readonly atMs: number,
    private readonly realMs: number,
    private readonly contentType: string,
  ) {}

  /** The request body; only its first BODY_CAP bytes are kept (copied, so a 1 MiB body is not pinned). */
  keepRequestBody(body: Uint8Array): void {
    if (body.byteLength === 0) return
    this.bodyTruncated = body.byteLength > BODY_CAP
    this.#requestBody = own(body.byteLength > BODY_CAP ? body.subarray(0, BODY_CAP) : body)
  }

  /** What the response was; a body over BODY_CAP is cut and copied (a slice would pin a 10 MB page). */
  keepResponse(status: number, headers: RawHeaders, body: string | Uint8Array | null | undefined, size: number | null): void {
    this.status = status
    this.#responseHeaders = headers
    this.responseSize = size
    if (typeof body === 'string') this.#responseBody = body.length > BODY_CAP ? Buffer.from(body.slice(0, BODY_CAP)) : body
    else if (body instanceof Uint8Array) this.#responseBody = own(body.byteLength > BODY_CAP ? body.subarray(0, BODY_CAP) : body)
    else this.#responseBody = body
  }

  /** What the entry holds in bodies, in bytes, for the journal's memory bound. */
  get keptBytes(): number {
    const res = this.#responseBody
    return (this.#requestBody?.byteLength ?? 0) + (typeof res === 'string' ? res.length : (res?.byteLength ?? 0))
  }

  get url(): string {
    return this.#view('url', () => redactUrl(this.rawUrl))
  }

  get query(): Record<string, string | string[]> {
    return this.#view('query', () => {
      const q = this.rawUrl.indexOf('?')
      return q < 0 ? {} : redactQuery(new URLSearchParams(this.rawUrl.slice(q + 1).split('#')[0]))
    })
  }

  get headers(): Record<string, string> {
    return this.#view('headers', () => redactHeaders(entriesOf(this.rawHeaders)))
  }

  // The bodies are decoded afresh on each read rather than kept: a kept 64 KiB text would double what
  // the entry holds, for every entry ever listed.
  get body(): string {
    return this.#requestBody ? redactBody(decoder.decode(this.#requestBody.subarray(0, BODY_CAP)), this.contentType) : ''
  }

  get at(): string {
    return this.#view('at', () => new Date(this.atMs).toISOString())
  }

  get realAt(): string {
    return this.#view('realAt', () => new Date(this.realMs).toISOString())
  }

  get responseHeaders(): Record<string, string> {
    return this.#view('responseHeaders', () => {
      const out = redactHeaders(entriesOf(this.#responseHeaders))
      if (out.location) out.location = redactUrl(out.location)
      return out
    })
  }

  get responseBody(): string {
    const body = this.#responseBody
    const size = this.responseSize ?? 0
    const type = this.responseHeaders['content-type'] ?? ''
    if (body === undefined) return size > 0 ? `[${size} bytes, streamed, not kept]` : ''
    if (body === null) return ''
    if (type !== '' && !TEXTUAL.test(type)) return `[${size} bytes of ${type}]`
    const text = typeof body === 'string' ? body : decoder.decode(body)
    const keptBytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    return size > keptBytes ? `${text}\n[… ${size - keptBytes} more bytes not kept]` : redactBody(text, type)
  }

  toJSON(): JournalEntry {
    return {
      id: this.id,
      direction: this.direction,
      session: this.session,
      partner: this.partner,
      method: this.method,
      path: this.path,
      url: this.url,
      query: this.query,
      headers: this.headers,
      body: this.body,
      bodyTruncated: this.bodyTruncated,
      status: this.status,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      responseSize: this.responseSize,
      durationMs: this.durationMs,
      at: this.at,
      realAt: this.realAt,
      fault: this.fault,
      refusal: this.refusal,
      error: this.error,
    }
  }

  #view<T>(name: string, make: () => T): T {
    const views = (this.#views ??= new Map())
    if (!views.has(name)) views.set(name, make())
    return views.get(name) as T
  }
}

/** A view that does not keep a larger buffer alive: socket reads and cached pages are slices of big
 *  allocations, and a journal of 10,000 entries must not pin 10,000 of those. */
function own(view: Uint8Array): Uint8Array {
  // new Uint8Array(view) copies; a Buffer's slice() would not.
  return view.buffer.byteLength > view.byteLength + 1024 ? new Uint8Array(view) : view
}

function entriesOf(headers: RawHeaders | IncomingHttpHeaders): [string, string][] {
  if (headers === undefined) return []
  if (headers instanceof Headers) return [...headers]
  if (Array.isArray(headers)) return headers.map(([k, v]) => [k.toLowerCase(), v])
  const out: [string, string][] = []
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue
    out.push([k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)])
  }
  return out
}
