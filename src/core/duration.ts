import * as z from 'zod'

/** The one parser of durations: `500ms`, `5s`, `61m`, `1h`, `7d`, or sums such as `1h30m`. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  if (!WHOLE.test(s)) return undefined
  let ms = 0
  for (const [, n, unit] of s.matchAll(PART)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS]
  return Math.round(ms)
}

/** `90000` -> `1m30s`: how the sandbox writes a duration back. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  const out: string[] = []
  let rest = Math.round(ms)
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]
    const n = Math.floor(rest / size)
    if (n > 0) out.push(`${n}${unit}`)
    rest -= n * size
  }
  return out.join('')
}

/** The longest duration taken: 1,000 years. Durations are added to clock times, and a time past
 *  JavaScript's Date range (year 275760) makes every ISO string of it throw; `9999999999999999d` once
 *  did that to a session's whole journal. */
export const MAX_DURATION_MS = 1000 * 365.25 * 86_400_000

/** A duration in a scenario or a control call: a string like `5s`, or a number of milliseconds. */
export const duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : parseDuration(value)
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration: write it like 500ms, 5s, 61m, 1h or 7d` })
      return z.NEVER
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is longer than 1000 years, the longest duration taken` })
      return z.NEVER
    }
    return ms
  })
  .meta({ description: 'A duration: 500ms, 5s, 61m, 1h, 7d (sums like 1h30m too), or a number of milliseconds' })
