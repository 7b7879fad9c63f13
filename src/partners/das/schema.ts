import * as z from 'zod'
import { duration } from '../../core/duration.js'
import {
  bindingIssue,
  caseInsensitive,
  displayName,
  netDate,
  netDecimalInput,
  netInteger,
  netString,
  nullableEnum,
  ruleIssue,
  strictEnum,
  type EnumRaw,
} from './binder.js'
import { formatUsDate, parseServiceDate } from './dates.js'
import { later } from '../../core/later.js'

// The enums of SFA.DAS.Events.Api.Types, by number.
export const PAYMENT_STATUS = ['PendingApproval', 'Active', 'Paused', 'Withdrawn', 'Completed', 'Deleted'] as const
export const AGREEMENT_STATUS = ['NotAgreed', 'EmployerAgreed', 'ProviderAgreed', 'BothAgreed'] as const
export const TRAINING_TYPES = ['Framework', 'Standard'] as const
export const TRANSFER_APPROVAL_STATUS = ['Pending', 'TransferApproved', 'TransferRejected'] as const
export type PaymentStatus = (typeof PAYMENT_STATUS)[number]
export type AgreementStatus = (typeof AGREEMENT_STATUS)[number]
export type TrainingType = (typeof TRAINING_TYPES)[number]
export type TransferApprovalStatus = (typeof TRANSFER_APPROVAL_STATUS)[number]

/** The permissions (roles) the service's controllers ask for in [Authorize(Roles = …)]. */
export const PERMISSIONS = [
  'StoreApprenticeshipEvent',
  'ReadApprenticeshipEvent',
  'StoreAgreementEvent',
  'ReadAgreementEvent',
  'StoreAccountEvent',
  'ReadAccountEvent',
  'WriteGenericEvent',
  'ReadGenericEvent',
] as const

const byIndex = <N extends string>(names: readonly N[]) => new Map(names.map((n, i) => [i, n] as const))
export const PAYMENT_STATUS_BY_NUMBER = byIndex(PAYMENT_STATUS)
export const AGREEMENT_STATUS_BY_NUMBER = byIndex(AGREEMENT_STATUS)
/** The document: "framework" or 1, "standard" or 2. The service's enum: Framework = 0, Standard = 1. */
export const TRAINING_TYPE_NUMBERS = {
  document: new Map<number, TrainingType>([[1, 'Framework'], [2, 'Standard']]),
  service: byIndex(TRAINING_TYPES),
} as const
export type TrainingTypeNumbers = keyof typeof TRAINING_TYPE_NUMBERS

// ---- request bodies -------------------------------------------------------------------------------

type Ctx = z.core.$RefinementCtx
const isEmpty = (s: string | null) => s === null || s.trim() === ''

/** FluentValidation's NotEmpty(), in its 6.2 wording. */
function notEmpty(ctx: Ctx, prefix: string, name: string, value: string | null) {
  if (isEmpty(value)) ruleIssue(ctx, `${prefix}${name}`, `'${displayName(name)}' should not be empty.`)
}

/** The SQL columns the real service writes into: a NOT NULL column given null, or a value longer than
 *  its VARCHAR, fails the INSERT there (a 500). The sandbox answers 400 in FluentValidation's words. */
function columns(ctx: Ctx, prefix: string, row: Record<string, unknown>, limits: Record<string, number>, notNull: readonly string[] = []) {
  for (const name of notNull) {
    if (row[name] === null) ruleIssue(ctx, `${prefix}${name}`, `'${displayName(name)}' must not be empty.`)
  }
  for (const [name, max] of Object.entries(limits)) {
    const value = row[name]
    if (typeof value === 'string' && value.length > max) {
      ruleIssue(ctx, `${prefix}${name}`, `'${displayName(name)}' must be between 0 and ${max} characters. You entered ${value.length} characters.`)
    }
  }
}

const priceHistoryInput = caseInsensitive(
  ['TotalCost', 'EffectiveFrom', 'EffectiveTo'],
  z.object({ TotalCost: netDecimalInput(false), EffectiveFrom: netDate(true), EffectiveTo: netDate(false) }),
  'SFA.DAS.Events.Api.Types.PriceHistory',
)

const apprenticeshipFields = {
  Event: netString,
  ApprenticeshipId: netInteger(false, 64),
  PaymentStatus: strictEnum(PAYMENT_STATUS),
  PausedOnDate: netDate(false),
  StoppedOnDate: netDate(false),
  AgreementStatus: strictEnum(AGREEMENT_STATUS),
  ProviderId: netString,
  LearnerId: netString,
  EmployerAccountId: netString,
  TrainingType: strictEnum(TRAINING_TYPES),
  TrainingId: netString,
  TrainingStartDate: netDate(false),
  TrainingEndDate: netDate(false),
  TrainingTotalCost: netDecimalInput(true),
  PaymentOrder: netInteger(false, 32),
  LegalEntityId: netString,
  LegalEntityName: netString,
  LegalEntityOrganisationType: netString,
  AccountLegalEntityPublicHashedId: netString,
  EffectiveFrom: netDate(false),
  EffectiveTo: netDate(false),
  DateOfBirth: netDate(false),
  // The orchestrator maps a missing list to an empty one.
  PriceHistory: z.unknown().transform((v, ctx) => {
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) return bindingIssue(ctx, 'Cannot deserialize the current JSON object into type \'System.Collections.Generic.IEnumerable`1[SFA.DAS.Events.Api.Types.PriceHistory]\' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.')
    return v
  }).pipe(z.array(priceHistoryInput)),
  TransferSenderId: netInteger(true, 64),
  TransferSenderName: netString,
  TransferApprovalStatus: nullableEnum(TRANSFER_APPROVAL_STATUS, 'TransferApprovalStatus'),
  TransferApprovalActionedOn: netDate(false),
}

type ApprenticeshipBound = { [K in keyof typeof apprenticeshipFields]: z.output<(typeof apprenticeshipFields)[K]> }
export type ApprenticeshipInput = Omit<ApprenticeshipBound, 'PaymentStatus' | 'AgreementStatus'> & {
  PaymentStatus: EnumRaw
  AgreementStatus: EnumRaw
  TrainingType: EnumRaw
}

/** CreateApprenticeshipEventCommandValidator (and its copy in the bulk validator), then the columns. */
export function apprenticeshipRules(ctx: Ctx, e: ApprenticeshipBound, prefix = '') {
  if (e.TransferSenderId !== null && e.TransferSenderId > 0 && isEmpty(e.TransferSenderName)) {
    ruleIssue(ctx, `${prefix}TransferSenderName`, "'Transfer Sender Name' should not be empty if 'Transfer Sender Id' is specified")
  }
  const senderIdEmpty = e.TransferSenderId === null || e.TransferSenderId === 0
  if (!isEmpty(e.TransferSenderName) && senderIdEmpty) {
    ruleIssue(ctx, `${prefix}TransferSenderId`, "'Transfer Sender Id' should not be empty if 'Transfer Sender Name' is specified")
  }
  if (e.TransferApprovalStatus !== null && senderIdEmpty) {
    ruleIssue(ctx, `${prefix}TransferSenderId`, "'Transfer Sender Id' should not be empty if 'Transfer Approval Status' is set")
  }
  columns(ctx, prefix, e, {
    Event: 50, ProviderId: 20, LearnerId: 20, EmployerAccountId: 20, TrainingId: 20, LegalEntityId: 50,
    LegalEntityName: 100, LegalEntityOrganisationType: 20, TransferSenderName: 100, AccountLegalEntityPublicHashedId: 6,
  }, ['Event', 'EmployerAccountId'])
}

const apprenticeshipObject = (extra: Record<string, z.ZodType> = {}) =>
  caseInsensitive([...Object.keys(apprenticeshipFields), ...Object.keys(extra)], z.object({ ...apprenticeshipFields, ...extra }), 'SFA.DAS.Events.Api.Types.ApprenticeshipEvent')

/** POST api/events/apprenticeships: one ApprenticeshipEvent. */
export const apprenticeshipEventInput = later(() =>
  apprenticeshipObject().superRefine((e, ctx) => apprenticeshipRules(ctx, e as ApprenticeshipBound)),
)

/** POST api/events/apprenticeships/bulk: IList<ApprenticeshipEvent>; the bulk validator names items
 *  `ApprenticeshipEvents[i].…`. */
export const apprenticeshipBulkInput = later(() =>
  z
    .unknown()
    .transform((v, ctx) => {
      if (!Array.isArray(v)) {
        return bindingIssue(ctx, "Cannot deserialize the current JSON object (e.g. {\"name\":\"value\"}) into type 'System.Collections.Generic.IList`1[SFA.DAS.Events.Api.Types.ApprenticeshipEvent]' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.")
      }
      return v
    })
    .pipe(z.array(apprenticeshipObject()))
    .superRefine((events, ctx) => events.forEach((e, i) => apprenticeshipRules(ctx, e as ApprenticeshipBound, `ApprenticeshipEvents[${i}].`))),
)

export type AgreementInput = { Event: string | null; ProviderId: string | null; ContractType: string | null }
const agreementFields = { Event: netString, ProviderId: netString, ContractType: netString }
const agreementRules = (ctx: Ctx, e: AgreementInput) => {
  // CreateAgreementEventCommandValidator, then the AgreementEvents columns.
  notEmpty(ctx, '', 'Event', e.Event)
  notEmpty(ctx, '', 'ProviderId', e.ProviderId)
  columns(ctx, '', e, { Event: 50, ProviderId: 20, ContractType: 50 }, ['ContractType'])
}
export const agreementEventInput = later(() =>
  caseInsensitive(Object.keys(agreementFields), z.object(agreementFields), 'SFA.DAS.Events.Api.Types.AgreementEvent').superRefine((e, ctx) => agreementRules(ctx, e as AgreementInput)),
)

export type AccountInput = { Event: string | null; ResourceUri: string | null }
const accountFields = { Event: netString, ResourceUri: netString }
const accountRules = (ctx: Ctx, e: AccountInput) => {
  notEmpty(ctx, '', 'Event', e.Event)
  notEmpty(ctx, '', 'ResourceUri', e.ResourceUri)
  columns(ctx, '', e, { Event: 50, ResourceUri: 1000 })
}
export const accountEventInput = later(() =>
  caseInsensitive(Object.keys(accountFields), z.object(accountFields), 'SFA.DAS.Events.Api.Types.AccountEvent').superRefine((e, ctx) => accountRules(ctx, e as AccountInput)),
)

/** POST api/events/create binds a whole GenericEvent, Id and CreatedOn included, and echoes it back. */
const genericFields = {
  Id: netInteger(false, 64),
  CreatedOn: netDate(false),
  Type: netString,
  Payload: netString,
  ResourceType: netString,
  ResourceId: netString,
}
export type GenericInput = { Id: number; CreatedOn: number | null; Type: string | null; Payload: string | null; ResourceType: string | null; ResourceId: string | null }
const genericRules = (ctx: Ctx, e: GenericInput) => {
  notEmpty(ctx, '', 'Type', e.Type)
  notEmpty(ctx, '', 'Payload', e.Payload)
  columns(ctx, '', e, { Type: 255, ResourceType: 255, ResourceId: 255 })
}
export const genericEventInput = later(() =>
  caseInsensitive(Object.keys(genericFields), z.object(genericFields), 'SFA.DAS.Events.Api.Types.GenericEvent').superRefine((e, ctx) => genericRules(ctx, e as GenericInput)),
)

// ---- scenario -------------------------------------------------------------------------------------

const createdOn = { CreatedOn: netDate(false) }
const withCreatedOn = <T extends z.ZodType>(names: string[], fields: Record<string, z.ZodType>, rules: (ctx: Ctx, e: never) => void, type: string) =>
  caseInsensitive([...names, 'CreatedOn'], z.object({ ...fields, ...createdOn }), type).superRefine((e, ctx) => rules(ctx, e as never)) as unknown as T

const recordNote = 'The POST body of this stream (any letter case), plus an optional createdOn (ISO 8601; default: the clock at session start)'
const stream = <T extends z.ZodType>(record: T, what: string) =>
  z
    .strictObject({
      generate: z.number().int().min(0).max(1_000_000).default(0).meta({ description: `How many ${what} to make from the seed` }),
      every: duration.prefault('1h').meta({ description: 'Time between generated events; the last is just before generatedUntil' }),
      records: z.array(record).default([]).meta({ description: recordNote }),
    })
    .prefault({})

// Built when a scenario first gives records (most give none): each is a whole event body's schema.
const apprenticeshipRecord = later(() => apprenticeshipObject(createdOn).superRefine((e, ctx) => apprenticeshipRules(ctx, e as ApprenticeshipBound)))
const agreementRecord = later(() => withCreatedOn<z.ZodType<AgreementInput & { CreatedOn: number | null }>>(Object.keys(agreementFields), agreementFields, agreementRules, 'AgreementEvent'))
const accountRecord = later(() => withCreatedOn<z.ZodType<AccountInput & { CreatedOn: number | null }>>(Object.keys(accountFields), accountFields, accountRules, 'AccountEvent'))
const genericRecord = later(() => withCreatedOn<z.ZodType<GenericInput>>(Object.keys(genericFields).filter((k) => k !== 'CreatedOn'), genericFields, genericRules, 'GenericEvent'))

/** The `das:` piece of a scenario. */
export const dasConfig = z.strictObject({
  signingKey: z.string().min(1).default('das-sandbox-signing-key').meta({ description: "HS256 secret (the service's ApiTokenSecret)" }),
  issuer: z.string().min(1).default('http://localhost:29638').meta({ description: 'The only issuer accepted (ApiIssuer)' }),
  audience: z.string().min(1).default('http://localhost/events').meta({ description: 'Accepted audiences, space-separated (ApiAudiences); tokens are minted for the first' }),
  clockSkew: duration.prefault('5m').meta({ description: "Tolerance on exp/nbf (the service's 5 minutes)" }),
  tokenTtl: duration.prefault('30d').meta({ description: 'Lifetime of tokens minted by POST /__sandbox/das/tokens without expiresIn (ApiTokenGen: 720h)' }),
  trainingTypeNumbers: z.enum(['document', 'service']).default('document').meta({
    description: 'What a numeric trainingType means: document (1 framework, 2 standard) or service (0 Framework, 1 Standard)',
  }),
  generatedUntil: z.iso.datetime({ offset: true }).optional().meta({ description: 'Generated events end here; default: start of the session day (UTC)' }),
  apprenticeships: stream(apprenticeshipRecord, 'apprenticeship events'),
  engagements: stream(agreementRecord, 'provider agreement events'),
  accounts: stream(accountRecord, 'employer account events'),
  generic: stream(genericRecord, 'generic events'),
})
export type DasConfig = z.output<typeof dasConfig>
export type ApprenticeshipRecord = ApprenticeshipInput & { CreatedOn: number | null }

// ---- query strings --------------------------------------------------------------------------------

/** Web API reads query names ignoring case, the first of repeated values, and "" as absent. */
function queryValues(names: readonly string[]) {
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]))
  return (input: unknown): Record<string, string | undefined> => {
    const out: Record<string, string | undefined> = {}
    for (const [key, raw] of Object.entries((input ?? {}) as Record<string, string | string[]>)) {
      const name = byLower.get(key.toLowerCase())
      const value = Array.isArray(raw) ? raw[0] : raw
      if (name && out[name] === undefined && value !== undefined && value !== '') out[name] = value
    }
    return out
  }
}

/** int/long action parameters; a value that is not a number is a 400 in the sandbox (see the README). */
function intParam(ctx: Ctx, q: Record<string, string | undefined>, name: string, fallback: number, bits: 32 | 64): number {
  const raw = q[name]
  if (raw === undefined) return fallback
  const n = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw.trim()) : NaN
  const limit = bits === 32 ? 2 ** 31 : Number.MAX_SAFE_INTEGER
  if (Number.isNaN(n) || n >= limit || n < -limit) {
    ctx.addIssue({ code: 'custom', message: `The value '${raw}' is not valid for ${name}.`, path: [name], params: { kind: 'binding' } })
    return fallback
  }
  return n
}

function dateParam(ctx: Ctx, raw: string | undefined): number | undefined {
  const parsed = parseServiceDate(raw)
  if (parsed.ok) return parsed.ms
  // StringExtension.ParseDateTime: new ValidationException($"Bad date format {ex.Message}").
  ctx.addIssue({ code: 'custom', message: `Bad date format ${parsed.message}`, path: [], params: { kind: 'date' } })
  return undefined
}

function pageRules(ctx: Ctx, pageNumber: number, pageSize: number) {
  if (pageNumber < 1) ruleIssue(ctx, 'PageNumber', "'Page Number' must be greater than or equal to '1'.")
  if (pageSize < 1 || pageSize > 10000) ruleIssue(ctx, 'PageSize', `'Page Size' must be between 1 and 10000. You entered ${pageSize}.`)
}

function rangeRule(ctx: Ctx, from: number, to: number) {
  if (from > to) ruleIssue(ctx, 'FromDateTime', `'From Date Time' must be less than or equal to '${formatUsDate(to)}'.`)
}

export interface StreamQuery {
  from: number
  to: number
  pageSize: number
  pageNumber: number
  fromEventId: number
}

/** GET api/events/{apprenticeships|engagements|accounts}: the orchestrator defaults the dates, parses
 *  both (even when fromEventId is given) and then runs Get…EventsRequestValidator. */
export const streamQuery = later(() =>
  z.unknown().transform((input, ctx): StreamQuery => {
    const q = queryValues(['fromDate', 'toDate', 'pageSize', 'pageNumber', 'fromEventId'])(input)
    const pageSize = intParam(ctx, q, 'pageSize', 1000, 32)
    const pageNumber = intParam(ctx, q, 'pageNumber', 1, 32)
    const fromEventId = intParam(ctx, q, 'fromEventId', 0, 64)
    if (ctx.issues.length > 0) return z.NEVER
    const from = dateParam(ctx, q.fromDate ?? '20000101000000')
    const to = from === undefined ? undefined : dateParam(ctx, q.toDate ?? '99991231235959')
    if (from === undefined || to === undefined) return z.NEVER
    rangeRule(ctx, from, to)
    pageRules(ctx, pageNumber, pageSize)
    if (fromEventId < 0) ruleIssue(ctx, 'FromEventId', "'From Event Id' must be greater than or equal to '0'.")
    return { from, to, pageSize, pageNumber, fromEventId }
  }),
)

export interface GenericQuery {
  types: string[]
  from?: number
  to?: number
  pageSize: number
  pageNumber: number
  fromEventId: number
  resourceType?: string
  resourceId?: string
}

/** The `string eventType` overloads. Without eventType the real service picks the IEnumerable overload,
 *  whose list is read from the (empty) body, and fails; the sandbox says what is missing instead. */
function eventTypes(ctx: Ctx, value: string | undefined): string[] {
  if (value === undefined) ruleIssue(ctx, 'EventTypes', "'Event Types' should not be empty.")
  return value === undefined ? [] : [value]
}

/** GET api/events/getSinceEvent?eventType=&fromEventId=&pageSize=&pageNumber= */
export const sinceEventQuery = later(() =>
  z.unknown().transform((input, ctx): GenericQuery => {
    const q = queryValues(['eventType', 'pageSize', 'pageNumber', 'fromEventId'])(input)
    const pageSize = intParam(ctx, q, 'pageSize', 1000, 32)
    const pageNumber = intParam(ctx, q, 'pageNumber', 1, 32)
    const fromEventId = intParam(ctx, q, 'fromEventId', 0, 64)
    if (ctx.issues.length > 0) return z.NEVER
    const types = eventTypes(ctx, q.eventType)
    if (fromEventId < 0) ruleIssue(ctx, 'FromEventId', "'From Event Id' must be greater than or equal to '0'.")
    pageRules(ctx, pageNumber, pageSize)
    return { types, pageSize, pageNumber, fromEventId }
  }),
)

/** GET api/events/getByDateRange: the controller parses both dates itself, with no defaults, so a
 *  missing one is "Bad date format Value cannot be null.". */
export const byDateRangeQuery = later(() =>
  z.unknown().transform((input, ctx): GenericQuery => {
    const q = queryValues(['eventType', 'fromDate', 'toDate', 'pageSize', 'pageNumber'])(input)
    const pageSize = intParam(ctx, q, 'pageSize', 1000, 32)
    const pageNumber = intParam(ctx, q, 'pageNumber', 1, 32)
    if (ctx.issues.length > 0) return z.NEVER
    const from = dateParam(ctx, q.fromDate)
    const to = from === undefined ? undefined : dateParam(ctx, q.toDate)
    if (from === undefined || to === undefined) return z.NEVER
    const types = eventTypes(ctx, q.eventType)
    rangeRule(ctx, from, to)
    pageRules(ctx, pageNumber, pageSize)
    return { types, from, to, pageSize, pageNumber, fromEventId: 0 }
  }),
)

/** GET api/events/getByResourceId: optional dates; the service has no validator here (a bad page is a
 *  SQL error, a 500), the sandbox applies the page rules of the other queries. */
export const byResourceQuery = later(() =>
  z.unknown().transform((input, ctx): GenericQuery => {
    const q = queryValues(['resourceType', 'resourceId', 'fromDate', 'toDate', 'pageSize', 'pageNumber'])(input)
    const pageSize = intParam(ctx, q, 'pageSize', 1000, 32)
    const pageNumber = intParam(ctx, q, 'pageNumber', 1, 32)
    if (ctx.issues.length > 0) return z.NEVER
    const from = q.fromDate === undefined ? undefined : dateParam(ctx, q.fromDate)
    if (q.fromDate !== undefined && from === undefined) return z.NEVER
    const to = q.toDate === undefined ? undefined : dateParam(ctx, q.toDate)
    if (q.toDate !== undefined && to === undefined) return z.NEVER
    pageRules(ctx, pageNumber, pageSize)
    return {
      types: [], pageSize, pageNumber, fromEventId: 0,
      ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
      ...(q.resourceType !== undefined ? { resourceType: q.resourceType } : {}),
      ...(q.resourceId !== undefined ? { resourceId: q.resourceId } : {}),
    }
  }),
)

// ---- control --------------------------------------------------------------------------------------

/** POST /__sandbox/das/tokens */
export const tokenInput = later(() =>
  z.strictObject({
    permissions: z
      .union([z.array(z.string().regex(/^\S+$/, 'a permission has no spaces')).min(1), z.string().min(1).transform((s) => s.split(/\s+/).filter(Boolean))])
      .meta({ description: `Roles for the data claim, e.g. ${PERMISSIONS.join(', ')}` }),
    expiresIn: duration.optional().meta({ description: "Lifetime on the session clock; default the scenario's tokenTtl" }),
    audience: z.string().min(1).optional(),
    issuer: z.string().min(1).optional(),
  }),
)
