import * as soap from 'soap'

/** Helpers for the Cordell tests: a login, a node-soap client built from the served WSDL, and raw SOAP
 *  1.2 requests for what a well-behaved client never sends. */

export const NS = 'http://www.cordell.com.au/Costing/'
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope'

/** `base` is the partner's URL, e.g. `${sb.url}/__s/<id>/cordell`. */
export async function login(base: string, username: string, password = 'pass'): Promise<{ AccessToken: string; IssueTime: string; ExpireTime: string; ExpiresIn: number }> {
  const res = await fetch(`${base}/Costing/Login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserName: username, Password: password }),
  })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return res.json()
}

export type Client = soap.Client & Record<string, (args: unknown) => Promise<[any, string, unknown, string]>>

/** A node-soap client against the WSDL, SOAP 1.2, carrying `token` in the AuthHeader SOAP header. */
export async function client(base: string, token?: string): Promise<Client> {
  const c = (await soap.createClientAsync(`${base}/Costing?wsdl`, { forceSoap12Headers: true })) as Client
  if (token) c.addSoapHeader({ AuthHeader: { AccessToken: token } }, '', 'tns', NS)
  return c
}

export function envelope(body: string, header = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP12}">${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`
}

export function authHeader(token: string): string {
  return `<AuthHeader xmlns="${NS}"><AccessToken>${token}</AccessToken></AuthHeader>`
}

/** A method element with its parameters: `op('GetDataSet', { COMPLETESET: 1 })`. */
export function op(name: string, params: Record<string, string | number> = {}): string {
  return `<${name} xmlns="${NS}">${Object.entries(params).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</${name}>`
}

export interface RawOptions {
  path?: string
  action?: string
  contentType?: string
  headers?: Record<string, string>
}

export async function raw(base: string, xml: string, o: RawOptions = {}): Promise<{ status: number; type: string | null; text: string }> {
  const contentType = o.contentType ?? `application/soap+xml; charset=utf-8${o.action ? `; action="${o.action}"` : ''}`
  const res = await fetch(`${base}${o.path ?? '/Costing'}`, { method: 'POST', headers: { 'content-type': contentType, ...o.headers }, body: xml })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** The parts of a SOAP 1.2 fault, read with a regular expression so the test does not lean on the
 *  partner's own reader. */
export function faultOf(xml: string): { code?: string; subcode?: string; reason?: string; lang?: string } {
  const code = /<s:Code><s:Value>([^<]*)<\/s:Value>/.exec(xml)?.[1]
  const subcode = /<s:Subcode><s:Value[^>]*>([^<]*)<\/s:Value>/.exec(xml)?.[1]
  const text = /<s:Text xml:lang="([^"]*)">([^<]*)<\/s:Text>/.exec(xml)
  return { code, subcode, reason: text?.[2], lang: text?.[1] }
}

/** Rows of a result table as node-soap hands them over: one row is an object, several an array. */
export function rows<T = Record<string, unknown>>(result: unknown, table: string): T[] {
  const value = (result as Record<string, unknown> | null | undefined)?.[table]
  if (value === undefined || value === null) return []
  return (Array.isArray(value) ? value : [value]) as T[]
}
