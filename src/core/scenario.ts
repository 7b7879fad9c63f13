import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import * as z from 'zod'
import { duration } from './duration.js'
import { faultRuleSchema } from './faults.js'
import type { AnyPartner, PartnerAction } from './partner.js'

/** A scenario problem, the way every surface reports it: `partners.beoe.tokenTtl: …`. */
export interface Problem {
  path: string
  message: string
}

export class ScenarioError extends Error {
  constructor(
    readonly problems: Problem[],
    readonly source?: string,
  ) {
    const where = source ? `${source}: ` : ''
    super(`invalid scenario${source ? ` ${source}` : ''}:\n${problems.map((p) => `  ${where}${p.path}: ${p.message}`).join('\n')}`)
    this.name = 'ScenarioError'
  }
}

const port = z.number().int().min(0).max(65_535)

/** `+90m` from the session's start, or an ISO-8601 time with offset. */
const stepTime = z.string().refine((at) => (at.startsWith('+') ? duration.safeParse(at.slice(1)).success : isIsoWithOffset(at)), {
  message: 'write a time as +<duration> from the start (+1h) or as ISO-8601 with an offset',
})

function isIsoWithOffset(text: string): boolean {
  return z.iso.datetime({ offset: true }).safeParse(text).success
}

/** The scenario schema, composed from each partner's piece: the core knows no partner by name. */
export function scenarioSchema(partners: readonly AnyPartner[]) {
  const names = partners.map((p) => p.name)
  const actions = new Map<string, PartnerAction<unknown>>(
    partners.flatMap((p) => Object.entries(p.actions ?? {}).map(([key, action]) => [`${p.name}.${key}`, action] as const)),
  )
  const actionNames = [...actions.keys()]

  const step = z
    .strictObject({
      at: stepTime,
      do: (actionNames.length > 0 ? z.enum(actionNames as [string, ...string[]]) : z.never()).meta({
        description: 'A partner action, e.g. apna.push',
      }),
      with: z.unknown().optional(),
    })
    .transform((s, ctx) => {
      const parsed = actions.get(s.do)!.input.safeParse(s.with ?? {})
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['with', ...issue.path] } as never)
        return z.NEVER
      }
      return { at: s.at, do: s.do, with: parsed.data as unknown }
    })

  return z
    .strictObject({
      $schema: z.string().optional(),
      name: z.string().min(1).default('unnamed'),
      description: z.string().optional(),
      seed: z.number().int().nonnegative().default(1).meta({ description: 'Fake data and fault draws are a pure function of it' }),
      clock: z
        .strictObject({
          start: z.iso.datetime({ offset: true }).optional().meta({ description: 'Session time at start; omitted: real time' }),
          frozen: z.boolean().default(false),
        })
        .prefault({}),
      partners: z.strictObject(Object.fromEntries(partners.map((p) => [p.name, p.config.prefault({} as never)]))).prefault({}),
      listen: z
        .strictObject(Object.fromEntries(names.map((n) => [n, port.optional()])))
        .prefault({})
        .meta({ description: 'A port of its own for a partner, served at the root' }),
      faults: z.array(faultRuleSchema(names)).default([]),
      timeline: z.array(step).default([]),
      limits: z
        .strictObject({
          sessions: z.number().int().positive().default(1_000).meta({ description: 'Live sessions; the least recently used is evicted' }),
          journal: z.number().int().positive().default(10_000).meta({ description: 'Journal entries kept per session' }),
          journalBytes: z
            .number()
            .int()
            .positive()
            .default(16 * 1024 * 1024)
            .meta({ description: 'Bytes of request and response bodies the journal keeps per session (oldest entries go first); default 16 MiB' }),
        })
        .prefault({}),
    })
    .meta({ title: 'partner-sandbox scenario' })
}

type Schema = ReturnType<typeof scenarioSchema>
export type Scenario = z.output<Schema> & { partners: Record<string, unknown> }

export function toProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }))
}

// Where a parsed scenario keeps the input it came from: hidden (not enumerable), because the parsed
// form is what every other surface shows.
const INPUT = Symbol('scenario input')

/** Validates a parsed scenario; throws ScenarioError listing every problem. */
export function parseScenario(schema: Schema, input: unknown, source?: string): Scenario {
  // Without zod's compiled fast path: a scenario is parsed a few times a run, and compiling that path
  // for each of its objects (new Function, which V8's code cache never holds) doubled the first parse,
  // some 15 ms of every start. The request schemas keep it; they parse thousands of times.
  const result = schema.safeParse(input ?? {}, { jitless: true })
  if (!result.success) throw new ScenarioError(toProblems(result.error), source)
  return withInput(result.data as Scenario, input ?? {})
}

/** The scenario as it was written (YAML/JSON parsed, before defaults and transforms), with its seed:
 *  what a session snapshot stores, because the parsed form does not always parse again (a schedule's
 *  `09:00` becomes minutes). Falls back to the parsed form for a scenario made some other way. */
export function scenarioInput(scenario: Scenario): Record<string, unknown> {
  const input = (scenario as { [INPUT]?: unknown })[INPUT]
  const base = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : (scenario as Record<string, unknown>)
  return { ...base, seed: scenario.seed }
}

/** `scenario` remembering `input` as its source (see scenarioInput). */
export function withInput(scenario: Scenario, input: unknown): Scenario {
  Object.defineProperty(scenario, INPUT, { value: input, enumerable: false, configurable: true })
  return scenario
}

/** No scenario nests deeper than this; the YAML parser, handed 100,000 nested brackets, runs the
 *  process out of memory, so deeper text is refused before it is parsed. */
const MAX_NESTING = 64

/** YAML or JSON text (YAML is a superset, so one parser reads both; JSON goes through JSON.parse
 *  first, which is many times faster on a big body). */
export function parseScenarioText(schema: Schema, text: string, source?: string): Scenario {
  const depth = flowNesting(text)
  if (depth > MAX_NESTING) {
    throw new ScenarioError([{ path: '(root)', message: `nested ${depth} levels deep; a scenario nests at most ${MAX_NESTING}` }], source)
  }
  let input: unknown
  const json = /^\s*[[{]/.test(text) ? tryJson(text) : undefined
  if (json !== undefined) input = json.value
  else {
    try {
      input = parseYaml(text, { prettyErrors: true, maxAliasCount: 100, logLevel: 'error' })
    } catch (error) {
      throw new ScenarioError([{ path: '(root)', message: `not YAML or JSON: ${(error as Error).message.split('\n')[0]}` }], source)
    }
  }
  return parseScenario(schema, input, source)
}

function tryJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined // YAML's flow style ({name: x}) starts the same way: the YAML parser decides
  }
}

/** The deepest nesting of flow brackets, counted cheaply (brackets in strings count too, which only
 *  errs towards refusing absurd text). */
function flowNesting(text: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 91 || ch === 123) max = Math.max(max, ++depth)
    else if ((ch === 93 || ch === 125) && depth > 0) depth--
  }
  return max
}

export async function loadScenarioFile(schema: Schema, file: string): Promise<Scenario> {
  let text: string
  try {
    // Read at once: a scenario is a few kilobytes, read before the sandbox serves, and the promise API's
    // open, stat, read and close, each a turn through libuv's thread pool, were some 8 ms of every start.
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ScenarioError([{ path: '(root)', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }], file)
  }
  return parseScenarioText(schema, text, file)
}

/** The JSON Schema for editors (`npm run schema`): what a scenario file may contain. */
export function scenarioJsonSchema(schema: Schema): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
}

/** Epoch ms of a timeline step for a session that started at `start`. */
export function stepDue(at: string, start: number): number {
  return at.startsWith('+') ? start + (duration.parse(at.slice(1)) as number) : Date.parse(at)
}
