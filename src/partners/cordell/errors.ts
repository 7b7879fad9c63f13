import { HTTPException } from 'hono/http-exception'
import { faultEnvelope, faultJson, faultStatus, SOAP_CONTENT_TYPE, wantsJson, type Fault } from './soap.js'

/** Refusals in the service's bytes: `res` goes to the client, `message` to the journal. */

/** A SOAP 1.2 fault, thrown from anywhere in a call; the route audits it and the core journals `message`. */
export class CordellFault extends HTTPException {
  constructor(
    readonly fault: Fault,
    accept: string | undefined,
    why: string = fault.reason,
  ) {
    const status = faultStatus(fault.code)
    const res = wantsJson(accept)
      ? Response.json(faultJson(fault), { status })
      : new Response(faultEnvelope(fault), { status, headers: { 'content-type': SOAP_CONTENT_TYPE } })
    super(status, { message: why, res })
  }
}

/** A SOAP 1.2 .NET endpoint answers a request that is not `application/soap+xml` (a SOAP 1.1 `text/xml`
 *  one, say) with 415 and an empty body. */
export function unsupportedMediaType(why: string): HTTPException {
  return new HTTPException(415, { message: why, res: new Response(null, { status: 415 }) })
}

/** The document lists 405 Method Not Allowed; a SOAP endpoint takes only POST. */
export function methodNotAllowed(why: string): HTTPException {
  return new HTTPException(405, { message: why, res: new Response(null, { status: 405, headers: { allow: 'POST' } }) })
}

/** Login refusals are JSON, as the login answers JSON (DESIGN.md: `{ "error": "..." }`). */
export function loginError(status: 400 | 401 | 415, message: string, why: string = message): HTTPException {
  return new HTTPException(status, { message: why, res: Response.json({ error: message }, { status }) })
}
