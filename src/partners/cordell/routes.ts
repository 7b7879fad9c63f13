import { Hono, type Context } from 'hono'
import { headerText, requestHeaders } from '../../core/http.js'
import { refuse, type PartnerEnv } from '../../core/partner.js'
import { authenticate, clientIp, login } from './auth.js'
import { CordellFault, methodNotAllowed, unsupportedMediaType } from './errors.js'
import { actionOf, NS, OPERATIONS, operationNamed, SOAP11_NS, SOAP12_NS, type Operation } from './fields.js'
import { call, readParams } from './methods.js'
import { parseContentType, SOAP_CONTENT_TYPE, subcodes, wantsJson } from './soap.js'
import type { CordellStore } from './store.js'
import { wsdl } from './wsdl.js'
import type { Envelope, SoapType } from './parsed.js'
import { childElements, hasStrayText, parseXml, XmlError, type XmlElement } from './xml.js'

type C = Context<PartnerEnv<CordellStore>>

/** Routes are matched without regard to case or a trailing slash, as IIS matches them. */
const BY_PATH = new Map<string, Operation>(OPERATIONS.map((op) => [normal(op.path), op]))
const SERVICE = '/costing'
const LOGIN = '/costing/login'

function normal(path: string): string {
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--
  return (end === path.length ? path : path.slice(0, end)).toLowerCase() || '/'
}

/** Request bodies up to this many characters have their parsed envelope remembered. */
const ENVELOPE_MEMO_CHARS = 4096
// One object each for every response: the journal keeps a response's headers, and a shared object is
// one fewer thing for each entry to hold.
const JSON_TYPE = Object.freeze({ 'Content-Type': 'application/json' })
const SOAP_TYPE = Object.freeze({ 'content-type': SOAP_CONTENT_TYPE })
/** Stateless in one-shot use (no `stream` option), so one serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })
const EMPTY = new Uint8Array(0)

export function cordellRoutes() {
  const app = new Hono<PartnerEnv<CordellStore>>()
  // Not async: once the core has read the body, a SOAP call is answered in the same turn.
  app.all('*', (c) => {
    const path = c.get('state').parsed.paths.get(c.get('path'), normal)
    const method = c.req.method
    if (path === SERVICE && (method === 'GET' || method === 'HEAD')) {
      const query = [...new URL(c.req.url).searchParams.keys()].map((k) => k.toLowerCase())
      if (query.includes('wsdl') || query.includes('singlewsdl')) return c.body(wsdl(c.get('baseUrl')), 200, { 'content-type': 'text/xml; charset=utf-8' })
      return c.html(helpPage(c.get('baseUrl')))
    }
    if (path === LOGIN) {
      if (method !== 'POST') throw methodNotAllowed(`${method} ${LOGIN}: the login takes POST`)
      return login(c)
    }
    const fixed = BY_PATH.get(path)
    if (fixed || path === SERVICE) {
      if (method !== 'POST') throw methodNotAllowed(`${method} on a SOAP endpoint: only POST is allowed`)
      return soap(c, fixed)
    }
    refuse(c, `no Cordell resource ${method} ${path}`)
    return c.json(
      { error: `No Cordell resource at ${c.get('path')}. The service is at /Costing (WSDL: /Costing?wsdl), the login at POST /Costing/Login, the methods at ${OPERATIONS.map((o) => o.path).join(', ')}.` },
      404,
    )
  })
  return app
}

/** One SOAP 1.2 call: at a method's own URL (`fixed`) or at the service address, which dispatches on the
 *  body element. */
function soap(c: C, fixed: Operation | undefined): Response {
  const headers = requestHeaders(c)
  const header = headerText(headers['content-type'])
  const store = c.get('state')
  const type = header ? store.parsed.contentTypes.get(header, frozenSoapType) : soapType(header)
  if (type.refusal !== undefined) throw unsupportedMediaType(type.refusal)
  const accept = headerText(headers['accept'])
  const ip = clientIp(c, headers)
  let user: string | null = null
  let method = fixed?.name ?? '(unknown)'
  let params: Readonly<Record<string, string>> = {}
  try {
    const envelope = readEnvelope(store, c.get('body') ?? EMPTY, accept)
    const op = resolve(envelope, fixed, type.action, accept)
    method = op.name
    const caller = authenticate(c, envelope.header, accept, headerText(headers['authorization']))
    user = caller.user.username
    // The parameters are a function of the envelope, which is itself remembered per body text: the
    // audit rows of a client's repeated call share one frozen object rather than each keeping a copy.
    params = envelope.params ??= Object.freeze(readParams(op, envelope.operation, accept))
    const json = wantsJson(accept)
    const done = call(store, caller.user, op.name, params, accept, json)
    store.audit({ user, ip, method, parameters: params, mode: done.mode, since: done.since, records: done.records, outcome: 'ok' })
    // c.json's own headers and status, for a body already serialised.
    return c.body(done.body, 200, json ? JSON_TYPE : SOAP_TYPE)
  } catch (error) {
    if (error instanceof CordellFault) {
      const f = error.fault
      store.audit({ user, ip, method, parameters: params, mode: null, since: null, records: 0, outcome: `fault ${f.code}${f.subcode ? ` ${f.subcode.prefix}:${f.subcode.local}` : ''}: ${error.message}` })
    }
    throw error
  }
}

/** The envelope of a request body. A well-formed envelope is a pure function of the body's text, so the
 *  envelopes of small bodies are remembered per sandbox (a client repeats the same calls): the tree is only
 *  ever read, never changed. Refused bodies are not remembered; their faults are made afresh. */
function readEnvelope(store: CordellStore, bytes: Uint8Array, accept: string | undefined): Envelope {
  const parsed = store.parsed
  const last = parsed.last
  // length: a Uint8Array's byteLength, without the call V8 makes for byteLength.
  if (last !== undefined && last.bytes.length === bytes.length && Buffer.compare(last.bytes, bytes) === 0) return last.envelope
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new CordellFault({ code: 'Sender', subcode: subcodes.malformedXml, reason: 'The message is not valid UTF-8.' }, accept, 'body is not UTF-8')
  }
  if (text.length > ENVELOPE_MEMO_CHARS) return parseEnvelope(text, accept)
  const envelope = parsed.envelopes.get(text, (t) => parseEnvelope(t, accept))
  // A copy: the request's own bytes are not ours to keep past the call.
  parsed.last = { bytes: bytes.slice(), envelope }
  return envelope
}

function frozenSoapType(header: string): Readonly<SoapType> {
  return Object.freeze(soapType(header))
}

/** Whether the service takes a request with this Content-Type, and the action it names. */
function soapType(header: string | undefined): SoapType {
  const type = parseContentType(header)
  if (type.type !== 'application/soap+xml') {
    const hint = type.type === 'text/xml' ? ' (text/xml is SOAP 1.1; this service speaks SOAP 1.2)' : ''
    return { action: undefined, refusal: `Content-Type "${header ?? '(none)'}" is not application/soap+xml${hint}` }
  }
  const charset = type.params.charset
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return { action: undefined, refusal: `charset "${charset}" is not utf-8` }
  // An action the service knows is given as the service's own string: resolve() then compares a string
  // with itself.
  const action = type.params.action
  const known = OPERATIONS.find((o) => actionOf(o.name) === action)
  return { action: known ? actionOf(known.name) : action, refusal: undefined }
}

function parseEnvelope(text: string, accept: string | undefined): Envelope {
  const invalid = (reason: string, why = reason) => new CordellFault({ code: 'Sender', subcode: subcodes.invalidEnvelope, reason }, accept, why)
  let root: XmlElement
  try {
    root = parseXml(text)
  } catch (error) {
    if (!(error instanceof XmlError)) throw error
    const subcode = error.kind === 'dtd' || error.kind === 'entity' ? subcodes.dtdProhibited : subcodes.malformedXml
    throw new CordellFault({ code: 'Sender', subcode, reason: `The message could not be read as XML: ${error.message}.` }, accept, `bad XML: ${error.message}`)
  }
  if (root.local === 'Envelope' && root.ns === SOAP11_NS) {
    // SOAP 1.2 part 1, 5.4.7: another envelope version is a VersionMismatch.
    throw new CordellFault(
      { code: 'VersionMismatch', reason: `The envelope is SOAP 1.1 (${SOAP11_NS}); this service speaks SOAP 1.2 (${SOAP12_NS}).` },
      accept,
      'SOAP 1.1 envelope sent as application/soap+xml',
    )
  }
  if (root.local !== 'Envelope' || root.ns !== SOAP12_NS) {
    throw invalid(`The root element is {${root.ns}}${root.local}; a SOAP 1.2 message is an Envelope in ${SOAP12_NS}.`)
  }
  if (hasStrayText(root)) throw invalid('The Envelope holds text; it may hold only a Header and a Body.')
  const parts = childElements(root)
  const misplaced = parts.find((p) => p.ns !== SOAP12_NS || (p.local !== 'Header' && p.local !== 'Body'))
  if (misplaced) throw invalid(`The Envelope holds <${misplaced.name}>; it may hold only a Header and a Body.`)
  const header = parts[0]?.local === 'Header' ? parts[0] : undefined
  const body = parts[header ? 1 : 0]
  if (!body || body.local !== 'Body' || parts.length !== (header ? 2 : 1)) throw invalid('The Envelope must hold an optional Header, then exactly one Body.')
  if (hasStrayText(body)) throw invalid('The Body holds text; it must hold the method element.')
  const ops = childElements(body)
  if (ops.length !== 1) throw invalid(`The Body holds ${ops.length} elements; it must hold exactly one, the method (${OPERATIONS.map((o) => o.name).join(', ')}).`)
  return { header, operation: ops[0]! }
}

/** Which method the message asks for, checked against the URL it came to and the `action` parameter.
 *  What the body names is a function of the envelope, so it is found once per envelope. */
function resolve(envelope: Envelope, fixed: Operation | undefined, action: string | undefined, accept: string | undefined): Operation {
  const el = envelope.operation
  const named = (envelope.named ??= (el.ns === NS ? operationNamed(el.local) : undefined) ?? null)
  if (!named) {
    const known = OPERATIONS.map((o) => o.name).join(', ')
    throw notSupported(action, accept, el.ns === NS || !operationNamed(el.local)
      ? `The body element ${el.local} is not a method of this service (${known}).`
      : `The body element ${el.local} is in namespace "${el.ns}"; the methods are in ${NS}.`)
  }
  if (fixed && named !== fixed) throw notSupported(action, accept, `The body element ${named.name} was sent to the URL of ${fixed.name} (${fixed.path}).`)
  // The action is the service's own string when it names a method (see soapType): equal strings are
  // then the same string, compared at once.
  if (action && action !== actionOf(named.name)) throw notSupported(action, accept, `The action for ${named.name} is ${actionOf(named.name)}.`)
  return named
}

function notSupported(action: string | undefined, accept: string | undefined, detail: string): CordellFault {
  return new CordellFault(
    {
      code: 'Sender',
      subcode: subcodes.actionNotSupported,
      // WCF's words for a ContractFilter mismatch, then what exactly did not match.
      reason:
        `The message with Action '${action ?? ''}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher. ` +
        'This may be because of either a contract mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch between the sender and the receiver. ' +
        `Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None). ${detail}`,
    },
    accept,
    detail,
  )
}

function helpPage(rawBase: string): string {
  const base = rawBase.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
  const rows = OPERATIONS.map((o) => `<li><b>${o.name}</b>: POST ${base}${o.path} (action "${actionOf(o.name)}")</li>`).join('')
  return `<!doctype html><html><head><title>Costing Service</title></head><body><h1>Costing Service</h1>
<p>A SOAP 1.2 service (Content-Type: application/soap+xml). Service description: <a href="${base}/Costing?wsdl">${base}/Costing?wsdl</a>.</p>
<p>Log in with POST ${base}/Costing/Login ({"UserName": "...", "Password": "..."}); send the token in the AuthHeader SOAP header or as Authorization: Bearer.</p>
<ul>${rows}</ul></body></html>`
}
