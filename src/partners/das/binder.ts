import * as z from 'zod'
import { parseBodyDate } from './dates.js'

/** How the service's Web API binds a JSON body, in zod: Newtonsoft matches member names ignoring case and
 *  skips unknown ones, converts between JSON kinds the way JsonConvert does, and the enums go through
 *  das-events' StrictEnumConverter. Issues carry `params.kind`: `binding` (a value Newtonsoft could not
 *  convert: Web API's ModelState form), `date` (a query date: "Bad date format …") or `rule` (a
 *  FluentValidation rule: "Property Name: …\r\nError: …"). */

export type IssueKind = 'binding' | 'date' | 'rule'

type Ctx = z.core.$RefinementCtx

export function bindingIssue(ctx: Ctx, message: string, path: PropertyKey[] = []): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, path, params: { kind: 'binding' } })
  return z.NEVER
}

/** A FluentValidation failure: `property` is its PropertyName (`PageSize`, `ApprenticeshipEvents[0].Event`). */
export function ruleIssue(ctx: Ctx, property: string, message: string): void {
  // The path names the member for scenario problems; HTTP answers use `property`.
  ctx.addIssue({ code: 'custom', message, path: [property.replace(/^.*\./, '')], params: { kind: 'rule', property } })
}

/** `PageSize` -> `Page Size`: FluentValidation's display name of a property. */
export function displayName(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
}

export function kindOf(issue: z.core.$ZodIssue): IssueKind {
  const kind = (issue as { params?: { kind?: IssueKind } }).params?.kind
  return kind ?? 'binding'
}

const kindName = (v: unknown) => (Array.isArray(v) ? 'StartArray' : v === null ? 'Null' : typeof v === 'object' ? 'StartObject' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Float') : typeof v === 'boolean' ? 'Boolean' : 'String')

/** Members by name, ignoring case; a later duplicate wins, unknown names are dropped. */
export function caseInsensitive<T extends z.ZodType<unknown, Record<string, unknown>>>(names: readonly string[], schema: T, typeName: string) {
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]))
  return z.unknown().transform((input, ctx) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return bindingIssue(ctx, `Cannot deserialize the current JSON ${Array.isArray(input) ? 'array (e.g. [1,2,3])' : 'value'} into type '${typeName}' because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly.`)
    }
    // Every member present (a missing one as null, which each converter reads as its default).
    const out: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, null]))
    for (const [key, value] of Object.entries(input)) {
      const name = byLower.get(key.toLowerCase())
      if (name) out[name] = value
    }
    return out
  }).pipe(schema)
}

export const netString = z.unknown().transform((v, ctx): string | null => {
  if (v === undefined || v === null) return null
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  return bindingIssue(ctx, `Unexpected character encountered while parsing value: ${Array.isArray(v) ? '[' : '{'}. Expected a string, got ${kindName(v)}.`)
})

const INTEGER = /^\s*[+-]?\d+\s*$/

/** long / int (Int64 is kept within JavaScript's safe integers). `nullable`: long? ; otherwise a null
 *  leaves the default 0, as Newtonsoft's error handler does under Web API. */
export function netInteger(nullable: boolean, bits: 32 | 64) {
  const max = bits === 32 ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER
  const min = bits === 32 ? -(2 ** 31) : Number.MIN_SAFE_INTEGER
  const type = bits === 32 ? 'Int32' : 'Int64'
  return z.unknown().transform((v, ctx): number | null => {
    if (v === undefined || v === null || v === '') return nullable ? null : 0
    let n: number
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) return bindingIssue(ctx, `Input string '${v}' is not a valid integer.`)
      n = v
    } else if (typeof v === 'string' && INTEGER.test(v)) n = Number(v.trim())
    else return bindingIssue(ctx, `Could not convert ${typeof v === 'string' ? `string to integer: ${v}` : `${kindName(v)} to ${type}`}.`)
    if (n > max || n < min) return bindingIssue(ctx, `Value was either too large or too small for an ${type}.`)
    return n
  })
}

/** decimal / decimal?: a JSON number or a numeric string. */
export function netDecimalInput(nullable: boolean) {
  return z.unknown().transform((v, ctx): number | null => {
    if (v === undefined || v === null || v === '') return nullable ? null : 0
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : NaN
    if (Number.isNaN(n)) return bindingIssue(ctx, `Could not convert ${typeof v === 'string' ? `string to decimal: ${v}` : `${kindName(v)} to Decimal`}.`)
    // SQL DECIMAL(18, 2) holds up to 16 digits before the point; more is an arithmetic overflow.
    if (Math.abs(n) >= 1e16) return bindingIssue(ctx, 'Value was either too large or too small for a Decimal.')
    return n
  })
}

/** DateTime? (or DateTime when `required`): an ISO 8601 string; see parseBodyDate. */
export function netDate(required: boolean) {
  return z.unknown().transform((v, ctx): number | null => {
    if (v === undefined || v === null) return required ? bindingIssue(ctx, "Error converting value {null} to type 'System.DateTime'.") : null
    if (typeof v !== 'string') return bindingIssue(ctx, `Unexpected token parsing date. Expected String, got ${kindName(v)}.`)
    if (v === '' && !required) return null
    const ms = parseBodyDate(v)
    if (ms === undefined) return bindingIssue(ctx, `Could not convert string to DateTime: ${v}.`)
    return ms
  })
}

/** What StrictEnumConverter saw, before the numbering is known (TrainingType's numbering is a scenario
 *  choice): a number, a name, or anything else (which the converter turns into the enum's first value). */
export type EnumRaw = { n: number } | { name: string } | { fallback: true }

/** das-events App_Start/StrictEnumConverter: an integer token, or a string that int.TryParse reads, is
 *  looked up by number; another string by name ignoring case; anything else, or no match, becomes the
 *  first value, never an error. */
export function strictEnum(names: readonly string[]) {
  return z.unknown().transform((v): EnumRaw => {
    if (typeof v === 'number' && Number.isInteger(v)) return { n: v }
    if (typeof v === 'string') {
      if (/^\s*[+-]?\d+\s*$/.test(v) && Math.abs(Number(v)) < 2 ** 31) return { n: Number(v.trim()) }
      const name = names.find((n) => n.toLowerCase() === v.trim().toLowerCase())
      if (name) return { name }
    }
    return { fallback: true }
  })
}

/** The enum's name for `raw`, given which number means which name. */
export function resolveEnum<N extends string>(raw: EnumRaw, byNumber: ReadonlyMap<number, N>, names: readonly N[]): N {
  if ('n' in raw) return byNumber.get(raw.n) ?? names[0]!
  if ('name' in raw) return raw.name as N
  return names[0]!
}

/** A nullable enum (TransferApprovalStatus?): StrictEnumConverter does not apply to Nullable<T>, so
 *  Newtonsoft's own reading is used: a defined number or a name; anything else fails to bind. */
export function nullableEnum<N extends string>(names: readonly N[], clrType: string) {
  return z.unknown().transform((v, ctx): N | null => {
    if (v === undefined || v === null) return null
    if (typeof v === 'number' && Number.isInteger(v) && names[v] !== undefined) return names[v]!
    if (typeof v === 'string') {
      const name = names.find((n) => n.toLowerCase() === v.trim().toLowerCase())
      if (name) return name
      if (INTEGER.test(v) && names[Number(v)] !== undefined) return names[Number(v)]!
    }
    return bindingIssue(ctx, `Error converting value ${JSON.stringify(v)} to type 'System.Nullable\`1[SFA.DAS.Events.Api.Types.${clrType}]'.`)
  })
}
