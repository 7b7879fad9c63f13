import type { Context, MiddlewareHandler } from 'hono'
import { headerOf } from '../../core/http.js'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { refuse } from '../../core/partner.js'
import type { OnInvalid } from '../../core/validate.js'
import { kindOf } from './binder.js'

/** Refusals in the service's bytes. `message` goes to the journal, `res` to the client. */

const JSON_TYPE = 'application/json; charset=utf-8'
const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } })

/** [Authorize(Roles = …)] failing: no principal, or one without the role. */
export const denied = (why: string) =>
  new HTTPException(401, { message: why, res: json({ Message: 'Authorization has been denied for this request.' }, 401) })

/** SFA.DAS.ApiTokens.Client ApiKeyHandler: any exception while reading the token is a 400 with no body
 *  and the exception's type name as the reason phrase (routes.ts writes it onto the socket). */
export const invalidToken = (exception: string, why: string) =>
  new HTTPException(400, { message: `token refused (${exception}): ${why}`, res: new Response(null, { status: 400, statusText: exception }) })

/** A route whose path exists but not for this method. */
export function methodNotAllowed(c: Context, allow: string): Response {
  refuse(c, `${c.req.method} is not served at ${c.req.path}; it takes ${allow}`)
  return json({ Message: `The requested resource does not support http method '${c.req.method}'.` }, 405, { Allow: allow })
}

export function notFound(c: Context): Response {
  refuse(c, `no DAS route ${c.req.method} ${c.req.path}: see the DAS section of the README`)
  return json({ Message: `No HTTP resource was found that matches the request URI '${c.req.url}'.` }, 404)
}

/** ValidationExceptionHandler: "Property Name: X\r\nError: message\r\n" per failure (StringBuilder
 *  .AppendLine on Windows), or the exception's message when it has no failures, as text/plain. */
export function validationText(failures: { property: string; message: string }[]): string {
  return failures.map((f) => `Property Name: ${f.property}\r\nError: ${f.message}\r\n`).join('')
}

const text = (body: string) => new Response(body, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } })

/** Web API's invalid-ModelState body, keyed `<parameter>.<member>` as Web API names them. */
function modelState(parameter: string, issues: z.core.$ZodIssue[]): Response {
  const state: Record<string, string[]> = {}
  for (const issue of issues) {
    const key = [parameter, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p).replace(/^./, (ch) => ch.toLowerCase())))]
      .join('.')
      .replace(/\.\[/g, '[')
    ;(state[key] ??= []).push(issue.message)
  }
  return json({ Message: 'The request is invalid.', ModelState: state }, 400)
}

/** One answer for every failed input, by the kind of its first problem: a value that would not bind
 *  (ModelState JSON), a query date ("Bad date format …"), or FluentValidation rules (text). */
export function onInvalid(parameter: string): OnInvalid {
  return (issues) => {
    const binding = issues.filter((i) => kindOf(i) === 'binding')
    if (binding.length > 0) return modelState(parameter, binding)
    const date = issues.find((i) => kindOf(i) === 'date')
    if (date) return text(date.message)
    return text(validationText(issues.map((i) => ({ property: String((i as { params?: { property?: string } }).params?.property ?? ''), message: i.message }))))
  }
}

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i

/** Before zodValidator('json'): the body must be JSON that parses, or the answer is the service's.
 *  Web API reads application/json and text/json; the sandbox reads only the first (see the README). */
export function jsonBody(parameter: string): MiddlewareHandler {
  return async (c, next) => {
    const type = (headerOf(c, 'content-type') ?? '').split(';')[0]!.trim()
    const raw = await c.req.text()
    if (raw.trim() === '') {
      refuse(c, 'the body is empty: send the event as JSON')
      return json({ Message: 'The request is invalid.', ModelState: { [parameter]: ['A non-empty request body is required.'] } }, 400)
    }
    if (!JSON_MEDIA.test(type)) {
      const media = type || 'application/octet-stream'
      refuse(c, `Content-Type ${media} is not JSON: send Content-Type: application/json`)
      return json({ Message: `The request entity's media type '${media}' is not supported for this resource.` }, 415)
    }
    try {
      JSON.parse(raw)
    } catch (error) {
      const why = `the body is not JSON: ${(error as Error).message}`
      refuse(c, why)
      return json({ Message: 'The request is invalid.', ModelState: { [parameter]: [why] } }, 400)
    }
    await next()
  }
}
