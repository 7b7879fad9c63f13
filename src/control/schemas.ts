import * as z from 'zod'
import { duration } from '../core/duration.js'
import { later } from '../core/later.js'

/** Input schemas of the control API: they validate requests and write its OpenAPI document. */
export const clockInput = z
  .strictObject({
    advance: duration.optional().meta({ description: 'Move forward by a duration; due timers fire in order' }),
    set: z.iso.datetime({ offset: true }).optional().meta({ description: 'Jump to an ISO-8601 time (forward runs timers on the way)' }),
    frozen: z.boolean().optional().meta({ description: 'Freeze or unfreeze the clock' }),
  })
  .refine((b) => b.advance !== undefined || b.set !== undefined || b.frozen !== undefined, {
    message: 'give advance, set or frozen',
  })

export const requestsQuery = later(() =>
  z.strictObject({
    partner: z.string().optional(),
    method: z.string().optional(),
    path: z.string().optional().meta({ description: 'A glob under the partner prefix' }),
    status: z.string().regex(/^([1-5]xx|\d{3})$/, 'a status like 404 or a class like 4xx').optional(),
    refused: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().positive().max(10_000).optional(),
    session: z.string().optional(),
  }),
)

export const sessionQuery = later(() => z.strictObject({ session: z.string().optional() }))

/** GET /events: EventSource cannot send headers, so the session and the admin token may come in the query. */
export const eventsQuery = later(() => z.strictObject({ session: z.string().optional(), token: z.string().optional() }))

export const scenarioQuery = later(() =>
  z.strictObject({
    session: z.string().optional(),
    apply: z.enum(['session', 'all']).default('session').meta({
      description: 'session: replace this session\'s scenario; all: also the scenario new sessions start from, resetting every live session',
    }),
  }),
)

export const clockView = later(() =>
  z.object({
    now: z.string(),
    epochMs: z.number(),
    frozen: z.boolean(),
    pending: z.array(z.object({ due: z.string(), label: z.string() })),
  }),
)
