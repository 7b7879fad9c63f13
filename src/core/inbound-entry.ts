import type { IncomingHttpHeaders } from 'node:http'
import { BODY_CAP, type JournalEntry } from './journal.js'
import { redactBody, redactHeaders, redactQuery, redactUrl } from './redact.js'

/** Response headers in any form a Response may hold them, or as the journal packs them (`name\nvalue\n…`). */
export type RawHeaders = Headers | Record<string, string | string[] | number | undefined> | [string, string][] | string | undefined

/** Request headers: Node's parsed object or its rawHeaders list, a web Headers, or packed text. */
export type HeaderSource = IncomingHttpHeaders | readonly string[] | Headers | string

const decoder = new TextDecoder('utf-8', { fatal: false })
const TEXTUAL = /json|xml|text|html|javascript|x-www-form-urlencoded/i

/** A journal entry for a request a client made. It keeps references to what it saw and builds the
 *  masked, decoded views (headers, query, bodies, times) only when someone reads them: most entries are
 *  never read, and building them cost more than serving the request. Reading, JSON.stringify included,
 *  gives the same fields as any JournalEntry. The journal copies what it keeps off the JS heap
 *  (packed-entries.ts) and makes one of these again to read it. */
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
  /** @internal The request body as read, at most BODY_CAP of it. */
  requestBody: Uint8Array | undefined
  /** @internal */
  responseHeadersRaw: RawHeaders
  /** @internal At most BODY_CAP of the response (a longer string is cut when read or packed). */
  responseBodyRaw: string | Uint8Array | null | undefined

  constructor(
    readonly id: number,
    readonly session: string,
    readonly partner: string,
    readonly method: string,
    readonly path: string,
    /** @internal */ readonly rawUrl: string,
    /** @internal */ readonly rawHeaders: HeaderSource,
    /** @internal */ readonly atMs: number,
    /** @internal */ readonly realMs: number,
  ) {}

  /** The request body; only its first BODY_CAP bytes are kept (the journal copies them). */
  keepRequestBody(body: Uint8Array): void {
    // length, not byteLength (the same on a Uint8Array): V8 reads byteLength through a call.
    const size = body.length
    if (size === 0) return
    this.bodyTruncated = size > BODY_CAP
    this.requestBody = size > BODY_CAP ? body.subarray(0, BODY_CAP) : body
  }

  /** What the response was; the journal copies at most BODY_CAP of the body. */
  keepResponse(status: number, headers: RawHeaders, body: string | Uint8Array | null | undefined, size: number | null): void {
    this.status = status
    this.responseHeadersRaw = headers
    this.responseSize = size
    this.responseBodyRaw = body instanceof Uint8Array && body.length > BODY_CAP ? body.subarray(0, BODY_CAP) : body
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
    return this.requestBody ? redactBody(decoder.decode(this.requestBody), this.headers['content-type'] ?? '') : ''
  }

  get at(): string {
    return this.#view('at', () => new Date(this.atMs).toISOString())
  }

  get realAt(): string {
    return this.#view('realAt', () => new Date(this.realMs).toISOString())
  }

  get responseHeaders(): Record<string, string> {
    return this.#view('responseHeaders', () => {
      const out = redactHeaders(entriesOf(this.responseHeadersRaw))
      if (out.location) out.location = redactUrl(out.location)
      return out
    })
  }

  get responseBody(): string {
    const raw = this.responseBodyRaw
    const body = typeof raw === 'string' && raw.length > BODY_CAP ? raw.slice(0, BODY_CAP) : raw
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

/** Header pairs, names in lower case, a repeated header's values joined as Node joins them. */
function entriesOf(headers: RawHeaders | HeaderSource): [string, string][] {
  if (headers === undefined) return []
  if (headers instanceof Headers) return [...headers]
  if (typeof headers === 'string') return headers === '' ? [] : pairs(headers.split('\n'))
  if (Array.isArray(headers)) return typeof headers[0] === 'string' ? pairs(headers as unknown as readonly string[]) : (headers as [string, string][]).map(([k, v]) => [k.toLowerCase(), v])
  const out: [string, string][] = []
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue
    out.push([k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)])
  }
  return out
}

/** `[name, value, name, value…]` as pairs, one per name. */
function pairs(list: readonly string[]): [string, string][] {
  const byName = new Map<string, string>()
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i]!.toLowerCase()
    const had = byName.get(name)
    byName.set(name, had === undefined ? list[i + 1]! : `${had}, ${list[i + 1]}`)
  }
  return [...byName]
}
