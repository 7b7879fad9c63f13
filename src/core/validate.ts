import type { Context, Env, ValidationTargets } from 'hono'
import { validator } from 'hono/validator'
import type * as z from 'zod'
// From zod's core directly: reaching it through `z.core` would keep all of zod's locales in the CLI bundle.
import { $ZodAsyncError } from 'zod/v4/core'
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
  const answer = (result: z.ZodSafeParseResult<unknown>, c: Context<E>) => {
    if (result.success) return result.data as z.output<S>
    const why = describeIssues(result.error.issues, String(target))
    ;(c as unknown as Context).set('refusal' as never, why as never)
    return onInvalid(result.error.issues, why, c as unknown as Context)
  }
  return validator(target, (value, c: Context<E>) => {
    const result = safeParseEither((ready ??= built(schema)), value)
    return result instanceof Promise ? result.then((r) => answer(r, c)) : answer(result, c)
  })
}

/** zod's safeParse, synchronous unless the schema refines asynchronously. Why: zod runs its compiled
 *  fast path for objects only in a synchronous parse, and an asynchronous one costs promises on every
 *  call. A schema with an asynchronous refinement makes zod throw; it is then parsed asynchronously. */
export function safeParseEither<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> | Promise<z.ZodSafeParseResult<z.output<S>>> {
  try {
    return schema.safeParse(value)
  } catch (error) {
    if (!(error instanceof $ZodAsyncError)) throw error
    return schema.safeParseAsync(value)
  }
}
