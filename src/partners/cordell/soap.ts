import { lazily } from '../../core/lazy.js'
import { NS, SOAP12_NS, type OperationName } from './fields.js'
import type { ResultSet } from './views.js'

const xmlbuilder2 = lazily<typeof import('xmlbuilder2')>('xmlbuilder2')

/** The SOAP 1.2 wire format, apart from behaviour: result envelopes and faults as a .NET SOAP 1.2
 *  service writes them (prefix `s`, document/literal, the result wrapped in <MethodResponse><MethodResult>
 *  the way ASMX and WCF's XmlSerializer format do). Faults are built with xmlbuilder2; result envelopes
 *  are written as text (the hot path), every value through escapeText. */

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8'
const XMLNS = 'http://www.w3.org/2000/xmlns/'
const XML = 'http://www.w3.org/XML/1998/namespace'

export function resultEnvelope(op: OperationName, result: ResultSet): string {
  // Written as text, not built with xmlbuilder2: it spent ~25 µs on the four fixed elements of every
  // envelope and ~40 µs an element on rows. These are the exact bytes xmlbuilder2 wrote (declaration,
  // `s` prefix, default namespace on the response element, no white space; an empty result is
  // `<…Result></…Result>`); the test "writes the envelope xmlbuilder2 wrote" keeps them so. Row and
  // column names are the document's fixed names (fields.ts); every value goes through escapeText.
  let out = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP12_NS}"><s:Body><${op}Response xmlns="${NS}"><${op}Result>`
  for (const table of result) {
    const open = `<${table.row}>`
    const close = `</${table.row}>`
    for (const cells of table.rows) {
      out += open
      for (const [name, value] of cells) out += `<${name}>${typeof value === 'number' ? String(value) : escapeText(value)}</${name}>`
      out += close
    }
  }
  return `${out}</${op}Result></${op}Response></s:Body></s:Envelope>`
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/

/** Escapes text content; characters XML 1.0 cannot carry (a NUL sent through the control API) become
 *  U+FFFD rather than breaking the document. */
export function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
  return text
    .replace(/[&<>\r]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&#13;'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** A fault's subcode: a qualified name in a namespace, as WCF writes `a:ActionNotSupported`. */
export interface Subcode {
  ns: string
  prefix: string
  local: string
}

/** WCF's own subcodes keep WCF's namespaces, so a .NET client recognises them; the service's own live in
 *  its namespace. */
export const WCF_ADDRESSING_NONE = 'http://schemas.microsoft.com/ws/2005/05/addressing/none'
export const WCF_DISPATCHER = 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher'

export const subcodes = {
  actionNotSupported: { ns: WCF_ADDRESSING_NONE, prefix: 'a', local: 'ActionNotSupported' },
  deserializationFailed: { ns: WCF_DISPATCHER, prefix: 'a', local: 'DeserializationFailed' },
  malformedXml: { ns: NS, prefix: 'c', local: 'MalformedXml' },
  dtdProhibited: { ns: NS, prefix: 'c', local: 'DtdProhibited' },
  invalidEnvelope: { ns: NS, prefix: 'c', local: 'InvalidEnvelope' },
  missingParameter: { ns: NS, prefix: 'c', local: 'MissingParameter' },
  missingToken: { ns: NS, prefix: 'c', local: 'MissingToken' },
  invalidToken: { ns: NS, prefix: 'c', local: 'InvalidToken' },
  tokenExpired: { ns: NS, prefix: 'c', local: 'TokenExpired' },
  datasetNotLicensed: { ns: NS, prefix: 'c', local: 'DatasetNotLicensed' },
} satisfies Record<string, Subcode>

export type FaultCode = 'Sender' | 'Receiver' | 'VersionMismatch'

export interface Fault {
  code: FaultCode
  subcode?: Subcode
  reason: string
}

/** SOAP 1.2 part 2, 7.5.2.2: Sender is 400, Receiver 500. A VersionMismatch is also answered 400 here:
 *  it is bad input, and the sandbox never answers bad input with a 500 (DESIGN.md). */
export function faultStatus(code: FaultCode): 400 | 500 {
  return code === 'Receiver' ? 500 : 400
}

export function faultEnvelope(fault: Fault): string {
  const doc = xmlbuilder2().create({ version: '1.0', encoding: 'utf-8' })
  const f = doc.ele(SOAP12_NS, 's:Envelope').ele(SOAP12_NS, 's:Body').ele(SOAP12_NS, 's:Fault')
  const code = f.ele(SOAP12_NS, 's:Code')
  code.ele(SOAP12_NS, 's:Value').txt(`s:${fault.code}`)
  if (fault.subcode) {
    code
      .ele(SOAP12_NS, 's:Subcode')
      .ele(SOAP12_NS, 's:Value')
      .att(XMLNS, `xmlns:${fault.subcode.prefix}`, fault.subcode.ns)
      .txt(`${fault.subcode.prefix}:${fault.subcode.local}`)
  }
  f.ele(SOAP12_NS, 's:Reason').ele(SOAP12_NS, 's:Text').att(XML, 'xml:lang', 'en-US').txt(fault.reason)
  return doc.end()
}

/** The JSON form of a fault for a client that asked for JSON. */
export function faultJson(fault: Fault): { error: string; code: FaultCode; subcode: string | null } {
  return { error: fault.reason, code: fault.code, subcode: fault.subcode ? `${fault.subcode.prefix}:${fault.subcode.local}` : null }
}

export interface ContentType {
  type: string
  params: Record<string, string>
}

/** `application/soap+xml; charset=utf-8; action="…"` -> its media type and parameters (names lower-case). */
export function parseContentType(header: string | undefined): ContentType {
  if (!header) return { type: '', params: {} }
  const [type, ...rest] = header.split(';')
  const params: Record<string, string> = {}
  for (const part of rest) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    params[part.slice(0, eq).trim().toLowerCase()] = value
  }
  return { type: type!.trim().toLowerCase(), params }
}

/** Whether the client asked for JSON rather than XML (seed 004: "The response will be in XML format by
 *  default"). */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase())
  const json = types.indexOf('application/json')
  if (json < 0) return false
  const xml = types.findIndex((t) => t.includes('xml'))
  return xml < 0 || json < xml
}
