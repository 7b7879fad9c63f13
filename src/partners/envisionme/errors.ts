import type { Context, Env, ValidationTargets } from 'hono'
import { headerOf } from '../../core/http.js'
import { HTTPException } from 'hono/http-exception'
import { validator } from 'hono/validator'
import type { z } from 'zod'
import { describeIssues, safeParseEither, zodValidator, type OnInvalid } from '../../core/validate.js'
import { errorPage } from './pages.js'

/** The document shows no error body for the API, so the sandbox's common form (DESIGN.md "Decisions"):
 *  `{ "error": "<what was wrong and how to fix it>" }`. `why` goes to the journal. */
export function apiError(status: 400 | 401 | 404, why: string, message = why): HTTPException {
  return new HTTPException(status, { message: why, res: Response.json({ error: message }, { status }) })
}

/** The billing server answers in its own style: every value an array of strings, with
 *  `response_code` / `response_text` (seed 001, Charge). Its error codes are the sandbox's own. */
export const BILLING_CODES = {
  chargeCreated: '100',
  clientRegistered: '101',
  clientUpdated: '102',
  invalidField: '1000',
  unknownClient: '1001',
  unknownCharge: '1002',
} as const

export function billingError(status: 400 | 404, code: string, text: string): HTTPException {
  return new HTTPException(status, { message: text, res: Response.json({ response_code: [code], response_text: [text] }, { status }) })
}

/** An HTML error page for browser-facing routes (the Login Dialog, the payment page). */
export function pageError(status: 400 | 404 | 409, title: string, message: string): HTTPException {
  return new HTTPException(status, { message, res: errorPage(status, title, message) })
}

export const onApiInvalid: OnInvalid = (_issues, why) => Response.json({ error: why }, { status: 400 })
export const onBillingInvalid: OnInvalid = (issues) => {
  const text = issues.map((i) => i.message).join('; ')
  return Response.json({ response_code: [BILLING_CODES.invalidField], response_text: [text] }, { status: 400 })
}
export const onPageInvalid: OnInvalid = (issues) => errorPage(400, 'Something is wrong with this link', issues.map((i) => i.message).join('; '))

export function validate<T extends keyof ValidationTargets, S extends z.ZodType, E extends Env = Env>(target: T, schema: S, onInvalid: OnInvalid = onApiInvalid) {
  return zodValidator<T, S, E>(target, schema, onInvalid)
}

/** The document's POST calls take their parameters in the query string (`POST
 *  /oauth/access_token{?client_id,…}`) and clients also send them as a form or JSON body, so every
 *  source is merged (the body wins) before the zod check. Read with `c.req.valid('query')`. */
export function validateParams<S extends z.ZodType, E extends Env = Env>(schema: S, onInvalid: OnInvalid = onApiInvalid) {
  return validator('query', async (query, c: Context<E>) => {
    const merged: Record<string, unknown> = { ...query, ...(await bodyParams(c as unknown as Context)) }
    const result = await safeParseEither(schema, merged)
    if (result.success) return result.data as z.output<S>
    const why = describeIssues(result.error.issues, 'parameter')
    ;(c as unknown as Context).set('refusal' as never, why as never)
    return onInvalid(result.error.issues, why, c as unknown as Context)
  })
}

async function bodyParams(c: Context): Promise<Record<string, unknown>> {
  const type = (headerOf(c, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    let form: Record<string, unknown>
    try {
      form = await c.req.parseBody({ all: true })
    } catch {
      throw apiError(400, 'the form body cannot be read', 'The form body cannot be read: send application/x-www-form-urlencoded')
    }
    return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' || Array.isArray(v) ? v : String(v)]))
  }
  if (/^application\/([\w.-]+\+)?json$/.test(type)) {
    const text = await c.req.text()
    if (text.trim() === '') return {}
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw apiError(400, 'the JSON body cannot be parsed', 'The body is not valid JSON')
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw apiError(400, 'the JSON body is not an object', 'The JSON body must be an object of parameters')
    // JSON clients send numbers (client_id: 10, amount: 200.5); the parameters are text on the wire.
    return Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'boolean' ? String(v) : v]),
    )
  }
  return {}
}
