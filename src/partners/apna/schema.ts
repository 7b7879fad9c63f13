import * as z from 'zod'
import { duration } from '../../core/duration.js'
import { later } from '../../core/later.js'

/** Apna's push integration (seed 003): the document's "Authentication: Basic or Token-based (configured
 *  as per enterprise requirements)". `header` covers API keys under any header name; `none` is for
 *  receivers that authenticate some other way (or not at all, in a local sandbox). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'a header name: letters, digits and - only')
const headerValue = z.string().max(8_192).regex(/^[^\r\n]*$/, 'a header value cannot hold a line break')

export const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('basic'), username: headerValue.min(1).regex(/^[^:]*$/, 'a Basic username cannot hold ":"'), password: headerValue }),
  z.strictObject({ type: z.literal('bearer'), token: headerValue.min(1) }),
  z.strictObject({ type: z.literal('header'), name: headerName, value: headerValue }),
])
export type ApnaAuth = z.output<typeof authSchema>

const targetUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL, the client endpoint Apna posts applications to' })

export const targetSchema = z.strictObject({
  url: targetUrl.optional().meta({ description: "The client's endpoint (the system under test); omitted: pushes are refused until PUT /__sandbox/apna/target" }),
  auth: authSchema.default({ type: 'none' }),
  headers: z.record(headerName, headerValue).default({}).meta({ description: 'Extra headers sent with every application' }),
})
export type ApnaTarget = z.output<typeof targetSchema>

/** A candidate override: any part of the document's payload, deep-merged over the generated one
 *  (objects merge, arrays and values replace). Left open on purpose: a test may send a wrong type. */
const candidatePatch = z.record(z.string(), z.unknown())

/** Deliberately broken payloads, to test a receiver's 400 handling (the document's "400 Invalid Payload"). */
export const invalidKinds = ['missing_field', 'wrong_type', 'bad_gender', 'bad_date', 'empty_object', 'malformed_json'] as const
export type InvalidKind = (typeof invalidKinds)[number]

const dottedPath = z
  .string()
  .regex(/^[A-Za-z_][\w]*(\.[\w]+)*$/, 'a dotted field path such as contact_info.email')
  .refine((p) => !p.split('.').some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype'), { message: 'not a payload field' })

const pushFields = () =>
  z.strictObject({
    count: z.number().int().min(1).max(1_000).optional().meta({ description: 'How many generated applications (default 1)' }),
    candidates: z.array(candidatePatch).min(1).max(1_000).optional().meta({ description: 'One application each, every entry deep-merged over a generated candidate' }),
    overrides: candidatePatch.optional().meta({ description: 'Deep-merged over every application of this push' }),
    omit: z.array(dottedPath).max(50).optional().meta({ description: 'Fields to leave out, e.g. contact_info.email' }),
    invalid: z.enum(invalidKinds).optional().meta({ description: 'Break every application of this push on purpose' }),
    field: dottedPath.optional().meta({ description: 'The field that missing_field drops or wrong_type retypes (defaults: full_name, current_salary)' }),
  })
const oneSource = [(p: { count?: number; candidates?: unknown[] }) => !(p.count !== undefined && p.candidates !== undefined), { message: 'give count or candidates, not both' }] as const

export const pushInput = later(() => pushFields().refine(...oneSource))
export type PushInput = z.output<typeof pushInput>

export const streamInput = later(() =>
  pushFields()
    .omit({ count: true, candidates: true })
    .extend({
      rate: z.number().positive().max(100).default(1).meta({ description: 'Applications per second of session time' }),
      for: duration.prefault('1m').meta({ description: 'How long the stream runs on the session clock' }),
    })
    .refine((s) => (s.for / 1000) * s.rate <= 100_000, { message: 'a stream makes at most 100000 applications: lower rate or for' }),
)
export type StreamInput = z.output<typeof streamInput>

/** The scenario piece: `partners.apna`. Defaults are the document's numbers. */
export const apnaConfig = z
  .strictObject({
    target: targetSchema.prefault({}),
    retry: z
      .strictObject({
        // "Retry Count: 1", "Retry Delay: 5 seconds".
        attempts: z.number().int().min(0).max(10).default(1).meta({ description: 'Retries after a failed attempt (the document: 1)' }),
        delay: duration.prefault('5s').meta({ description: 'Session time between a failure and its retry (the document: 5s)' }),
      })
      .prefault({}),
    timeout: duration.prefault('10s').meta({ description: 'Real time an attempt may take on the wire before it counts as no response' }),
    rate: z.number().min(0).max(10_000).default(10).meta({ description: 'Requests per second of session time (the document: 10); 0 turns pacing off' }),
    concurrency: z.number().int().min(1).max(256).default(10).meta({ description: 'Attempts on the wire at once' }),
    queueLimit: z.number().int().min(1).max(100_000).default(1_000).meta({ description: 'Unfinished deliveries (queued, sending, retrying) held at most; past it pushes are refused' }),
    logLimit: z.number().int().min(1).max(100_000).default(10_000).meta({ description: 'Deliveries kept in the log; the oldest finished ones go first' }),
    success: z.enum(['200', '2xx']).default('200').meta({ description: "Which answers count as delivered: the document's 200 only, or any 2xx" }),
    ongoingEnd: z.enum(['null', 'omit']).default('null').meta({ description: 'An ongoing experience or education: "end": null (the field table) or no end at all (the sample payload)' }),
    overrides: candidatePatch.default({}).meta({ description: 'Deep-merged over every generated candidate of the session' }),
    contact: z
      .strictObject({
        emailDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i).default('example.com'),
        phonePrefix: z.string().regex(/^[6-9]\d{0,8}$/, 'an Indian mobile number starts with 6-9').default('99999'),
      })
      .prefault({})
      .meta({ description: 'Contact details of generated candidates: reserved domain and a test prefix, so nobody real is mailed or called' }),
  })
  .refine((c) => c.queueLimit <= c.logLimit, { message: 'queueLimit cannot exceed logLimit: unfinished deliveries must stay in the log', path: ['queueLimit'] })
export type ApnaConfig = z.output<typeof apnaConfig>

export const deliveryStates = ['queued', 'sending', 'retrying', 'delivered', 'failed'] as const
export type DeliveryState = (typeof deliveryStates)[number]

export const deliveriesQuery = later(() =>
  z.strictObject({
    state: z.enum(deliveryStates).optional(),
    limit: z.coerce.number().int().positive().max(100_000).optional().meta({ description: 'The newest n' }),
    wait: duration.optional().meta({ description: 'Real time to wait (at most 60s) until every delivery is finished, or on a frozen clock until nothing is on the wire' }),
    payload: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: 'Include each payload' }),
    session: z.string().optional(),
  }),
)

export const targetInput = later(() => targetSchema.safeExtend({ url: targetUrl }))

export const deliveryId = later(() => z.strictObject({ id: z.string().regex(/^d-\d{1,9}$/, 'a delivery id such as d-000001') }))

/** The document's payload, field by field, as a receiver would validate it: what the sandbox generates
 *  and what `check-apna` sends. Exported for client test suites. */
const isoUtc = z.iso.datetime()
export const applicationSchema = later(() =>
  z.object({
    full_name: z.string().min(1),
    gender: z.enum(['m', 'f']),
    date_of_birth: isoUtc,
    current_salary: z.number().int().nonnegative(),
    current_salary_v2: z.number().int().nonnegative(),
    notice_period: z.number().int().nonnegative(),
    english_language_marker: z.string(),
    user_location: z.object({
      display_name: z.string(),
      city: z.string(),
      derived_location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
    }),
    educations: z.array(
      z.object({
        education_level: z.string(),
        degree: z.string(),
        education_institute: z.string(),
        specialization: z.string(),
        start: isoUtc,
        end: isoUtc.nullable().optional(),
        ongoing: z.boolean(),
      }),
    ),
    experiences: z.array(
      z.object({
        organization: z.string(),
        job_title: z.string(),
        employment_type: z.string(),
        industry: z.string(),
        department: z.string(),
        start: isoUtc,
        end: isoUtc.nullable().optional(),
        ongoing: z.boolean(),
      }),
    ),
    known_languages: z.array(z.string()),
    skills: z.array(z.string()),
    contact_info: z.object({ email: z.email(), phone_number: z.string().regex(/^[6-9]\d{9}$/) }),
  }),
)
export type Application = z.output<typeof applicationSchema>
