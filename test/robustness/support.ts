import fc from 'fast-check'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'

/** Shared by the robustness suites: a raw HTTP client that never follows redirects and never hangs,
 *  hostile values for fast-check, and each partner's error style as a predicate. */

export interface Req {
  method: string
  /** Path and query exactly as sent: bad escapes and latin-1 bytes included. */
  path: string
  headers?: Record<string, string>
  body?: Buffer
}

export interface Res {
  status: number
  statusMessage: string
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
}

/** How long one request may take before it counts as a hang. Generous: the suite runs on 2 shared cores. */
export const REQUEST_TIMEOUT_MS = 15_000

export class Client {
  /** Requests sent, for the report. */
  sent = 0
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 })

  constructor(readonly port: number) {}

  /** One exchange over a real socket. A request that gets no complete answer in REQUEST_TIMEOUT_MS rejects.
   *  A request written to a kept-alive socket the sandbox was closing as idle (its keepAliveTimeout) is
   *  reset before the sandbox reads it; it is sent again once, as Node's documentation advises
   *  (`request.reusedSocket`). */
  send(req: Req): Promise<Res> {
    this.sent++
    return this.#exchange(req).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
      if (error.code === 'ECONNRESET' && error.reusedSocket) return this.#exchange(req)
      throw error
    })
  }

  #exchange(req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers }
      if (req.body !== undefined) headers['content-length'] = req.body.byteLength
      const r = request({ host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, body, text: body.toString('utf8') })
        })
        res.on('error', reject)
        res.on('aborted', () => reject(new Error(`${req.method} ${req.path.slice(0, 120)}: the response was cut off`)))
      })
      r.setTimeout(REQUEST_TIMEOUT_MS, () => r.destroy(new Error(`${req.method} ${req.path.slice(0, 120)}: no answer in ${REQUEST_TIMEOUT_MS} ms (a hang)`)))
      r.on('error', (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = r.reusedSocket
        reject(error)
      })
      r.end(req.body)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

/** The default scenario, but with a frozen clock and Apna pointed at a closed loopback port with a short
 *  timeout, so nothing the suites do reaches past 127.0.0.1 or waits on a receiver. */
export function testScenario(): Record<string, unknown> {
  const scenario = parseYaml(readFileSync(join(import.meta.dirname, '../../scenarios/default.yaml'), 'utf8')) as Record<string, any>
  scenario.name = 'robustness'
  scenario.clock = { start: '2026-01-14T11:00:00Z', frozen: true }
  scenario.partners.apna = { ...scenario.partners.apna, target: { url: 'http://127.0.0.1:9/apna', auth: { type: 'none' } }, timeout: '1s', retry: { attempts: 1, delay: '5s' } }
  return scenario
}

// ---------------------------------------------------------------------------------------------------
// Hostile values

/** Strings that have broken parsers, escapers and validators somewhere. */
export const NASTY = [
  '', ' ', '0', '-1', '-0', '1.5', '1e309', '-1e309', 'NaN', 'Infinity', 'null', 'undefined', 'true', '[]', '{}',
  '99999999999999999999999', '9223372036854775808', '-9223372036854775809', '0x10', '010', '+5', ' 5 ',
  '2026-02-30', '2026-13-45T25:61:61Z', '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00.001Z', '20261345256161', 'yesterday', '1h', '-5s', '99999999999999d',
  '%', '%Z', '%ZZ', '%E0%A4', '%C0%AF', '%00', '\u0000', '\u0007', '\ud800', '\udfff', '\uffff', '\ufeff', 'ü€😀', 'Ω≈ç√', 'ﷺ',
  '../../../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', 'C:\\Windows\\win.ini',
  '<script>alert(1)</script>', '"\'><img src=x onerror=alert(1)>', "';--", '${7*7}', '{{7*7}}', '__proto__', 'constructor', 'prototype',
  'a\r\nX-Injected: 1', '\r\n\r\nHTTP/1.1 200 OK', 'javascript:alert(1)', 'http://127.0.0.1:9/x', '//127.0.0.1:9',
]

/** Characters every value must survive; `binary` includes lone surrogates. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 6000 }) },
)

export const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Any JSON value of any type, shallow. */
export const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(text, text, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)

/** Percent-encodes every byte that is not unreserved (lone surrogates become U+FFFD, as a browser sends them). */
export function pct(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b)
    out += /[A-Za-z0-9_.~-]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Escapes that are not UTF-8 or not escapes at all, and raw latin-1 bytes. */
const BAD_ESCAPES = ['%', '%Z', '%ZZ', '%E0%A4', '%FF%FE', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%00', '\xff\xfe', 'é', '%%', '%2', '%u0041']

/** One query value as it goes on the wire: well encoded, or broken. */
export const wireValue = (valid: fc.Arbitrary<string> = text): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: valid.map(pct) },
    { weight: 3, arbitrary: text.map(pct) },
    { weight: 1, arbitrary: fc.tuple(text, fc.constantFrom(...BAD_ESCAPES)).map(([t, bad]) => pct(t) + bad) },
  )

/** A query string over `names` (each often given, sometimes twice), with random names too. */
export function queryArb(names: readonly string[], valid: Partial<Record<string, fc.Arbitrary<string>>> = {}): fc.Arbitrary<string> {
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(names.length ? names : ['x'])).chain((name) => wireValue(valid[name] ?? text).map((v) => `${name}=${v}`)) },
    { weight: 1, arbitrary: fc.tuple(text, text).map(([k, v]) => `${pct(k)}=${pct(v)}`) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_ESCAPES, '=', '&&', '=x', 'a=b=c', '?', '#') },
  )
  return fc.array(pair, { maxLength: 7 }).map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''))
}

export type Body = { type: string | undefined; bytes: Buffer }

const INVALID_UTF8 = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe0, 0xa4]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])]

/** A JSON body shaped like `base`, with fields dropped, retyped or added; or any JSON; or JSON cut
 *  short; or not JSON; or not UTF-8. */
export function jsonBody(base: fc.Arbitrary<Record<string, unknown>>, keys: readonly string[], type: string = 'application/json'): fc.Arbitrary<Body> {
  const mutated = fc
    .tuple(base, fc.array(fc.tuple(fc.oneof(fc.constantFrom(...(keys.length ? keys : ['x'])), text), fc.option(value, { nil: undefined })), { maxLength: 4 }))
    .map(([b, changes]) => {
      const o: Record<string, unknown> = { ...b }
      for (const [k, v] of changes) {
        if (v === undefined) delete o[k]
        else o[k] = v
      }
      return o
    })
  const bytes = fc.oneof(
    { weight: 6, arbitrary: mutated.map((o) => Buffer.from(JSON.stringify(o))) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: mutated.chain((o) => { const s = JSON.stringify(o); return fc.nat(s.length).map((n) => Buffer.from(s.slice(0, n))) }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', '{', '}', '[', 'nul', 'NaN', '{"a":}', "{'a':1}", '{"a":1,}', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '1e999999', '"\\ud800"', '{"a":"\\u0000"}', '[1,2', '{"a":1}{"b":2}', '<x/>')
        .map((s) => Buffer.from(s)),
    },
    { weight: 1, arbitrary: fc.tuple(mutated, fc.constantFrom(...INVALID_UTF8)).map(([o, bad]) => { const s = JSON.stringify(o); const cut = Math.max(1, s.indexOf('"') + 1); return Buffer.concat([Buffer.from(s.slice(0, cut)), bad, Buffer.from(s.slice(cut))]) }) },
  )
  return fc.tuple(bytes, contentType(type)).map(([b, t]) => ({ type: t, bytes: b }))
}

/** Mostly the right type, sometimes a wrong, odd or missing one. */
export function contentType(right: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(right) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/soap+xml', 'text/xml', 'application/json; charset=utf-16', '*/*', ';;;', 'application/vnd.api+json', 'application/soap+xml; charset=ebcdic', 'application/soap+xml; action="\u00ff"'),
    },
  )
}

/** A urlencoded form over `names`, with broken escapes. */
export function formBody(names: readonly string[], valid: Partial<Record<string, fc.Arbitrary<string>>> = {}): fc.Arbitrary<Body> {
  return fc.tuple(queryArb(names, valid), contentType('application/x-www-form-urlencoded')).map(([q, type]) => ({ type, bytes: Buffer.from(q.replace(/^\?/, ''), 'latin1') }))
}

/** Extra request headers: odd Accept and Authorization values, an enormous header now and then. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('accept', 'authorization', 'content-encoding', 'x-forwarded-for', 'cookie', 'x-test', 'transfer-encoding-x', 'accept-charset', 'soapaction'), text),
      fc.tuple(fc.constant('x-big'), fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'b'.repeat(n))),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => {
    const out: Record<string, string> = {}
    // Node refuses to send CR/LF and characters past U+00FF in a header; the server-side splitting is
    // tested separately (attacks.test.ts). Everything else goes as is.
    for (const [k, v] of pairs) out[k] = v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')
    return out
  })

// ---------------------------------------------------------------------------------------------------
// Error styles: undefined when the answer is in the partner's style, else what is wrong.

export type Style = (res: Res, req: Req) => string | undefined

export function jsonOf(res: Res): unknown {
  try {
    return JSON.parse(res.text)
  } catch {
    return undefined
  }
}

const typeOf = (res: Res) => String(res.headers['content-type'] ?? '')
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Answers Node's HTTP parser gives before any code of ours runs (431 headers too large, 400 a request
 *  it cannot parse), and the core's own refusals: 413 and an unusable session id. */
function transport(res: Res): boolean {
  if ((res.status === 431 || res.status === 400) && res.body.byteLength === 0 && !res.headers['content-type'] && res.headers.connection === 'close') return true
  const body = jsonOf(res)
  if (res.status === 413 && isObject(body) && (typeof body.error === 'string' || isObject(body.error))) return true
  if (res.status === 400 && isObject(body) && typeof body.error === 'string' && body.error.includes('is not a usable session id')) return true
  // A path whose dot segments lead out of every prefix (`/das/../x`) is the sandbox's own 404.
  if (res.status === 404 && isObject(body) && typeof body.error === 'string' && body.error.startsWith('nothing at ')) return true
  return false
}

/** What every answer must be, whoever gives it: not a 5xx, no header an input injected, and a page
 *  that shows input shows it escaped. */
export function universal(res: Res, req: Req): string | undefined {
  if (res.status >= 500) return `a ${res.status}: ${res.text.slice(0, 300)}`
  if (res.headers['x-injected'] !== undefined) return 'an injected header reached the response (header splitting)'
  if (/text\/html/.test(typeOf(res)) && /<img src=x|<script>alert|onerror=alert/i.test(res.text)) return 'input reached an HTML page unescaped'
  return undefined
}

/** A HEAD answer has no body to judge. */
export const headOr = (style: Style): Style => (res, req) => (req.method === 'HEAD' ? (res.body.byteLength === 0 ? undefined : 'a HEAD answer with a body') : style(res, req))

/** BE&OE (Laravel): `{"error": …}` or `{"message": …}` as JSON. */
export const beoeStyle: Style = (res) => {
  if (res.status < 400 || transport(res)) return undefined
  const body = jsonOf(res)
  if (!/^application\/json/.test(typeOf(res))) return `BE&OE ${res.status} is ${typeOf(res) || 'untyped'}, not JSON`
  if (isObject(body) && (typeof body.error === 'string' || typeof body.message === 'string')) return undefined
  return `BE&OE ${res.status} body is not {"error"} / {"message"}: ${res.text.slice(0, 200)}`
}

/** envisionme: the API's `{"error"}`, billing's `{"response_code":[…]}`, or an HTML page for the browser routes. */
export const envisionmeStyle: Style = (res) => {
  if (res.status < 400 || transport(res)) return undefined
  const body = jsonOf(res)
  if (/^text\/html/.test(typeOf(res))) return /^<!doctype html>/i.test(res.text) ? undefined : 'envisionme HTML error is not a page'
  if (isObject(body) && (typeof body.error === 'string' || (Array.isArray(body.response_code) && Array.isArray(body.response_text)))) return undefined
  return `envisionme ${res.status} is neither {"error"}, billing's form nor a page: ${res.text.slice(0, 200)}`
}

/** DAS (ASP.NET Web API): 400 with no body and an exception name, `Property Name:` / `Bad date format`
 *  text, or `{"Message": …}` JSON. */
export const dasStyle: Style = (res) => {
  if (res.status < 400 || transport(res)) return undefined
  if (res.status === 400 && res.body.byteLength === 0) return /Exception$/.test(res.statusMessage) ? undefined : `DAS empty 400 without an exception name (${res.statusMessage})`
  if (res.status === 400 && /^text\/plain/.test(typeOf(res))) return /^(Property Name: |Bad date format )/.test(res.text) ? undefined : `DAS text 400 is not a validation form: ${res.text.slice(0, 200)}`
  const body = jsonOf(res)
  if (isObject(body) && typeof body.Message === 'string') return undefined
  return `DAS ${res.status} is not in the service's forms: ${res.text.slice(0, 200)}`
}

/** Cordell: a SOAP 1.2 Sender (or VersionMismatch) fault, its JSON twin, an empty 415/405, or the login's `{"error"}`. */
export const cordellStyle: Style = (res) => {
  if (res.status < 400 || transport(res)) return undefined
  if ((res.status === 415 || res.status === 405) && res.body.byteLength === 0) return undefined
  if (/^application\/soap\+xml/.test(typeOf(res))) {
    return res.status === 400 && /<s:Fault>/.test(res.text) && /<s:Value>s:(Sender|VersionMismatch)<\/s:Value>/.test(res.text) ? undefined : `Cordell SOAP ${res.status} is not a Sender fault: ${res.text.slice(0, 300)}`
  }
  const body = jsonOf(res)
  if (isObject(body) && typeof body.error === 'string') return undefined
  return `Cordell ${res.status} is neither a fault nor {"error"}: ${res.text.slice(0, 200)}`
}

/** The control API: `{"error": {"code", "message"}}`. */
export const controlStyle: Style = (res) => {
  if (res.status < 400 || transport(res)) return undefined
  const body = jsonOf(res)
  if (isObject(body) && isObject(body.error) && typeof body.error.code === 'string' && typeof body.error.message === 'string') return undefined
  return `control ${res.status} is not {"error":{"code","message"}}: ${res.text.slice(0, 200)}`
}

/** Apna serves nothing inbound: every path is its JSON 404. */
export const apnaStyle: Style = (res) => {
  if (transport(res)) return undefined
  const body = jsonOf(res)
  return res.status === 404 && isObject(body) ? undefined : `Apna answered ${res.status}: ${res.text.slice(0, 200)}`
}
