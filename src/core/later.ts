import * as z from 'zod'

/** A schema built the first time it checks something, not when its module loads.
 *
 *  Why: zod makes an object for every step of a chain (`z.string().min(1).max(9)` is three), some tens of
 *  microseconds each while the process is cold, and the sandbox has about two thousand. Starting needs
 *  only the scenario's; the schemas of partner requests, control calls and snapshots wait for their
 *  first use. The result is a schema like any other: validators, `.parse`, `z.output`, JSON Schema. */
export function later<S extends z.ZodType>(build: () => S): z.ZodLazy<S> {
  let built: S | undefined
  // Remembered here as well as by zod, so that `.unwrap()` hands back the same schema each time.
  return z.lazy(() => (built ??= build()))
}

/** The schema a `later()` stands for, built now; any other schema as it is. A validator resolves its
 *  schema so at its first request, and the lazy layer then costs nothing per call. */
export function built(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodLazy ? built(schema.unwrap() as z.ZodType) : schema
}
