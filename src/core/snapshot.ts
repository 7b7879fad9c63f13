import * as z from 'zod'
import type { Problem } from './scenario.js'
import { later } from './later.js'

/** A session's whole state as JSON: `GET /__sandbox/snapshot` returns it, `PUT` restores it, and
 *  `--state-dir` keeps one file of it per session.
 *
 *  What it holds: the scenario as written (so it parses again), the clock, the session's fault-draw
 *  stream, the fault rules with their hit counts, the timeline's step status, and for each partner
 *  whose state exists its random stream and what its `snapshot` hook returns: only what clients and
 *  timers changed, never data the seed generates.
 *  What it leaves out: the request journal (a diagnostic log, bounded and cleared by a restore like a
 *  reset) and anything on the wire (an Apna attempt in flight is sent again after a restore).
 *
 *  The version changes when a field changes meaning; a restore refuses versions it does not know. */
export const SNAPSHOT_FORMAT = 'partner-sandbox/session'
export const SNAPSHOT_VERSION = 1

const iso = z.iso.datetime({ offset: true })
const uint32 = z.number().int().min(0).max(0xffff_ffff)

export const snapshotSchema = later(() =>
  z.strictObject({
    format: z.literal(SNAPSHOT_FORMAT),
    version: z.literal(SNAPSHOT_VERSION),
    /** The session it was taken from; a snapshot may be restored into any session. */
    session: z.string(),
    /** The scenario as written, seed included: validated again on restore. */
    scenario: z.record(z.string(), z.unknown()),
    clock: z.strictObject({
      now: iso,
      frozen: z.boolean(),
      /** Machine time when `now` was read, for a running clock only: a restore keeps the session's
       *  offset from real time, so time goes on running across a restart as it would have. */
      realAt: iso.optional(),
    }),
    /** The state of the session's fault-draw stream. */
    random: uint32,
    faults: z.strictObject({
      seq: z.number().int().nonnegative(),
      rules: z.array(z.strictObject({ rule: z.unknown(), hits: z.number().int().nonnegative() })),
    }),
    timeline: z.array(
      z.strictObject({
        index: z.number().int().nonnegative(),
        do: z.string(),
        at: z.string(),
        due: iso,
        status: z.enum(['pending', 'done', 'failed']),
        error: z.string().optional(),
      }),
    ),
    partners: z.record(z.string(), z.strictObject({ random: uint32, data: z.unknown() })),
  }),
)

export type SessionSnapshot = z.output<typeof snapshotSchema>

/** A snapshot that cannot be restored, with where and why; the control API answers it with 400. */
export class SnapshotError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the snapshot cannot be restored: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
    this.name = 'SnapshotError'
  }
}

/** Problems of `error` under `path`: a ZodError's issues, a SnapshotError's problems, or its message. */
export function problemsOf(error: unknown, path: string): Problem[] {
  const join = (rest: string) => (rest === '' || rest === '(root)' ? path : path === '' ? rest : `${path}.${rest}`)
  if (error instanceof SnapshotError) return error.problems.map((p) => ({ path: join(p.path), message: p.message }))
  if (error instanceof z.ZodError) {
    return error.issues.map((i) => ({ path: join(i.path.map(String).join('.')), message: i.message }))
  }
  return [{ path: path || '(root)', message: error instanceof Error ? error.message : String(error) }]
}

/** `data` parsed by `schema`, or a SnapshotError naming each problem under `path`. */
export function parsePart<S extends z.ZodType>(schema: S, data: unknown, path = ''): z.output<S> {
  const result = schema.safeParse(data)
  if (!result.success) throw new SnapshotError(problemsOf(result.error, path))
  return result.data
}

/** Zod pieces the partners' snapshot schemas share. */
export const snap = {
  uint32,
  /** Epoch ms. */
  time: z.number().int(),
  /** An instant as ISO 8601 text (`2026-01-14T11:00:00.000Z`), for data kept as text. */
  isoTime: iso,
  /** A Map as JSON: its entries in insertion order, which some stores depend on (oldest evicted first). */
  entries: <V extends z.ZodType>(value: V) => z.array(z.tuple([z.string(), value])),
}
