import type { InvalidKind } from './schema.js'

/** What one application sends: the JSON value (null when the body is deliberately not JSON) and the
 *  exact bytes on the wire. */
export interface Payload {
  value: unknown
  body: string
}

export interface Shaping {
  /** Applied in order: the session's overrides, the push's, this application's own. */
  patches?: readonly (Record<string, unknown> | undefined)[]
  omit?: readonly string[]
  invalid?: InvalidKind
  field?: string
}

/** A generated candidate with the caller's changes: session overrides, then the push's overrides, then
 *  this application's own patch, then omissions, then (on request) a deliberate defect. */
export function shape(candidate: object, s: Shaping): Payload {
  let value: unknown = structuredClone(candidate)
  for (const patch of s.patches ?? []) if (patch) value = merge(value, patch)
  for (const path of s.omit ?? []) drop(value, path)
  if (!s.invalid) return { value, body: JSON.stringify(value) }
  return breakIt(value as Record<string, unknown>, s.invalid, s.field)
}

function breakIt(value: Record<string, unknown>, kind: InvalidKind, field: string | undefined): Payload {
  switch (kind) {
    case 'missing_field':
      drop(value, field ?? 'full_name')
      break
    case 'wrong_type': {
      const path = field ?? 'current_salary'
      set(value, path, retype(get(value, path)))
      break
    }
    case 'bad_gender':
      value.gender = 'male'
      break
    case 'bad_date':
      // A date as a person types it, not the document's ISO format.
      value.date_of_birth = '22/06/1996'
      break
    case 'empty_object':
      return { value: {}, body: '{}' }
    case 'malformed_json': {
      const text = JSON.stringify(value)
      return { value: null, body: text.slice(0, Math.floor(text.length / 2)) }
    }
  }
  return { value, body: JSON.stringify(value) }
}

/** The same information in the wrong JSON type: a number as words, a string as a number, a list as a
 *  string. */
function retype(v: unknown): unknown {
  if (typeof v === 'number') return `${v} per month`
  if (typeof v === 'string') return 12345
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (Array.isArray(v)) return v.join(', ')
  if (v && typeof v === 'object') return JSON.stringify(v)
  return 'not-a-value'
}

// Keys that would reach Object.prototype rather than the payload.
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype'])

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Objects merge key by key; arrays and values replace. */
export function merge(base: unknown, patch: Record<string, unknown>): unknown {
  if (!isPlain(base)) return structuredClone(patch)
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    if (UNSAFE.has(k)) continue
    out[k] = isPlain(v) ? merge(out[k], v) : structuredClone(v)
  }
  return out
}

function parentOf(value: unknown, path: string, create: boolean): [Record<string, unknown>, string] | undefined {
  const keys = path.split('.')
  if (keys.some((k) => UNSAFE.has(k))) return undefined
  let at: unknown = value
  for (const k of keys.slice(0, -1)) {
    if (!isPlain(at)) return undefined
    if (create && !isPlain(at[k])) at[k] = {}
    at = at[k]
  }
  return isPlain(at) ? [at, keys[keys.length - 1]!] : undefined
}

function drop(value: unknown, path: string): void {
  const p = parentOf(value, path, false)
  if (p) delete p[0][p[1]]
}

function get(value: unknown, path: string): unknown {
  const p = parentOf(value, path, false)
  return p ? p[0][p[1]] : undefined
}

function set(value: unknown, path: string, v: unknown): void {
  const p = parentOf(value, path, true)
  if (p) p[0][p[1]] = v
}

/** What a delivery's body serialises, read back when asked for (views, snapshots) rather than kept beside
 *  the body: the application as built; a deliberately malformed body has none. shape() makes every other
 *  body with JSON.stringify, so this is the same value. */
export function payloadOf(d: { invalid: InvalidKind | null; body: string }): unknown {
  if (d.invalid === 'malformed_json') return null
  try {
    return JSON.parse(d.body)
  } catch {
    // Only a hand-edited snapshot gets here (a body that is not the JSON its delivery says): listing it
    // must not fail.
    return null
  }
}
