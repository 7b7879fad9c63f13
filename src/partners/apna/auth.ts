import { mask, redactHeaders } from '../../core/redact.js'
import type { ApnaAuth, ApnaTarget } from './schema.js'

/** The headers of one application POST: the document's `Content-Type: application/json`, the
 *  target's extra headers, then its auth ("Basic or Token-based, configured as per enterprise
 *  requirements"). `X-Sandbox-Delivery` is the sandbox's own, so a test can tie what arrived to the
 *  delivery log; the real Apna does not send it. */
export function outboundHeaders(target: ApnaTarget, deliveryId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'partner-sandbox-apna/0.1',
  }
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value
  Object.assign(headers, authHeaders(target.auth))
  headers['x-sandbox-delivery'] = deliveryId
  return headers
}

export function authHeaders(auth: ApnaAuth): Record<string, string> {
  switch (auth.type) {
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` }
    case 'header':
      return { [auth.name.toLowerCase()]: auth.value }
    case 'none':
      return {}
  }
}

/** For the journal: the usual masking, plus the configured API-key header whatever it is called. */
export function journalHeaders(headers: Record<string, string>, auth: ApnaAuth): Record<string, string> {
  const out = redactHeaders(Object.entries(headers))
  if (auth.type === 'header') {
    const name = auth.name.toLowerCase()
    if (name in headers) out[name] = mask(headers[name]!)
  }
  return out
}

/** The target as the control API shows it: secrets masked. */
export function authView(auth: ApnaAuth): Record<string, string> {
  switch (auth.type) {
    case 'basic':
      return { type: 'basic', username: auth.username, password: mask(auth.password) }
    case 'bearer':
      return { type: 'bearer', token: mask(auth.token) }
    case 'header':
      return { type: 'header', name: auth.name, value: mask(auth.value) }
    case 'none':
      return { type: 'none' }
  }
}
