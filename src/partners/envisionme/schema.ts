import * as z from 'zod'
import { duration } from '../../core/duration.js'
import { later } from '../../core/later.js'

/** The nine province choices of the seed document's `GET /job` (001), spelled as it spells them. The
 *  sandbox's jobs carry the same spelling in `province_name`, so a filter is an exact match. */
export const PROVINCES = [
  'The Eastern Cape',
  'The Free State',
  'Gauteng',
  'KwaZulu-Natal',
  'Limpopo',
  'Mpumalanga',
  'The Northern Cape',
  'North West',
  'The Western Cape',
] as const

/** The twelve vocabulary ids `GET /term` accepts (seed 001, `vid` choices). */
export const VIDS = [33, 31, 10, 24, 27, 19, 12, 25, 14, 13, 7, 28] as const

const positiveInt = z.number().int().positive()

/** An app registered with envisionme.co.za: the id and secret it is "assigned", and the redirect URIs
 *  the authorize call accepts, compared character for character. */
const clientConfig = z.strictObject({
  clientId: positiveInt.meta({ description: 'App/client ID (a number, as in the document)' }),
  clientSecret: z.string().min(1),
  name: z.string().min(1).optional().meta({ description: 'Shown on the Login Dialog; omitted: "App <clientId>"' }),
  redirectUris: z
    .array(z.url({ protocol: /^https?$/ }))
    .min(1)
    .meta({ description: 'Exact redirect_uri values allowed for this client' }),
})

const userConfig = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
  uid: positiveInt,
  name: z.string().min(1).optional(),
})

/** A token that exists from the start, so a newcomer can call /job before doing the OAuth dance. */
const tokenConfig = z.strictObject({
  token: z.string().regex(/^[\w.~-]{8,200}$/, '8-200 letters, digits, or . _ ~ -'),
  uid: positiveInt,
  clientId: positiveInt,
})

/** A job given inline; every field it leaves out comes from the generated job with the same nid (or,
 *  past the generated ones, from the generator's row for that nid). */
export const jobRecord = z.strictObject({
  nid: positiveInt.optional(),
  title: z.string().optional(),
  status: z.union([z.literal(0), z.literal(1)]).optional(),
  reference: z.string().optional(),
  type: z.string().optional(),
  position: z.string().optional(),
  created: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).optional(),
  uid: positiveInt.optional(),
  company_uid: positiveInt.optional(),
  author_name: z.string().optional(),
  company_logo: z.string().optional(),
  company_name: z.string().optional(),
  job_description: z.string().optional(),
  salary: z.number().nonnegative().optional(),
  salary_currency: z.string().nullable().optional().meta({ description: 'null: the field is absent, as in the document\'s second job' }),
  salary_type: z.string().nullable().optional(),
  city: z.string().optional(),
  province_name: z.enum(PROVINCES).optional(),
  country_name: z.string().optional(),
  mxit: z.boolean().optional().meta({ description: 'Whether the job is for Mxit (filter only; not in the JSON)' }),
})
export type JobRecord = z.output<typeof jobRecord>

/** The document's two example jobs (its list response): the default data starts with them as nids 1
 *  and 2, so a client's first call sees what the document shows. */
const DOCUMENT_JOBS: z.input<typeof jobRecord>[] = [
  {
    nid: 1,
    title: 'ON HOLD Test Analyst',
    status: 1,
    reference: '79143',
    type: 'Permanent',
    position: 'Testing & QA (IT)',
    created: '1455919200000',
    uid: 2753,
    company_uid: 2753,
    author_name: 'ACME Inc.',
    company_logo: 'sites/default/files/profile-images/2753-1384430330.jpg',
    company_name: 'Acme Professional Placement Group',
    job_description:
      "You're currently a Test Analyst with over 5 years experience and looking for a new challenge. Wait no longer, one of my best clients is looking for your expertise in the analysis space focusing on defining automated test requirements during analysis phase of the project. Let's elevate your career to the next level. Bring your Degree/Diploma in IT coupled with an ISEB/ISTQB certifications. \r\nTravel required: 0%",
    salary: 750000,
    salary_currency: 'ZAR',
    salary_type: 'Annual',
    city: 'Johannesburg North',
    province_name: 'Gauteng',
    country_name: 'South Africa',
    mxit: false,
  },
  {
    nid: 2,
    title: 'TEST - Acme (DO NOT DELETE)',
    status: 1,
    reference: '70586',
    type: 'Part time',
    position: 'Data Capturer',
    created: '1454709600000',
    uid: 2783,
    company_uid: 2783,
    author_name: 'Acme Staffing Solutions',
    company_logo: 'sites/default/files/profile-images/2783-1362336674.png',
    company_name: 'Acme Staffing Solutions',
    job_description: 'TEST\r\nTravel required: 0%',
    salary: 6000,
    salary_currency: null,
    salary_type: null,
    city: 'Johannesburg Central',
    province_name: 'Gauteng',
    country_name: 'South Africa',
    mxit: true,
  },
]

export const termRecord = z.strictObject({
  tid: positiveInt,
  vid: z.number().int().refine((v) => (VIDS as readonly number[]).includes(v), { message: `vid is one of ${VIDS.join(', ')}` }),
  name: z.string().min(1),
  synonyms: z.array(z.string()).default([]),
})
export type TermRecord = z.output<typeof termRecord>

/** The document's two example terms: the default data starts with them, so its example query finds them. */
const DOCUMENT_TERMS: z.input<typeof termRecord>[] = [
  { tid: 40929, vid: 27, name: 'Creating Test Plan', synonyms: ['Creating Test Plans'] },
  { tid: 20280, vid: 27, name: 'Test Management', synonyms: [] },
]

/** A billing client registered from the start (what `POST /register-client` would have made). */
const billingClientConfig = z.strictObject({
  client_id: z.union([z.string().min(1), z.number().int().positive().transform(String)]),
  first_name: z.string().default('Peter'),
  last_name: z.string().default('Smith'),
  company: z.string().default('Envisionme Virtual Co. Pty Ltd'),
  email: z.string().default('info@envisionme.co.za'),
})

/** Decides what the payment page's Pay does for a charge, without a browser: like the magic card
 *  numbers of other payment sandboxes. Globs: `*` matches anything. */
const paymentRule = z.strictObject({
  amount: z.string().optional().meta({ description: 'Glob over the amount written with two decimals, e.g. "*.13"' }),
  email: z.string().optional(),
  internal_id: z.string().optional(),
  outcome: z.enum(['approve', 'decline']),
})
export type PaymentRule = z.output<typeof paymentRule>

export const envisionmeConfig = z.strictObject({
  clients: z
    .array(clientConfig)
    .default([{ clientId: 10, clientSecret: 'xyz123', redirectUris: ['http://localhost:3000/callback', 'http://www.example.com/callback'] }])
    .meta({ description: 'OAuth apps; default: the document\'s example app 10 / xyz123' }),
  users: z.array(userConfig).default([{ username: 'demo', password: 'demo', uid: 2753, name: 'Demo User' }]),
  tokens: z.array(tokenConfig).default([]),
  loginDialog: z
    .enum(['interactive', 'auto-approve', 'auto-deny'])
    .default('interactive')
    .meta({ description: 'interactive: the HTML dialog; auto-approve: log in as autoUser and allow at once; auto-deny: cancel at once' }),
  autoUser: z.string().optional().meta({ description: 'Username auto-approve logs in as; omitted: the first user' }),
  codeTtl: duration.prefault('10m'),
  tokenTtl: duration.optional().meta({ description: 'Access tokens expire after this; omitted: never (refresh_token is null)' }),
  loginTtl: duration.prefault('30d').meta({ description: 'How long the dialog remembers a login (its cookie)' }),
  requireToken: z.boolean().default(true).meta({ description: 'Whether /job, /jobs/{nid} and /term need an access token' }),
  requireSecret: z.boolean().default(true).meta({ description: 'Whether /oauth/access_token needs client_secret (the document marks it optional)' }),
  jobs: z
    .strictObject({
      generate: z.number().int().min(0).max(100_000).default(40),
      records: z.array(jobRecord).prefault(DOCUMENT_JOBS).meta({ description: 'Default: the document\'s two example jobs as nids 1 and 2' }),
    })
    .prefault({}),
  terms: z
    .strictObject({
      generate: z.number().int().min(0).max(100_000).default(200),
      records: z.array(termRecord).prefault(DOCUMENT_TERMS),
    })
    .prefault({}),
  billing: z
    .strictObject({
      clients: z.array(billingClientConfig).default([]),
      paymentPage: z
        .enum(['interactive', 'auto-pay', 'auto-cancel'])
        .default('interactive')
        .meta({ description: 'interactive: the HTML page with Pay and Cancel; auto-pay / auto-cancel: the page redirects at once' }),
      rules: z.array(paymentRule).default([{ amount: '*.13', outcome: 'decline' }]),
      firstChargeId: positiveInt.default(1070),
      gatewayId: z.string().default('12'),
    })
    .prefault({}),
})

export type EnvisionmeConfig = z.output<typeof envisionmeConfig>
export type ClientConfig = z.output<typeof clientConfig>
export type UserConfig = z.output<typeof userConfig>

// ---- request schemas: every input is checked at the edge ----

const whole = (name: string) => z.string().regex(/^\d+$/, `${name} is a whole number, like 10`).transform(Number)
/** The document's booleans arrive as query text; `null` is its written default for `count`. */
const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'null', ''], { message: `${name} is true or false` })
    .transform((v) => v === 'true' || v === '1')

/** `{2,3,4}`: "Comma seperated list of nids encapsulated by {}" (seed 001), a Postgres array literal. */
const nidList = z
  .string()
  .regex(/^\{\s*(\d+\s*(,\s*\d+\s*)*)?\}$/, 'nids is a comma separated list of nids inside braces, like {2,3,4}')
  .transform((v) => v.slice(1, -1).split(',').map((n) => n.trim()).filter((n) => n !== '').map(Number))

export const jobListQuery = later(() =>
  z.object({
    count: flag('count').optional(),
    company_uid: whole('company_uid').optional(),
    limit: whole('limit').pipe(z.number().max(1000, 'limit is at most 1000')).default(10),
    province: z.enum(PROVINCES, { message: `province is one of: ${PROVINCES.join(', ')}` }).optional(),
    mxit: flag('mxit').optional(),
    nids: nidList.optional(),
    search: z.string().max(200).optional(),
    status: z.enum(['0', '1'], { message: 'status is 0 (active jobs) or 1 (expired jobs)' }).default('0'),
    skip: whole('skip').default(0),
    uid: whole('uid').optional(),
    access_token: z.string().optional(),
  }),
)
export type JobListQuery = z.output<typeof jobListQuery>

export const jobParam = later(() => z.object({ nid: whole('nid') }))

export const termQuery = later(() =>
  z.object({
    q: z.string({ message: 'q is required: the text to look up' }).trim().min(1, 'q is required: the text to look up').max(200),
    vid: z
      .string({ message: `vid is required: one of ${VIDS.join(', ')}` })
      .regex(/^\d+$/, `vid is one of ${VIDS.join(', ')}`)
      .transform(Number)
      .refine((v) => (VIDS as readonly number[]).includes(v), { message: `vid is one of ${VIDS.join(', ')}` }),
    limit: whole('limit').pipe(z.number().max(1000, 'limit is at most 1000')).default(10),
    skip: whole('skip').default(0),
    orderBy: z.enum(['name', 'tid'], { message: 'orderBy is name or tid' }).optional(),
    asc: flag('asc').optional(),
    access_token: z.string().optional(),
  }),
)
export type TermQuery = z.output<typeof termQuery>

export const authorizeQuery = later(() =>
  z.object({
    client_id: z.string({ message: 'client_id is required' }).regex(/^\d+$/, 'client_id is a number, like 10').transform(Number),
    redirect_uri: z.string({ message: 'redirect_uri is required' }).min(1, 'redirect_uri is required').max(2000),
    state: z.string().max(2000).optional(),
    // Checked in the route: once client and redirect_uri are known good, a bad one goes back to the app.
    response_type: z.string().max(100).optional(),
  }),
)

export const dialogForm = later(() =>
  z.object({
    dialog: z.string({ message: 'the form lost its dialog field: open the Login Dialog again' }).min(1).max(100),
    decision: z.enum(['allow', 'cancel'], { message: 'decision is allow or cancel' }),
    username: z.string().max(200).optional(),
    password: z.string().max(200).optional(),
  }),
)

export const accessTokenParams = later(() =>
  z.object({
    client_id: z.string({ message: 'client_id is required' }).regex(/^\d+$/, 'client_id is a number, like 10').transform(Number),
    redirect_uri: z.string({ message: 'redirect_uri is required: the same one the Login Dialog redirected to' }).min(1).max(2000),
    client_secret: z.string().max(500).optional(),
    code: z.string({ message: 'code is required: the one the Login Dialog added to your redirect_uri' }).min(1).max(500),
  }),
)

export const debugTokenQuery = later(() =>
  z.object({
    input_token: z.string({ message: 'input_token is required: the access token to inspect' }).min(1).max(500),
  }),
)

const required = (name: string) => z.string({ message: `${name} is required` }).trim().min(1, `${name} is required`).max(500)
// URL.canParse ignores CR, LF and tabs, but the URL goes into a Location header as written (Pay and
// Cancel were a 500 for a return_url holding CR/LF): C0 controls and DEL are refused.
const CONTROL = /[\x00-\x1f\x7f]/
const httpUrl = (name: string) =>
  required(name).refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v) && !CONTROL.test(v), { message: `${name} is an absolute http(s) URL` })

export const registerClientParams = later(() =>
  z.object({
    client_id: required('client_id'),
    first_name: required('first_name'),
    last_name: required('last_name'),
    company: required('company'),
    email: required('email').pipe(z.email({ message: 'email is an e-mail address' })),
  }),
)

export const chargeParams = later(() =>
  z.object({
    client_id: required('client_id'),
    gateway_mode: z.enum(['0', '1'], { message: 'gateway_mode is 1 (Live) or 0 (Sandbox)' }),
    amount: required('amount')
      .regex(/^\d{1,9}(\.\d{1,2})?$/, 'amount is in ZAR with at most two decimals, like 200.50')
      .refine((v) => Number(v) > 0, { message: 'amount is more than 0' }),
    internal_id: required('internal_id'),
    first_name: required('first_name'),
    last_name: required('last_name'),
    email: required('email').pipe(z.email({ message: 'email is an e-mail address' })),
    return_url: httpUrl('return_url'),
    cancel_url: httpUrl('cancel_url'),
  }),
)

export const getChargeQuery = later(() =>
  z.object({
    client_id: required('client_id'),
    charge_id: z.string({ message: 'charge_id is required' }).regex(/^\d+$/, 'charge_id is a number, like 1070').transform(Number),
  }),
)

export const paymentForm = later(() =>
  z.object({
    decision: z.enum(['pay', 'cancel'], { message: 'decision is pay or cancel' }),
  }),
)
export const chargeIdParam = later(() => z.object({ id: whole('charge id') }))
