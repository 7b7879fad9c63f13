import * as z from 'zod'
import { duration } from '../../core/duration.js'
import { later } from '../../core/later.js'

/** Cordell's piece of the scenario. Every key has a default, so `cordell: {}` is a working world. */

const user = z.strictObject({
  username: z.string().min(1),
  password: z.string(),
  /** The dataset ids this user's licence covers (seed 004: "validate each user call against the user
   *  profile/license data based on platform and Dataset"). */
  datasets: z.array(z.number().int().positive()).default([1]),
  /** Privileged users also get ingredients and ingredient prices. */
  privileged: z.boolean().default(false),
})

const datasetRecord = z.strictObject({
  DATASETID: z.number().int().positive().optional(),
  NAME: z.string().min(1),
})

const categoryRecord = z.strictObject({
  CATEGORYID: z.number().int().positive().optional(),
  CODE: z.string().min(1).optional(),
  DESCRIPTION: z.string().min(1),
  LINENO: z.string().optional(),
  TIPDESCRIPTION: z.string().optional(),
})

const DEFAULT_USERS = [
  { username: 'estimator', password: 'pass', datasets: [1], privileged: false },
  { username: 'qs', password: 'pass', datasets: [1, 2], privileged: true },
]

export const cordellConfig = z
  .strictObject({
    users: z.array(user).default(DEFAULT_USERS),
    /** How long an access token lives, on the session clock. */
    tokenTtl: duration.prefault('1h'),
    /** Generated rows were created in the 180 days before this time (a fixed time, so that data does not
     *  depend on when a session happens to start). */
    dataAsOf: z.iso.datetime({ offset: true }).default('2015-01-20T00:00:00+11:00'),
    datasets: z
      .strictObject({
        generate: z.number().int().min(0).max(20).default(2),
        records: z.array(datasetRecord).default([]),
      })
      .prefault({}),
    categories: z
      .strictObject({
        generate: z.number().int().min(0).max(500).default(6),
        records: z.array(categoryRecord).default([]),
      })
      .prefault({}),
    /** Entries of each category in each dataset. */
    entriesPerCategory: z.number().int().min(0).max(50).default(2),
    /** Items of each entry: the first is a recipe whose ingredients are the others (component items). */
    itemsPerEntry: z.number().int().min(1).max(50).default(3),
    /** Every item has a price summary per region and price sector. */
    regions: z.array(z.number().int().positive()).min(1).default([1, 2]),
    sectors: z.array(z.number().int().positive()).min(1).default([1]),
    /** Audit rows kept per session; the oldest go first. */
    auditLimit: z.number().int().positive().default(10_000),
  })
  .superRefine((c, ctx) => {
    const datasets = c.datasets.generate + c.datasets.records.length
    const items = datasets * (c.categories.generate + c.categories.records.length) * c.entriesPerCategory * c.itemsPerEntry
    if (items * c.regions.length * c.sectors.length > 500_000) {
      ctx.addIssue({ code: 'custom', path: ['entriesPerCategory'], message: `this makes ${items} items × ${c.regions.length * c.sectors.length} prices; keep items × regions × sectors at most 500000` })
    }
    const ids = (list: { id?: number | undefined }[], start: number, what: string, path: string[]) => {
      const seen = new Set<number>()
      let next = start
      for (const r of list) {
        const id = r.id ?? ++next
        if (seen.has(id) || id <= start) ctx.addIssue({ code: 'custom', path, message: `${what} id ${id} is taken: ids 1-${start} are generated, and each id is used once` })
        seen.add(id)
        next = Math.max(next, id)
      }
    }
    ids(c.datasets.records.map((r) => ({ id: r.DATASETID })), c.datasets.generate, 'dataset', ['datasets', 'records'])
    ids(c.categories.records.map((r) => ({ id: r.CATEGORYID })), c.categories.generate, 'category', ['categories', 'records'])
    const names = new Set<string>()
    for (const u of c.users) {
      if (names.has(u.username)) ctx.addIssue({ code: 'custom', path: ['users'], message: `user ${u.username} is listed twice` })
      names.add(u.username)
    }
  })

export type CordellConfig = z.output<typeof cordellConfig>
export type CordellUser = CordellConfig['users'][number]

export const TABLES = ['datasets', 'categories', 'entries', 'items', 'ingredients', 'prices'] as const
export type Table = (typeof TABLES)[number]

/** One change to the costing database, from `POST /__sandbox/cordell/changes` or the timeline
 *  (`do: cordell.change`). `id` names a row; `count` picks that many live rows (deterministically, from
 *  the session's seed), or for `add` makes that many generated rows. */
export const changeInput = z
  .strictObject({
    op: z.enum(['add', 'modify', 'delete']),
    table: z.enum(TABLES),
    id: z.number().int().positive().optional(),
    count: z.number().int().min(1).max(1_000).optional(),
    /** Restricts `count` picks (and generated parents for `add`) to one dataset. */
    dataset: z.number().int().positive().optional(),
    /** Field values in the document's spelling: for `add`, the new row's (parents such as ENTRYID
     *  included); for `modify`, the fields to set. Omitted: generated. */
    values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.id !== undefined && c.count !== undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'give id or count, not both' })
    if (c.op === 'add' && c.id !== undefined) ctx.addIssue({ code: 'custom', path: ['id'], message: 'add makes new rows: give values or count, not id' })
    if (c.op !== 'add' && c.id === undefined && c.count === undefined) ctx.addIssue({ code: 'custom', path: ['id'], message: `${c.op} needs the row's id, or a count of rows to pick` })
    if (c.op === 'delete' && c.values !== undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'delete takes no values' })
  })

export type ChangeInput = z.output<typeof changeInput>

/** One change, or `{ changes: [...] }`. */
export const changesInput = later(() => z.union([changeInput, z.strictObject({ changes: z.array(changeInput).min(1).max(1_000) })]))
export type ChangesInput = z.output<typeof changesInput>

/** The login body, JSON or form; the names are matched case-insensitively (UserName, username). */
export const loginInput = later(() =>
  z.object({
    username: z.string({ error: 'UserName is required' }).min(1, 'UserName is empty'),
    password: z.string({ error: 'Password is required' }),
  }),
)

// The SOAP parameters as text from the XML; an INTEGER must be an xs:int, the way .NET's
// XmlSerializer reads it (surrounding white space allowed).
const xsInt = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => /^[+-]?\d{1,10}$/.test(s) && Math.abs(Number(s)) <= 2_147_483_647, { message: 'is not a valid Int32 (xs:int)' })
  .transform(Number)

export const completeSetParams = later(() => z.object({ COMPLETESET: xsInt.optional() }))

export const entriesParams = later(() =>
  z.object({
    // The document types DATASET as STRING, but its value is a dataset id.
    DATASET: z
      .string({ error: 'DATASET is required: the id of the dataset to download' })
      .transform((s) => s.trim())
      .refine((s) => /^\d{1,10}$/.test(s), { message: 'must be a dataset id (digits)' })
      .transform(Number),
    COMPLETESET: xsInt.optional(),
  }),
)

export const costingParams = later(() =>
  z.object({
    ITEMCODE: z.string({ error: 'ITEMCODE is required' }).transform((s) => s.trim()).refine((s) => s !== '', { message: 'ITEMCODE is empty' }),
    DATASETID: z.string({ error: 'DATASETID is required' }).pipe(xsInt),
    // All parameters are optional unless marked [mandatory] (seed 004, Conventions): no REGIONID, every region.
    REGIONID: xsInt.optional(),
  }),
)
