import * as z from 'zod'
import { duration, formatDuration } from './duration.js'
import { globToRegExp } from './journal.js'
import type { Random } from './random.js'

// A rule's headers reach Node's Headers and ServerResponse, which throw on a name that is not an HTTP
// token and on a value with CR, LF or a character past U+00FF: refused here, at the edge, rather than
// failing (500) on every request the rule matches.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is an HTTP token: letters, digits and !#$%&\'*+.^_`|~-')
const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'a header value has no CR, LF or control characters and no characters past U+00FF')
// Node's timers hold at most 2^31-1 ms (24.8 days) and fire a longer one at once; an hour is plenty to
// test a client's timeout.
const MAX_DELAY_MS = 3_600_000
const delayMs = duration.refine((ms) => ms <= MAX_DELAY_MS, { message: 'a fault delay is at most 1h' })

/** The form of a fault rule, in the scenario's `faults:` and in `POST /__sandbox/faults`. The partner
 *  names come from the partners mounted, so the core names none. */
export function faultRuleSchema(partners: readonly string[]) {
  const partner = partners.length > 0 ? z.enum(partners as [string, ...string[]]) : z.string()
  return z
    .strictObject({
      id: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - only').optional(),
      partner: partner.meta({ description: 'The partner whose requests the rule matches' }),
      method: z.string().regex(/^[A-Za-z]+$/).transform((m) => m.toUpperCase()).optional(),
      path: z.string().default('*').meta({ description: 'A glob under the partner prefix; * matches anything' }),
      headers: z.record(headerName, z.string()).optional().meta({ description: 'Header values the request must carry (names case-insensitive, values may use *)' }),
      times: z.number().int().positive().optional().meta({ description: 'How many times the rule acts; omitted: always' }),
      probability: z.number().min(0).max(1).default(1),
      respond: z
        .strictObject({
          // A 1xx is not a final response: the client would wait for one that never comes.
          status: z.number().int().min(200).max(599).default(500),
          body: z.unknown().optional(),
          headers: z.record(headerName, headerValue).optional(),
        })
        .optional(),
      delay: z.union([delayMs, z.tuple([delayMs, delayMs])]).optional(),
      drop: z.literal(true).optional(),
      truncate: z.literal(true).optional(),
    })
    .superRefine((rule, ctx) => {
      const endings = [rule.respond, rule.drop, rule.truncate].filter((x) => x !== undefined).length
      if (endings + (rule.delay !== undefined ? 1 : 0) === 0) {
        ctx.addIssue({ code: 'custom', message: 'a fault needs an action: respond, delay, drop or truncate' })
      }
      if (endings > 1) {
        ctx.addIssue({ code: 'custom', message: 'respond, drop and truncate exclude each other (delay combines with any)' })
      }
      if (Array.isArray(rule.delay) && rule.delay[0] > rule.delay[1]) {
        ctx.addIssue({ code: 'custom', path: ['delay'], message: 'a delay range goes from the smaller to the larger' })
      }
    })
}

export type FaultRule = z.output<ReturnType<typeof faultRuleSchema>>
export type FaultRuleInput = z.input<ReturnType<typeof faultRuleSchema>>

export interface FaultView extends FaultRule {
  id: string
  hits: number
  /** How many more times it acts; null: always. */
  remaining: number | null
  description: string
}

export interface FaultRequest {
  partner: string
  method: string
  path: string
  header(name: string): string | undefined
}

export interface FaultSetSnapshot {
  seq: number
  rules: { rule: FaultRule & { id: string }; hits: number }[]
}

/** What a matched rule asks of the request, with any delay already drawn. */
export interface FaultAction {
  id: string
  description: string
  delayMs: number
  respond?: NonNullable<FaultRule['respond']>
  drop: boolean
  truncate: boolean
}

interface LiveRule {
  rule: FaultRule & { id: string }
  path: RegExp
  headers: [string, RegExp][]
  hits: number
}

/** One session's active fault rules, in order: the first that matches, has times left and wins its
 *  probability draw acts. */
export class FaultSet {
  #rules: LiveRule[] = []
  #seq = 0

  constructor(rules: readonly FaultRule[] = []) {
    for (const rule of rules) this.add(rule)
  }

  add(rule: FaultRule): FaultView {
    const id = rule.id ?? `f${++this.#seq}`
    if (this.#rules.some((r) => r.rule.id === id)) throw new RangeError(`a fault with id "${id}" exists already`)
    const live: LiveRule = {
      rule: { ...rule, id },
      path: globToRegExp(rule.path),
      headers: Object.entries(rule.headers ?? {}).map(([k, v]) => [k.toLowerCase(), globToRegExp(v)]),
      hits: 0,
    }
    this.#rules.push(live)
    return view(live)
  }

  remove(id: string): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((r) => r.rule.id !== id)
    return this.#rules.length < before
  }

  clear(): void {
    this.#rules = []
  }

  list(): FaultView[] {
    return this.#rules.map(view)
  }

  get size(): number {
    return this.#rules.length
  }

  /** The rules as given (parsed), each with its hit count, and the sequence of generated ids: what a
   *  session snapshot needs so a restored set acts exactly as this one would. */
  snapshot(): FaultSetSnapshot {
    return { seq: this.#seq, rules: this.#rules.map(({ rule, hits }) => ({ rule, hits })) }
  }

  /** The set a snapshot was taken of; `rules` must already be parsed by faultRuleSchema. */
  static restore(data: { seq: number; rules: { rule: FaultRule; hits: number }[] }): FaultSet {
    const set = new FaultSet()
    for (const { rule, hits } of data.rules) {
      set.add(rule)
      set.#rules[set.#rules.length - 1]!.hits = hits
    }
    set.#seq = data.seq
    return set
  }

  match(req: FaultRequest, random: Random): FaultAction | undefined {
    for (const live of this.#rules) {
      const { rule } = live
      if (rule.partner !== req.partner) continue
      if (rule.method && rule.method !== req.method) continue
      if (!live.path.test(req.path)) continue
      if (!live.headers.every(([name, value]) => value.test(req.header(name) ?? ''))) continue
      if (rule.times !== undefined && live.hits >= rule.times) continue
      // Drawn only for requests that match otherwise, so unrelated traffic never shifts the sequence.
      if (!random.chance(rule.probability)) continue
      live.hits++
      const delay = rule.delay
      const delayMs = delay === undefined ? 0 : Array.isArray(delay) ? random.int(delay[0], delay[1]) : delay
      return {
        id: rule.id,
        description: describe(rule, delayMs),
        delayMs,
        ...(rule.respond ? { respond: rule.respond } : {}),
        drop: rule.drop === true,
        truncate: rule.truncate === true,
      }
    }
    return undefined
  }
}

function view(live: LiveRule): FaultView {
  const { rule, hits } = live
  return {
    ...rule,
    hits,
    remaining: rule.times === undefined ? null : Math.max(0, rule.times - hits),
    description: describe(rule),
  }
}

function describe(rule: FaultRule & { id: string }, delayMs?: number): string {
  const acts: string[] = []
  if (rule.delay !== undefined) {
    acts.push(
      delayMs !== undefined
        ? `delayed ${formatDuration(delayMs)}`
        : `delay ${Array.isArray(rule.delay) ? rule.delay.map(formatDuration).join('–') : formatDuration(rule.delay)}`,
    )
  }
  if (rule.respond) acts.push(`respond ${rule.respond.status}`)
  if (rule.drop) acts.push('drop the connection')
  if (rule.truncate) acts.push('truncate the body')
  return `fault ${rule.id}: ${acts.join(', then ')} (${rule.partner} ${rule.method ?? '*'} ${rule.path})`
}
