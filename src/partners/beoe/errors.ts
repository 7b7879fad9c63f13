import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { OnInvalid } from '../../core/validate.js'
import { phpJson } from './views.js'

/** BE&OE's refusals in its own bytes. `message` goes to the journal, `res` to the client. The login's
 *  `{"error":"Unauthorised"}` is the seed document's spelling (the classic Laravel Passport login);
 *  the list's `{"message":"Unauthenticated."}` is what Laravel's auth:api middleware answers a JSON
 *  client. Every body is json_encode's bytes (escaped slashes). */

/** Laravel's JsonResponse: `application/json` and the `no-cache, private` every Laravel response has. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : phpJson(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private', ...headers },
  })
}

const refusal = (status: number, why: string, body: unknown, headers?: Record<string, string>) =>
  new HTTPException(status as 400, { message: why, res: jsonResponse(status, body, headers) })

export const unauthorised = (why: string) => refusal(401, why, { error: 'Unauthorised' })

export const unauthenticated = (why: string) => refusal(401, why, { message: 'Unauthenticated.' })

export const badRequest = (why: string, message: string) => refusal(400, why, { error: message })

export const noRecords = (why: string) => refusal(404, why, { error: 'No record found.' })

export const notAccessible = (why: string, body: Record<string, unknown>, retryAfter?: number) =>
  refusal(503, why, body, retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : undefined)

/** A failed login field (an object where a string belongs) is a failed login, as Auth::attempt makes it. */
export const loginInvalid: OnInvalid = () => jsonResponse(401, { error: 'Unauthorised' })

/** Laravel's JSON answers for a path it has no route for, and for a method a route does not take. */
export function routeNotFound(path: string): Response {
  return jsonResponse(404, { message: `The route ${path.replace(/^\//, '')} could not be found.` })
}

export function methodNotAllowed(c: Context, path: string, allowed: string): Response {
  return jsonResponse(405, { message: `The ${c.req.method} method is not supported for route ${path.replace(/^\//, '')}. Supported methods: ${allowed}.` }, { allow: allowed })
}
