import { HTTPException } from 'hono/http-exception'
import type { Problem } from '../core/scenario.js'
import { zodValidator } from '../core/validate.js'
import type { Env, ValidationTargets } from 'hono'
import type { z } from 'zod'

/** The control API's one error form: `{ "error": { code, message, details? } }` with a 4xx status. */
export function controlError(status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, code: string, message: string, details?: unknown): HTTPException {
  return new HTTPException(status, {
    message,
    res: Response.json(
      { error: { code, message, ...(details !== undefined ? { details } : {}) } },
      // After a 413 the rest of the body is still coming: close rather than read it.
      { status, ...(status === 413 ? { headers: { connection: 'close' } } : {}) },
    ),
  })
}

export function invalidScenario(problems: Problem[]): HTTPException {
  return controlError(400, 'invalid_scenario', `the scenario has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems)
}

/** Validates control input; a failure is a 400 listing each problem as `{ path, message }`. */
export function validate<T extends keyof ValidationTargets, S extends z.ZodType, E extends Env = Env>(target: T, schema: S) {
  return zodValidator<T, S, E>(target, schema, (issues, why) =>
    Response.json(
      {
        error: {
          code: 'invalid_request',
          message: why,
          details: issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
        },
      },
      { status: 400 },
    ),
  )
}
