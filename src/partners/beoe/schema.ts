import { createPrivateKey } from 'node:crypto'
import * as z from 'zod'
import { duration } from '../../core/duration.js'
import { later } from '../../core/later.js'

/** BE&OE's scenario piece and request schemas. The defaults are the seed document's own examples
 *  (000_33a71c25f32dbd6f: user@beoe.com / 123456, one-hour tokens, 25,000 records a page, 303 jobs). */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'write a time of day as HH:MM, 00:00 to 24:00')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)))

const isoDate = z.iso.date({ message: 'write a date as YYYY-MM-DD' })

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz })
      return true
    } catch {
      return false
    }
  },
  { message: 'not an IANA time zone: write it like Asia/Karachi or UTC' },
)

const window = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).default([...WEEKDAYS]).meta({ description: 'Weekdays the window starts on: sun … sat' }),
    from: hhmm.meta({ description: 'Opens at this local time, HH:MM' }),
    to: hhmm.meta({ description: 'Closes at this local time, HH:MM (24:00 for midnight); earlier than from: the window runs past midnight' }),
  })
  // Guarded: zod 4 runs object refinements even when a field failed.
  .refine((w) => typeof w.from !== 'number' || w.from !== w.to, { message: 'from and to are equal: write 00:00 to 24:00 for a whole day' })
  .refine((w) => typeof w.from !== 'number' || w.from < 1440, { path: ['from'], message: 'a window cannot open at 24:00' })

export const scheduleConfig = z
  .strictObject({
    timezone: timezone.default('Asia/Karachi').meta({ description: 'The IANA zone the windows are written in' }),
    open: z.array(window).default([]).meta({ description: 'When the API answers; outside every window it is 503' }),
    closed: z.array(isoDate).default([]).meta({ description: 'Local dates (holidays) on which no window opens' }),
  })
  .meta({ description: 'The agreed schedule (document: "accessible at agreed upon schedule"); omitted: always open' })

const credential = z.union([z.string(), z.number().transform(String)])

export const userConfig = z.strictObject({
  id: z.number().int().positive().optional().meta({ description: "The token's sub claim; default: position + 1" }),
  email: z.string().min(1),
  password: z.string().min(1),
})

/** A job given inline: every field optional; the rest come from the generated job of the same id. */
export const jobRecord = z
  .looseObject({
    id: z.number().int().positive().max(2 ** 53 - 1).optional(),
    job_title: z.string().optional(),
    profession: z.string().optional(),
    country: z.string().optional(),
    city: z.string().optional(),
    employer: z.string().optional(),
    oep_name: z.string().optional(),
    oep_license_no: z.string().optional(),
    protectorate: z.string().optional(),
    posts: z.number().int().nonnegative().optional(),
    salary: z.number().nonnegative().optional(),
    currency: z.string().optional(),
    advert_date: isoDate.optional(),
    newspaper: z.string().optional(),
    closing_date: isoDate.optional(),
  })
  .meta({ description: 'A BE&OE job advert; fields left out are filled from the generated job of the same id' })
export type JobRecordInput = z.output<typeof jobRecord>

export const DEFAULT_ID_START = 147_669

export const jobsConfig = z
  .strictObject({
    generate: z.number().int().nonnegative().max(100_000_000).default(303).meta({ description: 'Jobs made from the seed (the document shows a total of 303)' }),
    idStart: z.number().int().positive().default(DEFAULT_ID_START).meta({ description: 'Id of the first generated job (the document shows 147669)' }),
    asOf: isoDate.default('2026-01-14').meta({ description: 'Generated adverts are dated within the 120 days before this date' }),
    records: z.array(jobRecord).default([]).meta({ description: 'Jobs given inline, after (or, by id, around) the generated ones' }),
  })
  .superRefine((jobs, ctx) => {
    const seen = new Set<number>()
    jobs.records.forEach((r, i) => {
      if (r.id === undefined) return
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['records', i, 'id'], message: `id ${r.id} is given twice` })
      seen.add(r.id)
      if (jobs.generate > 0 && r.id >= jobs.idStart && r.id < jobs.idStart + jobs.generate) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'id'],
          message: `id ${r.id} is a generated job's (${jobs.idStart}..${jobs.idStart + jobs.generate - 1}): give another id or leave it out`,
        })
      }
    })
  })

const pem = z.string().refine(
  (text) => {
    try {
      return createPrivateKey(text).asymmetricKeyType === 'rsa'
    } catch {
      return false
    }
  },
  { message: 'not an RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)' },
)

export const beoeConfig = z.strictObject({
  users: z
    .array(userConfig)
    .default([{ email: 'user@beoe.com', password: '123456' }])
    .meta({ description: 'Accounts BE&OE issued (document: user@beoe.com / 123456)' }),
  tokenTtl: duration.prefault('1h').meta({ description: 'Access tokens expire after this much session time (document: one hour)' }),
  pageSize: z.number().int().positive().max(1_000_000).default(25_000).meta({ description: 'Records a page (document: 25000); answered as the string per_page' }),
  schedule: scheduleConfig.optional(),
  jobs: jobsConfig.prefault({}),
  privateKey: pem.optional().meta({ description: 'RSA private key (PEM) that signs tokens, like Passport oauth-private.key; omitted: a fresh 2048-bit pair per sandbox' }),
})

export type BeoeConfig = z.output<typeof beoeConfig>
export type ScheduleConfig = z.output<typeof scheduleConfig>
export type UserConfig = z.output<typeof userConfig>

/** Login fields as Laravel's `$request->email` reads them: any of query, form or JSON body. A number is
 *  taken as its digits, as PHP compares it. Anything else is a failed login, not a 422. */
export const loginFields = later(() =>
  z.looseObject({
    email: credential.optional(),
    password: credential.optional(),
  }),
)

/** `?page=`: Laravel's Paginator::resolveCurrentPage takes the value when filter_var(FILTER_VALIDATE_INT)
 *  accepts it and it is >= 1, else page 1; a repeated parameter is PHP's last one. */
export const pageQuery = later(() =>
  z.looseObject({
    page: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((raw) => phpPage(Array.isArray(raw) ? raw[raw.length - 1] : raw)),
  }),
)

const PHP_INT_MAX = 9_223_372_036_854_775_807n

export function phpPage(raw: string | undefined): number {
  if (raw === undefined) return 1
  // FILTER_VALIDATE_INT trims whitespace, takes one sign, and refuses leading zeros.
  const text = raw.replace(/^[ \t\n\r\v\0]+|[ \t\n\r\v\0]+$/g, '')
  if (!/^[+-]?(0|[1-9]\d*)$/.test(text)) return 1
  const n = BigInt(text)
  if (n < 1n || n > PHP_INT_MAX) return 1
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n)
}

export const addJobsInput = later(() =>
  z
    .strictObject({
      count: z.number().int().positive().max(10_000_000).optional().meta({ description: 'New jobs made from the seed, with the next ids' }),
      records: z.array(jobRecord).max(100_000).optional().meta({ description: 'New jobs given inline' }),
    })
    .refine((i) => i.count !== undefined || (i.records?.length ?? 0) > 0, { message: 'give count or records' }),
)
export type AddJobsInput = z.output<typeof addJobsInput>

export const removeJobsInput = later(() =>
  z
    .strictObject({
      ids: z.array(z.number().int().positive()).max(1_000_000).optional().meta({ description: 'Ids of jobs to take down' }),
      oldest: z.number().int().positive().optional().meta({ description: 'Take down this many jobs with the lowest ids' }),
      newest: z.number().int().positive().optional().meta({ description: 'Take down this many jobs with the highest ids' }),
    })
    .refine((i) => (i.ids?.length ?? 0) > 0 || i.oldest !== undefined || i.newest !== undefined, { message: 'give ids, oldest or newest' }),
)
export type RemoveJobsInput = z.output<typeof removeJobsInput>
