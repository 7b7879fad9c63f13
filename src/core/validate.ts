import type { Context, Env, ValidationTargets } from 'hono'
import { validator } from 'hono/validator'
import type { z } from 'zod'
import { built } from './later.js'

/** Answers a request whose input failed its schema, in the caller's own style. `why` is a sentence
 *  for the journal: which field and what was wrong. */
export type OnInvalid = (issues: z.core.$ZodIssue[], why: string, c: Context) => Response | Promise<Response>

/** `path: message; …` — the words a failed validation leaves in the journal and in error bodies. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], target?: string): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join('.')
      return `${target && path ? `${target} ` : ''}${path || target || 'input'}: ${i.message}`
    })
    .join('; ')
}

/** Hono's validator with a zod schema: every input is checked at the edge, and a failure answers
 *  through the partner's own `onInvalid`, the way honojs/middleware's zod-validator takes a hook. */
export function zodValidator<T extends keyof ValidationTargets, S extends z.ZodType, E extends Env = Env>(
  target: T,
  schema: S,
  onInvalid: OnInvalid,
) {
  let ready: z.ZodType | undefined
  return validator(target, (value, c: Context<E>) => {
    // Synchronously: no schema of the sandbox refines asynchronously, zod runs its compiled fast path for
    // objects only in a synchronous parse, and an asynchronous one costs promises on every call.
    const result = (ready ??= built(schema)).safeParse(value)
    if (result.success) return result.data as z.output<S>
    const why = describeIssues(result.error.issues, String(target))
    ;(c as unknown as Context).set('refusal' as never, why as never)
    return onInvalid(result.error.issues, why, c as unknown as Context)
  })
}
